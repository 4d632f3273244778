"""spaCy token patterns compiled to regular expressions over a token stream.

spaCy's ``Matcher`` evaluates ``IN`` sets and flags in Python, with a ``Token`` object
per check, at every token: it was most of the time of an analysis. Here each token of a
``Doc`` becomes one fixed-layout piece of text (its flags, ``ORTH``, ``LOWER`` and
``NORM`` between control characters), built once per vocabulary entry and cached, and
each token pattern becomes one regular expression over those pieces, so matching runs in
``re``'s C loop. Patterns this module cannot express (``REGEX``, ``LENGTH``, ``SHAPE``,
parser attributes…) return ``None`` from :func:`compile_pattern` and stay with spaCy.

Layout of one token: ``\\x1e FLAGS ORTH \\x1c LOWER \\x1f NORM \\x1d``, where FLAGS has
one character per entry of :data:`FLAGS` (``1`` or ``0``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

START, ORTH_END, LOWER_END, END = "\x1e", "\x1c", "\x1f", "\x1d"
FLAGS = (
    "IS_PUNCT",
    "LIKE_NUM",
    "IS_TITLE",
    "IS_ALPHA",
    "IS_DIGIT",
    "IS_LOWER",
    "IS_UPPER",
    "IS_SPACE",
    "IS_STOP",
    "IS_ASCII",
    "IS_CURRENCY",
    "IS_QUOTE",
    "IS_BRACKET",
    "IS_LEFT_PUNCT",
    "IS_RIGHT_PUNCT",
    "LIKE_URL",
    "LIKE_EMAIL",
)
_FIELDS = {"ORTH": ORTH_END, "TEXT": ORTH_END, "LOWER": LOWER_END, "NORM": END}
_CONTROL = re.compile("[\x1c-\x1f]")
ANY_TOKEN = f"{START}[^{END}]*{END}"
_TOKENS = re.compile(
    f"{START}([01])[01]{{{len(FLAGS) - 1}}}[^{ORTH_END}]*{ORTH_END}([^{LOWER_END}]*){LOWER_END}([^{END}]*){END}"
)
_QUANT = re.compile(r"^\{(\d*)(,?)(\d*)\}$")


def compile_pattern(pattern: list[dict[str, Any]]) -> str | None:
    """The regex source of a spaCy token pattern, or None when it needs spaCy."""
    parts = []
    for spec in pattern:
        op = spec.get("OP")
        body = _token(spec)
        if body is None:
            return None
        if op in (None, "1"):
            parts.append(body)
        elif op == "!":
            parts.append(f"(?!{body}){ANY_TOKEN}")
        elif op in ("?", "*", "+"):
            parts.append(f"(?:{body}){op}")
        elif (bounds := quantifier(op)) is not None:
            lo, hi = bounds
            parts.append(f"(?:{body}){{{lo},{'' if hi is None else hi}}}")
        else:
            return None
    return "".join(parts)


def quantifier(op: Any) -> tuple[int, int | None] | None:
    """(least, most) repeats of a ``{n}``, ``{n,m}``, ``{n,}`` or ``{,m}`` operator (most
    None: unbounded); None for anything else."""
    m = _QUANT.match(op) if isinstance(op, str) else None
    if m is None or not (m.group(1) or m.group(3)):
        return None
    lo, comma, hi = m.groups()
    least = int(lo or 0)
    if not comma:
        return least, least
    return least, int(hi) if hi else None


def _token(spec: dict[str, Any]) -> str | None:
    flags = ["[01]"] * len(FLAGS)
    fields = {name: None for name in ("ORTH", "LOWER", "NORM")}
    for key, value in spec.items():
        if key == "OP":
            continue
        if key in FLAGS:
            if not isinstance(value, bool):
                return None
            flags[FLAGS.index(key)] = "1" if value else "0"
        elif key in _FIELDS:
            end = _FIELDS[key]
            rx = _value(value, end)
            if rx is None:
                return None
            name = "ORTH" if key == "TEXT" else key
            fields[name] = rx if fields[name] is None else f"(?={rx}{end}){rx}"
        else:
            return None
    orth = fields["ORTH"] or f"[^{ORTH_END}]*"
    lower = fields["LOWER"] or f"[^{LOWER_END}]*"
    norm = fields["NORM"] or f"[^{END}]*"
    return f"{START}{''.join(flags)}{orth}{ORTH_END}{lower}{LOWER_END}{norm}{END}"


def _value(value: Any, end: str) -> str | None:
    """A field's value: a string, ``{"IN": [...]}`` or ``{"NOT_IN": [...]}``."""
    if isinstance(value, str):
        return re.escape(_clean(value))
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((kind, items),) = value.items()
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        return None
    alts = "|".join(re.escape(_clean(v)) for v in sorted(set(items), key=lambda v: (-len(v), v)))
    if kind == "IN":
        return f"(?:{alts})" if items else "(?!)"
    if kind == "NOT_IN":
        return f"(?!(?:{alts}){end})[^{end}]*" if items else f"[^{end}]*"
    return None


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


class TokenStream:
    """A ``Doc`` as text for the compiled patterns, with token offsets and sentences.

    Pieces are cached per (ORTH, NORM) pair for the life of the vocabulary: a call's
    words are mostly words seen before, so building a stream is a lookup per token.
    """

    __slots__ = ("bounds", "offsets", "text")

    def __init__(self, text: str, offsets: list[int], bounds: list[int]) -> None:
        self.text = text
        self.offsets = offsets  # char offset of every token, plus the end
        self.bounds = bounds  # first token of every sentence, plus len(doc)

    def sentence_range(self, k: int) -> tuple[int, int]:
        """Char range of sentence ``k``."""
        return self.offsets[self.bounds[k]], self.offsets[self.bounds[k + 1]]

    def tokens(self, k: int) -> list[tuple[str, str, str]]:
        """(IS_PUNCT "1"/"0", LOWER, NORM) of every token of sentence ``k``."""
        return _TOKENS.findall(self.text, *self.sentence_range(k))

    def token_at(self, char: int) -> int:
        return bisect_right(self.offsets, char) - 1

    def matches(self, rx: re.Pattern[str], k: int) -> Iterator[tuple[int, int]]:
        """(start, end) token spans of ``rx`` in sentence ``k``: one per start, in order."""
        pos, endpos = self.sentence_range(k)
        search = rx.search
        text = self.text
        while pos < endpos:
            m = search(text, pos, endpos)
            if m is None:
                return
            s, e = m.span()
            start = self.token_at(s)
            if e > s:
                yield start, self.token_at(e - 1) + 1
            pos = self.offsets[start + 1]


class StreamBuilder:
    """Builds :class:`TokenStream` s for one vocabulary."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.pieces: dict[tuple[int, int], str] = {}
        self._transient: list[tuple[int, int]] | None = None  # pieces to forget, in a memory zone

    @contextmanager
    def transient(self) -> Iterator[None]:
        """Pieces made inside this block are forgotten at its end (a spaCy memory zone:
        its words are freed, and the cache must not grow with them)."""
        self._transient = added = []
        try:
            yield
        finally:
            self._transient = None
            for key in added:
                self.pieces.pop(key, None)

    def _piece(self, key: tuple[int, int]) -> str:
        orth, norm = key
        lex = self.vocab[orth]
        flags = "".join("1" if getattr(lex, f.lower()) else "0" for f in FLAGS)
        text = _clean(lex.orth_)
        piece = f"{START}{flags}{text}{ORTH_END}{_clean(lex.lower_)}{LOWER_END}{_clean(self.vocab.strings[norm])}{END}"
        self.pieces[key] = piece
        if self._transient is not None:
            self._transient.append(key)
        return piece

    def build(self, doc: Doc) -> TokenStream:
        from itertools import accumulate

        from spacy.attrs import NORM, ORTH, SENT_START

        arr = doc.to_array([ORTH, NORM, SENT_START])
        keys = list(zip(arr[:, 0].tolist(), arr[:, 1].tolist(), strict=True))
        pieces = list(map(self.pieces.get, keys))
        if None in pieces:  # new words: each made once, however often it occurs
            get = self.pieces.get
            pieces = [p if p is not None else get(k) or self._piece(k) for p, k in zip(pieces, keys, strict=True)]
        offsets = [0, *accumulate(map(len, pieces))]
        bounds = (arr[:, 2] == 1).nonzero()[0].tolist()
        if not bounds or bounds[0] != 0:
            bounds.insert(0, 0)
        bounds.append(len(doc))
        return TokenStream("".join(pieces), offsets, bounds)
