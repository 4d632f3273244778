"""Customer concerns on small hand-written calls: a concern is a distinct issue the
customer raises (trouble, or a question asking us for something on a topic), not the
call's main issue, not someone else's or the past's trouble, a hypothetical or scheduling;
it is addressed when our side later engages the topic or answers the question on the spot."""

from __future__ import annotations

import pytest

from coach.analysis import Analyzer
from tests.test_flags import GOOD_CLOSE, OPEN, call


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def unaddressed(analyzer: Analyzer, lines) -> list[str]:
    report = analyzer.analyze(call(lines), call_type="escalation")
    return [f.detail["topic"] for f in report.flags if f.code == "unaddressed-concern"]


PIVOT = ("csm", "One thing I'd add on the export schedule: we now run it twice a night.")


def test_the_main_issue_taken_up_is_no_concern(analyzer):
    assert unaddressed(analyzer, OPEN + GOOD_CLOSE) == []


def test_a_question_without_a_shift_word_is_a_concern(analyzer):
    ask = ("customer", "So who is going to refund the fees we paid for the weeks it was broken?")
    assert unaddressed(analyzer, OPEN + [ask, PIVOT] + GOOD_CLOSE) == ["billing"]
    answer = ("csm", "We will take those weeks off your next bill, I'll send you the amount.")
    assert unaddressed(analyzer, OPEN + [ask, answer] + GOOD_CLOSE) == []


def test_a_compliance_question_left_hanging(analyzer):
    ask = ("customer", "And what am I supposed to hand the auditor when they come in on the ninth?")
    other = ("customer", "Honestly the exports are the least of it this month.")
    assert unaddressed(analyzer, OPEN + [ask, other, PIVOT] + GOOD_CLOSE) == ["compliance"]
    taken = ("csm", "For the audit, I'll write you a letter explaining the gap in the exports.")
    assert unaddressed(analyzer, OPEN + [ask, other, taken] + GOOD_CLOSE) == []


def test_trouble_raised_later_needs_its_topic_engaged(analyzer):
    late = ("customer", "Separately, the mobile app keeps logging my reps out every morning.")
    ack = ("csm", "Understood. So, back to the exports.")
    assert unaddressed(analyzer, OPEN + [late, ack] + GOOD_CLOSE) == ["product"]
    fix = ("csm", "That logout is a known bug, the fix ships Tuesday.")
    assert unaddressed(analyzer, OPEN + [late, fix] + GOOD_CLOSE) == []


@pytest.mark.parametrize(
    "line",
    [
        "Our customers were furious when the bank delayed their refunds.",  # a third party's trouble
        "Our old vendor overcharged us on nearly every invoice.",  # another era
        "Two years ago we had an outage that lasted a whole day.",  # the past
        "What if the invoice comes in wrong again next quarter?",  # a hypothetical
        "My staff worked overtime all weekend to catch up.",  # staff talk is not a people concern
    ],
)
def test_not_a_concern(analyzer, line):
    assert unaddressed(analyzer, OPEN + [("customer", line), PIVOT] + GOOD_CLOSE) == []


def test_a_goodbye_on_the_topic_does_not_address_it(analyzer):
    late = ("customer", "One more thing, we were charged twice for the March invoice.")
    bye = ("csm", "Is there anything else on the invoice or otherwise? Thanks, talk soon.")
    lines = OPEN + GOOD_CLOSE[:-1] + [late, PIVOT, bye]
    assert unaddressed(analyzer, lines) == ["billing"]
