"""The note as text (to paste into an email), markdown, JSON and one self-contained HTML page."""

from __future__ import annotations

import datetime as dt

from coach.followup.model import Agreed, Note
from coach.render.common import stamp

FORMATS = ("text", "markdown", "json", "html")


def _due(a: Agreed) -> str:
    if a.due_said is None:
        return "needs a date"
    if a.due:
        return f"{a.due_said} → {_absolute(a.due)}"
    return a.due_said


def _absolute(iso: str) -> str:
    v = dt.datetime.fromisoformat(iso) if "T" in iso else dt.date.fromisoformat(iso)
    if isinstance(v, dt.datetime):
        zone = v.strftime(" UTC%z") if v.tzinfo else ""
        zone = zone[:-2] + ":" + zone[-2:] if zone else ""
        return v.strftime("%a %-d %b %Y, %H:%M") + zone
    return v.strftime("%a %-d %b %Y")


def _lines(note: Note, md: bool) -> list[str]:
    def h(title: str) -> str:
        return f"## {title}" if md else title.upper()

    b = "- " if md else "  - "
    out = [note.greeting, "", note.thanks, "", h("What we heard")]
    if not note.heard:
        out.append(b + "[concerns raised on the call: none were detected; add any]")
    for c in note.heard:
        state = "addressed on the call" if c.addressed else "not yet addressed — [answer it here]"
        out.append(f"{b}{c.topic}: “{c.quote}” ({c.speaker}, {stamp(c.at)}) — {state}")
    out += ["", h("What we agreed")]
    if not note.agreed:
        out.append(b + "[no dated commitment on the call]")
    for a in note.agreed:
        out.append(f"{b}{a.who}: “{a.what}” — {_due(a)} ({stamp(a.at)})")
    if note.needs_date:
        out += ["", h("Needs a date") if md else "NEEDS A DATE (said without a time)"]
        for a in note.needs_date:
            out.append(f"{b}{a.who}: “{a.what}” ({stamp(a.at)}) — [by when?]")
    out += ["", h("Next update")]
    if note.next_update:
        for a in note.next_update:
            out.append(f"{b}{_due(a)}: “{a.what}” ({a.who}, {stamp(a.at)})")
    else:
        out.append(b + (note.next_update_missing or ""))
    if note.status:
        s = note.status
        out += ["", h("Daily status update"), f"{b}Status: {s.status}", f"{b}What happened today: {s.today}",
                f"{b}What happens next:"]
        for a in s.next_steps or []:
            out.append(("    - " if md else "      - ") + f"{a.who}: {a.what} — {_due(a)}")
        if not s.next_steps:
            out.append(("    - " if md else "      - ") + "[owner, step, date]")
        out += [f"{b}ETA: {s.eta}", f"{b}Questions for you: {s.questions}"]
    out += ["", "Best,", note.sign_off]
    return out


def render_note(note: Note, fmt: str) -> str:
    if fmt == "json":
        return note.model_dump_json(indent=2) + "\n"
    if fmt == "html":
        return _html(note)
    return "\n".join(_lines(note, fmt == "markdown")) + "\n"


def _html(note: Note) -> str:
    """One self-contained page (no external asset): the text note with a copy button."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("coach.followup", "templates"), autoescape=select_autoescape())
    return env.get_template("note.html").render(note=note, text="\n".join(_lines(note, False)))
