"""Backchannels: short, non-substantive "mm-hmm"s that show listening, not interrupting.

The word list lives in ``rules/lexicons/backchannels.yaml`` (the shape of any rules
lexicon: ``terms``, plus ``groups.fillers`` and optional ``groups.sounds``) so a team can
extend it. A turn is a backchannel when it has at most a few words and every one of them
belongs to a term, a filler or a sound ("Oh, okay.", "Mm-hmm.", "[laughter]"). The move
detector reuses :func:`is_backchannel`.

The same file's ``groups.closings`` (with ``groups.address``: "sir", "ma'am") are the
leave-taking formulas ("thank you for calling", "have a great day", "bye", "take care"):
like a backchannel, saying goodbye over someone's goodbye does not take the floor
(:meth:`BackchannelLexicon.leave_taking`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from coach.errors import RulesError
from coach.metrics.words import count_words

DEFAULT_MAX_WORDS = 4

_TAG = re.compile(r"[\[(<]([^\])>]{0,40})[\])>]|\{\{?([^{}]{0,40})\}\}?")
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
                 sounds: Iterable[str] = (), closings: Iterable[str] = (),
                 address: Iterable[str] = ()) -> None:
        self.phrases: set[tuple[str, ...]] = {tuple(_tokens(t)) for t in terms} - {()}
        self.single: set[str] = {w for t in (*fillers, *sounds) for w in _tokens(t)}
        self.closings: set[tuple[str, ...]] = {tuple(_tokens(t)) for t in closings} - {()}
        self.address: set[str] = {w for t in address for w in _tokens(t)}
        self.longest_closing = max((len(p) for p in self.closings), default=1)
        # bracketed words the lexicon knows as listening sounds: "[laughter]", "(laughs)"
        self.sounds: set[str] = {" ".join(_tokens(t)) for t in (*terms, *sounds)}
        self.longest = max((len(p) for p in self.phrases), default=1)

    @classmethod
    def from_mapping(cls, data: object, where: str = "backchannel lexicon") -> BackchannelLexicon:
        """Build from a rules lexicon mapping (``terms``, ``groups.fillers``, ``groups.sounds``)."""
        if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
            raise RulesError(f"{where}: field terms: expected a list of phrases")
        groups = data.get("groups") or {}
        if not isinstance(groups, dict):
            raise RulesError(f"{where}: field groups: expected a mapping of lists")
        for key in ("fillers", "sounds", "closings", "address"):
            if not isinstance(groups.get(key, []), list):
                raise RulesError(f"{where}: field groups.{key}: expected a list of words")
        return cls([str(t) for t in data["terms"]],
                   [str(t) for t in groups.get("fillers", [])],
                   [str(t) for t in groups.get("sounds", [])],
                   [str(t) for t in groups.get("closings", [])],
                   [str(t) for t in groups.get("address", [])])

    @classmethod
    def from_file(cls, path: Path) -> BackchannelLexicon:
        """Load a lexicon file; errors name the file and the field."""
        import srsly

        try:
            data = srsly.read_yaml(path)
        except Exception as err:  # noqa: BLE001 - the YAML library raises many types
            raise RulesError(f"{path}: not a readable YAML lexicon ({err})") from None
        return cls.from_mapping(data, str(path))

    def _tag(self, m: re.Match[str]) -> str:
        """A bracketed sound of the lexicon ("[laughter]") stays a word; any other tag, a
        redaction token ("[PII]", "<NAME>", "{{name}}") or "[inaudible]", is no word."""
        inner = (m.group(1) or "").strip().lower()
        return f" {inner} " if m.group(1) is not None and inner in self.sounds else " "

    def covers(self, text: str) -> bool:
        """True when every token of ``text`` belongs to a phrase, filler or sound."""
        if "[" in text or "(" in text or "<" in text or "{" in text:
            text = _TAG.sub(self._tag, text)
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


    def leave_taking(self, text: str) -> bool:
        """True when ``text`` only takes leave: at least one closing formula ("thanks for
        calling", "have a great day", "bye"), the rest listening tokens, fillers, forms of
        address ("ma'am") or up to two names (capitalized, or redacted: "[PII]").

        "Thank you so much, bye." and "You too, take care, [PII]." take leave; "Thanks,
        and one more thing about the invoice" does not.
        """
        if not self.closings or not text:
            return False
        names = {w.lower() for w in _NAME.findall(text)}
        if "[" in text or "(" in text or "<" in text or "{" in text:
            text = _TAG.sub(self._tag, text)
        toks = _tokens(text)
        closing, others, i, company = False, 0, 0, 0
        while i < len(toks):
            for k in range(min(max(self.longest_closing, self.longest), len(toks) - i), 0, -1):
                piece = tuple(toks[i:i + k])
                if piece in self.closings:
                    closing = True
                    company = 3 if piece[-1] in _THANKS_FOR_CALLING else 0
                    break
                if piece in self.phrases:
                    company = 0
                    break
            else:
                k = 1
                w = toks[i]
                if company:  # "thank you for calling Bank of Lakeside"
                    company -= 1
                elif w not in self.single and w not in self.address:
                    others += 1
                    if w not in names or others > 2:
                        return False
            i += k
        return closing


    def has_closing(self, text: str) -> bool:
        """True when ``text`` holds a closing formula anywhere ("... thanks so much, bye")."""
        if not self.closings or not text:
            return False
        toks = _tokens(text)
        n = len(toks)
        return any(tuple(toks[i:i + k]) in self.closings
                   for i in range(n) for k in range(1, min(self.longest_closing, n - i) + 1))


_THANKS_FOR_CALLING = frozenset({"calling", "choosing", "contacting"})
_NAME = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")


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
