"""Hand-built, realistic `Transcript` + `Report` pairs for renderer and web tests.

Renderers must work before (and independently of) the analysis, so tests build the
report by hand here. The call is invented: an escalation about a sync outage, with
an interruption during the customer's vent, an acknowledgment gap, a vague timeline,
strengths and improvements, the five-step sequence and the process checklist.
Other helpers may reuse `make_transcript`, `make_report` and `make_minimal_report`.
"""

from __future__ import annotations

from coach.models import Transcript, Turn
from coach.report import (
    CallType,
    Check,
    Concern,
    Evidence,
    Finding,
    Flag,
    Interruption,
    JargonUse,
    Level,
    Metrics,
    Move,
    Report,
    SentimentQuarter,
    Sequence,
    Silence,
    Source,
    SpeakerTime,
    Step,
    Stretch,
)

CSM = "Jordan Pike"
CUSTOMER = "Sam Ortega"
ENGINEER = "Lee Nakamura"

# (speaker, role, start, end, text)
TURNS: list[tuple[str, str, float, float, str]] = [
    (CSM, "csm", 2.0, 9.5,
     "Hi Sam, thanks for jumping on. I have Lee from our platform team here too."),
    (CUSTOMER, "customer", 10.0, 58.0,
     "Honestly this is the third outage this month. Our dispatchers could not see a single "
     "route on Tuesday morning and we lost two key accounts' deliveries. Is anyone actually "
     "working on this?"),
    (CSM, "csm", 55.5, 71.0,
     "So what happened is our ingestion pipeline had a hotfix rollback during the migration."),
    (CUSTOMER, "customer", 71.5, 80.0, "I don't care about the pipeline. I care about my drivers."),
    (CSM, "csm", 80.5, 96.0,
     "That's fair, and I can hear how much this disrupted your team. That's not the "
     "experience you should be getting from us."),
    (CUSTOMER, "customer", 96.5, 104.0, "Thank you. That's all I wanted someone to say."),
    (CSM, "csm", 104.5, 135.0,
     "Walk me through what your dispatchers saw on Tuesday, from the first alert."),
    (CUSTOMER, "customer", 135.5, 170.0,
     "The board went blank at six, we called support at six fifteen, and nobody called us "
     "back until noon. Our own customers were calling us."),
    (ENGINEER, "internal", 170.5, 190.0,
     "The p99 latency spiked when the replica fell behind, so the board timed out."),
    (CSM, "csm", 190.5, 225.0,
     "I'm your single point of contact until this is closed. Lee will ship the replica fix "
     "and I'll send you the incident review."),
    (CUSTOMER, "customer", 225.5, 240.0, "When will that be? We have a board meeting Friday."),
    (CSM, "csm", 240.5, 262.0, "We're working on it and we'll get back to you soon."),
    (CUSTOMER, "customer", 262.5, 280.0, "Soon isn't a date, Jordan."),
    (CSM, "csm", 280.5, 318.0,
     "You're right. You'll have the written review from me by 4pm Thursday, before your "
     "board meeting. Is there anything else I can do to make this right?"),
    (CUSTOMER, "customer", 318.5, 326.0, "No, that covers it. Thanks."),
]


def make_transcript(turns: list[tuple[str, str, float, float, str]] | None = None,
                    *, format: str = "teams-vtt") -> Transcript:
    """The invented escalation call as a `Transcript` with roles assigned."""
    rows = TURNS if turns is None else turns
    return Transcript(
        format=format,
        source_path="calls/harbor_sync_outage.vtt",
        turns=[Turn(speaker=s, role=r, start=a, end=b, text=t) for s, r, a, b, t in rows],
        role_sources={CSM: "--csm", CUSTOMER: "default", ENGINEER: "detected: our team"},
    )


def _ev(at: float, speaker: str, quote: str, signal: str) -> Evidence:
    return Evidence(at=at, speaker=speaker, quote=quote, signal=signal)


def make_report(transcript: Transcript | None = None) -> Report:
    """A full escalation report whose times and quotes point into `make_transcript()`.

    Pass a transcript with other speaker names (e.g. hostile ones) to have the report
    name those speakers instead: speakers are mapped by position of first appearance.
    """
    tr = transcript or make_transcript()
    names = tr.speakers + [CSM, CUSTOMER, ENGINEER][len(tr.speakers):]
    csm, cust, eng = names[0], names[1], names[2]

    def q(i: int) -> str:
        return tr.turns[i].text if i < len(tr.turns) else ""

    metrics = Metrics(
        duration=326.0,
        csm_talk_ratio=0.47,
        talk_time=[
            SpeakerTime(speaker=csm, role="csm", seconds=142.5, turns=7, words=160, share=0.47,
                        overlap_seconds=2.5, wpm=151.0),
            SpeakerTime(speaker=cust, role="customer", seconds=141.0, turns=7, words=140,
                        share=0.47, wpm=132.0),
            SpeakerTime(speaker=eng, role="internal", seconds=19.5, turns=1, words=17,
                        share=0.06, wpm=140.0),
        ],
        talk_time_by_role={"csm": 0.47, "customer": 0.47, "internal": 0.06},
        interruptions=[
            Interruption(at=55.5, by=csm, of=cust, overlap=2.5, cue="overlap",
                         quote=q(2)[:40], during_vent=True),
        ],
        interruptions_raw=3,
        backchannels=2,
        longest_monologue={
            "customer": Stretch(speaker=cust, role="customer", start=10.0, end=58.0,
                                seconds=48.0, words=40),
            "csm": Stretch(speaker=csm, role="csm", start=280.5, end=318.0, seconds=37.5,
                           words=30),
        },
        customer_vent=Stretch(speaker=cust, role="customer", start=10.0, end=58.0,
                              seconds=48.0, words=40),
        silences=[Silence(start=58.0, end=62.0, seconds=4.0)],
        wpm={"csm": 151.0, "customer": 132.0},
        last_speaker=cust,
        last_speaker_role="customer",
        last_csm_turn=_ev(280.5, csm, q(13), "close"),
        jargon=[
            JargonUse(term="ingestion pipeline", at=55.5, speaker=csm),
            JargonUse(term="hotfix rollback", at=55.5, speaker=csm),
            JargonUse(term="p99 latency", at=170.5, speaker=eng),
        ],
        empathy=Level(level="medium", value=0.4, reason="two acknowledgments, late",
                      examples=[_ev(80.5, csm, "I can hear how much this disrupted your team",
                                    "acknowledge")]),
        confidence=Level(level="high", value=0.8, reason="clear commitments"),
        sentiment_quarters=[
            SentimentQuarter(quarter=1, start=0, end=81.5, compound=-0.62, sentences=4),
            SentimentQuarter(quarter=2, start=81.5, end=163, compound=-0.1, sentences=3),
            SentimentQuarter(quarter=3, start=163, end=244.5, compound=None, sentences=0),
            SentimentQuarter(quarter=4, start=244.5, end=326, compound=0.35, sentences=2),
        ],
        sentiment_trend="improved",
    )
    sequence = Sequence(
        applicable=True,
        steps=[
            Step(step="acknowledge", present=True, at=80.5, speaker=csm,
                 quote="I can hear how much this disrupted your team."),
            Step(step="understand", present=True, at=104.5, speaker=csm,
                 quote="Walk me through what your dispatchers saw on Tuesday"),
            Step(step="own", present=True, at=190.5, speaker=csm,
                 quote="I'm your single point of contact until this is closed."),
            Step(step="act", present=True, at=190.5, speaker=csm,
                 quote="Lee will ship the replica fix"),
            Step(step="follow_up", present=True, at=280.5, speaker=csm,
                 quote="You'll have the written review from me by 4pm Thursday"),
        ],
        ack_before_solution=False,
        first_ack_at=80.5,
        first_solution_at=55.5,
        first_solution_quote="So what happened is our ingestion pipeline had a hotfix rollback",
        order_issues=["Explained the cause at [00:55] before acknowledging at [01:20]."],
    )
    flags = [
        Flag(code="acknowledgment-gap", severity="high", at=55.5,
             message="The CSM started explaining the cause before acknowledging the "
                     "customer's frustration.",
             suggestion="Acknowledge first: \"I can hear how much Tuesday hurt your team.\"",
             quote=q(2)),
        Flag(code="interrupted-customer", severity="medium", at=55.5,
             message=f"{csm} cut {cust} off during the opening vent.",
             suggestion="Let the customer finish; note your questions for later.",
             quote=q(2)[:40], detail={"count": 1}),
        Flag(code="vague-timeline", severity="medium", at=240.5,
             message="A commitment without a time or date.",
             suggestion="Name a time: \"You'll have an update from me by 2pm tomorrow.\"",
             quote=q(11)),
        Flag(code="jargon", severity="low", at=55.5,
             message="Unexplained technical terms with a business audience: ingestion "
                     "pipeline, hotfix rollback, p99 latency.",
             suggestion="Explain the cause plainly: \"a change we made overloaded the system.\"",
             detail={"terms": ["ingestion pipeline", "hotfix rollback", "p99 latency"]}),
        Flag(code="no-executive-path", severity="medium", at=None,
             message="Repeated outages and lost deliveries, and no offer to involve leadership.",
             suggestion="Offer an exec-to-exec call: \"I'd like our VP to join the review.\"",
             detail={"topic": "performance"}),
    ]
    checks = [
        Check(name="issue acknowledged", met=True, at=80.5,
              quote="I can hear how much this disrupted your team."),
        Check(name="root cause explained", met=False),
        Check(name="specific action plan", met=True, at=190.5,
              quote="Lee will ship the replica fix"),
        Check(name="timeline committed", met=True, at=280.5, quote="by 4pm Thursday"),
        Check(name="follow-up scheduled", met=True, at=280.5, quote="by 4pm Thursday"),
        Check(name="satisfaction confirmed", met=True, at=280.5,
              quote="Is there anything else I can do to make this right?"),
        Check(name="executive path offered", met=None),
    ]
    findings = [
        Finding(kind="improvement", theme="listening", at=55.5, speaker=csm,
                quote="So what happened is our ingestion pipeline had a hotfix rollback",
                message="Troubleshooting started before acknowledging the frustration, "
                        "and it cut the customer's vent short.",
                suggestion="\"Before anything else: I can hear how much Tuesday cost you.\"",
                rule="ack-gap"),
        Finding(kind="strength", theme="empathy", at=80.5, speaker=csm,
                quote="I can hear how much this disrupted your team",
                message="A clear acknowledgment of impact.", rule="acknowledge"),
        Finding(kind="strength", theme="listening", at=104.5, speaker=csm,
                quote="Walk me through what your dispatchers saw on Tuesday",
                message="An open question that let the customer tell the story.",
                rule="understand"),
        Finding(kind="strength", theme="ownership", at=190.5, speaker=csm,
                quote="I'm your single point of contact until this is closed.",
                message="One named owner.", rule="own"),
        Finding(kind="improvement", theme="commitment", at=240.5, speaker=csm,
                quote="We're working on it and we'll get back to you soon.",
                message="A vague timeline right after the customer asked for a date.",
                suggestion="\"You'll have a confirmed date from me by 2pm tomorrow.\"",
                rule="vague-timeline"),
        Finding(kind="improvement", theme="clarity", at=170.5, speaker=eng,
                quote="The p99 latency spiked", message="Jargon with a business audience.",
                suggestion="\"The system got overloaded and the board stopped loading.\"",
                rule="jargon"),
    ]
    concerns = [
        Concern(topic="performance", at=10.0, speaker=cust, quote="third outage this month",
                addressed=True, addressed_at=190.5),
        Concern(topic="deadline", at=225.5, speaker=cust, quote="We have a board meeting Friday.",
                addressed=True, addressed_at=280.5),
        Concern(topic="support", at=135.5, speaker=cust,
                quote="nobody called us back until noon", addressed=False),
    ]
    moves = [
        Move(move="solution", at=55.5, speaker=csm, role="csm", quote=q(2), rule="explain-cause"),
        Move(move="acknowledge", at=80.5, speaker=csm, role="csm", quote=q(4), rule="acknowledge"),
    ]
    return Report(
        coach_version="0.1.0",
        source=Source(
            path=tr.source_path, format=tr.format,
            speakers={csm: "csm", cust: "customer", eng: "internal"},
            role_sources={csm: "--csm", cust: "default", eng: "detected: our team"},
            warnings=["2 empty cues skipped"], duration=326.0,
        ),
        call_type=CallType(
            label="escalation", confidence=0.86, expected_talk_ratio=(0.30, 0.40),
            focus="listen, acknowledge, action plan",
            evidence=[_ev(10.0, cust, "this is the third outage this month", "repeated-failure"),
                      _ev(10.0, cust, "we lost two key accounts' deliveries", "business-impact")],
            escalation_cause="product problem hurting operations",
        ),
        metrics=metrics,
        sequence=sequence,
        flags=flags,
        checks=checks,
        findings=findings,
        concerns=concerns,
        moves=moves,
        score=64,
        score_breakdown={"sequence": 18.0, "signals": 22.0, "flags": -12.0, "process": 36.0},
    )


def make_minimal_report() -> Report:
    """A calm check-in with nothing to say: every list empty, most signals n/a."""
    return Report(
        source=Source(path="quiet.txt", format="text", duration=60.0),
        call_type=CallType(label="check_in", confidence=0.4, expected_talk_ratio=(0.40, 0.55)),
        metrics=Metrics(duration=60.0, csm_talk_ratio=None,
                        csm_talk_ratio_na="no CSM speech found",
                        interruptions_na="start times only"),
    )


class FakeAnalyzer:
    """Stands in for `coach.analysis.Analyzer`: the hand-made report for any transcript."""

    def __init__(self, rules_dirs: object = ()) -> None:
        self.calls = 0

    def analyze(self, transcript: Transcript, *, call_type: str | None = None) -> Report:
        self.calls += 1
        rep = make_report(transcript)
        rep.source.path = transcript.source_path
        rep.source.format = transcript.format
        return rep
