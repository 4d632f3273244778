"""Who the coached CSM of a call is as a person, for the team's figures.

A speaker label is the person only when it is a name. A diarization label (``A``,
``spk_0``, ``SPEAKER_00``, ``AGENT``: ``coach.roles.is_generic_label``) is a slot in one
file, so two files' ``AGENT`` are not one person and ``B`` is nobody to rank. Such a
call's CSM is named by the roster (a CSM's name the CSM says, "it's Priya from Acme"),
the sidecar's ``csm``, or the name the CSM gives in the call; otherwise it has no named
CSM and the summary lists it apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from coach.roles import is_generic_label

INTRO_SECONDS = 240.0  # self-introductions come early in the call
_NAME = r"([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
# "it's Priya from Acme", "this is Priya Nair with the success team", "my name is Priya"
_SELF_INTRO = (
    re.compile(rf"\b(?:[Ii]t'?s|[Ii]t is|[Tt]his is|I'?m|I am|[Mm]y name(?:'s| is))\s+{_NAME},?"
               r"\s+(?:from|with|over at|here at|at|on)\s+[A-Z\w]"),
    re.compile(rf"\b[Mm]y name(?:'s| is)\s+{_NAME}\b"),
)
# capitalised words that follow "it's" / "I'm" without being a name
_NOT_NAMES = frozenset("""the a an our your this that here there just also still really
calling going sorry glad happy great good fine okay ok so well thanks thank not now back
on in at from with monday tuesday wednesday thursday friday saturday sunday today
tomorrow""".split())


def name_in_call(t: Any, speaker: str) -> str | None:
    """The name ``speaker`` gives themselves early in the call, if they do."""
    first = t.turns[0].start if t.turns else 0.0
    for turn in t.turns:
        if turn.start > first + INTRO_SECONDS:
            break
        if turn.speaker != speaker:
            continue
        for pattern in _SELF_INTRO:
            for m in pattern.finditer(turn.text):
                words = m[1].split()
                while words and words[-1].casefold() in _NOT_NAMES:
                    words.pop()
                if words and words[0].casefold() not in _NOT_NAMES \
                        and not is_generic_label(" ".join(words)):
                    return " ".join(words)
    return None


def csm_speakers(t: Any) -> list[str]:
    return [s for s in t.speakers if t.role_of(s) == "csm"]


def csm_people(t: Any, roster: Any, sidecar_names: Sequence[str] = ()) -> list[str]:
    """The CSM(s) of a call as people, by their roster name when the roster knows them
    (so one person's calls aggregate whatever label each tool gave them); [] when no
    roster, sidecar or name in the call says who a generic label is."""
    names: list[str] = []
    for s in csm_speakers(t):
        name = _person(t, s, roster, sidecar_names)
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def _person(t: Any, speaker: str, roster: Any, sidecar_names: Sequence[str]) -> str | None:
    hit = roster.match(speaker) if roster is not None else None
    if hit and hit[0] == "csm":
        return hit[1]
    if not is_generic_label(speaker):
        return " ".join(speaker.split())
    if sidecar_names:
        return " ".join(sidecar_names[0].split())
    said = name_in_call(t, speaker)
    if said is None:
        return None
    hit = roster.match(said) if roster is not None else None
    return hit[1] if hit and hit[0] == "csm" else said


def speaker_list(t: Any) -> str:
    """``'A' ("Hi, it's…"), 'B' ("…")``: who speaks, with their first words."""
    parts = []
    for spk in t.speakers:
        first = next((turn.text for turn in t.turns if turn.speaker == spk and turn.text), "")
        words = first.split()
        snippet = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        parts.append(f"{spk!r} (\"{snippet}\")" if snippet else repr(spk))
    return ", ".join(parts) or "(none)"
