"""'Try:' advice filled from this call: its people, its times, the customer's own words.

A suggestion is a template chosen by the flag (or the finding's rule) and the call
type, and filled only with what this report holds: speaker names (never a generic
diarization label such as ``spk_0`` or ``A``), ``[mm:ss]`` times, and quotes from the
call. The text of ``rules/`` is the fallback when no template fits (a team's own
flag, say), and carries no details of any particular call.

Strengths get "Keep it up:" with what worked, never a different phrase to say.
"""

from __future__ import annotations

import re

from coach.render.common import stamp
from coach.report import Finding, Flag, Report

_GENERIC = re.compile(
    r"^(?:spk_?\d+|speaker[ _-]?\w{1,2}|ch(?:annel)?_?\d+|s\d+|\d+|[a-z]|agent|customer|caller|"
    r"client|csm|rep|unknown|guest|participant[ _-]?\d*)$",
    re.I,
)


def _is_name(label: str | None) -> bool:
    return bool(label) and not _GENERIC.match(label.strip()) and any(ch.isalpha() for ch in label)  # type: ignore[union-attr]


def _first(label: str) -> str:
    return label.split()[0].strip(",")


def customer(r: Report, prefer: str | None = None) -> str:
    """The customer's first name when the call names them, else "the customer"."""
    if prefer and r.source.speakers.get(prefer) == "customer" and _is_name(prefer):
        return _first(prefer)
    for label, role in r.source.speakers.items():
        if role == "customer" and _is_name(label):
            return _first(label)
    return "the customer"


def words(quote: str | None, limit: int = 12) -> str:
    """The customer's words, trimmed to a short clause."""
    q = (quote or "").strip().strip("“”\"'").strip()
    if not q:
        return ""
    parts = re.split(r"(?<=[.!?])\s+", q)
    q = parts[0]
    toks = q.split()
    if len(toks) > limit:
        q = " ".join(toks[:limit]) + " …"
    return q.rstrip(".!?,;:")


def _quoted(quote: str | None, limit: int = 12) -> str:
    w = words(quote, limit)
    return f"“{w}”" if w else ""


def _at(at: float | None) -> str:
    return f" at {stamp(at)}" if at is not None else ""


CLOSE_LOOP = {
    "escalation": "\"Is there anything else I can do to make this right?\"",
    "training": "\"What's still unclear, or what would you like to go through again?\"",
    "qbr": "\"Is there anything else you'd like us to look at before the next review?\"",
    "onboarding": "\"Does this plan work for your team, and is anything missing?\"",
    "renewal": "\"Is there anything else you need from us to make the decision?\"",
    "check_in": "\"Is there anything else on your side I should know about?\"",
    "discovery": "\"Did I miss anything that matters to you?\"",
}
ASK = {
    "escalation": "\"What would a good outcome look like for you?\"",
    "training": "\"Can you try that step yourself while I watch?\"",
    "qbr": "\"What has changed on your side since the last review?\"",
    "onboarding": "\"What does success look like for your team in the first ninety days?\"",
    "renewal": "\"What do you need from us for next year?\"",
    "check_in": "\"What's on your mind this month?\"",
    "discovery": "\"How do you handle that today?\"",
}
NEXT = {
    "escalation": "the next update",
    "training": "the next session or a check on how the team is doing",
    "qbr": "the next review and who owns each action",
    "onboarding": "the next milestone meeting",
    "renewal": "the decision meeting",
    "check_in": "the next check-in",
    "discovery": "the next conversation",
}


def _first_complaint(r: Report, before: float | None) -> tuple[str | None, str]:
    """The customer's first stated problem (from the call type's evidence) before a time."""
    for ev in r.call_type.evidence:
        if ev.signal in ("problem", "frustration", "business_impact", "churn_threat", "demand") and (
            before is None or ev.at is None or ev.at <= before
        ):
            if r.source.speakers.get(ev.speaker or "") == "customer":
                return ev.speaker, ev.quote
    return None, ""


def flag_advice(r: Report, f: Flag) -> str:
    """The flag's "Try:" text for this call; the rules' text when no template fits."""
    kind = r.call_type.label
    who = customer(r)
    q = _quoted(f.quote)
    d = f.detail if isinstance(f.detail, dict) else {}
    code = f.code
    if code == "acknowledgment-gap":
        sp, said = _first_complaint(r, f.at)
        name = customer(r, sp)
        if said:
            return (f"Before the fix{_at(f.at)}, answer what {name} said first, in their words (“{words(said)}”): "
                    "\"I can hear what this has cost you.\" Then explain.")
        return f"Before the fix{_at(f.at)}, name what {who} is dealing with and how it hit them; then explain."
    if code == "vague-timeline":
        return (f"Put a day and an hour on {q or 'the commitment'}{_at(f.at)}, even when the answer is still "
                "unknown: say when they will hear from you next.")
    if code == "no-follow-up":
        return f"Before hanging up, book {NEXT.get(kind, 'the next step')} with {who}: a day and a time, said out loud."
    if code == "no-executive-path":
        if q:
            return (f"When {who} said {q}{_at(f.at)}, offer a leadership path before they have to ask: "
                    "\"Would it help if my manager joined our next call?\"")
        return "Offer a leadership path before they have to ask: \"Would it help if my manager joined our next call?\""
    if code == "unaddressed-concern":
        said = words(f.quote)
        if said:
            return (f"Come back to it before the call ends, in {who}'s words: \"You mentioned "
                    f"‘{said}’; here's what I'll do about that.\"")
        topic = d.get("topic", "that")
        return f"Name it and answer it: \"You also mentioned {topic}; here's what I'll do about that.\""
    if code == "over-promise":
        return (f"Instead of {q or 'the guarantee'}{_at(f.at)}, promise what you control: \"I don't have a "
                "confirmed date yet and won't make one up; you'll hear from me with one by [a time you can keep].\"")
    if code == "no-owner":
        return (f"Instead of {q or 'spreading it over teams'}{_at(f.at)}, name one owner: "
                "\"I'm your point of contact until this is closed.\"")
    if code == "defensive-language":
        if kind == "escalation":
            return (f"Instead of {q or 'the defence'}{_at(f.at)}, own the gap: \"Whatever the cause, this didn't "
                    "go the way it should have, and I'm on it.\"")
        return (f"Instead of {q or 'defending'}{_at(f.at)}, say what you can do for {who} and what you will "
                "find out.")
    if code == "over-apologizing":
        n = d.get("count")
        times = f" ({n} apologies)" if n else ""
        return ("Apologize once, for the specific thing, then move to the plan" + times
                + ": \"I'm sorry this happened. Here's what changes today.\"")
    if code == "interrupted-customer":
        vent = d.get("during_vent") or 0
        late = r.metrics.duration and f.at is not None and f.at >= 0.85 * r.metrics.duration
        if vent:
            moment = "while they tell you what went wrong"
        elif late:
            moment = "even at the wrap-up"
        else:
            moment = "even when you already know the answer"
        return f"Let {who} finish{_at(f.at)}, {moment}; note your point and come back to it."
    if code == "talk-ratio-high":
        return f"Ask, then stop: {ASK.get(kind, ASK['check_in'])} Then let {who} talk."
    if code == "talk-ratio-low":
        if kind in ("training", "onboarding"):
            return "Take the lead: say what you'll cover, walk them through each step, and end with the next steps."
        return "Take the lead on structure: open with the agenda and close with the next steps."
    if code == "jargon":
        terms = [str(t) for t in d.get("terms", [])][:3]
        named = ", ".join(f"“{t}”" for t in terms) or "each term"
        return f"Translate {named} the first time you use it: what it means for {who}, in plain words."
    if code == "no-close-the-loop":
        return f"Close the loop before you hang up: {CLOSE_LOOP.get(kind, CLOSE_LOOP['check_in'])}"
    return f.suggestion


# improvement findings (by rule code) whose advice is better with this call's sentence in it
_FINDING_TEMPLATES = {
    "VAG-001": "Put a day and an hour on {q}, even when the answer is still unknown.",
    "OVP-001": "Instead of {q}, commit to the next answer, with a time you control.",
    "DEF-001": "Instead of {q}, own the gap: say what you will do about it.",
    "DEF-002": "Instead of {q}, speak as one company: \"I'm taking it from here.\"",
    "CMT-001": "Instead of {q}, name one owner: \"I'm your point of contact until this is closed.\"",
    "DEF-003": "Instead of {q}, size it from {who}'s side: say what it costs them.",
    "DEF-004": "Instead of {q}, take the request seriously and say who can decide it.",
}


def finding_advice(r: Report, f: Finding) -> tuple[str, str]:
    """("Try:" | "Keep it up:", text) for a finding; an empty text when there is nothing to add."""
    if f.kind == "strength":
        # what worked, in this call: never a different phrase, which would read as a correction
        text = f.suggestion.strip()
        return "Keep it up:", text
    if f.rule and f.rule in [fl.code for fl in r.flags]:
        flag = next(fl for fl in r.flags if fl.code == f.rule)
        return "Try:", flag_advice(r, flag)
    tpl = _FINDING_TEMPLATES.get(f.rule or "")
    q = _quoted(f.quote)
    if tpl and q:
        return "Try:", tpl.format(q=q, who=customer(r))
    return "Try:", f.suggestion


__all__ = ["customer", "finding_advice", "flag_advice", "words"]
