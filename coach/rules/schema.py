"""The strict schema of rule files.

Every file in ``rules/`` is validated here; unknown keys are errors, and the loader
turns a validation error into one message naming the file, the rule and the field.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from coach.report import CallTypeLabel

MOVES: tuple[str, ...] = (
    "acknowledge",
    "understand",
    "own",
    "act",
    "follow_up",
    "solution",
    "apology",
    "reassurance",
    "backchannel",
    "defensive",
    "dismissive",
    "blaming",
    "minimizing",
    "vague_commitment",
    "over_promise",
    "committee_ownership",
    "executive_path",
    "close_loop",
    "lever",
    "hedge",
    "commitment",
    "jargon_gloss",
    "honest_unknown",
)
"""Moves a company-side speaker (CSM or internal colleague) makes."""

SIGNALS: tuple[str, ...] = (
    "frustration",
    "churn_threat",
    "business_impact",
    "demand",
    "exec_request",
    "repeat_failure",
    "problem",
    "no_escalation_needed",
    "stop_apologizing",
    "satisfied",
    "topic_shift",
    "time_specific",
    "time_vague",
    "greeting",
    "logistics",
    "verification",
    "agenda_qbr",
    "agenda_onboarding",
    "agenda_renewal",
    "agenda_training",
    "agenda_discovery",
    "agenda_check_in",
    "concern_billing",
    "concern_contract",
    "concern_data",
    "concern_security",
    "concern_compliance",
    "concern_performance",
    "concern_support",
    "concern_deadline",
    "concern_product",
    "concern_people",
    "concern_churn",
    "waiting",
    "unheard",
    "money_at_stake",
    "misled",
    "worry",
    "loss",
)
"""Signals: facts about an utterance that analysis weighs (call type, concerns, time)."""

TEAM_NAME = r"^team_[a-z0-9]+(_[a-z0-9]+)*$"
"""A move or signal of a team's own: ``team_`` then snake_case (``team_policy_shield``).
Only a team's own flag reads it (``raised_by`` in flags.yaml); nothing shipped does."""


def is_team_name(name: str) -> bool:
    return re.match(TEAM_NAME, name) is not None


Speaker = Literal["csm", "company", "customer", "any"]


class Example(BaseModel):
    """A mini-transcript: optional earlier customer words, then the utterance tested."""

    model_config = ConfigDict(extra="forbid")

    text: str
    speaker: Literal["csm", "customer"] | None = None
    context: str = ""
    call_type: str | None = None


class _ExampleLists(BaseModel):
    """``match`` / ``no_match`` lists where a bare string is an example's ``text``."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("match", "no_match", mode="before", check_fields=False)
    @classmethod
    def _strings_are_examples(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"text": x} if isinstance(x, str) else x for x in v]
        return v


class Examples(_ExampleLists):
    match: list[Example] = Field(default_factory=list)
    no_match: list[Example] = Field(default_factory=list)


class Exceptions(BaseModel):
    """When a pattern hit does not count."""

    model_config = ConfigDict(extra="forbid")

    negated: Literal["drop", "keep"] = "drop"
    """A negation shortly before the hit ("I don't think that's on us") drops it."""
    question: Literal["drop", "keep", "only"] = "keep"
    """Questions: drop the hit, keep it, or count only questions."""
    conditional: Literal["drop", "keep"] = "keep"
    """"if ...", "would ..." clauses before the hit."""
    unless_words: list[str] = Field(default_factory=list)
    """Drop the hit when the sentence holds any of these lower-cased words/phrases."""
    max_sentence_tokens: int | None = None
    """Only short sentences count (e.g. backchannels)."""
    require_words: list[str] = Field(default_factory=list)
    """Keep the hit only when the sentence holds one of these whole words (e.g. "your")."""
    first_person: bool = False
    """The sentence must have I/we/me/us/my/our (the speaker's own commitment)."""
    third_party: Literal["drop", "keep"] = "keep"
    """Drop the hit when its clause is about someone else: the nearest subject before it
    is "they", "he", "she" or a group ("our customers", "the techs") rather than the
    speaker ("I", "we") or the thing talked about ("it", "this")."""
    clause_initial: bool = False
    """The hit must open its clause: before it, since the sentence start or the last
    punctuation mark, only discourse words ("so", "maybe", "just"). Reads imperatives
    ("try to rest", "maybe talk to him") without a tagger."""


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[A-Z]{2,6}-\d{3}$")
    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    description: str
    detects: Literal["move", "signal"]
    emits: str
    speaker: Speaker = "company"
    patterns: list[list[dict[str, Any]]] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    exceptions: Exceptions = Field(default_factory=Exceptions)
    weight: float = 1.0
    severity: Literal["low", "medium", "high"] = "low"
    theme: Literal["empathy", "listening", "control", "ownership", "commitment", "clarity"] | None = None
    finding: Literal["strength", "improvement"] | None = None
    message: str = ""
    suggestion: str = ""
    why: str = ""
    enabled: bool = True
    examples: Examples = Field(default_factory=Examples)

    @model_validator(mode="after")
    def _check(self) -> Rule:
        known = MOVES if self.detects == "move" else SIGNALS
        if self.emits not in known and not is_team_name(self.emits):
            raise ValueError(
                f"emits: {self.emits!r} is not a known {self.detects}; one of: {', '.join(known)}; "
                "or a name of your own for your own flag: team_ then lower-case words joined by _"
            )
        if not self.patterns and not self.phrases:
            raise ValueError("patterns/phrases: a rule needs at least one pattern or phrase")
        if self.enabled and not self.examples.match:
            raise ValueError("examples.match: every rule needs at least one must-match example")
        for i, pat in enumerate(self.patterns):
            if not pat:
                raise ValueError(f"patterns[{i}]: empty pattern")
            for j, tok in enumerate(pat):
                if not isinstance(tok, dict):
                    raise ValueError(f"patterns[{i}][{j}]: a token pattern is a mapping")
        return self


class CallTypeProfile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    talk_band: tuple[float, float]
    focus: str
    jargon_ok: bool = False
    flags: dict[str, Literal["off", "low", "medium", "high"]] = Field(default_factory=dict)
    """Per-flag severity override for this call type; "off" disables the flag."""


class CallTypes(BaseModel):
    model_config = ConfigDict(extra="forbid")

    talk_ratio_tolerance: float = 0.10
    profiles: dict[str, CallTypeProfile]


class FlagTrigger(BaseModel):
    """What raises a team's own flag: enough sentences of one move or signal, in the
    words of one side, on the call types named."""

    model_config = ConfigDict(extra="forbid")

    move: str | None = None
    signal: str | None = None
    side: Literal["csm", "company", "customer"] = "csm"
    """Whose words count: the CSM's, anyone on our side (CSM or colleague), the customer's."""
    call_types: list[CallTypeLabel] = Field(default_factory=list)
    """The call types it is judged on; empty: every call type."""
    min_hits: int = Field(default=1, ge=1)
    """How many sentences of the move or signal it takes."""

    @model_validator(mode="after")
    def _check(self) -> FlagTrigger:
        if (self.move is None) == (self.signal is None):
            raise ValueError("raised_by: name exactly one of move or signal")
        known = MOVES if self.move is not None else SIGNALS
        if self.name not in known and not is_team_name(self.name):
            raise ValueError(
                f"raised_by.{self.kind}: {self.name!r} is not a known {self.kind}; one of: {', '.join(known)}; "
                "or one your own rule emits (team_…)"
            )
        return self

    @property
    def kind(self) -> Literal["move", "signal"]:
        return "move" if self.move is not None else "signal"

    @property
    def name(self) -> str:
        return self.move if self.move is not None else self.signal  # type: ignore[return-value]


class FlagExample(BaseModel):
    """A mini-transcript for a team's own flag: one utterance of the flag's side, or
    lines ``csm: …`` / ``customer: …`` / ``colleague: …``; ``context`` is customer words
    said before it."""

    model_config = ConfigDict(extra="forbid")

    text: str
    context: str = ""
    call_type: CallTypeLabel | None = None
    """Judged as a call of this type (default: the first of ``call_types``, else escalation)."""


class FlagExamples(_ExampleLists):
    match: list[FlagExample] = Field(default_factory=list)
    """Must raise the flag."""
    no_match: list[FlagExample] = Field(default_factory=list)
    """Must not raise it."""


class FlagSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    severity: Literal["low", "medium", "high"]
    message: str
    suggestion: str
    why: str = ""
    escalation_only: bool = False
    thresholds: dict[str, float] = Field(default_factory=dict)
    raised_by: FlagTrigger | None = None
    """A team's own flag: what raises it (shipped flags are raised by coach/judge.py)."""
    examples: FlagExamples = Field(default_factory=FlagExamples)

    @model_validator(mode="after")
    def _check(self) -> FlagSpec:
        if self.raised_by is None and (self.examples.match or self.examples.no_match):
            raise ValueError("examples: only a flag of your own (with raised_by) has examples")
        if self.raised_by is not None and not self.examples.match:
            raise ValueError("examples.match: your own flag needs at least one example that must raise it")
        return self


class Scoring(BaseModel):
    model_config = ConfigDict(extra="forbid")

    base: float = 100.0
    severity_penalty: dict[str, float]
    step_penalty: float
    check_penalty: float
    strength_bonus: float
    max_bonus: float
    floor: float = 0.0


class Lexicon(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    description: str
    terms: list[str] = Field(default_factory=list)
    groups: dict[str, list[str]] = Field(default_factory=dict)
