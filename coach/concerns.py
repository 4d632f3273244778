"""Customer concerns by topic, and whether the company side responded to each.

A concern is a distinct issue the customer raises on a topic (billing, data, security, …):
either a statement of trouble (a problem, frustration, business impact, repeat failure,
demand or threat in the sentence or the one next to it) or a question that asks us for
something on that topic ("who's paying for…", "what do I show the auditor?"). It is not:

- the call's main issue, which the whole call answers: the topics the customer voices
  before the company side first engages (acknowledges, probes, proposes), and the topics
  the company side opened the call with;
- someone else's trouble (a third party, the customer's own customers), past or
  other-era trouble (the old vendor, "two years ago"), a hypothetical ("what if…",
  "say we…") or scheduling ("can we cancel Thursday's call?");
- a reaction to what the company side had just said on that topic.

It counts as addressed when a later company-side turn engages the topic in a sentence
that is not a goodbye or a closing check (a vague or defensive reply still counts: that
is another flag). A threat to leave is also answered by what the CSM does about the
relationship in the next turns.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from coach.moves import Utterance
from coach.report import Concern
from coach.rules.engine import _third_party, is_question

TOPICS = (
    "billing",
    "contract",
    "data",
    "security",
    "compliance",
    "performance",
    "support",
    "deadline",
    "product",
    "people",
    "churn",
)
PROBLEM_SIGNALS = (
    "problem",
    "frustration",
    "business_impact",
    "demand",
    "churn_threat",
    "repeat_failure",
    "waiting",
    "worry",
    "loss",
    "unheard",
    "misled",
)
ENGAGED = ("acknowledge", "understand", "solution", "act", "apology", "own")
TAKE_UP = ("acknowledge", "understand", "apology", "own")
CLOSING = ("close_loop", "greeting")
RETENTION = ("acknowledge", "own", "executive_path", "lever", "reassurance", "apology")
RETENTION_TURNS = 3

# trouble with someone else's system, in another era
OLD_VENDOR = re.compile(
    r"\b((old|previous|last|former|legacy|current|other) (system|vendor|provider|platform|tool|software|database|"
    r"gateway|company|setup|lms|crm|erp|payroll)|other vendors?|before (we|you) (moved|switched|came|started))\b"
)
# trouble in the past: a concern is what is wrong now (unless it is put to us)
PAST = re.compile(
    r"\b(last (year|month|week|quarter|time)|(a|one|two|three|four|five|few|couple of) (years?|months?) ago|"
    r"back (then|in)|used to|in the past|in (19|20)\d\d)\b"
)
# a case put, not a case had
HYPOTHETICAL = re.compile(
    r"\b(what if|say we|let's say|suppose|supposing|imagine|hypothetically|in case|if we (were|ever|decide|went|wanted))\b"
)
# someone else's trouble: their customers, patients, members… or he/she/they
OTHERS = frozenset(
    {
        "customers",
        "clients",
        "patients",
        "members",
        "donors",
        "parents",
        "students",
        "fans",
        "guests",
        "candidates",
        "shoppers",
        "buyers",
        "subscribers",
        "families",
        "residents",
        "he",
        "she",
        "they",
    }
)
TO_US = frozenset({"you", "your", "yours", "y'all", "ya", "you're", "you've", "you'll"})


def find_concerns(utts: list[Utterance]) -> list[Concern]:
    out: list[Concern] = []
    opening = _opening_end(utts)
    main: set[str] = set()
    seen: set[str] = set()
    for i, u in enumerate(utts):
        if u.role != "customer" or u.backchannel:
            continue
        found = _raised(utts, i)
        if found is None:
            continue
        s, topic, asks = found
        answered = _answered(utts, i) if asks else None
        if i < opening and not u.has("topic_shift"):
            # the call's main issue: answered by the company side taking it up at all
            if topic not in main:
                main.add(topic)
                out.append(_concern(u, s, topic, answered or _taken_up(utts, i) or _addressed(utts, i, topic)))
            continue
        if topic in seen or (topic in main and not asks):
            continue
        if not asks and _answering(utts, i) and not u.has("topic_shift"):
            continue  # the customer answering our question tells us their situation
        seen.add(topic)
        at = answered or _addressed(utts, i, topic)
        out.append(_concern(u, s, topic, at))
    return out


def _raised(utts: list[Utterance], i: int) -> tuple[Span, str, bool] | None:
    """The turn's concern, one a turn: its first question on a topic, else its first
    statement of trouble on one."""
    u = utts[i]
    trouble = {s.start for sig in PROBLEM_SIGNALS for s in u.sentences(sig)}
    reacting = _reacting_to(utts, i)
    grievance: tuple[Span, str, bool] | None = None
    for s in u.doc.sents:
        hit = _topic(u, s)
        if hit is None or hit[1] in reacting or not _own_present(u, s, hit[0]):
            continue
        if is_question(s):
            return s, hit[1], True
        if grievance is None and s.start in trouble:
            grievance = (s, hit[1], False)
    return grievance


def _replies(utts: list[Utterance], i: int) -> list[Utterance]:
    return [u for u in utts[i + 1 :] if not u.backchannel]


def _answered(utts: list[Utterance], i: int) -> float | None:
    """A question answered on the spot: the next turn is ours and does not change the
    subject ("one thing I'd add…") or close the call."""
    nxt = next(iter(_replies(utts, i)), None)
    if nxt is None or not nxt.company:
        return None
    if _starts(nxt, "topic_shift") & {s.start for s in list(nxt.doc.sents)[:2]}:
        return None
    if all(s.start in _starts(nxt, "close_loop") | _starts(nxt, "greeting") for s in nxt.doc.sents):
        return None
    return nxt.turn.start


def _answering(utts: list[Utterance], i: int) -> bool:
    """The company side's last turn before asked the customer something."""
    for prev in reversed(utts[:i]):
        if prev.backchannel:
            continue
        if prev.company:
            return prev.has("understand") or any(is_question(s) for s in prev.doc.sents)
    return False


def _concern(u: Utterance, s: Span, topic: str, addressed_at: float | None) -> Concern:
    return Concern(
        topic=topic,
        at=u.turn.start,
        speaker=u.turn.speaker,
        quote=s.text.strip(),
        addressed=addressed_at is not None,
        addressed_at=addressed_at,
    )


def _starts(u: Utterance, sig: str) -> set[int]:
    return {s.start for s in u.sentences(sig)}


def _topic(u: Utterance, s: Span) -> tuple[int, str] | None:
    """Where and which topic the sentence names first (one concern a sentence)."""
    best: tuple[int, str] | None = None
    for topic in TOPICS:
        for h in u.by_emit.get(f"concern_{topic}") or ():
            if h.sent.start == s.start and (best is None or h.start < best[0]):
                best = (h.start, topic)
    return best


def _to_us(s: Span) -> bool:
    """The sentence speaks to us ("you", "your"), not only in a filler ("you know")."""
    toks = [t.lower_ for t in s]
    for k, w in enumerate(toks):
        if w in TO_US:
            nxt = toks[k + 1] if k + 1 < len(toks) else ""
            prev = toks[k - 1] if k else ""
            if w == "you" and (nxt in FILLER_AFTER or prev in FILLER_BEFORE):
                continue
            return True
    return False


FILLER_AFTER = frozenset({"know", "see", "mean"})
FILLER_BEFORE = frozenset({"thank", "mind", "see", "if"})


def _own_present(u: Utterance, s: Span, at: int) -> bool:
    """The customer's own trouble now, with us: not someone else's, not the past, not a
    hypothetical, not scheduling."""
    text = s.text.lower()
    if OLD_VENDOR.search(text) or HYPOTHETICAL.search(text) or s.start in _starts(u, "logistics"):
        return False
    if _to_us(s):
        return True
    if PAST.search(text):
        return False
    toks = [("1" if t.is_punct else "0", t.lower_, t.lemma_) for t in s]
    return not _third_party(toks, at - s.start, window=12)


def _opening_end(utts: list[Utterance]) -> int:
    """Index of the company side's first turn that engages with what the customer said
    (acknowledges, probes, proposes): the customer's trouble before it is the call's main
    issue."""
    customer_spoke = False
    for k, u in enumerate(utts):
        if u.backchannel:
            continue
        if u.role == "customer" and any(u.has(sig) for sig in PROBLEM_SIGNALS):
            customer_spoke = True
        elif u.company and customer_spoke and any(u.has(m) for m in ENGAGED):
            return k
    return len(utts)


def _taken_up(utts: list[Utterance], i: int) -> float | None:
    """The company side takes the main issue up: acknowledges, probes or owns it (a pitch
    that only follows it is no answer)."""
    for later in utts[i + 1 :]:
        if later.company and not later.backchannel and any(later.has(m) for m in TAKE_UP):
            return later.turn.start
    return None


def _topics_in(u: Utterance) -> set[str]:
    return {t for t in TOPICS if u.has(f"concern_{t}")}


def _reacting_to(utts: list[Utterance], i: int) -> set[str]:
    """Topics the company side raised in the turn just before: the customer is reacting."""
    for prev in reversed(utts[:i]):
        if prev.company and not prev.backchannel:
            return _topics_in(prev)
    return set()


def _engages(u: Utterance, sig: str) -> bool:
    """A company-side turn that speaks to the topic, not only in a goodbye or closing check."""
    if not u.company or u.backchannel:
        return False
    closing = {s.start for m in CLOSING for s in u.sentences(m)}
    return any(s.start not in closing for s in u.sentences(sig))


def _addressed(utts: list[Utterance], i: int, topic: str) -> float | None:
    sig = f"concern_{topic}"
    if topic == "churn":
        # a threat to leave is answered by what the CSM does about the relationship next
        replies = [u for u in utts[i + 1 :] if u.company and not u.backchannel][:RETENTION_TURNS]
        for later in replies:
            if any(later.has(m) for m in RETENTION):
                return later.turn.start
    for later in utts[i + 1 :]:
        if _engages(later, sig):
            return later.turn.start
    return None
