"""Bytes -> text, with the checks and repairs real transcript files need.

Every reader works on ``str`` with ``\\n`` line endings; this module is the one place
that decides whether a file is text at all, which encoding it is in, and whether it
is too large to be a call transcript. Problems it cannot repair raise ``InputError``;
repairs it makes (cp1252 fallback, stripped BOM is silent) are returned as warnings.
"""

from __future__ import annotations

import codecs
import re

from coach.errors import InputError

# A 4-hour call in the wordiest JSON format (AWS Transcribe, ~170 bytes a word at
# 2.5 words a second) is about 6 MB; 50 MB leaves room for huge exports while still
# refusing a video or a database dump by mistake.
MAX_BYTES = 50 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)

# Magic numbers of files people hand over by mistake, for a helpful error.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF", "a PDF document", "export the transcript as .vtt, .srt, .txt or .json"),
    (b"PK\x03\x04", "a zip archive (or a .docx/.xlsx)",
     "unzip it, or export the transcript as .vtt, .srt, .txt or .json"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document", "save the transcript as text"),
    (b"{\\rtf", "an RTF document", "save it as plain text (.txt)"),
    (b"ID3", "an MP3 audio file", "coach reads transcripts, not audio"),
    (b"RIFF", "a WAV/AVI media file", "coach reads transcripts, not audio"),
    (b"OggS", "an Ogg audio file", "coach reads transcripts, not audio"),
    (b"fLaC", "a FLAC audio file", "coach reads transcripts, not audio"),
    (b"\x1f\x8b", "a gzip archive", "decompress it first"),
    (b"\x89PNG", "a PNG image", "coach reads transcripts"),
    (b"\xff\xd8\xff", "a JPEG image", "coach reads transcripts"),
    (b"SQLite format 3", "an SQLite database", "coach reads transcripts"),
)
_MP4 = re.compile(rb"^....ftyp")
# C0 control characters other than tab, newline, carriage return and form feed.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def decode(data: bytes, path: str | None) -> tuple[str, list[str]]:
    """Decode ``data`` into text with ``\\n`` newlines; return (text, warnings)."""
    warnings: list[str] = []
    if len(data) > MAX_BYTES:
        raise InputError(path, f"file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                               f"{MAX_MB} MB for one transcript")
    if not data.strip():
        raise InputError(path, "file is empty" if not data else "file has only whitespace")

    text = _decode_unicode(data, path, warnings)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(path, "file has no text")
    return text, warnings


def _decode_unicode(data: bytes, path: str | None, warnings: list[str]) -> str:
    # Byte-order marks first: UTF-16 files (Notepad's "Unicode") are full of NULs.
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(path, f"file starts with a UTF-16 byte-order mark but is not "
                                   f"valid UTF-16 (byte {exc.start})") from None

    head = data[:64]
    for magic, what, advice in _MAGIC:
        if head.startswith(magic):
            raise InputError(path, f"this is {what}, not a transcript; {advice}")
    if _MP4.match(head):
        raise InputError(path, "this is an MP4/M4A media file; coach reads transcripts, "
                               "not audio or video")
    nul = data.find(b"\x00")
    if nul >= 0:
        if _looks_utf16_without_bom(data):
            enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
            try:
                warnings.append(f"file is UTF-16 without a byte-order mark; decoded as {enc}")
                return data.decode(enc)
            except UnicodeDecodeError:
                warnings.pop()
        raise InputError(path, f"binary file, not a transcript (NUL byte at offset {nul})")
    sample = data[:65536]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise InputError(path, "binary file, not a transcript (too many control characters)")

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("cp1252", errors="replace")
        warnings.append(f"not valid UTF-8 (first bad byte on line {line}); decoded as "
                        f"Windows-1252 (cp1252): check accented names")
        return text


def _looks_utf16_without_bom(data: bytes) -> bool:
    """ASCII text saved as UTF-16 has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return False
    even, odd = sample[0::2], sample[1::2]
    return odd.count(0) > 0.9 * len(odd) or even.count(0) > 0.9 * len(even)
