"""Each flag on a small hand-written call: it fires where a coach would raise it, and
stays quiet on the near miss next to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from coach.analysis import Analyzer
from coach.cli.main import cli
from coach.models import Transcript, Turn


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def call(lines: list[tuple[str, str]], *, overlap_last: bool = False) -> Transcript:
    """CSM "Priya" and customer "Dana" (plus "Sam", internal, when a line says so)."""
    names = {"csm": "Priya", "customer": "Dana", "internal": "Sam"}
    turns, t = [], 0.0
    for role, text in lines:
        dur = max(2.0, len(text.split()) / 2.5)
        turns.append(Turn(speaker=names[role], role=role, start=t, end=t + dur, text=text))
        t += dur + 0.5
    return Transcript(format="coach-json", turns=turns, role_sources={n: "test" for n in names.values()})


OPEN = [
    ("csm", "Hi Dana, thanks for making the time."),
    ("customer", "This is unacceptable. The exports have failed for a week and nobody has called me back."),
    ("customer", "We missed the board deadline because of it, and I'm looking at other vendors."),
    ("csm", "Dana, you're right to be upset. A week without exports is a real problem."),
    ("csm", "Can I ask what your team has been doing instead?"),
    (
        "customer",
        "Copying numbers by hand. Three of my analysts spent the whole week rebuilding the same "
        "reports from screenshots, and my director asked me twice why the board pack was late. "
        "I told him we were waiting on you, and that is not a conversation I want to have again.",
    ),
]
GOOD_CLOSE = [
    ("csm", "That's on me. I'm your single point of contact until this is fixed."),
    (
        "csm",
        "I'm escalating the ticket to our engineering lead now, and I'd like to bring my director onto our next call.",
    ),
    ("csm", "You'll hear from me by four p.m. today. Can we talk Thursday at ten?"),
    (
        "customer",
        "Thursday works. And thank you, this is the first real plan with dates anyone has given me, "
        "so I can finally tell my director something concrete about the exports.",
    ),
    ("csm", "Is there anything else I should know?"),
]


def codes(analyzer: Analyzer, lines, **kw) -> set[str]:
    report = analyzer.analyze(call(lines), **kw)
    return {f.code for f in report.flags}


def test_good_escalation_raises_nothing(analyzer):
    assert codes(analyzer, OPEN + GOOD_CLOSE) == set()


def test_vague_timeline_and_no_follow_up(analyzer):
    got = codes(
        analyzer,
        OPEN
        + [
            ("csm", "That's on me. We're looking into it and we'll circle back soon."),
            ("csm", "I'd like to bring my director onto a call. Is there anything else?"),
        ],
    )
    assert {"vague-timeline", "no-follow-up"} <= got


def test_no_owner_when_ownership_is_spread(analyzer):
    lines = OPEN + [("csm", "Support, engineering and your account team are all looking into it.")] + GOOD_CLOSE[1:]
    assert "no-owner" in codes(analyzer, lines)


def test_no_executive_path_unless_declined(analyzer):
    lines = OPEN + [
        GOOD_CLOSE[0],
        ("csm", "I'm escalating the ticket now. You'll hear from me by four today."),
        GOOD_CLOSE[4],
    ]
    assert "no-executive-path" in codes(analyzer, lines)
    declined = lines[:2] + [("customer", "I don't need to escalate this to anybody's boss.")] + lines[2:]
    assert "no-executive-path" not in codes(analyzer, declined)


def test_over_promise_but_not_honest_uncertainty(analyzer):
    assert "over-promise" in codes(
        analyzer, OPEN + [("csm", "It will be fixed by end of day, guaranteed.")] + GOOD_CLOSE
    )
    honest = ("csm", "I can't promise a date yet, and I won't make one up.")
    assert "over-promise" not in codes(analyzer, OPEN + [honest] + GOOD_CLOSE)


def test_defensive_language(analyzer):
    assert "defensive-language" in codes(analyzer, OPEN + [("csm", "To be fair, it's in the terms.")] + GOOD_CLOSE)


def test_over_apologizing_after_being_asked_to_stop(analyzer):
    lines = (
        OPEN[:3]
        + [
            ("csm", "I'm so sorry about this week."),
            ("csm", "I'm sorry, really."),
            ("customer", "You can stop apologizing. I need a plan."),
            ("csm", "Sorry, yes."),
        ]
        + GOOD_CLOSE
    )
    assert "over-apologizing" in codes(analyzer, lines)
    assert "over-apologizing" not in codes(analyzer, OPEN + GOOD_CLOSE)


def test_unaddressed_concern_names_the_topic(analyzer):
    concern = ("customer", "Oh, and while I have you, we were invoiced twice for March and that needs to be looked at.")
    report = analyzer.analyze(call(OPEN + [concern] + GOOD_CLOSE))
    flags = [f for f in report.flags if f.code == "unaddressed-concern"]
    assert flags and flags[0].detail["topic"] == "billing"
    answered = [concern, ("csm", "I'll get the duplicate invoice credited today.")]
    assert "unaddressed-concern" not in codes(analyzer, OPEN + answered + GOOD_CLOSE)


def test_jargon_with_a_business_audience_only(analyzer):
    techy = (
        "csm",
        "The CDC stream replayed stale deltas, so the upsert hit the idempotency TTL on the dead letter queue.",
    )
    assert "jargon" in codes(analyzer, OPEN + [techy] + GOOD_CLOSE)
    glossed = ("csm", techy[1] + " In plain English, the sync replayed old data over your new data.")
    assert "jargon" not in codes(analyzer, OPEN + [glossed] + GOOD_CLOSE)
    assert "jargon" not in codes(analyzer, OPEN + [techy] + GOOD_CLOSE, call_type="training")


def test_acknowledgment_gap_only_on_escalations(analyzer):
    lines = (
        OPEN[:3] + [("csm", "So what happened is a config change caused the exports to fail.")] + OPEN[3:] + GOOD_CLOSE
    )
    assert "acknowledgment-gap" in codes(analyzer, lines)
    assert "acknowledgment-gap" not in codes(analyzer, lines, call_type="qbr")


@pytest.mark.parametrize(
    "defence",
    [
        "To be fair, that's not really on our side, the export job depends on your server settings.",
        "Honestly it's only a handful of reports, it's not a big deal.",
        "Support should have caught that sooner, that's their queue.",
    ],
)
def test_defending_first_is_solutioning_before_acknowledging(analyzer, defence):
    """The rubric's gap is troubleshooting, explaining *or defending* before acknowledging."""
    lines = OPEN[:3] + [("csm", defence)] + OPEN[3:] + GOOD_CLOSE
    report = analyzer.analyze(call(lines), call_type="escalation")
    seq = report.sequence
    assert seq.ack_before_solution is False
    assert seq.first_solution_at is not None and seq.first_ack_at is not None
    assert seq.first_solution_at < seq.first_ack_at
    assert "acknowledgment-gap" in {f.code for f in report.flags}


def test_interrupted_customer_but_not_a_backchannel(analyzer):
    tr = call(OPEN + GOOD_CLOSE)
    vent = tr.turns[1]
    cut = Turn(
        speaker="Priya",
        role="csm",
        start=vent.end - 1.5,
        end=vent.end + 3,
        text="Okay, so let me explain how the export works.",
    )
    mm = Turn(speaker="Priya", role="csm", start=vent.start + 1, end=vent.start + 1.5, text="Mm-hmm.")
    short = vent.model_copy(update={"end": vent.end - 0.5, "text": vent.text + " --"})
    base = [t for t in tr.turns if t is not vent]
    with_cut = tr.model_copy(update={"turns": sorted([*base, short, cut], key=lambda t: t.start)})
    with_mm = tr.model_copy(update={"turns": sorted([*tr.turns, mm], key=lambda t: t.start)})
    assert "interrupted-customer" in {f.code for f in analyzer.analyze(with_cut).flags}
    assert "interrupted-customer" not in {f.code for f in analyzer.analyze(with_mm).flags}


def test_talk_ratio_band_by_call_type(analyzer):
    lines = [
        ("csm", "Let me walk you through the whole roadmap and every release in detail. " * 6),
        ("customer", "Okay, that's a lot. We mostly care about the export changes and the new permissions. " * 2),
    ]
    assert "talk-ratio-high" in codes(analyzer, lines, call_type="escalation")
    assert "talk-ratio-high" not in codes(analyzer, lines, call_type="training")


# -- flags from concepts: who speaks, tense, hypotheticals, refusals (paraphrases of our own)

PLEDGES = [
    "I promise you this won't happen again.",
    "You have my word, the export will be back tonight.",
    "I guarantee we'll have it running by Friday.",
    "This will definitely be sorted by tomorrow morning.",
    "It'll be live Monday, a hundred percent.",
    "The reports will be back before your board meets, I promise.",
]
NOT_PLEDGES = [
    "Our SLA is 99.9 percent uptime for the export service.",
    "The contract guarantees a four hour response on priority tickets.",
    "I won't promise a date I can't keep; you'll have one from me by four today.",
    "If I guaranteed Friday right now, I'd be guessing.",
    "Your previous rep promised that, and he shouldn't have.",
    "It's simpler than it looks, I promise.",
]


@pytest.mark.parametrize("text", PLEDGES)
def test_over_promise_is_a_pledge_on_a_future_outcome(analyzer, text):
    assert "over-promise" in codes(analyzer, OPEN + [("csm", text)] + GOOD_CLOSE)


@pytest.mark.parametrize("text", NOT_PLEDGES)
def test_over_promise_not_a_description_report_hypothetical_or_refusal(analyzer, text):
    assert "over-promise" not in codes(analyzer, OPEN + [("csm", text)] + GOOD_CLOSE)


COMMITTEES = [
    "The team is looking into it and someone will reach out.",
    "Engineering's on it, they'll get back to you.",
    "I'll pass this on to the engineering team.",
]


@pytest.mark.parametrize("text", COMMITTEES)
def test_no_owner_when_a_team_is_the_subject(analyzer, text):
    lines = OPEN + [("csm", text)] + GOOD_CLOSE[1:]
    assert "no-owner" in codes(analyzer, lines)


@pytest.mark.parametrize(
    "owner",
    [
        "And I'm personally on it until it's closed.",
        "This sits with me from here on.",
        "Sam is driving the fix, so he's your guy on that.",
    ],
)
def test_a_named_owner_answers_committee_talk(analyzer, owner):
    lines = OPEN + [("csm", "The team is looking into it."), ("csm", owner)] + GOOD_CLOSE[1:]
    assert "no-owner" not in codes(analyzer, lines)


def test_collective_fault_is_not_a_named_owner(analyzer):
    lines = OPEN + [("csm", "This one is on us. The team is looking into it.")] + GOOD_CLOSE[1:]
    assert "no-owner" in codes(analyzer, lines)


def test_undated_promise_on_a_routine_call(analyzer):
    lines = [
        ("csm", "Hi Dana, today we're doing the reporting session."),
        ("customer", "Great. Can the dashboards be in Spanish?"),
        ("csm", "Good question, I'll check with our product folks and let you know."),
        ("customer", "Thanks."),
        ("csm", "Is there anything else?"),
    ]
    got = codes(analyzer, lines, call_type="training")
    assert {"vague-timeline", "no-follow-up"} <= got
    dated = lines[:2] + [("csm", "I'll check with our product folks and email you by Thursday at noon.")] + lines[3:]
    assert not {"vague-timeline", "no-follow-up"} & codes(analyzer, dated, call_type="training")


# --- a team's own flag, as data (tests/data/teamflag/rules: per-our-policy + hid-behind-policy)

TEAM_RULES = Path(__file__).parent / "data" / "teamflag" / "rules"
POLICY_CALL = Path(__file__).parent / "data" / "teamflag" / "calls" / "policy_shield.txt"


@pytest.fixture(scope="module")
def team_analyzer() -> Analyzer:
    return Analyzer([TEAM_RULES])


def test_team_flag_fires_on_its_phrase_like_a_shipped_flag(team_analyzer, analyzer):
    lines = OPEN + [("csm", "I understand. Per our policy, refunds take thirty days.")] + GOOD_CLOSE
    report = team_analyzer.analyze(call(lines), call_type="escalation")
    flag = next(f for f in report.flags if f.code == "hid-behind-policy")
    spec = team_analyzer.rules.flags["hid-behind-policy"]
    turn = next(t for t in call(lines).turns if "Per our policy" in t.text)
    assert flag.severity == "medium" and flag.at == turn.start
    assert flag.message == spec.message and flag.suggestion == spec.suggestion
    assert flag.quote == "Per our policy, refunds take thirty days."
    assert flag.detail == {"count": 1, "move": "team_policy_shield"}
    # it weighs in the score like a shipped flag of its severity
    shipped = analyzer.analyze(call(lines), call_type="escalation")
    penalty = team_analyzer.rules.scoring.severity_penalty["medium"]
    assert report.score_breakdown["flags"] == shipped.score_breakdown["flags"] - penalty


@pytest.mark.parametrize(
    "line,call_type",
    [
        ("I'll ask my manager for an exception to our policy today.", "escalation"),  # a must-not example
        ("Is that per our policy?", "escalation"),  # a question
        ("I understand. Per our policy, refunds take thirty days.", "qbr"),  # not judged on QBRs
    ],
)
def test_team_flag_stays_quiet_on_its_near_misses(team_analyzer, line, call_type):
    lines = OPEN + [("csm", line)] + GOOD_CLOSE
    assert "hid-behind-policy" not in codes(team_analyzer, lines, call_type=call_type)


def test_team_flag_reads_only_its_side(team_analyzer):
    lines = OPEN + [("customer", "Per our policy, we need the invoice by Friday.")] + GOOD_CLOSE
    assert "hid-behind-policy" not in codes(team_analyzer, lines, call_type="escalation")


def test_team_flag_needs_min_hits(tmp_path):
    import shutil

    d = tmp_path / "rules"
    shutil.copytree(TEAM_RULES, d)
    flags = d / "flags.yaml"
    flags.write_text(flags.read_text().replace("min_hits: 1", "min_hits: 2"))
    a = Analyzer([d])
    once = OPEN + [("csm", "Per our policy, refunds take thirty days.")] + GOOD_CLOSE
    twice = once[:-1] + [("csm", "Again, that's against company policy.")] + once[-1:]
    assert "hid-behind-policy" not in codes(a, once, call_type="escalation")
    flag = next(f for f in a.analyze(call(twice), call_type="escalation").flags if f.code == "hid-behind-policy")
    assert flag.detail["count"] == 2


def test_shipped_rules_raise_no_team_flag(analyzer):
    lines = OPEN + [("csm", "Per our policy, refunds take thirty days.")] + GOOD_CLOSE
    assert "hid-behind-policy" not in codes(analyzer, lines, call_type="escalation")
    assert analyzer.rules.custom_flags == ()


def test_team_flag_in_the_analyze_json():
    res = CliRunner().invoke(cli, ["analyze", str(POLICY_CALL), "--rules", str(TEAM_RULES), "--format", "json"])
    assert res.exit_code == 0, res.output
    flag = next(f for f in json.loads(res.output)["flags"] if f["code"] == "hid-behind-policy")
    assert set(flag) >= {"code", "severity", "at", "message", "suggestion", "quote", "detail"}
    assert flag["at"] == 21.0 and flag["detail"]["move"] == "team_policy_shield"


def test_batch_has_a_column_for_the_team_flag(tmp_path):
    import csv

    from coach.batch.outputs import CALL_COLUMNS
    from coach.batch.summary import CSM_COLUMNS

    out = tmp_path / "out"
    res = CliRunner().invoke(
        cli, ["batch", str(POLICY_CALL.parent), "--out", str(out), "--rules", str(TEAM_RULES), "-j", "1"]
    )
    assert res.exit_code == 0, res.output
    with open(out / "calls.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    # the shipped columns keep their order; the team's flag follows the shipped flags
    assert [c for c in header if c != "hid-behind-policy"] == list(CALL_COLUMNS)
    assert header.index("hid-behind-policy") == CALL_COLUMNS.index("format")
    assert rows[0]["hid-behind-policy"] == "1"
    with open(out / "csms.csv", newline="") as fh:
        csms = list(csv.DictReader(fh))
    assert [c for c in csms[0] if c != "hid-behind-policy_rate"] == list(CSM_COLUMNS)
    assert float(csms[0]["hid-behind-policy_rate"]) == 1.0
