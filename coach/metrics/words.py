"""Cheap text helpers the timing metrics share: word counts, quotes, cut-off marks.

No spaCy here on purpose: timing metrics must run on text-less and huge transcripts in
milliseconds, and a whitespace split is what "words per minute" means to a reader.
"""

from __future__ import annotations

import re

# Sound tags transcribers add: "[laughter]", "(laughs)", "<crosstalk>"; redaction tokens
# in brackets ("[PII]", "[CREDIT_CARD]", "<PII>", "[NAME]") and template placeholders
# ("{{name}}", "{first_name}") are not speech either.
_TAG = re.compile(r"[\[(<][^\])>]{0,40}[\])>]|\{\{?[^{}]{0,40}\}\}?")
# Masks that stand for redacted digits or letters: "XXXX", "xxx-xxx", "****", "####".
# (Runs of "*" or "#" have no letter or digit, so they are not words anyway.)
_MASK = re.compile(r"(?<!\S)(?:X{3,}|x{3,})(?:[-/.]?(?:X{2,}|x{2,}))*[.,;:!?]*(?!\S)")
# A word has at least one letter or digit, [0-9A-Za-z\u00c0-\u1fff\u2070-\uffff]: "--",
# and the dashes, quotes and ellipsis of Unicode's general punctuation, are not words.
# count_words finds the whitespace tokens with none in one scan and subtracts them:
# _NOT_A_WORD on any text (``\s`` is ``str.isspace``, what ``split()`` cuts at),
# _NOT_A_WORD_SPACED on " text " where " " is the only whitespace.
_NOT_A_WORD = re.compile(r"(?<!\S)[^\s0-9A-Za-z\u00c0-\u1fff\u2070-\uffff]+(?!\S)")
_NOT_A_WORD_SPACED = re.compile(r" [^ 0-9A-Za-z\u00c0-\u1fff\u2070-\uffff]+(?= )")
# A turn that ends mid-sentence: "--", an em/en dash, or an ellipsis, before any
# closing quote or bracket.
_CUT_OFF = re.compile(r"(?:--|\u2014|\u2013|\u2026|\.\.\.)[\s\"'\u201d\u2019)\]]*$")


def count_words(text: str) -> int:
    """Spoken words in ``text``: whitespace tokens with a letter or digit, tags excluded."""
    if not text:
        return 0
    if "[" in text or "(" in text or "<" in text or "{" in text:
        text = _TAG.sub(" ", text)
    if "XXX" in text or "xxx" in text:
        text = _MASK.sub(" ", text)
    if text.isprintable():
        # no whitespace but " " (every other str.isspace character is unprintable)
        padded = f" {text} "
        tokens = len(text.split()) if "  " in padded else padded.count(" ") - 1
        return tokens - len(_NOT_A_WORD_SPACED.findall(padded))
    return len(text.split()) - len(_NOT_A_WORD.findall(text))


def is_tag_token(prev: str, text: str, nxt: str) -> bool:
    """True for a token that is a transcriber's tag, not a spoken word: a redaction label
    or sound tag between brackets (``[PII]``, ``<NAME>``, ``{{name}}``, ``[NOISE]``), or a
    mask (``XXXX``). ``prev`` and ``nxt`` are the texts of the tokens around it."""
    if prev and nxt and prev[-1] in "[<{" and nxt[0] in "]>}":
        return True
    return len(text) >= 3 and (text.strip("X") == "" or text.strip("x") == "")


def first_words(text: str, n: int) -> str:
    """The first ``n`` words of ``text`` (with "…" when cut), for quoting a turn."""
    toks = text.split()
    if len(toks) <= n:
        return text.strip()
    return " ".join(toks[:n]) + "\u2026"


def ends_cut_off(text: str) -> bool:
    """True when the text ends with a cut-off mark (``--``, ``—``, ``–``, ``…``, ``...``)."""
    return bool(text) and _CUT_OFF.search(text) is not None
