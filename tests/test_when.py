"""Times said aloud resolve against the moment they were said (coach.when)."""

from __future__ import annotations

import datetime as dt

import pytest

from coach.when import find_due, parse_call_date, resolve, spoken_at

PST = dt.timezone(dt.timedelta(hours=-8))
WED = dt.datetime(2025, 3, 5, 13, 30, tzinfo=PST)  # a Wednesday afternoon


def due(text: str, at: dt.datetime | dt.date = WED) -> str | None:
    said = find_due(text)
    assert said is not None, text
    return resolve(said, at).iso


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("You'll have an answer by Friday.", "2025-03-07"),
        ("Talk Monday.", "2025-03-10"),
        ("I'll call you Wednesday.", "2025-03-12"),  # said on a Wednesday: next week's
        ("I'll update you Thursday at 11 AM.", "2025-03-06T11:00:00-08:00"),
    ],
)
def test_weekdays(text, expected):
    assert due(text) == expected


def test_end_of_day_is_five_pm_the_same_day():
    assert due("You'll have the confirmation by end of day.") == "2025-03-05T17:00:00-08:00"
    assert due("I'll get it to you by EOD.") == "2025-03-05T17:00:00-08:00"


def test_tomorrow_morning_is_due_by_noon_tomorrow():
    assert due("I'll send it by tomorrow morning.") == "2025-03-06T12:00:00-08:00"
    assert due("You'll hear from me by 4pm tomorrow.") == "2025-03-06T16:00:00-08:00"


def test_next_tuesday():
    assert due("Let's meet next Tuesday.") == "2025-03-11"
    monday = dt.datetime(2025, 3, 3, 10, 0, tzinfo=PST)
    assert due("Let's meet next Tuesday.", monday) == "2025-03-11"  # not tomorrow
    assert due("Let's meet Tuesday.", monday) == "2025-03-04"


def test_in_two_hours_needs_the_time_of_day():
    assert due("I'll update you in two hours.") == "2025-03-05T15:30:00-08:00"
    assert due("within 30 minutes") == "2025-03-05T14:00:00-08:00"
    assert resolve("in two hours", WED.date()).value is None  # a date alone: no clock


def test_zone_said_aloud():
    assert due("Let's do a call Thursday at two Eastern.") == "2025-03-06T14:00:00-05:00"
    assert due("I'll ping you at 4pm Eastern.") == "2025-03-05T16:00:00-05:00"
    assert due("by 9am Pacific tomorrow") is not None


def test_call_crossing_midnight_moves_tomorrow_with_it():
    late = dt.datetime(2025, 3, 5, 23, 40, tzinfo=PST)
    said = spoken_at(late, 30 * 60)  # thirty minutes in: 00:10 on Thursday
    assert resolve("by tomorrow at noon", said).iso == "2025-03-07T12:00:00-08:00"
    assert resolve("by tomorrow at noon", late).iso == "2025-03-06T12:00:00-08:00"


def test_clock_already_past_is_the_next_day():
    assert due("I'll have it to you by noon.") == "2025-03-06T12:00:00-08:00"
    assert due("I'll confirm by three today.") == "2025-03-05T15:00:00-08:00"


@pytest.mark.parametrize("text", ["We'll get back to you soon.", "at one point", "the two of us", "by two people"])
def test_no_time(text):
    assert find_due(text) is None


def test_date_only_resolves_days():
    assert due("by Friday", dt.date(2025, 3, 5)) == "2025-03-07"
    assert due("by the eighteenth", dt.date(2025, 3, 5)) == "2025-03-18"


def test_parse_call_date():
    assert parse_call_date("2025-03-05") == dt.date(2025, 3, 5)
    assert parse_call_date("2025-03-05T13:30:00-08:00") == WED
