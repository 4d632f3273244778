"""Cheap text helpers the timing metrics share: word counts, quotes, cut-off marks.

No spaCy here on purpose: timing metrics must run on text-less and huge transcripts in
milliseconds, and a whitespace split is what "words per minute" means to a reader.
"""

from __future__ import annotations

import re

# Sound tags transcribers add: "[laughter]", "(laughs)", "<crosstalk>".
_TAG = re.compile(r"[\[(<][^\])>]{0,40}[\])>]")
# A word has at least one letter or digit ("--" and "…" are not words).
_WORDISH = re.compile(r"[0-9A-Za-z\u00c0-\uffff]")
# A turn that ends mid-sentence: "--", an em/en dash, or an ellipsis, before any
# closing quote or bracket.
_CUT_OFF = re.compile(r"(?:--|\u2014|\u2013|\u2026|\.\.\.)[\s\"'\u201d\u2019)\]]*$")


def count_words(text: str) -> int:
    """Spoken words in ``text``: whitespace tokens with a letter or digit, tags excluded."""
    if not text:
        return 0
    return sum(1 for tok in _TAG.sub(" ", text).split() if _WORDISH.search(tok))


def first_words(text: str, n: int) -> str:
    """The first ``n`` words of ``text`` (with "…" when cut), for quoting a turn."""
    toks = text.split()
    if len(toks) <= n:
        return text.strip()
    return " ".join(toks[:n]) + "\u2026"


def ends_cut_off(text: str) -> bool:
    """True when the text ends with a cut-off mark (``--``, ``—``, ``–``, ``…``, ``...``)."""
    return bool(text) and _CUT_OFF.search(text) is not None
