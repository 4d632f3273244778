"""Timing metrics on hand-built transcripts: talk time, overlaps, interruptions vs
backchannels, cut-off marks, start-only estimates, stretches, silences, n/a cases."""

from __future__ import annotations

import pytest

from coach.metrics import BackchannelLexicon, TimingSettings, compute_timing_metrics, is_backchannel
from coach.metrics.estimate import StartOnlyTurn, estimate_durations
from coach.metrics.talk import overlap_per_speaker
from coach.metrics.timeline import merge
from coach.metrics.words import count_words, ends_cut_off, first_words
from coach.models import Transcript, Turn

ROLES = {"Cara": "csm", "Dev": "customer", "Ian": "internal", "Eve": "customer"}
LONG = "so the reminders stopped going out at six offices and nobody called me back at all"


def turn(speaker: str, start: float, end: float, text: str = "words here") -> Turn:
    return Turn(speaker=speaker, role=ROLES.get(speaker, "unknown"), start=start, end=end,
                text=text)


def call(*turns: Turn, timing: str = "full") -> Transcript:
    return Transcript(format="coach-json", turns=list(turns), timing=timing)


def metrics(*turns: Turn, **kw):
    return compute_timing_metrics(call(*turns), sentiment=False, **kw)


# --- talk time ---------------------------------------------------------------------

def test_talk_time_shares_and_ratio() -> None:
    m = metrics(turn("Cara", 0, 10, "one two three four five six seven eight nine ten"),
                turn("Dev", 11, 41, LONG))
    by = {s.speaker: s for s in m.talk_time}
    assert by["Cara"].seconds == 10 and by["Dev"].seconds == 30
    assert by["Cara"].share == 0.25 and by["Dev"].share == 0.75
    assert by["Cara"].words == 10 and by["Cara"].wpm == 60.0
    assert m.csm_talk_ratio == 0.25 and m.csm_talk_ratio_na is None
    assert m.talk_time_by_role == {"csm": 10, "customer": 30}
    assert m.wpm == {"csm": 60.0, "customer": pytest.approx(len(LONG.split()) * 2, abs=0.1)}
    assert m.duration == 41 and m.timing_estimated is False


def test_overlapping_speech_counts_for_both_speakers() -> None:
    m = metrics(turn("Cara", 0, 10), turn("Dev", 8, 12), turn("Cara", 9, 11, "more"))
    by = {s.speaker: s for s in m.talk_time}
    assert by["Cara"].seconds == 11  # union of 0-10 and 9-11
    assert by["Dev"].seconds == 4
    assert by["Cara"].overlap_seconds == 3 and by["Dev"].overlap_seconds == 3
    assert m.csm_talk_ratio == round(11 / 15, 4)


def test_internal_colleague_is_not_the_csm() -> None:
    m = metrics(turn("Cara", 0, 10), turn("Ian", 10, 20), turn("Dev", 20, 40))
    assert m.csm_talk_ratio == 0.25
    assert m.talk_time_by_role == {"csm": 10, "internal": 10, "customer": 20}


@pytest.mark.parametrize(
    ("turns", "reason"),
    [
        ((turn("Cara", 0, 10),), "only one speaker"),
        ((turn("Cara", 0, 10), turn("Cara", 11, 20)), "only one speaker"),
        ((turn("Dev", 0, 10), turn("Eve", 11, 20)), "no speaker has the CSM role"),
        ((), "no speech"),
        ((turn("Cara", 0, 0), turn("Dev", 1, 1)), "no speech"),
    ],
)
def test_ratio_not_available(turns: tuple[Turn, ...], reason: str) -> None:
    m = metrics(*turns)
    assert m.csm_talk_ratio is None
    assert reason in (m.csm_talk_ratio_na or "")


def test_one_speaker_has_no_interruptions_to_count() -> None:
    m = metrics(turn("Cara", 0, 10))
    assert m.interruptions_na and m.interruptions == []


def test_overlap_sweep_touching_intervals_do_not_overlap() -> None:
    got = overlap_per_speaker({"a": [(0, 5)], "b": [(5, 9)], "c": [(4, 6)]})
    assert got == {"a": 1, "b": 1, "c": 2}
    assert merge([(3, 4), (0, 1), (1, 2), (5, 5)]) == [(0, 2), (3, 4)]


# --- interruptions vs backchannels --------------------------------------------------

def test_backchannel_inside_a_turn_is_listening() -> None:
    m = metrics(turn("Dev", 0, 30, LONG), turn("Cara", 10, 10.6, "Yeah."),
                turn("Cara", 31, 40, "I hear you, that is on us."))
    assert m.interruptions == []
    assert m.backchannels == 1
    assert m.interruptions_raw == 1  # 0.6 s of talk-over, filtered as a backchannel


def test_csm_cuts_customer_off_with_overlap() -> None:
    m = metrics(turn("Dev", 0, 30, LONG + " and nobody from your company will--"),
                turn("Cara", 28.8, 45, "Okay, so, just so you know how priority works here"))
    [ev] = m.interruptions
    assert (ev.by, ev.of, ev.at, ev.cue) == ("Cara", "Dev", 28.8, "overlap")
    assert ev.overlap == pytest.approx(1.2)
    assert ev.quote.startswith("Okay, so, just so you know")
    assert m.interruptions_raw == 1


def test_overlap_without_mark_counts_when_the_speaker_stops() -> None:
    # Dev still had 2.5 s of the sentence to go when Cara came in, and gave way.
    m = metrics(turn("Dev", 0, 30, LONG), turn("Cara", 27.5, 45, "Let me stop you there, the fix"))
    [ev] = m.interruptions
    assert (ev.by, ev.of, ev.cue, ev.overlap) == ("Cara", "Dev", "overlap", 2.5)


# The interruption rule against Amazon Transcribe Call Analytics' measured behaviour: an
# agent coming in over the last 1.1-1.5 s of a customer's question that is ending is not
# an interruption; 2.1-2.2 s into a customer sentence that is still running is.
QUESTION = "and so what I really want to know is when the replacement card is going to get here?"
SENTENCE = "I was at the store this morning and the card was declined twice in front of everybody"


@pytest.mark.parametrize("overlap", [1.1, 1.3, 1.5])
def test_coming_in_as_a_question_ends_is_not_an_interruption(overlap: float) -> None:
    m = metrics(turn("Dev", 0, 8, QUESTION),
                turn("Cara", 8 - overlap, 20, "It should arrive within five to seven business days."))
    assert m.interruptions == []
    assert m.interruptions_raw == 1  # still a talk-over


@pytest.mark.parametrize("overlap", [2.1, 2.2, 3.0, 5.5])
def test_talking_over_a_running_sentence_is_an_interruption(overlap: float) -> None:
    m = metrics(turn("Dev", 0, 9, SENTENCE),
                turn("Cara", 9 - overlap, 20, "Okay so what I can do for you is cancel that card now"))
    [ev] = m.interruptions
    assert (ev.by, ev.of) == ("Cara", "Dev") and ev.overlap == pytest.approx(overlap)


def test_unmarked_minimum_is_a_setting() -> None:
    turns = (turn("Dev", 0, 9, SENTENCE), turn("Cara", 7.9, 20, "Okay so the thing is, the card"))
    assert metrics(*turns).interruptions == []
    loose = TimingSettings(interruption_unmarked_min_overlap=1.0)
    assert len(metrics(*turns, settings=loose).interruptions) == 1


def test_speaker_who_goes_on_long_after_holds_the_floor() -> None:
    # Dev talks on for 8 s while Cara talks: beyond the cut-off window, Dev held the floor.
    m = metrics(turn("Dev", 0, 30, LONG), turn("Cara", 22, 31, "so hold on let me check what the system says here"))
    assert m.interruptions == []


@pytest.mark.parametrize(
    "goodbye",
    [
        "Thank you for calling, have a great day.",
        "Bye now.",
        "You too, take care.",
        "alright thank you so much for calling bank of [PII] and have a wonderful day",
        "Thanks Maria, bye-bye.",
    ],
)
def test_goodbye_over_a_goodbye_is_not_an_interruption(goodbye: str) -> None:
    m = metrics(turn("Cara", 0, 6, "Your new card is on its way and the old one is blocked."),
                turn("Dev", 6.5, 10, "Okay great, that's all I needed, thank you so much, bye"),
                turn("Cara", 7.5, 12, goodbye))
    assert m.interruptions == []


def test_talking_over_someones_goodbye_is_not_an_interruption() -> None:
    m = metrics(turn("Dev", 0, 6, "Perfect, that is everything, thanks a lot and have a good one"),
                turn("Cara", 3.5, 12, "And just so you know the new card will need activating"))
    assert m.interruptions == []


def test_thanks_that_goes_on_to_business_can_interrupt() -> None:
    m = metrics(turn("Dev", 0, 9, SENTENCE),
                turn("Cara", 6.5, 20, "Thanks, but before that I need to cancel the old card"))
    assert [(e.by, e.of) for e in m.interruptions] == [("Cara", "Dev")]


def test_customer_interrupting_csm_is_not_csm_interrupting() -> None:
    m = metrics(turn("Cara", 0, 20, "our costs went up and the new features catch up with--"),
                turn("Dev", 18.8, 30, "I didn't ask for any of that, I asked for the same product"))
    [ev] = m.interruptions
    assert (ev.by, ev.of) == ("Dev", "Cara")
    assert not [e for e in m.interruptions if e.by == "Cara"]


def test_talk_over_that_does_not_cut_off_is_raw_only() -> None:
    # Dev keeps talking for 15 s after Cara starts: Cara did not take the floor.
    m = metrics(turn("Dev", 0, 40, LONG), turn("Cara", 20, 25, "wait, which offices exactly"))
    assert m.interruptions == [] and m.interruptions_raw == 1


def test_short_handover_overlap_is_not_an_interruption() -> None:
    m = metrics(turn("Dev", 0, 30, LONG), turn("Cara", 29.7, 40, "That is a real problem."))
    assert m.interruptions == [] and m.interruptions_raw == 0


def test_threshold_is_a_setting() -> None:
    turns = (turn("Dev", 0, 30, LONG + " will--"), turn("Cara", 29, 40, "Right, so the thing is"))
    assert len(metrics(*turns).interruptions) == 1
    strict = TimingSettings(interruption_min_overlap=1.5, cutoff_mark_max_gap=0.0)
    m = metrics(*turns, settings=strict)
    # Not enough overlap, but the cut-off mark still shows it (cue cut-off).
    assert [(e.cue, e.overlap) for e in m.interruptions] == [("cut-off", 1.0)]


def test_cut_off_mark_without_overlap() -> None:
    m = metrics(turn("Dev", 0, 20, "and the invoice says--"),
                turn("Cara", 20.4, 30, "Sorry, before that, can I check the account number"))
    [ev] = m.interruptions
    assert (ev.cue, ev.overlap, ev.by) == ("cut-off", 0.0, "Cara")


def test_trailing_off_then_long_pause_is_not_a_cut_off() -> None:
    m = metrics(turn("Dev", 0, 20, "I just don't know\u2026"),
                turn("Cara", 24, 30, "Take your time. What would help most?"))
    assert m.interruptions == []


def test_backchannel_after_cut_off_mark_is_filtered() -> None:
    m = metrics(turn("Dev", 0, 20, "and then they said--"), turn("Cara", 19.5, 20.1, "Mm-hmm."),
                turn("Dev", 20.5, 30, LONG))
    assert m.interruptions == [] and m.interruptions_raw == 1


def test_during_vent_marks_the_opening() -> None:
    turns = [turn("Cara", 0, 5, "Hi, thanks for joining."),
             turn("Dev", 6, 60, LONG + " and--"), turn("Cara", 59, 70, "Let me explain the queue")]
    for k in range(20):  # the rest of a ten-minute call
        turns.append(turn("Dev" if k % 2 else "Cara", 71 + 25 * k, 95 + 25 * k, LONG))
    turns.append(turn("Dev", 600, 630, LONG + " but--"))
    turns.append(turn("Cara", 629, 640, "Okay, and the other thing is"))
    m = metrics(*turns)
    assert [(e.at, e.during_vent) for e in m.interruptions] == [(59, True), (629, False)]
    assert m.customer_vent is not None and m.customer_vent.start == 6
    assert m.customer_vent.seconds == 54


# --- stretches, silences, closing --------------------------------------------------

def test_monologue_survives_backchannels_but_not_a_reply() -> None:
    m = metrics(turn("Cara", 0, 5, "Hi."),
                turn("Dev", 6, 30, LONG), turn("Cara", 12, 12.5, "Right."),
                turn("Dev", 31, 60, LONG), turn("Cara", 61, 70, "What happened next?"),
                turn("Dev", 71, 80, LONG))
    mono = m.longest_monologue
    assert (mono["customer"].start, mono["customer"].end, mono["customer"].seconds) == (6, 60, 54)
    assert mono["customer"].words == 2 * len(LONG.split())
    assert mono["csm"].seconds == 9


def test_silences_over_threshold_only() -> None:
    m = metrics(turn("Cara", 0, 5), turn("Dev", 6, 10), turn("Cara", 14, 20), turn("Dev", 20, 22))
    assert [(s.start, s.end, s.seconds) for s in m.silences] == [(10, 14, 4)]
    m = metrics(turn("Cara", 0, 5), turn("Dev", 6, 10), turn("Cara", 14, 20),
                settings=TimingSettings(silence_min_seconds=0.5))
    assert len(m.silences) == 2


def test_last_speaker_ignores_a_closing_backchannel() -> None:
    m = metrics(turn("Dev", 0, 5, "So what happens now?"),
                turn("Cara", 6, 20, "I will call you Friday at ten with the fix date."),
                turn("Dev", 21, 21.5, "Okay."))
    assert (m.last_speaker, m.last_speaker_role) == ("Cara", "csm")
    assert m.last_csm_turn is not None and m.last_csm_turn.at == 6
    assert m.last_csm_turn.quote.startswith("I will call you Friday")


# --- start-only formats ------------------------------------------------------------

def start_only(*rows: tuple[str, float, str]) -> Transcript:
    turns = [Turn(speaker=s, role=ROLES[s], start=t, end=t, text=x, end_estimated=True)
             for s, t, x in rows]
    return Transcript(format="text", turns=turns, timing="start_only")


def test_start_only_estimates_and_backchannel_inside() -> None:
    words40 = " ".join(["word"] * 40)
    tr = start_only(("Dev", 0, words40), ("Cara", 5, "Mm-hmm."), ("Dev", 20, words40),
                    ("Cara", 40, words40))
    m = compute_timing_metrics(tr, sentiment=False)
    assert m.timing_estimated is True
    assert m.silences == []
    by = {s.speaker: s for s in m.talk_time}
    # Dev's first turn is not ended by the backchannel at 5 s: it runs to ~16 s (40 words
    # at ~2.5 w/s), capped by the next turn at 20 s.
    assert 14 <= by["Dev"].seconds / 2 <= 20
    assert m.backchannels == 1
    assert m.interruptions == []


def test_start_only_cut_off_mark() -> None:
    tr = start_only(("Dev", 0, LONG + " and nobody--"), ("Cara", 6, "So the way tickets work is"),
                    ("Dev", 12, "I didn't pick a priority."))
    m = compute_timing_metrics(tr, sentiment=False)
    [ev] = m.interruptions
    assert (ev.by, ev.of, ev.cue, ev.overlap, ev.at) == ("Cara", "Dev", "cut-off", 0.0, 6)


def test_start_only_ratio_close_to_truth() -> None:
    """Speakers at different rates; the fitted rates recover the true talk ratio."""
    rows, t, truth = [], 0.0, {"Cara": 0.0, "Dev": 0.0}
    for k in range(30):
        spk, rate = ("Cara", 2.8) if k % 2 == 0 else ("Dev", 2.2)
        n = 8 + (k * 7) % 30
        rows.append((spk, round(t), " ".join(["w"] * n)))
        truth[spk] += n / rate
        t += n / rate + 0.5
    m = compute_timing_metrics(start_only(*rows), sentiment=False)
    true_ratio = truth["Cara"] / (truth["Cara"] + truth["Dev"])
    assert m.csm_talk_ratio == pytest.approx(true_ratio, abs=0.02)
    words_ratio = sum(len(r[2].split()) for r in rows if r[0] == "Cara") / sum(
        len(r[2].split()) for r in rows)
    assert abs(words_ratio - true_ratio) > 0.03  # a word count alone would be off


def test_estimate_caps_at_next_turn_and_extends_cut_offs() -> None:
    s = TimingSettings()
    turns = [StartOnlyTurn("A", 0, 50, False, False), StartOnlyTurn("B", 3, 20, False, True),
             StartOnlyTurn("A", 5, 10, False, False)]
    d, rates = estimate_durations(turns, s)
    assert d[0] == 3  # 50 words, but B starts at 3 s
    assert d[1] == pytest.approx(2 + s.cutoff_overlap_seconds)  # cut off: may run past 5 s
    assert d[2] == pytest.approx(10 / rates["A"])
    assert all(s.min_words_per_second <= r <= s.max_words_per_second for r in rates.values())


# --- words and backchannels --------------------------------------------------------

def test_word_helpers() -> None:
    assert count_words("Well -- I [laughter] think, uh, yes\u2026") == 5
    assert ends_cut_off("nobody from your company will--")
    assert ends_cut_off("and then\u2014") and ends_cut_off('he said "wait...')
    assert not ends_cut_off("a well-known issue.") and not ends_cut_off("")
    assert first_words("a b c d", 2) == "a b\u2026" and first_words("a b", 5) == "a b"


@pytest.mark.parametrize("text", ["Mm-hmm.", "Right.", "Yeah.", "Okay.", "Sure.", "Got it.",
                                  "Uh-huh", "[laughter]", "Oh, okay.", "Yeah, yeah, right."])
def test_backchannels(text: str) -> None:
    assert is_backchannel(text)


@pytest.mark.parametrize("text", ["Yeah, and honestly, I think this is a carrier thing.",
                                  "Okay. So it's my fault.", "", "Right, it defaults to P3.",
                                  "yeah yeah yeah yeah yeah yeah"])
def test_not_backchannels(text: str) -> None:
    assert not is_backchannel(text)


def test_backchannel_lexicon_is_replaceable() -> None:
    lex = BackchannelLexicon(["jawohl"], fillers=["na"])
    assert is_backchannel("Na, jawohl.", lexicon=lex)
    assert not is_backchannel("Mm-hmm.", lexicon=lex)
    assert not is_backchannel("Yeah, right.", max_words=1)
