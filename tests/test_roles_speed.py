"""Role cues are scored by trying each regex only where one of its needles starts.

That is only right if every match of a cue starts with one of its needles (after
``fold``): these tests check it on phrases written for every branch of every cue, on
random texts built from the cues' own words, and against the plain ``findall`` scoring
the needles replaced.
"""

from __future__ import annotations

import dataclasses
import re
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.models import Transcript, Turn
from coach.roles import CAP_PER_CUE, CUES, Cue, fold, speaker_scores

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# At least one phrase per branch of every cue (checked below: each cue matches some).
MUST_MATCH = [
    "I'm your customer success manager", "im your new CSM", "i'm your main contact",
    "I'm your account executive going forward", "I'm your point of contact",
    "I am the customer success manager here", "I'm a CSM", "Im your new CSM",
    "It's Dana Reyes from Northwind", "it is Dana, with Acme", "This is Bo over at Globex",
    "I'm Lee Park here at Initech", "I am Sam from Hooli", "My name's Ola with Umbrella",
    "This is Dana Reyes from the Customer Success team", "I'm Bo, on the onboarding team",
    "it's Kim with our CS org",
    "my name is Kai, from Vandelay", "Its Tom from Acme", "Im Ava from Acme",
    "Hi Dana, it's Lee", "Hey Bo. this is Sam Park", "Hello Ana Li! it's Tom",
    "Good morning Priya, this is Omar", "good afternoon Kai it's Lee",
    "thanks for making the time", "thank you so much for taking the time",
    "Thanks for jumping on", "thank you for finding some time", "thanks for fitting this in",
    "quick agenda", "the agenda for today is short", "Agenda for today:", "the point of today",
    "I've got about 30 minutes blocked", "I have got ten minutes blocked",
    "I wanted to walk you through", "i wanted to walk through it",
    "thanks for calling", "on our side", "from our end",
    "our product", "our new platform", "our status page", "our SLA",
    "your account", "your go-live", "your go live", "your admin", "your licences",
    "your success plan", "I'll send you", "Ill quickly email you",
    "I'll gladly introduce you", "I'll own that", "I'll personally follow up",
    "ill also escalate", "I'll reach out to our team", "let me check", "let me dig into it",
    "we can credit", "I can waive", "credit to your", "credit for your",
    "runs customer success", "heads customer success", "leads customer success",
    "customer success team", "the customer success manager",
    "I'll send the proposal", "I'll put together a quick recap", "ill draft some notes",
    "I'll write up a short summary", "other customers", "most of our clients",
    "a lot of our customers", "many of our clients", "our other customers",
    "worked well elsewhere", "worked for other teams", "our typical rollout",
    "our usual process", "so, next steps", "so the next steps", "our next steps",
    "next steps", "So our next steps", "so, our next steps",
    "can I ask you a few questions", "can i ask some questions",
    "anything else I should know", "anything else we can",
    "your product", "your support team", "your sales rep", "your billing department",
    "your implementation consultant", "we signed", "I've just paid", "we have bought",
    "we 're paying", "we've got an invoice", "I got the email",
    "I opened a ticket", "we already submitted another case", "I filed our support request",
    "nobody from your team", "no one called", "Nobody told us",
    "the last vendor", "our previous provider", "the old vendor", "the previous provider",
    "our last vendor", "our old provider",
    "cancel our contract", "get out of the contract", "looking at alternatives",
    "look at other vendors", "switching providers", "switch vendors",
    "when we were evaluating", "when we signed", "you guys promised", "your team told",
]

# Characters re.IGNORECASE equates with ASCII letters that str.lower() does not map to them.
_ODD = {"i": "\u0131", "s": "\u017f", "k": "\u212a", "I": "\u0130"}


def _oddly_cased(text: str) -> str:
    return "".join(_ODD.get(c, c) for c in text)


def _expected(cue: Cue, text: str) -> int:
    return min(CAP_PER_CUE, len(cue.pattern.findall(text)))


def _check_text(text: str) -> None:
    for cue in CUES:
        for m in cue.pattern.finditer(text):
            assert fold(m.group()).startswith(cue.needles), (cue.label, m.group())
        assert cue.count(text) == _expected(cue, text), (cue.label, text)


def _reference_scores(transcript: Transcript) -> dict[str, tuple[float, list[str]]]:
    """The scoring before needles: findall over each speaker's turns joined by a space."""
    texts: dict[str, list[str]] = {}
    for t in transcript.turns:
        texts.setdefault(t.speaker, []).append(t.text)
    out = {}
    for spk, parts in texts.items():
        text = " ".join(parts)
        score, evidence = 0.0, []
        for cue in CUES:
            n = _expected(cue, text)
            if n:
                score += cue.weight * n
                evidence.append(cue.label)
        out[spk] = (round(score, 2), evidence)
    return out


def _transcript(turns: list[tuple[str, str]]) -> Transcript:
    return Transcript(format="zoom-vtt", turns=[
        Turn(speaker=s, start=i * 5.0, end=i * 5.0 + 4, text=x) for i, (s, x) in enumerate(turns)])


def test_needles_are_lowercase_nonempty_and_fold_to_themselves():
    for cue in CUES:
        assert cue.needles, cue.label
        for needle in cue.needles:
            assert needle and fold(needle) == needle == needle.lower(), (cue.label, needle)


def test_fold_keeps_length_and_matches_ignorecase_on_every_character():
    every = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    folded = fold(every)
    assert len(folded) == len(every)
    for ch in sorted({c for cue in CUES for needle in cue.needles for c in needle}):
        for m in re.finditer(re.escape(ch), every, re.I):
            assert folded[m.start()] == ch, (ch, hex(ord(m.group())))


def test_every_cue_has_a_must_match_phrase():
    for cue in CUES:
        assert any(cue.pattern.search(p) for p in MUST_MATCH), cue.label


def test_must_match_phrases_score_the_same_with_needles():
    for phrase in MUST_MATCH:
        for text in (phrase, phrase.upper(), phrase.lower(), phrase.title(),
                     _oddly_cased(phrase), f"well, {phrase}. And {phrase}, {phrase}!",
                     f"x{phrase}", f"{phrase}s"):
            _check_text(text)
        assert any(c.count(phrase) for c in CUES), phrase


def test_a_phrase_split_across_turns_still_counts_as_before():
    turns = [("Lee", "Sure, thanks"), ("Lee", "for calling, and I'll"), ("Ana", "hm"),
             ("Lee", "send you the recap. So,"), ("Lee", "next steps")]
    t = _transcript(turns)
    assert speaker_scores(t) == _reference_scores(t)
    assert "takes the call" in speaker_scores(t)["Lee"][1]


def test_needles_prune_most_positions():
    """The point of the needles: the regex is tried at a few places, not everywhere."""

    class Counting:
        def __init__(self, pattern: re.Pattern[str]) -> None:
            self.pattern, self.calls = pattern, 0

        def match(self, text: str, pos: int) -> re.Match[str] | None:
            self.calls += 1
            return self.pattern.match(text, pos)

    text = " ".join(["So the sync connector dropped jobs again this morning and our techs "
                     "were stuck for about an hour, which is the third time this month.",
                     "Understood, I'll look into it with the engineers and get back to you "
                     "by Thursday with a root cause and a plan."] * 200)
    counting = [Counting(c.pattern) for c in CUES]
    for cue, proxy in zip(CUES, counting, strict=True):
        assert dataclasses.replace(cue, pattern=proxy).count(text) == _expected(cue, text)
    # findall tries every position for every cue: len(text) * len(CUES) tries
    assert sum(p.calls for p in counting) < len(text) / 10


_WORDS = sorted({w for cue in CUES for w in re.findall(r"[A-Za-z']+", cue.pattern.pattern)}
                | {"Priya", "Nair", "Northwind", "Acme", "the", "and", "you", "it", "so"})
_CASES = [str, str.lower, str.upper, str.title, _oddly_cased]
_SEPARATORS = [" "] * 12 + ["  ", ", ", ". ", "! ", "\n", "", "-", "'", "\u2019"]


@st.composite
def cue_texts(draw) -> str:
    """Cue words and phrases (whole, cut short, missing a word), cased and glued at random."""
    parts = []
    for _ in range(draw(st.integers(1, 30))):
        if draw(st.booleans()):
            words = draw(st.sampled_from(MUST_MATCH)).split()
            cut = draw(st.sampled_from(["whole", "start", "end", "gap"]))
            i = draw(st.integers(0, len(words) - 1))
            words = {"whole": words, "start": words[:i + 1], "end": words[i:],
                     "gap": words[:i] + words[i + 1:]}[cut]
        else:
            words = [draw(st.sampled_from(_WORDS))]
        for word in words:
            parts.append(draw(st.sampled_from(_CASES))(word) + draw(st.sampled_from(_SEPARATORS)))
    return "".join(parts)


@SETTINGS
@given(cue_texts())
def test_needle_scoring_equals_findall_on_random_texts(text):
    _check_text(text)


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), cue_texts()), min_size=1,
                max_size=8))
def test_speaker_scores_equal_the_findall_scoring(turns):
    t = _transcript(turns)
    assert speaker_scores(t) == _reference_scores(t)
