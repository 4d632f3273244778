"""The fast jargon scan and word count give exactly what the plain versions gave.

``JargonMatcher`` (a ``PhraseMatcher`` plus a lexeme flag) replaced a per-token Python
walk, and ``count_words`` counts with a few C-level scans instead of a regex per
token. The slow versions live here as references: hand-written cases pin the rules
(longest term first, no overlap, no acronym at a sentence start, terms stay inside a
sentence) and property tests compare the fast versions with the references.
"""

from __future__ import annotations

import re
from bisect import bisect_right

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.analysis import Analyzer
from coach.language_signals import COMMON_ACRONYMS, JargonMatcher, customer_jargon, find_jargon
from coach.metrics.words import count_words
from coach.models import Turn
from coach.moves import detect_moves
from coach.nlp import build_nlp

# -- references: the implementations before the speed-up ---------------------------------
_TAG = re.compile(r"[\[(<][^\])>]{0,40}[\])>]|\{\{?[^{}]{0,40}\}\}?")  # tags, redactions, {{placeholders}}
_MASK = re.compile(r"^(?:X{3,}|x{3,})(?:[-/.]?(?:X{2,}|x{2,}))*[.,;:!?]*$")  # "XXXX", "xxx-xxx"
_WORDISH = re.compile(r"[0-9A-Za-z\u00c0-\u1fff\u2070-\uffff]")
_ACRONYM = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,4}s?$")


def reference_count_words(text: str) -> int:
    if not text:
        return 0
    return sum(1 for tok in _TAG.sub(" ", text).split() if _WORDISH.search(tok) and not _MASK.match(tok))


def reference_terms(sent, terms: frozenset[str]) -> list[str]:
    found: list[str] = []
    lowered = [t.lower_ for t in sent]
    n = len(lowered)
    i = 0
    while i < n:
        matched = None
        for size in (3, 2, 1):
            if i + size <= n:
                cand = " ".join(lowered[i : i + size])
                if cand in terms:
                    matched = (cand, size)
                    break
        if matched:
            found.append(matched[0])
            i += matched[1]
            continue
        tok = sent[i]
        if (
            _ACRONYM.match(tok.text)
            and tok.text not in COMMON_ACRONYMS
            and tok.text.rstrip("s") not in COMMON_ACRONYMS
            and not tok.is_sent_start
        ):
            found.append(tok.text)
        i += 1
    return found


# -- count_words -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("", 0),
        ("   ", 0),
        ("Well -- I [laughter] think, uh, yes\u2026", 5),
        ("-- ... !", 0),
        ("-- \u2026 \u2014 \u201c", 0),  # general punctuation (U+2000-206F) is not a word
        ("a--b", 1),
        ("[laughter] (laughs) <crosstalk>", 0),
        ("so[laughter]then", 2),
        ("two  spaces   here ", 3),
        ("tab\tnew\nline\r\nend", 4),
        ("ideographic\u3000space\u00a0nbsp", 3),
        ("\x1c--\x1cword\x85x", 2),
        ("caf\u00e9 \u00bf? \U0001f600 \u00c0", 2),
        (" leading and trailing ", 3),
        ("- - - a", 1),
    ],
)
def test_count_words_cases(text, n):
    assert count_words(text) == n == reference_count_words(text)


_PIECES = [
    " ", "  ", "\n", "\t", "\u00a0", "\u3000", "\u2028", "\x1c", "\x85", "[laughter]", "(laughs)", "<x>", "[", ")",
    "<", "--", "-", "\u2014", "\u2026", "...", ".", ",", "'", "\u00bf", "\u00c0", "\uffff", "\U0001f600", "a", "Z",
    "7", "word", "\u00e9", "_", "#", "XXX", "xx", "X", "-", "{", "}", "{{", "}}", "[PII]",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(_PIECES), max_size=25).map("".join)))
def test_count_words_matches_reference(text):
    assert count_words(text) == reference_count_words(text)


# -- the jargon scan -------------------------------------------------------------------
TERMS = frozenset(
    {
        "api",
        "rate limit",
        "rate limits",
        "dead letter queue",
        "letter queue",
        "queue",
        "e - mail",
        "p95",
        "sla",
        "one two three four",  # four tokens: never matched
        "a   b",  # "a", a whitespace token, "b"
        "stop . go",  # only ever across a sentence end
        "stop",
    }
)


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


@pytest.fixture(scope="module")
def matcher(nlp):
    return JargonMatcher(nlp.vocab, TERMS)


def by_sentence(matcher: JargonMatcher, doc) -> list[list[str]]:
    sents = list(doc.sents) if len(doc) else []
    starts = [s.start for s in sents]
    out: list[list[str]] = [[] for _ in sents]
    for i, term in matcher.find(doc):
        out[bisect_right(starts, i) - 1].append(term)
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # longest term first, then no overlap: "letter queue" and "queue" are inside it
        ("We saw the Dead Letter Queue fill up.", [["dead letter queue"]]),
        ("The letter queue and the queue.", [["letter queue", "queue"]]),
        # "rate limits" beats "rate limit"; case does not matter
        ("You hit the Rate Limits again", [["rate limits"]]),
        # a term never spans two sentences
        ("Check the rate. Limit it. Dead letter. Queue it.", [[], [], [], ["queue"]]),
        ("Please stop. Go now.", [["stop"], []]),
        # acronyms: not at a sentence start, not common ones or their plurals
        ("XYZ broke. Then XYZ broke and the CEO asked for KPIs.", [[], ["XYZ"]]),
        ("Our CRMs and SOCs, the ABCs and the WXYZ12s.", [["ABCs", "WXYZ12s"]]),
        # too long, lower case inside, digits first: not acronyms
        ("So ABCDEFGH, AbC, 9AB and AB1234s.", [["AB1234s"]]),
        # a lexicon acronym comes back lower-cased, an unknown one as said
        ("Both API and SLAs and the P95 and QRS.", [["api", "SLAs", "p95", "QRS"]]),
        # terms tokenized like the lexicon: "e-mail" is three tokens
        ("Send an e-mail, not an email.", [["e - mail"]]),
        ("one two three four", [[]]),
        ("so a  b here", [["a   b"]]),
        ("", []),
    ],
)
def test_jargon_cases(nlp, matcher, text, expected):
    doc = nlp(text)
    assert by_sentence(matcher, doc) == expected
    assert [reference_terms(s, TERMS) for s in doc.sents] == expected


_WORDS = [
    "api", "API", "Api", "APIs", "rate", "Limit", "limits", "dead", "letter", "Queue", "queue", "e-mail", "E-Mail",
    "p95", "P95", "SLA", "SLAs", "OK", "KPIs", "CEO", "CEOs", "AB12", "ABCDEFGH", "XYZ9", "XYZ's", "I", "IT", "a", "b",
    "one", "two", "three", "four", "stop", "go", "Go", "(ABC)", "\u00c9T\u00c9", "\u0130", "ZZ.", "we", "the",
]  # fmt: skip
_SEPS = [" ", " ", " ", "  ", "   ", "\n", "\t", ". ", "? ", "! ", "... ", "", "-", ", "]


@st.composite
def call_text(draw) -> str:
    n = draw(st.integers(0, 30))
    return "".join(draw(st.sampled_from(_WORDS)) + draw(st.sampled_from(_SEPS)) for _ in range(n))


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(call_text(), st.text(max_size=60)))
def test_jargon_matches_reference(nlp, matcher, text):
    doc = nlp(text)
    expected = [reference_terms(s, TERMS) for s in doc.sents] if len(doc) else []
    assert by_sentence(matcher, doc) == expected


def test_acronym_flag_is_added_once(nlp):
    a = JargonMatcher(nlp.vocab, TERMS)
    b = JargonMatcher(nlp.vocab, {"api"})
    assert a._flag == b._flag


# -- whole analyses: find_jargon and customer_jargon ----------------------------------
@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _utts(analyzer: Analyzer, lines: list[tuple[str, str]]):
    turns = [
        Turn(speaker=role.title(), role=role, start=10.0 * i, end=10.0 * i + 9, text=text)  # type: ignore[arg-type]
        for i, (role, text) in enumerate(lines)
    ]
    return detect_moves(turns, list(analyzer.nlp.pipe(t.text for t in turns)), analyzer.engine)


def test_find_and_customer_jargon(analyzer):
    assert isinstance(analyzer.jargon, JargonMatcher)
    utts = _utts(
        analyzer,
        [
            ("customer", "Our webhooks hit the rate limit. Is it the API or the ETL job?"),
            ("csm", "It's the ingestion pipeline. The DLQ holds retries and the SDK backs off."),
            ("csm", "SCIM runs on Kubernetes. DLQ drains hourly. In plain English, we retry with exponential backoff."),
            ("customer", "Got it, thanks. And the API again?"),
        ],
    )
    uses = find_jargon(utts, analyzer.jargon)
    # a lexicon term counts at a sentence start ("SCIM"), an unknown acronym does not
    # (the second "DLQ"); a gloss explains the terms of its own and the previous sentence
    assert [(u.term, u.at, u.explained) for u in uses] == [
        ("ingestion pipeline", 10.0, False),
        ("DLQ", 10.0, False),
        ("sdk", 10.0, False),
        ("scim", 20.0, False),
        ("kubernetes", 20.0, False),
        ("exponential backoff", 20.0, True),
    ]
    assert customer_jargon(utts, analyzer.jargon) == {"webhooks": 0.0, "rate limit": 0.0, "api": 0.0, "etl": 0.0}
    # lexicon terms instead of the matcher: same answer
    assert find_jargon(utts, analyzer.jargon_terms) == uses
    assert customer_jargon(utts, analyzer.jargon_terms) == customer_jargon(utts, analyzer.jargon)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(["csm", "customer"]), call_text()), min_size=1, max_size=6))
def test_analysis_jargon_matches_reference(analyzer, lines):
    utts = _utts(analyzer, lines)
    terms = analyzer.jargon_terms
    expected_csm = [
        t for u in utts if u.role == "csm" and not u.backchannel for s in u.doc.sents for t in reference_terms(s, terms)
    ]
    assert [j.term for j in find_jargon(utts, analyzer.jargon)] == expected_csm
    expected_customer: dict[str, float] = {}
    for u in utts:
        if u.role == "customer" and not u.backchannel:
            for s in u.doc.sents:
                for t in reference_terms(s, terms):
                    expected_customer.setdefault(t.lower(), u.turn.start)
    assert list(customer_jargon(utts, analyzer.jargon).items()) == list(expected_customer.items())
