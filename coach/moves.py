"""Moves per utterance: rule hits on each turn's ``Doc``, read with speaker and context.

A customer's words never count as the CSM's moves: company-side rules only run on
company-side turns (see :mod:`coach.rules.engine`). Moves that need more than one rule
are derived here: a follow-up is a commitment with a specific time in the same
sentence; a probing question is a question that is not small talk or a service
opening ("how can I help you today?"), logistics, an identity or security check ("can I
have your date of birth?") or a closing check; a turn made only of listening tokens is a backchannel.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coach.metrics.backchannel import BackchannelLexicon, is_backchannel
from coach.models import Turn
from coach.rules.engine import Hit, RuleEngine

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

COMPANY = ("csm", "internal")


@dataclass
class Utterance:
    """One turn with its ``Doc`` and what the rules found in it."""

    index: int
    turn: Turn
    doc: Doc
    hits: list[Hit]
    backchannel: bool = False
    derived: dict[str, list[Span]] = field(default_factory=dict)
    by_emit: dict[str, list[Hit]] = field(default_factory=dict)

    @property
    def role(self) -> str:
        return self.turn.role

    @property
    def company(self) -> bool:
        return self.turn.role in COMPANY

    def has(self, name: str) -> bool:
        return bool(self.by_emit.get(name)) or bool(self.derived.get(name))

    def sentences(self, name: str) -> list[Span]:
        """Sentences where ``name`` (a move or signal) was found, in order."""
        hits, derived = self.by_emit.get(name), self.derived.get(name)
        if not hits and not derived:
            return []
        spans = [h.sent for h in hits or ()] + list(derived or ())
        seen: dict[int, Span] = {}
        for s in spans:
            seen.setdefault(s.start, s)
        return [seen[k] for k in sorted(seen)]

    def quote(self, name: str) -> str:
        sents = self.sentences(name)
        return sents[0].text.strip() if sents else self.turn.text

    def time_of(self, name: str) -> float:
        """Start time of the utterance (sentence timing inside a turn is not reliable)."""
        return self.turn.start


PROBE_BLOCKERS = ("greeting", "logistics", "verification")
PROBE_BLOCKING_MOVES = ("close_loop", "solution", "minimizing", "defensive", "dismissive", "blaming")


def build_utterance(
    index: int, turn: Turn, doc: Doc, engine: RuleEngine, lexicon: BackchannelLexicon | None = None
) -> Utterance:
    role = turn.role if turn.role != "unknown" else "unknown"
    hits = engine.hits(doc, role, turn.text)
    u = Utterance(index=index, turn=turn, doc=doc, hits=hits)
    groups: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        groups[h.rule.emits].append(h)
    u.by_emit = dict(groups)
    u.backchannel = bool(turn.text) and (is_backchannel(turn.text, lexicon=lexicon) or _echo_only(u))
    _derive(u)
    return u


def _echo_only(u: Utterance) -> bool:
    """A short turn whose every sentence is a listening echo ("Oh, is that right?")."""
    echo = {h.sent.start for h in u.by_emit.get("backchannel", [])}
    if not echo or len(u.doc) > 8:
        return False
    if any(h.rule.detects == "move" and h.rule.emits != "backchannel" for h in u.hits):
        return False  # "Sorry, yes." apologizes; "I hear you." acknowledges
    return all(s.start in echo for s in u.doc.sents)


def _derive(u: Utterance) -> None:
    sent_emits: dict[int, set[str]] = defaultdict(set)
    for h in u.hits:
        sent_emits[h.sent.start].add(h.rule.emits)
    sents = {h.sent.start: h.sent for h in u.hits}
    if u.backchannel:
        # a backchannel turn carries no other move: "Right." is listening, not agreement
        u.by_emit = {k: v for k, v in u.by_emit.items() if k in ("backchannel",)}
        u.derived["backchannel"] = list(u.doc.sents)[:1]
        return
    u.by_emit.pop("backchannel", None)
    follow, probe = [], []
    for start, emits in sent_emits.items():
        if "commitment" in emits and "time_specific" in emits:
            follow.append(sents[start])
        if "understand" in emits and not (emits & set(PROBE_BLOCKERS)) and not (emits & set(PROBE_BLOCKING_MOVES)):
            probe.append(sents[start])
    if follow:
        u.derived["follow_up"] = follow
    if probe:
        u.derived["probe"] = probe
    # sympathy that names the situation is acknowledgment, not (only) an apology
    if "apology" in u.by_emit and "acknowledge" in u.by_emit:
        ack_sents = {h.sent.start for h in u.by_emit["acknowledge"]}
        u.by_emit["apology"] = [
            h for h in u.by_emit["apology"] if h.sent.start not in ack_sents or h.rule.code == "APO-001"
        ]


def detect_moves(
    turns: list[Turn], docs: list[Doc], engine: RuleEngine, lexicon: BackchannelLexicon | None = None
) -> list[Utterance]:
    """Moves of every turn; ``lexicon`` is the backchannel lexicon of the rules in use."""
    return [build_utterance(i, t, d, engine, lexicon) for i, (t, d) in enumerate(zip(turns, docs, strict=True))]


def utterance_moves(u: Utterance) -> list[str]:
    """Move names for ``coach rules match`` and the report (company-side names)."""
    names = {k for k, v in u.by_emit.items() if v}
    names.update(k for k, v in u.derived.items() if v)
    if "probe" in names:
        names.discard("probe")
    return sorted(names)
