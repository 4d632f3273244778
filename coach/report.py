"""The coaching report: the one model analysis produces and every renderer formats.

Field names follow the JSON report contract of ``design.md``; renderers must not
compute anything that is not here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

SCHEMA_VERSION = 1

CallTypeLabel = Literal["escalation", "qbr", "onboarding", "renewal", "check_in", "training", "discovery"]
StepName = Literal["acknowledge", "understand", "own", "act", "follow_up"]
STEPS: tuple[str, ...] = ("acknowledge", "understand", "own", "act", "follow_up")

FLAG_CODES: tuple[str, ...] = (
    "acknowledgment-gap",
    "vague-timeline",
    "no-follow-up",
    "no-executive-path",
    "unaddressed-concern",
    "over-promise",
    "no-owner",
    "defensive-language",
    "over-apologizing",
    "interrupted-customer",
    "talk-ratio-high",
    "talk-ratio-low",
    "jargon",
    "no-close-the-loop",
)


class Source(BaseModel):
    path: str | None = None
    format: str
    timing: str = "full"
    speakers: dict[str, str] = Field(default_factory=dict)  # label -> role
    role_sources: dict[str, str] = Field(default_factory=dict)  # label -> how decided
    warnings: list[str] = Field(default_factory=list)
    duration: float = 0.0


class Evidence(BaseModel):
    at: float | None = None
    speaker: str | None = None
    quote: str
    signal: str  # which signal this supports, e.g. "churn-threat"


class CallType(BaseModel):
    label: CallTypeLabel
    confidence: float
    expected_talk_ratio: tuple[float, float]
    focus: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    overridden: bool = False
    escalation_cause: str | None = None
    turned_escalation_at: float | None = None


class Interruption(BaseModel):
    at: float
    by: str
    of: str
    overlap: float = 0.0  # seconds of overlapping speech (0 when only a cut-off mark shows it)
    cue: Literal["overlap", "cut-off"] = "overlap"
    quote: str = ""
    during_vent: bool = False


class JargonUse(BaseModel):
    term: str
    at: float
    speaker: str
    explained: bool = False


class SpeakerTime(BaseModel):
    speaker: str
    role: str
    seconds: float
    turns: int
    words: int
    share: float
    overlap_seconds: float = 0.0
    wpm: float | None = None


class Stretch(BaseModel):
    speaker: str
    role: str
    start: float
    end: float
    seconds: float
    words: int = 0


class Silence(BaseModel):
    start: float
    end: float
    seconds: float


class Level(BaseModel):
    """A low/medium/high verdict with the utterances that drove it."""

    level: Literal["low", "medium", "high", "n/a"]
    value: float | None = None
    reason: str = ""
    examples: list[Evidence] = Field(default_factory=list)


class SentimentQuarter(BaseModel):
    quarter: int
    start: float
    end: float
    compound: float | None  # None: the customer said nothing in that quarter
    sentences: int = 0


class Metrics(BaseModel):
    duration: float = 0.0
    timing_estimated: bool = False
    csm_talk_ratio: float | None = None
    csm_talk_ratio_na: str | None = None  # why the ratio could not be computed
    talk_time: list[SpeakerTime] = Field(default_factory=list)
    talk_time_by_role: dict[str, float] = Field(default_factory=dict)
    interruptions: list[Interruption] = Field(default_factory=list)
    interruptions_raw: int = 0  # before backchannels were filtered out
    interruptions_na: str | None = None
    backchannels: int = 0
    longest_monologue: dict[str, Stretch] = Field(default_factory=dict)  # by role
    customer_vent: Stretch | None = None
    silences: list[Silence] = Field(default_factory=list)
    wpm: dict[str, float] = Field(default_factory=dict)  # by role
    last_speaker: str | None = None
    last_speaker_role: str | None = None
    last_csm_turn: Evidence | None = None
    jargon: list[JargonUse] = Field(default_factory=list)
    empathy: Level = Field(default_factory=lambda: Level(level="n/a"))
    confidence: Level = Field(default_factory=lambda: Level(level="n/a"))
    sentiment_quarters: list[SentimentQuarter] = Field(default_factory=list)
    sentiment_trend: Literal["improved", "worsened", "flat", "n/a"] = "n/a"


class Step(BaseModel):
    step: StepName
    present: bool
    at: float | None = None
    quote: str | None = None
    speaker: str | None = None


class Sequence(BaseModel):
    applicable: bool = False
    steps: list[Step] = Field(default_factory=list)
    ack_before_solution: bool | None = None
    first_ack_at: float | None = None
    first_solution_at: float | None = None
    first_solution_quote: str | None = None
    order_issues: list[str] = Field(default_factory=list)


class Flag(BaseModel):
    code: str
    severity: Literal["low", "medium", "high"]
    at: float | None = None
    message: str
    suggestion: str = ""
    quote: str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class Check(BaseModel):
    name: str
    met: bool | None  # None: not applicable to this call
    at: float | None = None
    quote: str | None = None


class Finding(BaseModel):
    kind: Literal["strength", "improvement"]
    theme: Literal["empathy", "listening", "control", "ownership", "commitment", "clarity"]
    at: float | None = None
    speaker: str | None = None
    quote: str = ""
    message: str
    suggestion: str = ""
    rule: str | None = None


class Move(BaseModel):
    """One detected move in one utterance (kept for rule authors and the HTML view)."""

    move: str
    at: float
    speaker: str
    role: str
    quote: str
    rule: str


class Concern(BaseModel):
    topic: str
    at: float
    speaker: str
    quote: str
    addressed: bool
    addressed_at: float | None = None


class Commitment(BaseModel):
    """Something the company side committed to, with its time as said (issue 16).

    ``due`` is the absolute date or date-time (ISO) once the call's date is known
    (``coach.followup`` and batch fill it); ``vague`` means no time was said."""

    at: float
    speaker: str
    role: str
    text: str
    due_said: str | None = None
    due: str | None = None
    vague: bool = False
    kind: Literal["follow_up", "action", "promise", "commitment"] = "commitment"


class Report(BaseModel):
    schema_version: int = SCHEMA_VERSION
    coach_version: str = ""
    source: Source
    call_type: CallType
    metrics: Metrics
    sequence: Sequence = Field(default_factory=Sequence)
    flags: list[Flag] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    concerns: list[Concern] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)
    moves: list[Move] = Field(default_factory=list)
    score: int | None = None
    score_breakdown: dict[str, float] = Field(default_factory=dict)
    timing_only: bool = False  # RTTM and other text-less sources: timing metrics only
