"""The normalized transcript every reader produces and every analysis reads."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["csm", "internal", "customer", "unknown"]
ROLES: tuple[str, ...] = ("csm", "internal", "customer", "unknown")

FORMATS: tuple[str, ...] = (
    "teams-vtt",
    "zoom-vtt",
    "srt",
    "text",
    "otter-text",
    "coach-json",
    "aws-transcribe",
    "aws-call-analytics",
    "whisperx",
    "deepgram",
    "assemblyai",
    "rev-ai",
    "speechmatics",
    "google-ccai",
    "rttm",
)


class Word(BaseModel):
    """One recognized word; times are None where the source gives none."""

    model_config = ConfigDict(extra="forbid")

    text: str
    start: float | None = None
    end: float | None = None


class Turn(BaseModel):
    """One speaker's uninterrupted stretch of speech.

    ``end_estimated`` is true where the source has start times only and the end was
    taken from the next turn's start (capped), so metrics can say they are estimates.
    """

    model_config = ConfigDict(extra="forbid")

    speaker: str
    role: Role = "unknown"
    start: float
    end: float
    text: str = ""
    end_estimated: bool = False
    words: list[Word] | None = None

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


class Transcript(BaseModel):
    """A call as read from one file: turns in time order, plus how roles were decided."""

    model_config = ConfigDict(extra="forbid")

    format: str
    source_path: str | None = None
    turns: list[Turn] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    # speaker label -> how its role was decided ("--csm", "roster", "format", "detected: ...")
    role_sources: dict[str, str] = Field(default_factory=dict)
    has_text: bool = True
    timing: Literal["full", "start_only"] = "full"

    @property
    def speakers(self) -> list[str]:
        """Speaker labels in order of first appearance."""
        seen: dict[str, None] = {}
        for t in self.turns:
            seen.setdefault(t.speaker, None)
        return list(seen)

    def role_of(self, speaker: str) -> str:
        for t in self.turns:
            if t.speaker == speaker:
                return t.role
        return "unknown"

    def to_contract(self) -> dict:
        """The `coach transcript --format json` contract of design.md."""
        return {
            "format": self.format,
            "source": self.source_path,
            "timing": self.timing,
            "turns": [
                {
                    "speaker": t.speaker,
                    "role": t.role,
                    "start": round(t.start, 3),
                    "end": round(t.end, 3),
                    "text": t.text,
                    **({"end_estimated": True} if t.end_estimated else {}),
                }
                for t in self.turns
            ],
            "role_sources": self.role_sources,
            "warnings": self.warnings,
        }
