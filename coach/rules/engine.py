"""Compile rules into spaCy matchers once, and find rule hits in a ``Doc``.

Literal phrases go to one ``PhraseMatcher`` (nearly free); token patterns to
``Matcher`` objects split by whose words they read, so a customer's turn never runs
the CSM's patterns. ``LEMMA`` in a pattern becomes ``NORM`` (see :mod:`coach.nlp`).
Exceptions (negation, questions, conditionals) are applied per hit, on the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coach.rules.loader import RuleSet
from coach.rules.schema import Rule

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Span

NEGATIONS = frozenset(
    {"not", "n't", "never", "no", "nobody", "nothing", "neither", "nor", "without", "hardly", "cannot", "none"}
)
CONDITIONALS = frozenset({"if", "unless", "whether", "would", "could", "might"})
FIRST_PERSON = frozenset({"i", "we", "me", "us", "my", "our", "i'll", "we'll", "myself"})
AUX_START = frozenset(
    {
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "would",
        "will",
        "have",
        "has",
        "had",
        "should",
        "shall",
        "may",
        "might",
        "am",
        "be",
    }
)
SUBJ = frozenset(
    {
        "you",
        "i",
        "we",
        "they",
        "it",
        "he",
        "she",
        "that",
        "this",
        "there",
        "your",
        "the",
        "anyone",
        "anything",
        "everyone",
        "any",
        "y'all",
        "ya",
    }
)
WH = frozenset({"what", "why", "how", "when", "where", "who", "which", "whom", "whose"})
LEAD_FILLERS = frozenset(
    {
        "and",
        "so",
        "but",
        "um",
        "uh",
        "oh",
        "well",
        "okay",
        "ok",
        "now",
        "then",
        "or",
        "also",
        ",",
        "alright",
        "right",
        "yeah",
        "hmm",
        "like",
        "just",
        "actually",
        "sorry",
    }
)

SCOPES = ("company", "customer", "any")
TAG_QUESTION = re.compile(
    r",\s*(?:is|are|do|does|did|was|were|can|could|would|will|have|has|should|wo|ca)(?:n't| not)?"
    r"\s+(?:you|they|it|he|she|we|i)\W*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hit:
    """One rule matched in one sentence of one utterance."""

    rule: Rule
    start: int
    end: int
    sent: Span

    @property
    def text(self) -> str:
        return self.sent.text.strip()


class _Sentence:
    """One sentence of a turn and what rule exceptions read of it, computed on demand."""

    __slots__ = ("_lower", "_question", "_words", "_words_set", "span")

    def __init__(self, span: Span) -> None:
        self.span = span
        self._lower: str | None = None
        self._question: bool | None = None
        self._words: int | None = None
        self._words_set: frozenset[str] | None = None

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.span.text.lower()
        return self._lower

    @property
    def question(self) -> bool:
        if self._question is None:
            self._question = is_question(self.span)
        return self._question

    @property
    def words(self) -> int:
        if self._words is None:
            self._words = sum(1 for t in self.span if not t.is_punct)
        return self._words

    @property
    def words_set(self) -> frozenset[str]:
        if self._words_set is None:
            self._words_set = frozenset(t.lower_ for t in self.span)
        return self._words_set


def is_question(sent: Span) -> bool:
    """A question by its mark, or by its shape when transcripts drop the mark."""
    text = sent.text.rstrip()
    if text.endswith("?"):
        return True
    words = [t.lower_ for t in sent if not t.is_punct]
    words = [w for i, w in enumerate(words) if i == 0 or w != words[i - 1]]  # "do, do you"
    i = 0
    while i < len(words) and words[i] in LEAD_FILLERS:
        i += 1
    if i + 1 >= len(words):
        return False
    first, second = words[i], words[i + 1]
    if first in AUX_START and second in SUBJ:
        return True
    if first in AUX_START and second in ("n't", "not") and i + 2 < len(words) and words[i + 2] in SUBJ:
        return True
    if TAG_QUESTION.search(text):
        return True  # "..., isn't it" / "they're not, are they."
    if first in WH and (
        second in AUX_START or second in ("'s", "'re", "do", "much", "many", "long", "kind", "often", "else")
    ):
        return True
    return False


def role_scope(role: str) -> tuple[str, ...]:
    """Which matcher scopes read this role's words."""
    if role in ("csm", "internal"):
        return ("company", "any")
    if role == "customer":
        return ("customer", "any")
    return ("company", "customer", "any")


def _speaker_ok(rule: Rule, role: str) -> bool:
    if rule.speaker == "any":
        return True
    if rule.speaker == "csm":
        return role in ("csm", "unknown")
    if rule.speaker == "company":
        return role in ("csm", "internal", "unknown")
    return role in ("customer", "unknown")


class RuleEngine:
    """Matchers built once from a :class:`RuleSet`; ``hits(doc, role)`` per utterance."""

    def __init__(self, ruleset: RuleSet, nlp: Language) -> None:
        from spacy.matcher import Matcher, PhraseMatcher
        from spacy.tokens import Doc

        from coach.nlp import install_lemma_norms

        self.ruleset = ruleset
        self.nlp = nlp
        self.rules: dict[str, Rule] = {r.code: r for r in ruleset.rules}
        lemmas: set[str] = set()
        compiled: dict[str, list[list[dict[str, Any]]]] = {}
        for rule in ruleset.rules:
            compiled[rule.code] = [self._compile(p, lemmas) for p in rule.patterns]
        install_lemma_norms(nlp, sorted(lemmas))
        # token patterns grouped by their most selective required word: a group's Matcher
        # runs only on a Doc that holds one of those words (the Matcher tries every
        # pattern at every token, so skipping it is where the time is)
        groups: dict[tuple[str, str | None, frozenset[int]], Matcher] = {}
        strings = nlp.vocab.strings
        # literal patterns (one attribute, no wildcards) become phrases: the PhraseMatcher
        # costs almost nothing per token, the token Matcher is the expensive part
        literal: dict[tuple[str, str], dict[str, list[list[str]]]] = {}
        for rule in ruleset.rules:
            scope = _scope_of(rule)
            for pattern in compiled[rule.code]:
                expanded = _expand_literal(pattern)
                if expanded is not None:
                    attr, seqs = expanded
                    literal.setdefault((scope, attr), {}).setdefault(rule.code, []).extend(seqs)
                    continue
                attr, values = _anchor(pattern)
                key = (scope, attr, frozenset(strings.add(v) for v in values))
                matcher = groups.setdefault(key, Matcher(nlp.vocab, validate=True))
                try:
                    matcher.add(rule.code, [pattern])
                except ValueError as err:  # spaCy's pattern validation
                    from coach.errors import RulesError

                    src = ruleset.sources.get(rule.code, "?")
                    msg = str(err).strip().splitlines()
                    raise RulesError(f"{src}: rule {rule.code}: field patterns: {msg[-1] if msg else err}") from None
        self.groups: dict[str, list[tuple[str | None, frozenset[int], Matcher]]] = {s: [] for s in SCOPES}
        # inverted index: word hash -> the groups it wakes, per scope and attribute
        self.index: dict[str, dict[str, dict[int, list[int]]]] = {s: {"LOWER": {}, "NORM": {}} for s in SCOPES}
        self.always: dict[str, list[int]] = {s: [] for s in SCOPES}
        for (scope, attr, hashes), matcher in groups.items():
            gid = len(self.groups[scope])
            self.groups[scope].append((attr, hashes, matcher))
            if attr is None:
                self.always[scope].append(gid)
            else:
                for h in hashes:
                    self.index[scope][attr].setdefault(h, []).append(gid)
        self.phrasers = {s: PhraseMatcher(nlp.vocab, attr="LOWER") for s in SCOPES}
        self.norm_phrasers = {s: PhraseMatcher(nlp.vocab, attr="NORM") for s in SCOPES}
        for (scope, attr), by_rule in literal.items():
            target = self.phrasers[scope] if attr == "LOWER" else self.norm_phrasers[scope]
            for code, seqs in by_rule.items():
                target.add(code, [Doc(nlp.vocab, words=seq) for seq in seqs])
        for rule in ruleset.rules:
            scope = _scope_of(rule)
            phrases = self._expand_phrases(rule.phrases)
            if phrases:
                self.phrasers[scope].add(rule.code, list(nlp.tokenizer.pipe(phrases)))

    # -- compilation -------------------------------------------------------------------
    def _compile(self, pattern: list[dict[str, Any]], lemmas: set[str]) -> list[dict[str, Any]]:
        out = []
        for tok in pattern:
            new: dict[str, Any] = {}
            for key, value in tok.items():
                value = self._expand_value(value)
                if key.upper() == "LEMMA":
                    key = "NORM"
                    if isinstance(value, str):
                        lemmas.add(value)
                        value = value.lower()
                    elif isinstance(value, dict):
                        for k in ("IN", "NOT_IN"):
                            if k in value:
                                lemmas.update(value[k])
                                value = {**value, k: [v.lower() for v in value[k]]}
                new[key] = value
            out.append(new)
        return out

    def _expand_value(self, value: Any) -> Any:
        if isinstance(value, dict):
            value = dict(value)
            for k in ("IN", "NOT_IN"):
                v = value.get(k)
                if isinstance(v, str) and v.startswith("@"):
                    value[k] = [t.lower() for t in self.ruleset.lexicon_terms(v[1:]) if " " not in t]
        return value

    def _expand_phrases(self, phrases: list[str]) -> list[str]:
        out: list[str] = []
        for p in phrases:
            if p.startswith("@"):
                out.extend(self.ruleset.lexicon_terms(p[1:]))
            else:
                out.append(p)
        return [p.lower() for p in out]

    # -- matching ----------------------------------------------------------------------
    def hits(self, doc: Doc, role: str) -> list[Hit]:
        """Rule hits in ``doc`` spoken by someone in ``role``, exceptions applied.

        One hit per (rule, sentence): the first, so counts mean "sentences that did X".
        """
        from spacy.attrs import LOWER, NORM, SENT_START

        raw: list[tuple[int, int, int]] = []
        if not len(doc):
            return []
        arr = doc.to_array([LOWER, NORM, SENT_START])
        lowers, norms, starts = arr[:, 0].tolist(), arr[:, 1].tolist(), arr[:, 2].tolist()
        # sentence of each token, to run a group's Matcher only on the sentences with its word
        bounds: list[int] = [i for i, s in enumerate(starts) if s == 1 or i == 0]
        sent_of: list[int] = []
        for k, b in enumerate(bounds):
            end = bounds[k + 1] if k + 1 < len(bounds) else len(doc)
            sent_of.extend([k] * (end - b))
        for scope in role_scope(role):
            wake: dict[int, set[int]] = {}
            idx_l, idx_n = self.index[scope]["LOWER"], self.index[scope]["NORM"]
            for i, (lo, no) in enumerate(zip(lowers, norms, strict=True)):
                for gid in (*idx_l.get(lo, ()), *idx_n.get(no, ())):
                    wake.setdefault(gid, set()).add(sent_of[i])
            groups = self.groups[scope]
            for gid in self.always[scope]:
                raw.extend(groups[gid][2](doc))
            for gid, sents in wake.items():
                matcher = groups[gid][2]
                if len(sents) == len(bounds):
                    raw.extend(matcher(doc))
                    continue
                for k in sents:
                    start = bounds[k]
                    end = bounds[k + 1] if k + 1 < len(bounds) else len(doc)
                    raw.extend((m, s + start, e + start) for m, s, e in matcher(doc[start:end]))
            raw.extend(self.phrasers[scope](doc))
            raw.extend(self.norm_phrasers[scope](doc))
        if not raw:
            return []
        strings = self.nlp.vocab.strings
        seen: set[tuple[str, int]] = set()
        out: list[Hit] = []
        sents: dict[int, _Sentence] = {}  # what the exceptions read, once per sentence
        for match_id, start, end in sorted(raw, key=lambda m: (m[1], m[2])):
            rule = self.rules[strings[match_id]]
            if not _speaker_ok(rule, role):
                continue
            k = sent_of[start]
            info = sents.get(k)
            if info is None:
                b = bounds[k]
                e = bounds[k + 1] if k + 1 < len(bounds) else len(doc)
                info = sents[k] = _Sentence(doc[b:e])
            key = (rule.code, info.span.start)
            if key in seen:
                continue
            if not self._passes(rule, doc, start, info):
                continue
            seen.add(key)
            out.append(Hit(rule, start, end, info.span))
        return out

    @staticmethod
    def _passes(rule: Rule, doc: Doc, start: int, info: _Sentence) -> bool:
        ex = rule.exceptions
        sent = info.span
        if ex.max_sentence_tokens is not None and info.words > ex.max_sentence_tokens:
            return False
        if ex.negated == "drop" and _negated(doc, start, sent):
            return False
        if ex.conditional == "drop":
            before = doc[sent.start : start]
            if any(t.lower_ in CONDITIONALS for t in before):
                return False
        if ex.question != "keep":
            q = info.question
            if (ex.question == "drop" and q) or (ex.question == "only" and not q):
                return False
        if ex.unless_words and any(w in info.lower for w in ex.unless_words):
            return False
        if ex.require_words and not any(w in info.words_set for w in ex.require_words):
            return False
        if ex.first_person and info.words_set.isdisjoint(FIRST_PERSON):
            return False
        return True


COMMON = frozenset(
    {
        "i",
        "we",
        "you",
        "it",
        "that",
        "this",
        "the",
        "a",
        "an",
        "be",
        "is",
        "'s",
        "to",
        "and",
        "so",
        "of",
        "in",
        "on",
        "have",
        "do",
        "will",
        "'ll",
        "can",
        "not",
        "n't",
        "they",
        "he",
        "she",
        "my",
        "our",
        "your",
        "me",
        "us",
        "what",
        "there",
        "just",
        "get",
        "for",
        "with",
        "at",
        "?",
        ".",
        ",",
    }
)


MAX_PHRASES = 2000


def _expand_literal(pattern: list[dict[str, Any]]) -> tuple[str, list[list[str]]] | None:
    """A pattern of literal words on one attribute, as every word sequence it matches.

    None for anything else (wildcards, repeats, flags, mixed LOWER/NORM) or when there
    would be more than MAX_PHRASES sequences: those stay in the token Matcher.
    """
    attr = None
    seqs: list[list[str]] = [[]]
    for tok in pattern:
        op = tok.get("OP")
        keys = [k for k in tok if k != "OP"]
        if op not in (None, "?") or len(keys) != 1 or keys[0] not in ("LOWER", "NORM"):
            return None
        if attr is None:
            attr = keys[0]
        elif attr != keys[0]:
            return None
        value = tok[keys[0]]
        if isinstance(value, str):
            options = [value]
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
            options = [str(v) for v in value["IN"]]
        else:
            return None
        if any(" " in o or not o for o in options):
            return None
        nxt = [s + [o] for s in seqs for o in options]
        if op == "?":
            nxt += seqs
        if len(nxt) > MAX_PHRASES:
            return None
        seqs = nxt
    seqs = [s for s in seqs if s]
    if attr is None or not seqs:
        return None
    return attr, seqs


def _anchor(pattern: list[dict[str, Any]]) -> tuple[str | None, list[str]]:
    """The most selective required token's literal values, as (attribute, values).

    (None, []) when no required token has literal values: that pattern always runs.
    """
    best: tuple[float, str, list[str]] | None = None
    for tok in pattern:
        if tok.get("OP") not in (None, "+", "1"):
            continue
        for attr in ("LOWER", "NORM"):
            value = tok.get(attr)
            values = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else None
            if not values or not isinstance(values, list):
                continue
            cost = sum(50 if v in COMMON else 1 for v in values)  # a function word is in most sentences
            if best is None or cost < best[0]:
                best = (cost, attr, [str(v) for v in values])
    if best is None:
        return None, []
    return best[1], best[2]


def _negated(doc: Doc, start: int, sent: Span, window: int = 6) -> bool:
    """A negation in the same clause, at most ``window`` tokens before the hit."""
    for i in range(start - 1, max(sent.start, start - window) - 1, -1):
        tok = doc[i]
        if tok.is_punct or tok.lower_ in ("but", "and", "so", "because"):
            return False
        if tok.lower_ in NEGATIONS or tok.norm_ == "not":
            return True
    return False


def _scope_of(rule: Rule) -> str:
    if rule.speaker in ("csm", "company"):
        return "company"
    if rule.speaker == "customer":
        return "customer"
    return "any"
