"""Compile rules once, and find rule hits in a ``Doc``.

Literal phrases go to ``PhraseMatcher`` s (nearly free); other token patterns become
regexes over a token stream (:mod:`coach.rules.token_regex`) tried next to their anchor
word; a speaker only runs the rules of their side. ``LEMMA`` in a pattern becomes
``NORM`` (see :mod:`coach.nlp`). Exceptions (negation, questions, conditionals) are
applied per hit, on the sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coach.nlp import lemma_of
from coach.rules.loader import RuleSet
from coach.rules.schema import Rule
from coach.rules.token_regex import StreamBuilder, TokenStream, compile_pattern, quantifier

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
HESITATIONS = frozenset({"um", "uh", "umm", "uhh", "er", "erm", "mm", "hmm"})
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

# words that may come before a clause-initial hit ("so maybe try...", "honestly, just ask")
CLAUSE_LEAD = LEAD_FILLERS | frozenset(
    {
        "maybe",
        "perhaps",
        "please",
        "honestly",
        "definitely",
        "first",
        "next",
        "instead",
        "otherwise",
        "again",
        "sometimes",
        "hey",
        "plus",
        "really",
        "seriously",
        "always",
        "still",
        "yes",
        "probably",
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
    """One sentence of a turn and what rule exceptions read of it, computed on demand.

    Words, word counts and word sets come from one scan of the token stream, not from
    ``Token`` objects.
    """

    __slots__ = (
        "_lower",
        "_question",
        "_span",
        "_text",
        "_tokens",
        "_words",
        "_words_set",
        "doc",
        "k",
        "source",
        "start",
        "stream",
    )

    def __init__(self, doc: Doc, stream: TokenStream, k: int, source: str | None = None) -> None:
        self.doc = doc
        self.source = source  # the Doc's text when the caller has it (Doc.text rebuilds it per call)
        self.stream = stream
        self.k = k
        self.start = stream.bounds[k]
        self._span: Span | None = None
        self._text: str | None = None
        self._lower: str | None = None
        self._question: bool | None = None
        self._tokens: list[tuple[str, str, str]] | None = None
        self._words: int | None = None
        self._words_set: frozenset[str] | None = None

    @property
    def span(self) -> Span:
        if self._span is None:
            self._span = self.doc[self.start : self.stream.bounds[self.k + 1]]
        return self._span

    @property
    def text(self) -> str:
        """The sentence's text, sliced from the Doc's (no Token per word)."""
        if self._text is None:
            last = self.doc[self.stream.bounds[self.k + 1] - 1]
            if self.source is None:
                self.source = self.doc.text
            self._text = self.source[self.doc[self.start].idx : last.idx + len(last)]
        return self._text

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    @property
    def tokens(self) -> list[tuple[str, str, str]]:
        """(punct flag "1"/"0", lower, norm) of every token, read once from the stream."""
        if self._tokens is None:
            self._tokens = self.stream.tokens(self.k)
        return self._tokens

    @property
    def question(self) -> bool:
        if self._question is None:
            self._question = question_shape(self.text, [t[1] for t in self.tokens if t[0] == "0"])
        return self._question

    @property
    def words(self) -> int:
        """Tokens that are not punctuation."""
        if self._words is None:
            self._words = sum(1 for t in self.tokens if t[0] == "0")
        return self._words

    @property
    def words_set(self) -> frozenset[str]:
        if self._words_set is None:
            self._words_set = frozenset(t[1] for t in self.tokens)
        return self._words_set


def is_question(sent: Span) -> bool:
    """A question by its mark, or by its shape when transcripts drop the mark."""
    return question_shape(sent.text, [t.lower_ for t in sent if not t.is_punct])


def question_shape(text: str, words: list[str]) -> bool:
    """``is_question`` on a sentence's text and its words (lower case, no punctuation)."""
    text = text.rstrip()
    if text.endswith("?"):
        return True
    words = [w for w in words if w not in HESITATIONS]  # "did, um, did the refunds go through"
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


@dataclass(frozen=True)
class _Entry:
    """The token patterns of one rule that share an anchor, as one regex (or spaCy's Matcher)."""

    order: int  # the rule's place in the rule set: ties between rules follow it
    rule: Rule
    scope: str
    rx: re.Pattern[str] | None
    matcher: Any = None  # a spaCy Matcher for patterns the regex compiler cannot express
    # at most this many tokens before the anchor (None: unbounded): a match then starts
    # near an anchor, and the regex is tried only there instead of along the sentence
    reach: int | None = None

    def starts(self, stream: TokenStream, doc: Doc, k: int) -> Iterator[tuple[int, int]]:
        """(start, end) of this entry's matches in sentence ``k``, by start."""
        if self.rx is not None:
            yield from stream.matches(self.rx, k)
            return
        b, e = stream.bounds[k], stream.bounds[k + 1]
        for _, s, t in sorted(self.matcher(doc[b:e]), key=lambda m: (m[1], m[2])):
            yield s + b, t + b

    def starts_near(self, stream: TokenStream, anchors: list[int]) -> Iterator[tuple[int, int, int]]:
        """(sentence, start, end) of matches that start within ``reach`` of an anchor token."""
        assert self.rx is not None and self.reach is not None
        bounds, offsets, text, match = stream.bounds, stream.offsets, stream.text, self.rx.match
        cands: set[tuple[int, int]] = set()
        for t in anchors:
            k = bisect_right(bounds, t) - 1
            cands.update((k, s) for s in range(max(bounds[k], t - self.reach), t + 1))
        for k, s in sorted(cands):
            m = match(text, offsets[s], offsets[bounds[k + 1]])
            if m is not None and m.end() > m.start():
                yield k, s, stream.token_at(m.end() - 1) + 1


class RuleEngine:
    """Rules compiled once from a :class:`RuleSet`; ``hits(doc, role)`` per utterance.

    Literal patterns and phrases go to two ``PhraseMatcher`` s (``LOWER`` and ``NORM``),
    which also find each token pattern's anchor: its most selective required word.
    A token pattern (compiled to a regex, see :mod:`coach.rules.token_regex`) then runs
    only on the sentences holding its anchor.
    """

    def __init__(self, ruleset: RuleSet, nlp: Language) -> None:
        from spacy.matcher import PhraseMatcher

        from coach.nlp import install_lemma_norms

        self.ruleset = ruleset
        self.nlp = nlp
        self.rules: dict[str, Rule] = {r.code: r for r in ruleset.rules}
        self.order: dict[str, int] = {r.code: i for i, r in enumerate(ruleset.rules)}
        self.unless = {
            r.code: re.compile("|".join(re.escape(w) for w in r.exceptions.unless_words))
            for r in ruleset.rules
            if r.exceptions.unless_words
        }
        lemmas: set[str] = set()
        compiled: dict[str, list[list[dict[str, Any]]]] = {}
        for rule in ruleset.rules:
            compiled[rule.code] = [self._compile(p, lemmas) for p in rule.patterns]
        install_lemma_norms(nlp, sorted(lemmas))
        strings = nlp.vocab.strings
        self.streams = StreamBuilder(nlp.vocab)
        self.phrasers = {attr: PhraseMatcher(nlp.vocab, attr=attr) for attr in ("LOWER", "NORM")}
        self.literal_ids: dict[int, Rule] = {}
        # token patterns by (rule, anchor): one entry each, its patterns alternated
        by_anchor: dict[tuple[str, str | None, tuple[str, ...]], list[str]] = {}
        reaches: dict[tuple[str, str | None, tuple[str, ...]], int | None] = {}
        fallback: dict[tuple[str, str | None, tuple[str, ...]], list[list[dict[str, Any]]]] = {}
        literal: dict[str, dict[str, list[list[str]]]] = {"LOWER": {}, "NORM": {}}
        for rule in ruleset.rules:
            for pattern in compiled[rule.code]:
                expanded = _expand_literal(pattern)
                if expanded is not None:
                    attr, seqs = expanded
                    literal[attr].setdefault(rule.code, []).extend(seqs)
                    continue
                attr, values, at = _anchor(pattern)
                key = (rule.code, attr, tuple(sorted(set(values))))
                source = compile_pattern(pattern)
                if source is None:  # spaCy's Matcher runs it, and validates it first
                    self._matcher(rule.code, [pattern])
                    fallback.setdefault(key, []).append(pattern)
                else:
                    by_anchor.setdefault(key, []).append(source)
                    # the entry's reach is its widest pattern's (None: unbounded)
                    reach, prior = _reach(pattern, at), reaches.get(key, 0)
                    reaches[key] = None if reach is None or prior is None else max(reach, prior)
        self.entries: list[_Entry] = []
        self._role_tables: dict[str, tuple[dict[int, Rule], dict[int, tuple[int, ...]], tuple[int, ...]]] = {}
        self.always: list[int] = []
        self.anchor_ids: dict[int, list[int]] = {}
        anchors: dict[str, set[str]] = {"LOWER": set(), "NORM": set()}
        entries = [
            (key, re.compile("|".join(f"(?:{s})" for s in sources)), None) for key, sources in by_anchor.items()
        ] + [(key, None, self._matcher(key[0], patterns)) for key, patterns in fallback.items()]
        for (code, attr, values), rx, matcher in entries:
            rule = self.rules[code]
            key = (code, attr, values)
            entry = _Entry(self.order[code], rule, _scope_of(rule), rx, matcher, reaches.get(key) if attr else None)
            eid = len(self.entries)
            self.entries.append(entry)
            if attr is None:
                self.always.append(eid)
                continue
            for v in values:
                anchors[attr].add(v)
                self.anchor_ids.setdefault(strings.add(f"\x00{attr}:{v}"), []).append(eid)
        for attr, words in anchors.items():
            for w in sorted(words):
                self.phrasers[attr].add(f"\x00{attr}:{w}", [self._phrase_doc([w], attr)])
        for attr, by_rule in literal.items():
            for code, seqs in by_rule.items():
                self.literal_ids[strings.add(code)] = self.rules[code]
                self.phrasers[attr].add(code, [self._phrase_doc(seq, attr) for seq in seqs])
        for rule in ruleset.rules:
            phrases = self._expand_phrases(rule.phrases)
            if phrases:
                self.literal_ids[strings.add(rule.code)] = rule
                self.phrasers["LOWER"].add(rule.code, list(nlp.tokenizer.pipe(phrases)))

    # -- compilation -------------------------------------------------------------------
    def _phrase_doc(self, words: list[str], attr: str) -> Doc:
        """A phrase whose tokens carry exactly these values of ``attr``."""
        from spacy.tokens import Doc

        doc = Doc(self.nlp.vocab, words=words)
        if attr == "NORM":
            for tok, w in zip(doc, words, strict=True):
                tok.norm_ = w
        return doc

    def _matcher(self, code: str, patterns: list[list[dict[str, Any]]]) -> Any:
        from spacy.matcher import Matcher

        matcher = Matcher(self.nlp.vocab, validate=True)
        try:
            matcher.add(code, patterns)
        except ValueError as err:  # spaCy's pattern validation
            from coach.errors import RulesError

            src = self.ruleset.sources.get(code, "?")
            msg = str(err).strip().splitlines()
            raise RulesError(f"{src}: rule {code}: field patterns: {msg[-1] if msg else err}") from None
        return matcher

    def _compile(self, pattern: list[dict[str, Any]], lemmas: set[str]) -> list[dict[str, Any]]:
        out = []
        for tok in pattern:
            new: dict[str, Any] = {}
            for key, value in tok.items():
                value = self._expand_value(value)
                if key.upper() == "LEMMA":
                    key = "NORM"
                    if isinstance(value, str):
                        value = lemma_of(value)
                        lemmas.add(value)
                    elif isinstance(value, dict):
                        for k in ("IN", "NOT_IN"):
                            if k in value:
                                words = list(dict.fromkeys(lemma_of(v) for v in value[k]))
                                lemmas.update(words)
                                value = {**value, k: words}
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
    def hits(self, doc: Doc, role: str, text: str | None = None) -> list[Hit]:
        """Rule hits in ``doc`` spoken by someone in ``role``, exceptions applied.

        One hit per (rule, sentence): the first that passes the rule's exceptions, so
        counts mean "sentences that did X". Hits come in the order of their start, ties
        in the order of the rule set. ``text`` is ``doc.text`` when the caller has it.
        """
        if not len(doc):
            return []
        literals, anchors, always = self._tables(role)
        literal: list[tuple[int, int, Rule]] = []
        anchored: dict[int, list[int]] = {}  # anchor -> the tokens where it is
        for phraser in self.phrasers.values():
            for mid, s, e in phraser(doc):
                rule = literals.get(mid)
                if rule is not None:
                    literal.append((s, e, rule))
                elif mid in anchors:
                    anchored.setdefault(mid, []).append(s)
        if not literal and not anchored and not always:
            return []
        stream = self.streams.build(doc)
        bounds = stream.bounds
        woken: dict[int, list[int]] = {}  # entry -> its anchors' tokens
        for mid, toks in anchored.items():
            for eid in anchors[mid]:
                if eid in woken:
                    woken[eid].extend(toks)
                else:
                    woken[eid] = list(toks)
        sents: dict[int, _Sentence] = {}  # what the exceptions read, once per sentence
        best: dict[tuple[int, int], tuple[int, int, int, Rule]] = {}  # (rule, sentence) -> first hit

        def consider(rule: Rule, k: int, start: int, end: int) -> bool:
            info = sents.get(k)
            if info is None:
                info = sents[k] = _Sentence(doc, stream, k, text)
            if not self._passes(rule, start, info):
                return False
            key = (self.order[rule.code], k)
            if key not in best or (start, end) < best[key][:2]:
                best[key] = (start, end, self.order[rule.code], rule)
            return True

        for s, e, rule in literal:
            consider(rule, bisect_right(bounds, s) - 1, s, e)
        for eid, toks in woken.items():
            entry = self.entries[eid]
            if entry.reach is not None:
                for k, start, end in entry.starts_near(stream, toks):
                    prior = best.get((entry.order, k))
                    if prior is None or prior[0] > start:
                        consider(entry.rule, k, start, end)
                continue
            for k in sorted({bisect_right(bounds, t) - 1 for t in toks}):
                self._scan(entry, stream, doc, k, best, consider)
        for eid in always:
            for k in range(len(bounds) - 1):
                self._scan(self.entries[eid], stream, doc, k, best, consider)
        return [
            Hit(rule, s, e, sents[bisect_right(bounds, s) - 1].span)
            for s, e, _, rule in sorted(best.values(), key=lambda h: (h[0], h[2]))
        ]

    @staticmethod
    def _scan(entry: _Entry, stream: TokenStream, doc: Doc, k: int, best: dict, consider: Any) -> None:
        """Try the entry's matches in sentence ``k`` by start until one passes."""
        for start, end in entry.starts(stream, doc, k):
            prior = best.get((entry.order, k))
            if prior is not None and prior[0] <= start:
                return
            if consider(entry.rule, k, start, end):
                return

    def _tables(self, role: str) -> tuple[dict[int, Rule], dict[int, tuple[int, ...]], tuple[int, ...]]:
        """What a speaker in ``role`` can match: literal rules, anchors, always-run entries."""
        tables = self._role_tables.get(role)
        if tables is None:
            scopes = role_scope(role)

            def ok(rule: Rule) -> bool:
                return _scope_of(rule) in scopes and _speaker_ok(rule, role)

            literals = {mid: r for mid, r in self.literal_ids.items() if ok(r)}
            anchors = {mid: tuple(e for e in eids if ok(self.entries[e].rule)) for mid, eids in self.anchor_ids.items()}
            anchors = {mid: eids for mid, eids in anchors.items() if eids}
            always = tuple(e for e in self.always if ok(self.entries[e].rule))
            tables = self._role_tables[role] = (literals, anchors, always)
        return tables

    def _passes(self, rule: Rule, start: int, info: _Sentence) -> bool:
        ex = rule.exceptions
        if ex.max_sentence_tokens is not None and info.words > ex.max_sentence_tokens:
            return False
        if ex.negated == "drop" or ex.conditional == "drop":
            toks = info.tokens
            before = start - info.start
            if ex.negated == "drop" and _negated(toks, before):
                return False
            if ex.conditional == "drop" and any(t[1] in CONDITIONALS for t in toks[:before]):
                return False
        if ex.question != "keep":
            q = info.question
            if (ex.question == "drop" and q) or (ex.question == "only" and not q):
                return False
        if ex.unless_words and self.unless[rule.code].search(info.lower):
            return False
        if ex.require_words and info.words_set.isdisjoint(ex.require_words):
            return False
        if ex.first_person and info.words_set.isdisjoint(FIRST_PERSON):
            return False
        if ex.third_party == "drop" and _third_party(info.tokens, start - info.start):
            return False
        if ex.clause_initial and not _opens_clause(info.tokens, start - info.start):
            return False
        return True


SPEAKER_SIDE = frozenset({"i", "we", "me", "us", "you", "it", "this", "that", "i'm", "we're", "it's"})
THIRD_PERSON = frozenset({"they", "he", "she", "them", "everyone", "everybody", "people", "folks", "someone"})
GROUP_HEADS = frozenset({"our", "the", "their", "my", "his", "her", "those", "these", "some", "all", "a", "few"})


def _third_party(tokens: list[tuple[str, str, str]], before: int, window: int = 8) -> bool:
    """Whether the clause before token ``before`` has a third-party subject.

    Walks back to the clause's start (punctuation or ``window`` tokens): the nearest
    "I"/"we"/"you"/"it" means the speaker's own clause; "they"/"he"/"she", or a plural
    noun after a determiner ("our customers were…", "the techs get…"), means someone else's.
    """
    for j in range(before - 1, max(-1, before - 1 - window), -1):
        punct, low, _ = tokens[j]
        if punct == "1" and low not in ("'s", "'re", "n't", "'m", "'ve"):
            return False
        if low in SPEAKER_SIDE:
            return False
        if low in THIRD_PERSON:
            return True
        if low.endswith("s") and len(low) > 3 and j > 0 and tokens[j - 1][1] in GROUP_HEADS:
            return True
    return False


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
    would be more than MAX_PHRASES sequences: those stay token patterns.
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


def _anchor(pattern: list[dict[str, Any]]) -> tuple[str | None, list[str], int]:
    """The most selective required token's literal values, as (attribute, values, index).

    (None, [], -1) when no required token has literal values: that pattern always runs.
    """
    best: tuple[float, str, list[str], int] | None = None
    for i, tok in enumerate(pattern):
        if tok.get("OP") not in (None, "+", "1"):
            continue
        for attr in ("LOWER", "NORM"):
            value = tok.get(attr)
            values = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else None
            if not values or not isinstance(values, list):
                continue
            cost = sum(50 if v in COMMON else 1 for v in values)  # a function word is in most sentences
            if best is None or cost < best[0]:
                best = (cost, attr, [str(v) for v in values], i)
    if best is None:
        return None, [], -1
    return best[1], best[2], best[3]


def _reach(pattern: list[dict[str, Any]], at: int) -> int | None:
    """How many tokens at most come before token ``at`` of a match (None: unbounded)."""
    reach = 0
    for tok in pattern[:at]:
        op = tok.get("OP")
        if op in (None, "1", "!", "?"):
            reach += 1
        elif (bounds := quantifier(op)) is not None and bounds[1] is not None:
            reach += bounds[1]
        else:
            return None
    return reach


def _opens_clause(tokens: list[tuple[str, str, str]], before: int) -> bool:
    """Token ``before`` opens its clause: only discourse words since the last punctuation.

    "and"/"or" open a clause only at the sentence start: after a comma they continue the
    clause before ("You made a decision, and put your name behind it").
    """
    joined = False
    for i in range(before - 1, -1, -1):
        punct, lower, _ = tokens[i]
        if punct == "1":
            return not joined
        if lower not in CLAUSE_LEAD:
            return False
        joined = joined or lower in ("and", "or")
    return True


def _negated(tokens: list[tuple[str, str, str]], before: int, window: int = 6) -> bool:
    """A negation in the same clause, at most ``window`` tokens before token ``before``.

    ``tokens`` are the sentence's (punct flag, lower, norm) triples.
    """
    for i in range(before - 1, max(0, before - window) - 1, -1):
        punct, lower, norm = tokens[i]
        if punct == "1" or lower in ("but", "and", "so", "because"):
            return False
        if lower in NEGATIONS or norm == "not":
            return True
    return False


def _scope_of(rule: Rule) -> str:
    if rule.speaker in ("csm", "company"):
        return "company"
    if rule.speaker == "customer":
        return "customer"
    return "any"
