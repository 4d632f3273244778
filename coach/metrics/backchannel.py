"""Backchannels: short, non-substantive "mm-hmm"s that show listening, not interrupting.

The word list lives in ``rules/lexicons/backchannels.yaml`` (the shape of any rules
lexicon: ``terms``, plus ``groups.fillers`` and optional ``groups.sounds``) so a team can
extend it. A turn is a backchannel when it has at most a few words and every one of them
belongs to a term, a filler or a sound ("Oh, okay.", "Mm-hmm.", "[laughter]"). The move
detector reuses :func:`is_backchannel`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from coach.errors import RulesError
from coach.metrics.words import count_words

DEFAULT_MAX_WORDS = 4

_TAG = re.compile(r"[\[(<]([^\])>]{0,40})[\])>]")
_NON_WORD = re.compile(r"[^a-z0-9' ]+")
_RUN = re.compile(r"([a-z])\1{2,}")


def _tokens(text: str) -> list[str]:
    """Lower-case word tokens; hyphens split ("mm-hmm" -> mm hmm), "mmm" -> "mm"."""
    text = _TAG.sub(r" \1 ", text.lower()).replace("\u2019", "'").replace("-", " ")
    text = _RUN.sub(r"\1\1", _NON_WORD.sub(" ", text))
    return [t.strip("'") for t in text.split() if t.strip("'")]


class BackchannelLexicon:
    """Backchannel phrases, plus fillers and sounds that may pad them ("oh, okay")."""

    def __init__(self, terms: Iterable[str], fillers: Iterable[str] = (),
                 sounds: Iterable[str] = ()) -> None:
        self.phrases: set[tuple[str, ...]] = {tuple(_tokens(t)) for t in terms} - {()}
        self.single: set[str] = {w for t in (*fillers, *sounds) for w in _tokens(t)}
        self.longest = max((len(p) for p in self.phrases), default=1)

    @classmethod
    def from_mapping(cls, data: object, where: str = "backchannel lexicon") -> BackchannelLexicon:
        """Build from a rules lexicon mapping (``terms``, ``groups.fillers``, ``groups.sounds``)."""
        if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
            raise RulesError(f"{where}: field terms: expected a list of phrases")
        groups = data.get("groups") or {}
        if not isinstance(groups, dict):
            raise RulesError(f"{where}: field groups: expected a mapping of lists")
        for key in ("fillers", "sounds"):
            if not isinstance(groups.get(key, []), list):
                raise RulesError(f"{where}: field groups.{key}: expected a list of words")
        return cls([str(t) for t in data["terms"]],
                   [str(t) for t in groups.get("fillers", [])],
                   [str(t) for t in groups.get("sounds", [])])

    @classmethod
    def from_file(cls, path: Path) -> BackchannelLexicon:
        """Load a lexicon file; errors name the file and the field."""
        import srsly

        try:
            data = srsly.read_yaml(path)
        except Exception as err:  # noqa: BLE001 - the YAML library raises many types
            raise RulesError(f"{path}: not a readable YAML lexicon ({err})") from None
        return cls.from_mapping(data, str(path))

    def covers(self, text: str) -> bool:
        """True when every token of ``text`` belongs to a phrase, filler or sound."""
        toks = _tokens(text)
        if not toks:
            return False
        i = 0
        while i < len(toks):
            for k in range(min(self.longest, len(toks) - i), 0, -1):
                if tuple(toks[i:i + k]) in self.phrases:
                    i += k
                    break
            else:
                if toks[i] not in self.single:
                    return False
                i += 1
        return True


def default_lexicon_path() -> Path:
    """``rules/lexicons/backchannels.yaml`` of the shipped rules (repository top level)."""
    return Path(__file__).resolve().parents[2] / "rules" / "lexicons" / "backchannels.yaml"


@lru_cache(maxsize=1)
def default_lexicon() -> BackchannelLexicon:
    """The shipped lexicon, loaded once per process."""
    path = default_lexicon_path()
    if not path.is_file():
        raise RulesError(f"{path}: shipped backchannel lexicon is missing")
    return BackchannelLexicon.from_file(path)


def is_backchannel(text: str, *, max_words: int = DEFAULT_MAX_WORDS,
                   lexicon: BackchannelLexicon | None = None) -> bool:
    """Whether ``text`` is a backchannel: at most ``max_words`` words, all of them
    backchannel phrases, fillers or sounds ("Mm-hmm.", "Oh, okay.", "[laughter]").

    Empty text is not a backchannel: nothing was said to judge.
    """
    if not text or not text.strip():
        return False
    if count_words(text) > max_words:
        return False
    return (lexicon or default_lexicon()).covers(text)
