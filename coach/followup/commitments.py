"""Commitments of the company side, read from the moves the rules already found.

No second detector: a sentence is a commitment when the shipped rules marked it as a
follow-up (a commitment with a specific time), a concrete action, an over-promise, a
commitment or a vague commitment; ``coach.when`` only picks out and resolves its time.
"""

from __future__ import annotations

import datetime as dt

from coach.moves import Utterance
from coach.report import Commitment
from coach.when import find_due, resolve, spoken_at

# move -> kind, in order of precedence when one sentence carries several
KINDS: tuple[tuple[str, str], ...] = (
    ("follow_up", "follow_up"),
    ("over_promise", "promise"),
    ("act", "action"),
    ("commitment", "commitment"),
    ("vague_commitment", "commitment"),
)


def find_commitments(utts: list[Utterance]) -> list[Commitment]:
    """One entry per company-side sentence that commits to something, in call order."""
    out: list[Commitment] = []
    for u in utts:
        if not u.company or u.backchannel:
            continue
        seen: set[int] = set()
        found: list[tuple[int, str, str, bool]] = []
        for move, kind in KINDS:
            for sent in u.sentences(move):
                if sent.start in seen:
                    continue
                if move == "act" and not _future(sent):
                    continue  # "I've reset it" is done in the call, not a promise
                seen.add(sent.start)
                found.append((sent.start, kind, sent.text.strip(), move == "vague_commitment"))
        for _, kind, text, vague_move in sorted(found):
            said = find_due(text)
            out.append(Commitment(at=u.turn.start, speaker=u.turn.speaker, role=u.role, text=text,
                                  due_said=said, vague=said is None or (vague_move and kind != "follow_up"),
                                  kind=kind))  # type: ignore[arg-type]
    return out


FUTURE = frozenset({"will", "'ll", "going", "gon", "shall", "let", "'m", "am"})


def _future(sent) -> bool:
    return any(t.lower_ in FUTURE for t in sent)


def date_commitments(commitments: list[Commitment], start: dt.date | dt.datetime | None) -> list[Commitment]:
    """Copies with ``due`` resolved from the call's start (a date, or a date-time with offset)."""
    if start is None:
        return list(commitments)
    out = []
    for c in commitments:
        due = resolve(c.due_said, spoken_at(start, c.at)).iso if c.due_said else None
        out.append(c.model_copy(update={"due": due}))
    return out
