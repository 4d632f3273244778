"""From a ``Report`` (and the call's date, when known) to the follow-up ``Note``."""

from __future__ import annotations

import datetime as dt
import re

from coach.followup.commitments import date_commitments
from coach.followup.model import Agreed, Heard, Note, StatusBlock, placeholder
from coach.report import Commitment, Report

NONE_COMMITTED = "None committed on the call."
SUGGEST = "Suggest one now: \"You'll hear from me by {} with an update, even if we're still working on it.\""
# labels that are a tool's speaker id, not a person's name
_ID_LABEL = re.compile(r"^(spk_\d+|ch_\d+|speaker[ _]?\w*|[A-Z]|\d+|S\d+|UU|customer|agent|end_user|unknown.*)$",
                       re.IGNORECASE)


def first_names(report: Report) -> list[str]:
    """The customer side's first names, where the export labels speakers by name."""
    names = []
    for label, role in report.source.speakers.items():
        if role != "customer" or _ID_LABEL.match(label.strip()) or "'s " in label or "iphone" in label.lower():
            continue
        first = label.split()[0].strip(",")
        if first[:1].isalpha() and first not in names:
            names.append(first)
    return names


def build_note(report: Report, call_date: dt.date | dt.datetime | None = None) -> Note:
    """The note; ``call_date`` (a date, or a date-time with its offset) resolves the dues."""
    names = first_names(report)
    greeting = "Hi " + (_join(names) if names else placeholder("customer name")) + ","
    commitments = date_commitments(report.commitments, call_date)
    agreed = [_agreed(c) for c in commitments]
    dated = [a for a in agreed if not a.vague]
    # the next update is the CSM's to commit, as the no-follow-up flag judges it;
    # a colleague's dated step stays under What we agreed
    follow = [a for a, c in zip(agreed, commitments, strict=True) if a.kind == "follow_up" and c.role == "csm"]
    when = _when(call_date)
    note = Note(
        source=report.source.path,
        call_date=call_date.isoformat() if call_date else None,
        call_type=report.call_type.label,
        greeting=greeting,
        thanks=f"Thank you for your time on the call{when}.",
        heard=[Heard(topic=c.topic, at=c.at, speaker=c.speaker, quote=c.quote, addressed=c.addressed)
               for c in report.concerns if c.speaker in report.source.speakers],
        agreed=dated,
        needs_date=[a for a in agreed if a.vague],
        next_update=follow,
        next_update_missing=None if follow else
        f"{NONE_COMMITTED} " + SUGGEST.format(placeholder("day and time")),
        sign_off=placeholder("your name"),
    )
    if report.call_type.label == "escalation":
        note.status = _status(report, dated, follow)
    return note


def _when(call_date: dt.date | dt.datetime | None) -> str:
    if call_date is None:
        return ""
    return " on " + (call_date.date() if isinstance(call_date, dt.datetime) else call_date).strftime("%A %-d %B")


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _agreed(c: Commitment) -> Agreed:
    return Agreed(at=c.at, who=c.speaker, what=c.text, due_said=c.due_said, due=c.due, vague=c.vague, kind=c.kind)


def _status(report: Report, dated: list[Agreed], follow: list[Agreed]) -> StatusBlock:
    honest = next((m for m in report.moves if m.move == "honest_unknown"), None)
    fixes = [a for a in dated if a.kind in ("action", "promise")]
    if fixes:
        eta = f"{fixes[0].due_said} (as said by {fixes[0].who})"
    elif honest:
        eta = f"We don't have one yet — here's why: {placeholder('reason')} (on the call: \"{honest.quote}\")"
    else:
        eta = f"We don't have one yet — here's why: {placeholder('reason')}"
    cause = (report.call_type.escalation_cause or "").replace("_", " ")
    return StatusBlock(
        status=placeholder("status: investigating / fix in progress / resolved")
        + (f" — {cause}" if cause else ""),
        today=placeholder("what happened today"),
        next_steps=dated,
        eta=eta,
        questions=placeholder("questions for you, or 'none today'"),
    )
