"""The follow-up note: what the CSM sends after the call, every line from the call or a
marked placeholder (``[…]``) for the CSM to fill. Renderers only format this model."""

from __future__ import annotations

from pydantic import BaseModel, Field

PLACEHOLDER = "[{}]"


def placeholder(what: str) -> str:
    """A marked gap: the CSM must fill it before sending; nothing is invented."""
    return PLACEHOLDER.format(what)


class Heard(BaseModel):
    topic: str
    at: float
    speaker: str
    quote: str
    addressed: bool


class Agreed(BaseModel):
    at: float
    who: str
    what: str
    due_said: str | None = None
    due: str | None = None  # ISO, when the call's date is known
    vague: bool = False
    kind: str = "commitment"


class StatusBlock(BaseModel):
    """The daily status update an escalation owes the customer, prefilled from the call."""

    status: str
    today: str
    next_steps: list[Agreed] = Field(default_factory=list)
    eta: str
    questions: str


class Note(BaseModel):
    source: str | None = None
    call_date: str | None = None
    call_type: str
    greeting: str
    thanks: str
    heard: list[Heard] = Field(default_factory=list)
    agreed: list[Agreed] = Field(default_factory=list)
    needs_date: list[Agreed] = Field(default_factory=list)
    next_update: list[Agreed] = Field(default_factory=list)
    next_update_missing: str | None = None  # the "none committed" marker and suggestion
    status: StatusBlock | None = None
    sign_off: str
