"""Who is who on the call: the coached CSM, their internal colleagues, the customer.

Decided, in order of authority:

1. ``--csm NAME`` (repeatable): matches a speaker label case-insensitively, exactly
   or as its leading whole words ("Priya" names "Priya Nair");
2. a roster (``coach.roster``): the team's CSMs and internal colleagues by name;
3. the format: ``AGENT`` / ``CUSTOMER`` in Amazon Transcribe Call Analytics, the
   ``role`` of Google Contact Center AI entries (see ``_ccai_roles``), or the roles
   already recorded in a ``coach transcript --format json`` file;
4. detection from what people say: self-introduction with a company ("it's Brittany
   from Appoint Lee"), saying they are the CSM, hosting the call ("thanks for making
   the time"), company-side language ("on our side", "our engineers", "your
   account", "I'll send you") against customer-side language ("your product", "we
   signed", "I opened a ticket"). The CSM is picked only when one speaker is clearly
   ahead; the first speaker is never assumed to be the CSM.

A speaker the CSM side introduces as a colleague ("I've got Anika Sharma, she's a
staff engineer on our team") is internal; everyone else is the customer.
``transcript.role_sources`` records how each role was decided.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from coach.errors import RoleError
from coach.models import Transcript
from coach.roster import Roster, name_matches

# Detection needs this lead over the runner-up, and at least this score.
MIN_SCORE = 2.0
MIN_LEAD = 1.5
CAP_PER_CUE = 2  # one phrase said ten times counts twice

# Characters re.IGNORECASE matches to an ASCII letter that str.lower() does not turn into
# that letter: dotted capital I (lowers to two characters), dotless i, long s, Kelvin sign.
_ODD_CASE = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def fold(text: str) -> str:
    """``text`` lowercased the way re.IGNORECASE compares ASCII letters, same length.

    Same length, so an index in the folded text is an index in ``text``.
    """
    if not text.isascii():
        for odd, plain in _ODD_CASE:
            text = text.replace(odd, plain)
    return text.lower()


class NeedleStarts(dict[str, list[int]]):
    """Where each needle starts in one folded text: found on first use, shared by the cues."""

    def __init__(self, folded: str) -> None:
        super().__init__()
        self.folded = folded

    def __missing__(self, needle: str) -> list[int]:
        found, i = [], self.folded.find(needle)
        while i >= 0:
            found.append(i)
            i = self.folded.find(needle, i + 1)
        self[needle] = found
        return found


@dataclass(frozen=True)
class Cue:
    """A phrase that says which side of the call a speaker is on.

    Every match of ``pattern`` starts with one of ``needles`` (lowercase, compared with
    the ``fold``-ed text), so the regex is tried only where a needle starts: scanning a
    long call with a regex that opens on ``\\b`` and an alternation is slow. Each distinct
    needle costs one ``str.find`` pass over a speaker's text, so cues share short needles
    ("our ", "i ") unless those start too often; tests/test_roles_speed.py checks them.
    """

    pattern: re.Pattern[str]
    weight: float
    label: str
    needles: tuple[str, ...]

    def count(self, text: str, starts: NeedleStarts | None = None) -> int:
        """``len(pattern.findall(text))``, at most CAP_PER_CUE.

        findall takes the leftmost match and goes on from its end; every match starts
        at a needle, so trying the needle starts in order finds the same matches (a
        ``\\b`` at ``at`` still sees the character before it, and no match is empty).
        ``starts`` shares the needle search between the cues scoring one text.
        """
        starts = NeedleStarts(fold(text)) if starts is None else starts
        n = end = 0
        for at in sorted({i for needle in self.needles for i in starts[needle]}):
            if at >= end and (m := self.pattern.match(text, at)):
                n, end = n + 1, m.end()
                if n == CAP_PER_CUE:
                    break
        return n


def _cue(regex: str, weight: float, label: str, needles: tuple[str, ...],
         flags: int = re.I) -> Cue:
    return Cue(re.compile(regex, flags), weight, label, needles)


_STAFF = r"(?:agents?|reps?|staff|people|folks)\b"
_NAME = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?"
_COMPANY = r"[A-Z][\w&'’.-]*"
_ILL = ("i'll", "ill ")  # I'?ll

CUES: tuple[Cue, ...] = (
    # The CSM says what they are.
    _cue(r"\bI'?m your (?:\w+ ){0,2}(?:customer success|CSM|account manager|success manager|"
         r"point of contact|main contact|account executive)", 6, "says they are the CSM",
         ("i'm", "im")),
    _cue(r"\b(?:I'?m|I am) (?:the|a|your) (?:\w+ )?(?:customer success manager|CSM)\b", 6,
         "says they are the CSM", ("i'm", "im", "i am")),
    # Self-introduction with a company.
    _cue(rf"\b(?:[Ii]t'?s|[Ii]t is|[Tt]his is|I'?m|I am|[Mm]y name(?:'s| is))\s+{_NAME},?\s+"
         rf"(?:from|with|over at|here at)\s+{_COMPANY}", 3,
         "introduces themselves with their company",
         ("it's", "its", "it is", "this is", "i'm", "im", "i am", "my name"), 0),
    _cue(rf"\b(?:[Ii]t'?s|[Ii]t is|[Tt]his is|I'?m|I am|[Mm]y name(?:'s| is))\s+{_NAME},?\s+"
         r"(?:from|with|on|over on)\s+(?:the|our)\s+(?:[Cc]ustomer [Ss]uccess|CS|[Aa]ccount "
         r"[Mm]anagement|[Ss]uccess|[Oo]nboarding|[Ii]mplementation|[Ss]olutions|[Ss]upport)\s+"
         r"(?:team|side|org)", 3, "introduces themselves from the vendor's team",
         ("it's", "its", "it is", "this is", "i'm", "im", "i am", "my name"), 0),
    _cue(rf"\b(?:[Hh]i|[Hh]ey|[Hh]ello|[Gg]ood (?:morning|afternoon))\s+{_NAME}[,.!]?\s+"
         rf"(?:it'?s|this is)\s+{_NAME}", 1.5, "greets the other by name and introduces "
         "themselves", ("hi", "hey", "hello", "good morning", "good afternoon"), 0),
    # Hosting the call.
    _cue(r"\bthanks?(?: you)?(?: so much)? for (?:making (?:the |some )?time|taking the time|"
         r"jumping on|hopping on|getting on|joining|carving out|fitting this in|"
         r"finding (?:the |some )?time)", 2, "thanks the other for making the time", ("thank",)),
    _cue(r"\b(?:quick agenda|(?:the )?agenda for today|the point of today|"
         r"I(?:'ve| have) got (?:about )?\w+ minutes blocked|I wanted to walk (?:you )?through)",
         1.5, "runs the agenda", ("quick agenda", "the agenda for today", "agenda for today",
                                  "the point of today", "i've", "i ")),
    _cue(r"\bthanks for calling\b", 1, "takes the call", ("thank",)),
    # Company side.
    _cue(r"\b(?:on|from) our (?:side|end)\b", 2, "speaks for 'our side'", ("on our", "from our")),
    # "our support agents" are the customer's own staff, not the vendor's support team
    _cue(rf"\bour (?:\w+ )?(?:product|platform|roadmap|support(?! {_STAFF})|implementation|onboarding|"
         r"customer success|solutions|engineering|engineers|developers|reliability|"
         r"incident|status page|SLA|terms|pricing|billing)\b", 1.5,
         "speaks of 'our' product, engineers, support", ("our ",)),
    _cue(r"\byour (?:account|renewal|contract|subscription|instance|tenant|workspace|"
         r"environment|rollout|implementation|onboarding|admins?|users|seats|licen[cs]es|plan|"
         r"usage|integration|sandbox|data|go[- ]live|success plan)\b", 1,
         "speaks of 'your account'", ("your ",)),
    _cue(r"\bI'?ll (?:\w+ ){0,2}(?:send|get|email|walk|set|share with|loop in|introduce) you\b",
         1.5, "commits to the other ('I'll send you')", _ILL),
    _cue(r"\bI'?ll (?:personally |also )?(?:own|take ownership|follow up|circle back|"
         r"escalate|loop in|reach out to (?:our|the))", 1.5, "owns follow-ups", _ILL),
    _cue(r"\blet me (?:check|look into|find out|get back|loop in|pull up|dig into)\b", 1,
         "offers to check", ("let me",)),
    _cue(r"\b(?:we|I) can (?:credit|waive|extend|offer|comp|discount|escalate)\b|"
         r"\bcredit (?:on|to|for) your\b", 1.5, "offers credits or escalation",
         ("we ", "i ", "credit")),
    _cue(r"\b(?:runs|leads|heads) customer success\b|\bcustomer success (?:team|manager)\b",
         1, "speaks of customer success",
         ("runs customer", "leads customer", "heads customer", "customer success")),
    _cue(r"\bI'?ll (?:\w+ ){0,2}(?:send|put together|draft|write up|share) (?:\w+ ){0,3}"
         r"(?:proposal|recap|summary|invite|agenda|quote|options|plan|timeline|notes)\b", 1.5,
         "promises the proposal or recap", _ILL),
    _cue(r"\b(?:other|most of our|a lot of our|many of our|our other) (?:customers|clients)\b|"
         r"\bworked (?:well )?(?:elsewhere|for other)", 1.5, "speaks of other customers",
         ("other", "most of our", "a lot of our", "many of our", "our other", "worked")),
    _cue(r"\bour (?:typical|standard|usual) (?:rollout|implementation|onboarding|timeline|"
         r"process|approach)\b", 1, "speaks of 'our typical rollout'", ("our ",)),
    _cue(r"\b(?:so,? )?(?:the |our )?next steps\b", 1, "sums up next steps",
         ("so ", "so, ", "the next steps", "our next steps", "next steps")),
    _cue(r"\bcan I ask (?:you )?(?:a few|a couple of|some) questions\b", 1, "asks to probe",
         ("can i ask",)),
    _cue(r"\banything else (?:I|we) (?:should|can|need)", 1, "asks 'anything else?'",
         ("anything else",)),
    # Customer side.
    _cue(rf"\byour (?:company|product|platform|software|tool|app|support(?! {_STAFF})(?: team)?|sales "
         r"(?:rep|team|guy|person)|rep|billing (?:line|team|department)|pricing|"
         r"engineers|status page|onboarding specialist|implementation (?:person|consultant))\b",
         -1.5, "speaks of 'your product / your support'", ("your ",)),
    _cue(r"\b(?:we|I)(?:'ve| have)? (?:just )?(?:signed|bought|purchased|paid|pay|are paying|"
         r"'re paying|got (?:an|this|the) (?:invoice|email|bill))\b", -1.5,
         "is the one paying ('we signed', 'we pay')", ("we ", "we've", "i ", "i've")),
    _cue(r"\b(?:I|we) (?:\w+ ){0,2}(?:opened|submitted|filed|raised|logged) "
         r"(?:a |the |another |our )?(?:ticket|case|support request)", -1.5,
         "opened the ticket", ("i ", "we ")),
    _cue(r"\b(?:nobody|no one) (?:from your|at your|called|emailed|told|reached)", -1,
         "nobody called them", ("nobody", "no one")),
    _cue(r"\b(?:the|our) (?:last|previous|old) (?:vendor|provider)\b", -1,
         "compares with their last vendor",
         ("the last", "the previous", "the old", "our last", "our previous", "our old")),
    _cue(r"\b(?:cancel (?:our|my) (?:contract|subscription|account)|get out of (?:the|our) "
         r"contract|look(?:ing)? at (?:other vendors|alternatives|competitors)|"
         r"switch(?:ing)? (?:vendors|providers))", -1.5, "threatens to leave",
         ("cancel", "get out", "look", "switch")),
    _cue(r"\bwhen we (?:were )?(?:evaluating|bought|signed|chose|picked)", -1.5,
         "remembers buying", ("when we",)),
    _cue(r"\b(?:you guys|your team) (?:told|promised|said|sold|showed)", -1,
         "quotes what the vendor promised", ("you guys", "your team")),
)

# A colleague introduced by the CSM side: the sentence names them and says they are
# on "our" side.
_COLLEAGUE = re.compile(
    r"\b(?:I'?ve got|I have|I brought|I'?ve brought|I'?m joined by|joined by|with me (?:today )?"
    r"(?:is|are)|joining us(?: today)? (?:is|are|from)|on our (?:\w+ )?team|from our|"
    r"our (?:\w+ ){0,2}(?:team|engineer|lead|manager|VP|director|architect)|"
    r"my (?:boss|manager|colleague|director|VP|teammate|counterpart)|"
    r"(?:runs|leads|heads) [\w ]{2,30} (?:here|for us|on our side))", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass
class _Score:
    speaker: str
    score: float = 0.0
    evidence: list[str] = field(default_factory=list)


def assign_roles(transcript: Transcript, *, csm: Sequence[str] = (),
                 roster: Roster | None = None, require_csm: bool = True) -> Transcript:
    """A copy of ``transcript`` with every turn's role set and ``role_sources`` filled.

    Raises ``RoleError`` when a ``--csm`` name matches no speaker (or two), and, with
    ``require_csm``, when the CSM cannot be decided.
    """
    speakers = transcript.speakers
    roles: dict[str, str] = {}
    sources: dict[str, str] = {}

    names = [n.strip() for n in csm if n and n.strip()]
    notes = _apply_csm_names(names, speakers, roles, sources, transcript) if names else []

    if roster is not None:
        for spk in speakers:
            if spk in roles:
                continue
            hit = roster.match(spk)
            if hit is None:
                continue
            role, person = hit
            if role == "csm" and names:
                # Another of the team's CSMs on a call where --csm names the coached one.
                roles[spk], sources[spk] = "internal", f"roster: CSM {person} (colleague)"
            else:
                roles[spk], sources[spk] = role, f"roster: {person}"

    if transcript.format == "google-ccai":
        _ccai_roles(speakers, roles, sources)
    if "csm" not in roles.values():
        _from_format(transcript, speakers, roles, sources)

    if "csm" not in roles.values():
        _detect(transcript, speakers, roles, sources)

    decided = "csm" in roles.values()
    if transcript.format == "google-ccai":
        _ccai_roles(speakers, roles, sources)  # agents left once the CSM is known
    if decided and transcript.has_text:
        # colleagues the CSM side introduces ("I've got Anika, our staff engineer") are
        # internal however the CSM was decided; _detect did this for detection already
        for spk, by in introduced_colleagues(transcript).items():
            if spk not in roles and roles.get(by) in ("csm", "internal"):
                roles[spk], sources[spk] = "internal", f"detected: introduced by {by} as a colleague"
    if not decided and require_csm:
        raise RoleError(undecided_message(transcript))
    for spk in speakers:
        if spk not in roles:
            if decided:
                roles[spk], sources[spk] = "customer", "everyone else is the customer"
            else:
                roles[spk], sources[spk] = "unknown", "CSM not decided"
    turns = [t.model_copy(update={"role": roles[t.speaker]}) for t in transcript.turns]
    warnings = list(transcript.warnings) + [n for n in notes if n not in transcript.warnings]
    undecided = "could not decide which speaker is the CSM; name one with --csm NAME"
    if not decided and undecided not in warnings:
        warnings.append(undecided)
    return transcript.model_copy(update={"turns": turns, "role_sources": sources,
                                         "warnings": warnings})


def _apply_csm_names(names: list[str], speakers: list[str], roles: dict[str, str],
                     sources: dict[str, str], transcript: Transcript) -> list[str]:
    unmatched = []
    for name in names:
        exact = [s for s in speakers if s.casefold() == name.casefold()]
        found = exact or [s for s in speakers if name_matches(name, s)]
        if len(found) > 1:
            raise RoleError(f"{_where(transcript)}--csm {name!r} matches several speakers "
                            f"({', '.join(repr(s) for s in found)}); give the full label")
        if not found:
            unmatched.append(name)
            continue
        roles[found[0]], sources[found[0]] = "csm", f"--csm {name}"
    if len(unmatched) == len(names):
        raise RoleError(f"{_where(transcript)}--csm {', '.join(repr(n) for n in unmatched)} "
                        f"matches no speaker; "
                        f"speakers are {_speaker_list(transcript)}")
    if unmatched:
        # A team's list of CSMs, some of whom are not on this call: fine, but say so.
        return [f"--csm {', '.join(repr(n) for n in unmatched)} matches no speaker on this call"]
    return []


def _from_format(transcript: Transcript, speakers: list[str], roles: dict[str, str],
                 sources: dict[str, str]) -> None:
    if transcript.format == "aws-call-analytics":
        for spk in speakers:
            if spk in roles:
                continue
            if spk.upper() == "AGENT":
                roles[spk], sources[spk] = "csm", "format: AGENT in Call Analytics"
            elif spk.upper() == "CUSTOMER":
                roles[spk], sources[spk] = "customer", "format: CUSTOMER in Call Analytics"
        return
    # Roles already decided in a `coach transcript --format json` file.
    recorded = {t.speaker: t.role for t in transcript.turns if t.role != "unknown"}
    if "csm" in recorded.values():
        for spk, role in recorded.items():
            if spk not in roles:
                roles[spk] = role
                sources[spk] = transcript.role_sources.get(spk, "recorded in the file")


# Contact Center AI entry roles (its docs' data format and the API's enum).
_CCAI_KINDS = {"AGENT": "agent", "HUMAN_AGENT": "agent", "AUTOMATED_AGENT": "automated",
               "END_USER": "customer", "CUSTOMER": "customer"}


def _ccai_roles(speakers: list[str], roles: dict[str, str], sources: dict[str, str]) -> None:
    """Roles from Contact Center AI's entry roles (the speaker label starts with it).

    The human agent is the CSM, as ``AGENT`` is in Call Analytics, when there is exactly
    one; with several (a transfer), ``--csm`` or detection picks one and the others are
    internal colleagues. The end user is the customer. An automated (virtual) agent
    speaks for the company but is nobody to coach: internal, so its scripted lines
    count neither as the CSM's talk nor as the customer's words and sentiment.
    ``ANY_AGENT``, ``ROLE_UNSPECIFIED`` and unknown roles are left to detection.
    """
    kinds = {spk: _CCAI_KINDS.get(spk.split()[0].upper()) for spk in speakers if spk.split()}
    humans = [spk for spk, kind in kinds.items() if kind == "agent" and spk not in roles]
    csm_known = "csm" in roles.values()
    for spk, kind in kinds.items():
        if spk in roles or kind is None:
            continue
        written = spk.split()[0]
        if kind == "customer":
            roles[spk], sources[spk] = "customer", f"format: {written} in Contact Center AI"
        elif kind == "automated":
            roles[spk], sources[spk] = "internal", (f"format: {written} in Contact Center AI "
                                                    "(a virtual agent, not the CSM)")
        elif csm_known:
            roles[spk], sources[spk] = "internal", (f"format: another {written} in Contact "
                                                    "Center AI (a colleague of the CSM)")
        elif len(humans) == 1:
            roles[spk], sources[spk] = "csm", f"format: {written} in Contact Center AI"


def speaker_scores(transcript: Transcript) -> dict[str, tuple[float, list[str]]]:
    """Each speaker's CSM-side score and the cues behind it (for explanations, tests)."""
    texts: dict[str, list[str]] = {}
    for t in transcript.turns:
        texts.setdefault(t.speaker, []).append(t.text)
    out: dict[str, tuple[float, list[str]]] = {}
    for spk, parts in texts.items():
        text = " ".join(parts)
        sc = _Score(spk)
        starts = NeedleStarts(fold(text))
        for cue in CUES:
            n = cue.count(text, starts)
            if n:
                sc.score += cue.weight * n
                sc.evidence.append(cue.label)
        out[spk] = (round(sc.score, 2), sc.evidence)
    return out


def introduced_colleagues(transcript: Transcript) -> dict[str, str]:
    """Speakers someone else introduces as a colleague on 'our' side -> introducer."""
    found: dict[str, str] = {}
    speakers = transcript.speakers
    first_names = {s: s.split()[0] for s in speakers if s.split() and s.split()[0][:1].isupper()}
    horizon = transcript.turns[0].start + 300 if transcript.turns else 0.0
    for t in transcript.turns:
        if t.start > horizon:
            break
        if not _COLLEAGUE.search(t.text):
            continue
        for sentence in _SENTENCE.split(t.text):
            if not _COLLEAGUE.search(sentence):
                continue
            for spk, first in first_names.items():
                if spk == t.speaker or spk in found or len(first) < 2:
                    continue
                if re.search(rf"\b{re.escape(spk)}\b", sentence) or (
                        re.search(rf"\b{re.escape(first)}\b", sentence)
                        and _name_position_ok(sentence, first)):
                    found[spk] = t.speaker
    return found


def _name_position_ok(sentence: str, first: str) -> bool:
    """A first name alone counts unless it is the person being greeted ("Hi Renata, our
    team…" greets the customer; it does not introduce a colleague)."""
    return not re.match(rf"\s*(?:hi|hey|hello|thanks|thank you)?,?\s*{re.escape(first)}\b",
                        sentence, re.I)


def _detect(transcript: Transcript, speakers: list[str], roles: dict[str, str],
            sources: dict[str, str]) -> None:
    if not transcript.has_text:
        return
    colleagues = introduced_colleagues(transcript)
    scores = speaker_scores(transcript)
    candidates = [s for s in speakers if s not in roles and s not in colleagues]
    ranked = sorted(candidates, key=lambda s: scores.get(s, (0.0, []))[0], reverse=True)
    if not ranked:
        return
    best = ranked[0]
    best_score, evidence = scores.get(best, (0.0, []))
    runner = scores.get(ranked[1], (0.0, []))[0] if len(ranked) > 1 else 0.0
    if best_score < MIN_SCORE or best_score - runner < MIN_LEAD:
        return
    roles[best] = "csm"
    sources[best] = f"detected: {', '.join(evidence[:3])} (score {best_score:g} vs {runner:g})"
    for spk, by in colleagues.items():
        if spk not in roles and (by == best or roles.get(by) in ("csm", "internal")
                                 or by in colleagues):
            roles[spk] = "internal"
            sources[spk] = f"detected: introduced by {by} as a colleague"


def _where(transcript: Transcript) -> str:
    return f"{transcript.source_path}: " if transcript.source_path else ""


def undecided_message(transcript: Transcript) -> str:
    return (f"{_where(transcript)}cannot decide which speaker is the CSM; name one with "
            f"--csm NAME (or give --roster FILE). Speakers: "
            f"{_speaker_list(transcript, with_words=True)}")


def _speaker_list(transcript: Transcript, *, with_words: bool = False) -> str:
    parts = []
    for spk in transcript.speakers:
        if not with_words:
            parts.append(repr(spk))
            continue
        first = next((t.text for t in transcript.turns if t.speaker == spk and t.text), "")
        words = first.split()
        snippet = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        parts.append(f"{spk!r} (\"{snippet}\")" if snippet else repr(spk))
    return ", ".join(parts) if parts else "(none)"
