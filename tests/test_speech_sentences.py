"""Clause starts in unpunctuated speech-recognition turns (coach/speech_sentences.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.nlp import build_nlp
from coach.rules.engine import question_shape


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def sents(nlp, text: str) -> list[str]:
    return [s.text for s in nlp(text).sents]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "okay great so how are the holiday numbers looking did you get the report",
            ["okay great", "so how are the holiday numbers looking", "did you get the report"],
        ),
        (
            "yeah no worries we moved the call to thursday is that still good for your team",
            ["yeah no worries", "we moved the call to thursday", "is that still good for your team"],
        ),
        (
            "no it was fine honestly the part that bugs me is the export it keeps timing out",
            ["no it was fine honestly the part that bugs me is the export", "it keeps timing out"],
        ),
    ],
)
def test_clauses_start_where_speech_starts_them(nlp, text, expected):
    assert sents(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a conditional keeps its main clause ("...an order it would cancel" is one sentence)
        "on the old system if you refunded part of an order it would cancel the whole subscription",
        # a verb of saying keeps its clause
        "they swore it would be fixed in the next release for sure",
        # "and that's on us" continues the acknowledgment
        "yeah i hear you and that's on us completely",
    ],
)
def test_a_clause_that_belongs_to_the_one_before_stays_with_it(nlp, text):
    assert sents(nlp, text) == [text]


def test_punctuated_turns_are_left_as_the_sentencizer_split_them(nlp):
    text = "Okay, so, sorry, just so you know how it works on our end, tickets get triaged by priority, and I looked at yours"
    assert sents(nlp, text) == [text]


def test_a_question_without_its_mark_is_a_question(nlp):
    doc = nlp("oof that's rough did um did the refunds all go through okay on our side")
    shaped = [question_shape(s.text, [t.lower_ for t in s if not t.is_punct]) for s in doc.sents]
    assert shaped[-1] and not shaped[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["i", "we", "so", "okay", "did", "you", "the", "if", "um", "how", "is", "it", "was", "x"]), max_size=40))
def test_any_word_sequence_segments_without_error_and_keeps_every_token(words):
    nlp = build_nlp()
    doc = nlp(" ".join(words))
    assert sum(len(s) for s in doc.sents) == len(doc)
