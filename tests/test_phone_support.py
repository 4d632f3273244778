"""Real phone-support calls read right (issue 13, "real-call realism").

Redaction tokens are not words; the service opening and identity checks are not probing
questions (nor the Understand step); a close-the-loop check is heard without its question
mark; goodbyes said over each other and overlaps into a question that is ending are not
interruptions, as Amazon Transcribe Call Analytics measures them. The sample call is
``tests/data/phone/make_phone_calls.py``'s card replacement, in two renderings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.analysis import Analyzer, prepare
from coach.metrics.backchannel import default_lexicon, is_backchannel
from coach.metrics.words import count_words

ROOT = Path(__file__).resolve().parents[1]
PHONE = ROOT / "tests" / "data" / "phone"
AWS_CALL = PHONE / "support_card_replacement.aws-call-analytics.json"
ASR_CALL = PHONE / "support_card_replacement_asr.coach.json"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


# --- 1. redaction tokens are not words --------------------------------------------------

@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hi [PII], my name is [PII], how can I help?", 8),
        ("your card [CREDIT_CARD] is blocked", 4),
        ("thanks <PII> for calling", 3),
        ("Hello {{name}}, welcome back", 3),
        ("Dear {first_name}, thanks", 2),
        ("the card ending *** is gone", 5),
        ("account XXXX-XXXX was closed", 3),
        ("[REDACTED] [NAME] [SSN_1]", 0),
        ("the last four are 1234", 5),
    ],
)
def test_redaction_tokens_are_not_counted_as_words(text: str, words: int) -> None:
    assert count_words(text) == words


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for calling, my name is [PII], how can I help you today?",
        "Is the card ending in [CREDIT_CARD] the one you lost?",
        "I have you down as [NAME] at [ADDRESS], is that right?",
        "Your reference is <PII> and the new card goes to [PII].",
        "So that's XXXX on the statement.",
        "Got it, [REDACTED], I see the charge.",
    ],
)
def test_redaction_tokens_are_not_jargon(analyzer: Analyzer, text: str) -> None:
    doc = analyzer.nlp(text)
    assert analyzer.jargon.find(doc) == []


def test_real_acronyms_beside_redactions_are_still_jargon(analyzer: Analyzer) -> None:
    doc = analyzer.nlp("Hi [PII], the SFTP feed failed on the ETL side.")
    assert [t.lower() for _, t in analyzer.jargon.find(doc)] == ["sftp", "etl"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Okay, [PII].", True), ("Mm-hmm, {{name}}", True), ("[laughter]", True),
    ("[PII]", False), ("[PII] [PII].", False),
])
def test_redaction_in_backchannels(text: str, expected: bool) -> None:
    assert is_backchannel(text) is expected


# --- 2. greetings and identity checks are not probes -------------------------------------

NOT_PROBES = [
    "How can I help you today?",
    "thank you for calling my name is [PII] how can i help you",
    "what can i do for you today",
    "What can I help you with this afternoon?",
    "How may I direct your call?",
    "can i please have your name",
    "Can I get your first and last name?",
    "could you verify your date of birth",
    "And your date of birth?",
    "what's the last four of the card",
    "can you spell that for me",
    "How do you spell your last name?",
    "is this the account holder",
    "Am I speaking with the primary cardholder?",
    "Who am I speaking with today?",
    "What's the zip code on the account?",
    "Can you confirm the email address on file?",
    "What's the best number to reach you at?",
    "For security purposes, can you tell me your mother's maiden name?",
    "Could you verify a few details for me before we start?",
]

PROBES = [
    "What happened when you tried to use the card?",
    "When did you last have it?",
    "How has this affected your week?",
    "Can you walk me through what the agent told you?",
    "Which charges don't you recognize?",
    "Did anyone else have access to the card?",
    "What would a good outcome look like for you?",
    "What can we do to make this right for your team?",
]


@pytest.mark.parametrize("text", NOT_PROBES)
def test_service_opening_and_identity_checks_are_not_understand(analyzer: Analyzer, text: str) -> None:
    assert "understand" not in analyzer.match_utterance(text)


@pytest.mark.parametrize("text", PROBES)
def test_real_probes_still_count(analyzer: Analyzer, text: str) -> None:
    assert "understand" in analyzer.match_utterance(text)


# --- 5. close the loop without a question mark -------------------------------------------

CLOSE_LOOP = [
    ("is there anything else i can help you with", True),
    ("okay so the new card should be there in five to seven business days is there anything else i can help you with",
     True),
    ("alright you're all set anything else i can do for you today", True),
    ("anything else today", True),
    ("was there anything else you needed", True),
    ("can i help you with anything else", True),
    ("do you have any other questions for me", True),
    ("Is there anything else I can help you with.", True),
    # offers and statements are not checks
    ("if you need anything else just give us a call", False),
    ("there isn't anything else i can do on my end", False),
    ("we'll send anything else you asked for by friday", False),
]


@pytest.mark.parametrize(("text", "expected"), CLOSE_LOOP)
def test_close_the_loop_heard_without_question_mark(analyzer: Analyzer, text: str, expected: bool) -> None:
    assert ("close_loop" in analyzer.match_utterance(text)) is expected


# --- the whole call, in both renderings --------------------------------------------------

@pytest.mark.parametrize("path", [AWS_CALL, ASR_CALL], ids=["call-analytics", "asr-lowercase"])
def test_card_replacement_call(analyzer: Analyzer, path: Path) -> None:
    r = analyzer.analyze(prepare(path))
    steps = {s.step: s.present for s in r.sequence.steps}
    assert steps["understand"] is False  # greeting and identity questions only
    assert r.metrics.jargon == []  # [PII] everywhere, no jargon
    checks = {c.name: c.met for c in r.checks}
    assert checks["satisfaction confirmed"] is True  # "is there anything else i can help you with"
    assert "no-close-the-loop" not in {f.code for f in r.flags}
    agent = next(s.speaker for s in r.metrics.talk_time if s.role == "csm")
    # one interruption: the agent 2.3 s into a customer sentence still running; not the
    # two overlaps of 1.2-1.4 s into questions that were ending, not the goodbyes
    assert [(i.at, i.by, round(i.overlap, 1)) for i in r.metrics.interruptions] == [(63.7, agent, 2.3)]
    assert r.metrics.interruptions_raw == 4


def test_interruptions_agree_with_call_analytics_own_measure(analyzer: Analyzer) -> None:
    aws = json.loads(AWS_CALL.read_text())["ConversationCharacteristics"]["Interruptions"]
    r = analyzer.analyze(prepare(AWS_CALL))
    assert len(r.metrics.interruptions) == aws["TotalCount"]
    theirs = [(role, x["BeginOffsetMillis"] / 1000, x["DurationMillis"] / 1000)
              for role, xs in aws["InterruptionsByInterrupter"].items() for x in xs]
    ours = [(i.by, i.at, i.overlap) for i in r.metrics.interruptions]
    assert ours == theirs


def test_closing_lexicon_is_data() -> None:
    lex = default_lexicon()
    assert lex.leave_taking("Thank you for calling, have a great day.")
    assert lex.leave_taking("okay thank you so much bye bye")
    assert not lex.leave_taking("Thanks, and the new card needs activating first.")
    assert not lex.leave_taking("Okay.")  # listening, not leave-taking
