"""Read a call transcript in any supported format into one normalized ``Transcript``.

    from coach.readers import read_transcript
    t = read_transcript("call.vtt")                      # format detected from content
    t = read_transcript("call.json", input_format="deepgram")

The format is detected from the content; the file extension is only a tie-breaker
when the content says nothing. Every failure is an ``InputError`` whose message names
the file and, where it applies, the line or the JSON field. Roles are left "unknown":
``coach.roles.assign_roles`` decides them.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coach.errors import InputError
from coach.models import FORMATS, Transcript
from coach.readers.base import Source
from coach.readers.decode import MAX_BYTES, MAX_MB, decode

__all__ = ["FORMATS", "READERS", "ReaderSpec", "detect_format", "read_bytes",
           "read_transcript", "available_formats"]


@dataclass(frozen=True)
class ReaderSpec:
    """One input format: its name, where its reader lives, what it looks like."""

    name: str
    target: str  # "module:function", imported on first use
    extensions: tuple[str, ...]
    tool: str
    speaker: str
    timing: str

    def load(self) -> Callable[[Source], Transcript]:
        module, attr = self.target.split(":")
        return getattr(importlib.import_module(module), attr)


READERS: dict[str, ReaderSpec] = {spec.name: spec for spec in (
    ReaderSpec("teams-vtt", "coach.readers.vtt:read_teams_vtt", (".vtt",),
               "Microsoft Teams", "<v Name> voice spans", "cue times"),
    ReaderSpec("zoom-vtt", "coach.readers.vtt:read_zoom_vtt", (".vtt",),
               "Zoom cloud recording", "Name: prefix in each cue", "cue times"),
    ReaderSpec("srt", "coach.readers.srt:read_srt", (".srt",),
               "subtitle exports", "Name: prefix in each cue", "cue times"),
    ReaderSpec("text", "coach.readers.plaintext:read_text", (".txt", ".text", ".md"),
               "notes, many recorders", "[hh:mm:ss] Name: text / Name (mm:ss): text",
               "start only"),
    ReaderSpec("otter-text", "coach.readers.plaintext:read_otter", (".txt",),
               "Otter.ai .txt export", "Name  0:05 header line, text below", "start only"),
    ReaderSpec("coach-json", "coach.readers.jsonformats:read_coach_json", (".json",),
               "coach (coach transcript --format json)", "turns[].speaker", "seconds"),
    ReaderSpec("aws-transcribe", "coach.readers.jsonformats:read_aws_transcribe", (".json",),
               "Amazon Transcribe", "spk_0… (speaker_labels) or ch_0… (channel_labels)",
               "word items"),
    ReaderSpec("aws-call-analytics", "coach.readers.jsonformats:read_aws_call_analytics",
               (".json",), "Amazon Transcribe Call Analytics", "AGENT / CUSTOMER",
               "milliseconds"),
    ReaderSpec("whisperx", "coach.readers.jsonformats:read_whisperx", (".json",),
               "WhisperX + pyannote", "SPEAKER_00…", "segments, words"),
    ReaderSpec("deepgram", "coach.readers.jsonformats:read_deepgram", (".json",),
               "Deepgram (utterances)", "0, 1… (as strings)", "seconds"),
    ReaderSpec("assemblyai", "coach.readers.jsonformats:read_assemblyai", (".json",),
               "AssemblyAI (utterances)", "A, B…", "milliseconds"),
    ReaderSpec("rev-ai", "coach.readers.more_json:read_rev_ai", (".json",),
               "Rev.ai (monologues)", "0, 1… (as strings), or Rev's speaker_info.display_name",
               "words (seconds)"),
    ReaderSpec("speechmatics", "coach.readers.more_json:read_speechmatics", (".json",),
               "Speechmatics (json-v2)", "S1, S2… (UU: unidentified), or the channel",
               "word items"),
    ReaderSpec("google-ccai", "coach.readers.more_json:read_google_ccai", (".json",),
               "Google Contact Center AI Insights (conversation entries)",
               "AGENT / END_USER (the role; ROLE user_id when a role has several people)",
               "start only (microseconds)"),
    ReaderSpec("rttm", "coach.readers.rttm:parse_rttm", (".rttm",),
               "diarization (NIST RTTM)", "speaker ids", "start + duration, no text"),
)}
assert tuple(READERS) == FORMATS, "reader registry and models.FORMATS must agree"


def _rttm_module():
    """The RTTM reader module, or None while it is not installed (it is optional)."""
    try:
        return importlib.import_module("coach.readers.rttm")
    except ModuleNotFoundError as exc:
        if exc.name in ("coach.readers.rttm",):
            return None
        raise


def available_formats() -> list[str]:
    """Format names that can be read in this installation."""
    return [f for f in READERS if f != "rttm" or _rttm_module() is not None]


def read_transcript(path: str | os.PathLike[str], *,
                    input_format: str | None = None) -> Transcript:
    """Read one transcript file; roles are left "unknown"."""
    name = str(path)
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    if p.is_dir():
        raise InputError(name, "is a directory, not a transcript file (use `coach batch` "
                               "for a folder of calls)")
    if st.st_size > MAX_BYTES:
        raise InputError(name, f"file is {st.st_size / 1024 / 1024:.1f} MB; the limit is "
                               f"{MAX_MB} MB for one transcript")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
    return read_bytes(data, name=name, input_format=input_format)


def read_bytes(data: bytes, *, name: str, input_format: str | None = None) -> Transcript:
    """Read a transcript from bytes (an upload, a test); ``name`` is used in messages
    and as a hint (its extension) when the content does not tell the format."""
    text, warnings = decode(data, name)
    return read_text(text, name=name, input_format=input_format, warnings=warnings)


def read_text(text: str, *, name: str | None, input_format: str | None = None,
              warnings: list[str] | None = None) -> Transcript:
    """Read already-decoded text (``\\n`` newlines)."""
    src = Source(text, name, list(warnings or []))
    if input_format is None:
        fmt = _detect(src)
    else:
        fmt = _check_format_name(input_format, name)
    try:
        return _run(fmt, src)
    except InputError as exc:
        if input_format is None:
            raise
        # Forced format that does not fit: say what the content looks like instead.
        try:
            looks = _detect(Source(text, name, []))
        except InputError:
            looks = None
        if looks and looks != fmt:
            raise InputError(exc.path, f"{exc.reason} (with --input-format {fmt}; the "
                                       f"content looks like {looks})",
                             line=exc.line, field=exc.field) from None
        raise


def _check_format_name(fmt: str, name: str | None) -> str:
    fmt = fmt.strip().lower()
    if fmt not in READERS:
        raise InputError(name, f"unknown input format {fmt!r}; choose one of "
                               f"{', '.join(available_formats())}")
    if fmt == "rttm" and _rttm_module() is None:
        raise InputError(name, "the rttm reader is not available in this installation")
    return fmt


def _run(fmt: str, src: Source) -> Transcript:
    if fmt == "rttm":
        mod = _rttm_module()
        if mod is None:
            raise src.error("the rttm reader is not available in this installation")
        t = mod.parse_rttm(src.text, src.path)
        if src.warnings:
            t.warnings = list(src.warnings) + list(t.warnings)
        return t
    if fmt in _JSON_FORMATS:
        if src.text.lstrip()[:1] not in "{[":
            raise src.error(f"not JSON, but {fmt} is a JSON format", line=1)
        src.json()  # parse errors name the line before any reader looks at fields
    return READERS[fmt].load()(src)


_JSON_FORMATS = {"coach-json", "aws-transcribe", "aws-call-analytics", "whisperx",
                 "deepgram", "assemblyai", "rev-ai", "speechmatics", "google-ccai"}
_JSON_LIST_START = re.compile(r"\[\s*(?:[{\[\"\]]|$)")


def detect_format(content: str | bytes, *, name: str | None = None) -> str:
    """The format name of a transcript's content (``name``'s extension as a hint)."""
    if isinstance(content, bytes):
        content, _ = decode(content, name)
    return _detect(Source(content, name, []))


def _detect(src: Source) -> str:
    text = src.text
    head = text.lstrip()
    if head.startswith("{") or _JSON_LIST_START.match(head[:50]):
        from coach.readers.jsonformats import describe_unknown_json, sniff_json

        data = src.json()
        fmt = sniff_json(data)
        if fmt is None:
            why, known_tool = describe_unknown_json(data)
            raise src.error(why if known_tool else f"{why}; expected a transcript from one of "
                            f"{', '.join(sorted(_JSON_FORMATS))}")
        return fmt

    from coach.readers.plaintext import sniff_plaintext
    from coach.readers.srt import sniff_srt
    from coach.readers.vtt import sniff_vtt

    vtt = sniff_vtt(text)
    if vtt:
        return vtt
    if sniff_srt(text):
        return "srt"
    rttm = _rttm_module()
    if rttm is not None and rttm.sniff_rttm(text):
        return "rttm"
    plain = sniff_plaintext(text)
    if plain:
        return plain
    ext = Path(src.path or "").suffix.lower()
    if ext == ".vtt":
        return "zoom-vtt"  # its reader says what is missing
    if ext == ".srt":
        return "srt"
    if ext == ".json":
        return "coach-json"
    raise src.error("cannot tell the transcript format from the content: expected WebVTT "
                    "(Teams/Zoom), SRT, '[hh:mm:ss] Name: text' lines, Otter 'Name  0:05' "
                    "blocks, RTTM, or a JSON export (coach, AWS Transcribe, WhisperX, Deepgram, "
                    "AssemblyAI, Rev.ai, Speechmatics, Google Contact Center AI)")
