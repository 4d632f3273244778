"""Per-call metadata a team lead can drop next to a transcript: ``<file>.meta.json``.

Exports rarely say who the CSM was, which account the call was with or when it took
place; a small JSON file beside the transcript can. The schema is strict (unknown keys
are errors) so a typo such as ``"csm_name"`` is reported instead of silently ignored.

Example ``acme-2024-05-06.vtt.meta.json``::

    {"csm": "Priya Shah", "internal": ["Dev Patel"], "account": "Acme Corp",
     "call_date": "2024-05-06", "call_type": "escalation"}
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from coach.errors import InputError
from coach.report import CallTypeLabel

SIDECAR_SUFFIX = ".meta.json"


class Sidecar(BaseModel):
    """What a sidecar may say about one call (every field optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    csm: list[str] = Field(default_factory=list)  # the coached CSM's speaker label(s)
    internal: list[str] = Field(default_factory=list)  # colleagues on the CSM's side
    account: str | None = None  # the customer account
    call_date: dt.date | None = None
    call_time: dt.datetime | None = None  # the start, when call_date gave a date-time with its offset
    call_type: CallTypeLabel | None = None  # overrides call-type detection

    @model_validator(mode="before")
    @classmethod
    def _date_time(cls, data: object) -> object:
        """``call_date`` may be an ISO date-time with its UTC offset: keep the start too."""
        if isinstance(data, dict) and isinstance(data.get("call_date"), str) and len(data["call_date"]) > 10:
            try:
                start = dt.datetime.fromisoformat(data["call_date"].replace("Z", "+00:00"))
            except ValueError:
                return data  # the date field reports it
            data = {**data, "call_date": start.date().isoformat(), "call_time": data.get("call_time", start)}
        return data

    @field_validator("csm", "internal", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        """Accept ``"Priya"`` as well as ``["Priya", "Sam"]``."""
        if isinstance(value, str):
            return [value]
        return value

    @field_validator("csm", "internal")
    @classmethod
    def _no_blank_names(cls, value: list[str]) -> list[str]:
        names = [v.strip() for v in value]
        if any(not n for n in names):
            raise ValueError("names must not be empty")
        return names

    @property
    def role_hints(self) -> dict[str, object]:
        """The fields that change the analysis (part of the resume key)."""
        return {"csm": self.csm, "internal": self.internal, "call_type": self.call_type}


def sidecar_path(transcript: Path) -> Path:
    """``call.vtt`` -> ``call.vtt.meta.json``."""
    return transcript.with_name(transcript.name + SIDECAR_SUFFIX)


def load_sidecar(transcript: Path) -> tuple[Sidecar | None, bytes]:
    """The sidecar of ``transcript`` (None when there is none) and its raw bytes.

    Raises ``InputError`` naming the sidecar file and the field on anything invalid.
    """
    path = sidecar_path(transcript)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, b""
    except OSError as err:
        raise InputError(str(path), f"cannot read sidecar: {err.strerror or err}") from err
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise InputError(str(path), "sidecar is not UTF-8 text") from err
    except json.JSONDecodeError as err:
        raise InputError(str(path), f"invalid JSON: {err.msg}", line=err.lineno) from err
    if not isinstance(data, dict):
        raise InputError(str(path), "expected a JSON object such as {\"csm\": \"Name\"}")
    try:
        return Sidecar.model_validate(data), raw
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or None
        if first["type"] == "extra_forbidden":
            allowed = ", ".join(Sidecar.model_fields)
            message = f"unknown field (allowed: {allowed})"
        else:
            message = first["msg"]
        raise InputError(str(path), message, field=field) from err
