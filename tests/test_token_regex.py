"""The regex compiler for token patterns agrees with spaCy's Matcher.

The rule engine runs token patterns as regexes over a token stream
(:mod:`coach.rules.token_regex`); spaCy's ``Matcher`` is the reference for what a
pattern means. Each case here is checked against both, on hand-written sentences and on
random ones (hypothesis).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.rules.token_regex import StreamBuilder, compile_pattern

PATTERNS: list[list[dict]] = [
    [{"LOWER": "i"}, {"LOWER": {"IN": ["really", "totally"]}, "OP": "*"}, {"NORM": {"IN": ["hear", "understand"]}}],
    [{"LOWER": "sorry"}, {"IS_PUNCT": True, "OP": "?"}, {"LOWER": "about"}],
    [{"LOWER": {"NOT_IN": ["not", "never"]}}, {"LOWER": "fixed"}],
    [{"LOWER": "by"}, {"LIKE_NUM": True}],
    [{"LOWER": "call"}, {"OP": "?"}, {"LOWER": {"IN": ["monday", "friday"]}}],
    [{"LOWER": "we"}, {"LOWER": "will", "OP": "!"}, {"LOWER": "fix"}],
    [{"IS_TITLE": True}, {"LOWER": "here"}],
    [{"ORTH": "ASAP"}],
    [{"LOWER": "very", "OP": "+"}, {"LOWER": "sorry"}],
    [{"LOWER": "so", "OP": "{1,2}"}, {"LOWER": "sorry"}],
    [{"TEXT": "Sorry", "LOWER": "sorry"}, {"IS_PUNCT": True}],
]

SENTENCES = [
    "I really totally hear you. I understand.",
    "Sorry, about that. So sorry about the delay!",
    "It is fixed now. It is not fixed.",
    "We can do it by 5 or by Friday.",
    "I will call you Monday, call Friday or call on Friday.",
    "We will fix it. We can fix it. We fix it.",
    "Maria here, and Tom here. here here",
    "ASAP please, asap.",
    "very very sorry, very sorry, sorry.",
    "so so sorry. so so so sorry.",
    "Sorry. sorry! SORRY.",
]

WORDS = ["i", "I", "really", "totally", "hear", "heard", "understand", "sorry", "Sorry", ",", ".", "!", "about",
         "not", "never", "fixed", "by", "5", "ten", "call", "Monday", "friday", "we", "will", "fix", "Maria", "here",
         "ASAP", "asap", "very", "so", "on"]


@pytest.fixture(scope="module")
def nlp():
    from coach.analysis import Analyzer

    return Analyzer().nlp  # lemma norms installed: "heard" has NORM "hear"


def spacy_starts(nlp, pattern, doc) -> list[int]:
    from spacy.matcher import Matcher

    matcher = Matcher(nlp.vocab)
    matcher.add("P", [pattern])
    out = set()
    for sent in doc.sents:
        out.update(sent.start + s for _, s, _ in matcher(sent.as_doc()))
    return sorted(out)


def regex_starts(nlp, pattern, doc) -> list[int]:
    rx = re.compile(compile_pattern(pattern))
    stream = StreamBuilder(nlp.vocab).build(doc)
    return sorted(s for k in range(len(stream.bounds) - 1) for s, _ in stream.matches(rx, k))


@pytest.mark.parametrize("pattern", PATTERNS, ids=[str(i) for i in range(len(PATTERNS))])
def test_same_starts_as_spacy_on_written_sentences(nlp, pattern):
    for text in SENTENCES:
        doc = nlp(text)
        assert regex_starts(nlp, pattern, doc) == spacy_starts(nlp, pattern, doc), text


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14), st.sampled_from(range(len(PATTERNS))))
def test_same_starts_as_spacy_on_random_sentences(nlp, words, which):
    doc = nlp(" ".join(words))
    pattern = PATTERNS[which]
    assert regex_starts(nlp, pattern, doc) == spacy_starts(nlp, pattern, doc)


def test_matches_stay_inside_a_sentence(nlp):
    doc = nlp("Call me. Monday works.")
    assert regex_starts(nlp, [{"LOWER": "me"}, {"OP": "?"}, {"LOWER": "monday"}], doc) == []


def test_unsupported_patterns_are_left_to_spacy():
    assert compile_pattern([{"LOWER": {"REGEX": "^sorr"}}]) is None
    assert compile_pattern([{"LENGTH": 3}]) is None
    assert compile_pattern([{"POS": "NOUN"}]) is None
    assert compile_pattern([{"LOWER": "a", "OP": "{x}"}]) is None


def test_control_characters_in_text_cannot_forge_tokens(nlp):
    doc = nlp("sorry\x1e0\x1fabout about")
    stream = StreamBuilder(nlp.vocab).build(doc)
    assert stream.text.count("\x1e") == len(doc)
    rx = re.compile(compile_pattern([{"LOWER": "about"}]))
    assert [s for s, _ in stream.matches(rx, 0)] == [t.i for t in doc if t.lower_ == "about"]


def test_engine_uses_spacy_for_patterns_the_compiler_cannot_express(tmp_path):
    from coach.analysis import Analyzer
    from coach.rules.loader import load_rules

    (tmp_path / "moves").mkdir()
    (tmp_path / "moves" / "x.yaml").write_text(
        "code: XRG-001\nname: regex-rule\ndetects: move\nemits: apology\nspeaker: csm\n"
        "description: apology by regex\n"
        'patterns:\n  - [{"LOWER": {"REGEX": "^apolog"}}]\n'
        "examples:\n  match: [\"Apologies for that.\"]\n  no_match: [\"Thanks for that.\"]\n"
    )
    rules = load_rules([tmp_path])
    a = Analyzer(ruleset=rules)
    assert any(e.matcher is not None for e in a.engine.entries)
    codes = {h.rule.code for h in a.engine.hits(a.nlp("Apologies for the delay."), "csm")}
    assert "XRG-001" in codes
    assert "XRG-001" not in {h.rule.code for h in a.engine.hits(a.nlp("Thanks for the delay."), "csm")}


@pytest.mark.parametrize("token", ['{"LOWR": "sorry"}', '{"LOWER": "sorry", "OP": "%"}', '{"lower": 5}'])
def test_a_bad_pattern_is_named_with_its_file_and_rule(tmp_path, token):
    from coach.analysis import Analyzer
    from coach.errors import RulesError
    from coach.rules.loader import load_rules

    (tmp_path / "moves").mkdir()
    (tmp_path / "moves" / "bad.yaml").write_text(
        "code: XBD-001\nname: bad-rule\ndetects: move\nemits: apology\nspeaker: csm\ndescription: broken\n"
        f"patterns:\n  - [{token}, {{\"LOWER\": \"now\"}}]\n"
        "examples:\n  match: [\"sorry now\"]\n  no_match: [\"thanks\"]\n"
    )
    with pytest.raises(RulesError, match=r"bad\.yaml: rule XBD-001: field patterns"):
        Analyzer(ruleset=load_rules([tmp_path]))


@pytest.mark.parametrize(
    ("op", "bounds"),
    [("{2}", (2, 2)), ("{1,3}", (1, 3)), ("{2,}", (2, None)), ("{,4}", (0, 4)), ("{}", None), ("{,}", None),
     ("*", None), (None, None)],
)
def test_quantifier_operators(op, bounds):
    from coach.rules.engine import _reach
    from coach.rules.token_regex import quantifier

    assert quantifier(op) == bounds
    if bounds is not None:  # tokens before an anchor: a bounded repeat adds its most
        assert _reach([{"LOWER": "a", "OP": op}, {"LOWER": "b"}], 1) == bounds[1]


def test_pieces_made_in_a_transient_block_are_forgotten():
    import spacy

    from coach.rules.token_regex import StreamBuilder

    nlp = spacy.blank("en")
    builder = StreamBuilder(nlp.vocab)
    builder.build(nlp("kept words"))
    kept = dict(builder.pieces)
    with builder.transient():
        stream = builder.build(nlp("kept words and fresh ones fresh"))
        assert len(builder.pieces) == len(kept) + 3  # and, fresh, ones: each made once
    assert builder.pieces == kept
    assert stream.text == builder.build(nlp("kept words and fresh ones fresh")).text
