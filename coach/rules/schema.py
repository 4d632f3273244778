"""The strict schema of rule files.

Every file in ``rules/`` is validated here; unknown keys are errors, and the loader
turns a validation error into one message naming the file, the rule and the field.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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

Speaker = Literal["csm", "company", "customer", "any"]


class Example(BaseModel):
    """A mini-transcript: optional earlier customer words, then the utterance tested."""

    model_config = ConfigDict(extra="forbid")

    text: str
    speaker: Literal["csm", "customer"] | None = None
    context: str = ""
    call_type: str | None = None


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")

    match: list[Example] = Field(default_factory=list)
    no_match: list[Example] = Field(default_factory=list)

    @field_validator("match", "no_match", mode="before")
    @classmethod
    def _strings_are_examples(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"text": x} if isinstance(x, str) else x for x in v]
        return v


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
        if self.emits not in known:
            raise ValueError(f"emits: {self.emits!r} is not a known {self.detects}; one of: {', '.join(known)}")
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


class FlagSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    severity: Literal["low", "medium", "high"]
    message: str
    suggestion: str
    why: str = ""
    escalation_only: bool = False
    thresholds: dict[str, float] = Field(default_factory=dict)


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
