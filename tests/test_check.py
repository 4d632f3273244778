"""`coach check`: expectation files, evaluation, the CI output formats, exit codes.

Most tests use hand-built reports (``check_factory``) through a stand-in analysis so
they test the checking exactly; the shipped rules and fixtures are checked end to end
in ``test_ci_self.py``.
"""

from __future__ import annotations

import json
import re
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from check_factory import bad_escalation, flag, good_escalation, make_report
from click.testing import CliRunner

import coach.check
import coach.cli.check_cmd
from coach.check import Target, find_targets
from coach.cli.main import cli
from coach.errors import InputError
from coach.expectations import (
    evaluate,
    evaluate_thresholds,
    load_expectation_file,
    load_folder_expectations,
    parse_expectation,
    parse_fail_on,
    parse_time,
)
from coach.testresults import CaseResult, format_results, summarize

BAD_EXPECT = """\
# the lesson call: jumped to troubleshooting before acknowledging the outage
call_type: escalation
csm: Priya
flags:
  present:
    - acknowledgment-gap
    - code: vague-timeline
      at: "06:50"
      tolerance: 30
      topic: export
  absent: [over-promise]
sequence:
  present: [understand, act]
  absent: [acknowledge]
ack_before_solution: false
score: {max: 50}
talk_ratio: {min: 0.5, max: 0.8}
"""

GOOD_EXPECT = """\
call_type: escalation
flags:
  absent: [acknowledgment-gap, vague-timeline, no-follow-up]
sequence:
  present: [acknowledge, own, follow_up]
ack_before_solution: true
score: {min: 75}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------- expectation files


def test_full_expectation_file_loads(tmp_path: Path) -> None:
    exp = load_expectation_file(write(tmp_path / "bad.vtt.expect.yaml", BAD_EXPECT))
    assert exp.call_type == "escalation"
    assert exp.csm == ["Priya"]
    assert [f.code for f in exp.flags.present] == ["acknowledgment-gap", "vague-timeline"]
    timed = exp.flags.present[1]
    assert (timed.at, timed.tolerance, timed.topic) == (410.0, 30.0, "export")
    assert exp.flags.present[0].tolerance == 20.0  # the default
    assert exp.sequence.absent == ["acknowledge"]
    assert exp.ack_before_solution is False and exp.checks_ack_before_solution()
    assert (exp.score.min, exp.score.max) == (None, 50)


@pytest.mark.parametrize("value, seconds", [
    ("02:10", 130.0), ("1:02:10", 3730.0), (95, 95.0), (12.5, 12.5), ("75:03", 4503.0),
])
def test_times(value: str | float, seconds: float) -> None:
    assert parse_time(value) == seconds


def test_unquoted_mm_ss_is_a_time_in_yaml_1_2(tmp_path: Path) -> None:
    # YAML 1.1 would read 02:10 as the base-60 integer 130; 1.2 keeps the string.
    text = "flags:\n  present:\n    - {code: jargon, at: 02:10}\n"
    path = write(tmp_path / "a.expect.yaml", text)
    assert load_expectation_file(path).flags.present[0].at == 130.0


@pytest.mark.parametrize("text, field, words", [
    ("colour: red\n", "colour", "unknown key (allowed here: call_type"),
    ("flags:\n  present: [acknowledgement-gap]\n", "flags.present[0].code", "unknown flag code"),
    ("flags:\n  absent: [nope]\n", "flags.absent", "unknown flag code 'nope'"),
    ("flags:\n  present:\n    - {code: jargon, when: 3}\n", "flags.present[0].when",
     "allowed here: code, at, tolerance, topic"),
    ("flags:\n  present:\n    - {code: jargon, at: '2:75'}\n", "flags.present[0].at",
     "not a valid time"),
    ("flags:\n  present:\n    - {code: jargon, tolerance: 5}\n", "flags.present[0]",
     "tolerance given without at"),
    ("flags:\n  present: [jargon]\n  absent: [jargon]\n", "flags", "both present and absent"),
    ("sequence:\n  present: [acknowledgement]\n", "sequence.present", "unknown step"),
    ("call_type: escalaton\n", "call_type", "got 'escalaton'"),
    ("score: {min: 80, max: 60}\n", "score", "min 80 is above max 60"),
    ("score: 70\n", "score", "expected a mapping (keys: min, max)"),
    ("score: {min: true}\n", "score.min", "got True"),
    ("talk_ratio: {max: 45}\n", "talk_ratio", "fractions 0..1"),
    ("ack_before_solution: yes\n", "ack_before_solution", "expected true, false or null"),
    ("input_format: vtt\n", "input_format", "unknown input format 'vtt'"),
    ("csm: [true]\n", "csm", "speaker label"),
])
def test_malformed_expectations_name_file_and_field(tmp_path: Path, text: str, field: str,
                                                    words: str) -> None:
    path = write(tmp_path / "call.vtt.expect.yaml", text)
    with pytest.raises(InputError) as info:
        load_expectation_file(path)
    message = str(info.value)
    assert message.startswith(str(path)), message
    assert f"(field {field})" in message, message
    assert words in message, message
    assert "\n" not in message


def test_invalid_yaml_gives_one_line_with_the_line_number(tmp_path: Path) -> None:
    path = write(tmp_path / "call.vtt.expect.yaml", "call_type: escalation\nflags: [a\n")
    with pytest.raises(InputError) as info:
        load_expectation_file(path)
    assert str(info.value).startswith(f"{path}:3: invalid YAML"), str(info.value)
    assert "\n" not in str(info.value)


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "c.expect.yaml", "score: {min: 1}\nscore: {min: 2}\n")
    with pytest.raises(InputError, match="duplicate key"):
        load_expectation_file(path)


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="expected a mapping of expectations, got list"):
        load_expectation_file(write(tmp_path / "c.expect.yaml", "- escalation\n"))


def test_deepgram_numeric_label_becomes_a_string() -> None:
    assert parse_expectation({"csm": 0}, Path("x")).csm == ["0"]


def test_folder_file_names_the_entry_in_errors(tmp_path: Path) -> None:
    path = write(tmp_path / "expectations.yaml",
                 "good.vtt:\n  call_type: escalation\nbad.vtt:\n  flags: {present: [nope]}\n")
    with pytest.raises(InputError) as info:
        load_folder_expectations(path)
    assert "(field bad.vtt.flags.present[0].code)" in str(info.value)


# ------------------------------------------------------------------------ evaluating


def test_expectations_met_on_the_lesson_call(tmp_path: Path) -> None:
    exp = load_expectation_file(write(tmp_path / "bad.vtt.expect.yaml", BAD_EXPECT))
    results = evaluate(bad_escalation(), exp)
    assert [r.name for r in results if not r.passed] == []
    # one case per expectation item
    assert len(results) == 1 + 2 + 1 + 2 + 1 + 1 + 1 + 1
    assert {r.suite for r in results} == {"calls/bad.vtt"}


def test_expectations_met_on_the_model_call(tmp_path: Path) -> None:
    exp = load_expectation_file(write(tmp_path / "good.vtt.expect.yaml", GOOD_EXPECT))
    assert all(r.passed for r in evaluate(good_escalation(), exp))


def test_unmet_expectations_say_expected_and_found_with_times(tmp_path: Path) -> None:
    # the model call's expectations against the lesson call: everything is off
    exp = load_expectation_file(write(tmp_path / "good.vtt.expect.yaml", GOOD_EXPECT))
    failed = {r.name: r for r in evaluate(bad_escalation(), exp) if not r.passed}
    gap = failed["flag acknowledgment-gap absent"]
    assert gap.at == 95.0
    assert "expected no flag acknowledgment-gap, found it at [01:35]" in gap.message
    step = failed["step acknowledge present"]
    assert step.message == "expected step acknowledge, not found"
    ack = failed["ack_before_solution is true"]
    assert "found false" in ack.message and "first solution at [01:02]" in ack.message
    assert "no acknowledgment" in ack.message and ack.at == 62.0
    assert failed["score >= 75"].message == "expected score >= 75, found 38"
    assert "call_type is escalation" not in failed


def test_flag_time_tolerance_and_topic() -> None:
    report = make_report(flags=[flag("unaddressed-concern", 300.0, topic="SSO rollout")])
    def check(item: dict) -> CaseResult:
        exp = parse_expectation({"flags": {"present": [item]}}, Path("x"))
        return evaluate(report, exp)[0]

    assert check({"code": "unaddressed-concern", "at": "05:15"}).passed  # 15 s off, within 20
    late = check({"code": "unaddressed-concern", "at": "05:30"})
    assert not late.passed and late.at == 330.0
    assert "at [05:30] ±20s, found unaddressed-concern at [05:00]" in late.message
    assert check({"code": "unaddressed-concern", "at": 330, "tolerance": 30}).passed
    assert check({"code": "unaddressed-concern", "topic": "sso"}).passed  # case-insensitive
    wrong = check({"code": "unaddressed-concern", "topic": "pricing"})
    assert not wrong.passed and "topic 'SSO rollout'" in wrong.message
    missing = check({"code": "no-owner"})
    assert "not raised (flags raised: unaddressed-concern [05:00])" in missing.message


def test_ack_before_solution_null_is_an_expectation() -> None:
    exp = parse_expectation({"ack_before_solution": None}, Path("x"))
    assert evaluate(make_report(call_type="qbr"), exp)[0].passed
    unmet = evaluate(good_escalation(), exp)[0]
    assert not unmet.passed and "expected ack_before_solution null, found true" in unmet.message


def test_missing_ratio_and_score_fail_with_the_reason() -> None:
    exp = parse_expectation({"talk_ratio": {"max": 0.5}, "score": {"min": 10}}, Path("x"))
    results = evaluate(make_report(talk_ratio=None, score=None, timing_only=True), exp)
    assert [r.passed for r in results] == [False, False]
    assert "no score (timing-only source)" in results[0].message
    assert "found n/a (one speaker)" in results[1].message


def test_thresholds_min_score_and_fail_on() -> None:
    report = bad_escalation()
    results = evaluate_thresholds(report, min_score=60, fail_on=["high", "over-promise", "low"])
    by_name = {r.name: r for r in results}
    assert by_name["score >= 60"].message == "score 38 is below the minimum 60"
    high = by_name["no flag of severity high"]
    assert not high.passed and high.at == 95.0 and "acknowledgment-gap (high)" in high.message
    assert by_name["no flag over-promise"].passed
    # every flag is low or more: one line per flag, each with its own message and time
    low = [r for r in results if r.name == "no flag of severity low or more"]
    assert len(low) == len(report.flags) >= 3 and not any(r.passed for r in low)
    for r, f in zip(low, report.flags, strict=True):
        assert r.message == f"--fail-on low: {f.code} ({f.severity}): {f.message}" and r.at == f.at
    assert all(r.passed for r in evaluate_thresholds(good_escalation(), min_score=60,
                                                     fail_on=["medium"]))


def test_fail_on_validation() -> None:
    assert parse_fail_on(["high", "jargon"]) == ["high", "jargon"]
    with pytest.raises(ValueError, match="neither a flag code nor a severity"):
        parse_fail_on(["critical"])


# ---------------------------------------------------------------------- the formats

RESULTS = [
    CaseResult("calls/bad.vtt", "call_type is escalation", True, file="calls/bad.vtt"),
    CaseResult("calls/bad.vtt", "flag over-promise absent", False,
               'expected no flag over-promise, found it at [04:10]: "<we\'ll fix it & more>"',
               file="calls/bad.vtt", at=250.0),
    CaseResult("calls/bad.vtt", "score <= 50", False, "expected score <= 50, found 62",
               file="calls/bad.vtt"),
    CaseResult("calls/odd, name.vtt", "analysed", False, "odd: line 3\nbad cue 100%\x07",
               file="calls/odd, name.vtt", error=True),
    CaseResult("rule over-promise", "example 2", True, skipped=True, message="not run"),
]


def test_text_format_one_line_per_unmet_then_summary() -> None:
    lines = format_results(RESULTS, "text").splitlines()
    assert lines == [
        'calls/bad.vtt [04:10]: expected no flag over-promise, found it at [04:10]: '
        '"<we\'ll fix it & more>"',
        "calls/bad.vtt: expected score <= 50, found 62",
        "calls/odd, name.vtt: error: odd: line 3 bad cue 100%\x07",
        "1 passed, 2 failed, 1 errors, 1 skipped",
    ]
    only_ok = format_results(RESULTS[:1], "text")
    assert only_ok == "1 passed, 0 failed\n"


def test_json_format() -> None:
    data = json.loads(format_results(RESULTS, "json"))
    assert data["summary"] == {"passed": 1, "failed": 2, "errors": 1, "skipped": 1, "total": 5}
    assert data["results"][1]["at"] == 250.0 and data["results"][1]["passed"] is False


def test_junit_xml_shape_counts_and_escaping() -> None:
    xml = format_results(RESULTS, "junit")
    assert xml.startswith("<?xml")
    root = ET.fromstring(xml)  # parses: escaping and control characters handled
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors"),
            root.get("skipped")) == ("5", "2", "1", "1")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["calls/bad.vtt", "calls/odd, name.vtt",
                                               "rule over-promise"]
    first = suites[0]
    assert (first.get("tests"), first.get("failures"), first.get("errors")) == ("3", "2", "0")
    cases = first.findall("testcase")
    assert [c.get("name") for c in cases] == ["call_type is escalation",
                                              "flag over-promise absent", "score <= 50"]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure.get("message").endswith('"<we\'ll fix it & more>"')
    assert failure.text.startswith("calls/bad.vtt [04:10]: ")
    assert cases[1].get("classname") == "calls/bad.vtt" and cases[1].get("file") == "calls/bad.vtt"
    error = suites[1].find("testcase/error")
    assert error is not None and "\ufffd" in error.get("message")
    assert suites[2].find("testcase/skipped") is not None


def test_github_annotation_lines() -> None:
    lines = format_results(RESULTS, "github").splitlines()
    assert len(lines) == 4 and lines[-1] == "1 passed, 2 failed, 1 errors, 1 skipped"
    pattern = re.compile(r"^::error file=[^,:]+(,line=\d+)?,title=[^,:]+::.+$")
    for line in lines[:3]:
        assert pattern.match(line), line
    assert lines[0] == ("::error file=calls/bad.vtt,title=calls/bad.vtt%3A flag over-promise "
                        "absent::[04:10] expected no flag over-promise, found it at [04:10]: "
                        '"<we\'ll fix it & more>"')
    # commas in a property and newlines / percent signs in the message are escaped
    assert lines[2].startswith("::error file=calls/odd%2C name.vtt,")
    assert lines[2].endswith("::odd: line 3%0Abad cue 100%25\x07")


def test_github_line_when_known() -> None:
    r = CaseResult("rules/x.yaml", "example", False, "did not match", file="rules/x.yaml", line=12)
    assert format_results([r], "github").startswith("::error file=rules/x.yaml,line=12,title=")


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown result format"):
        format_results(RESULTS, "xml")


# ----------------------------------------------------------------- finding the calls


def test_find_targets_pairs_sidecars_and_folder_files(tmp_path: Path) -> None:
    write(tmp_path / "calls/bad.vtt", "WEBVTT\n")
    write(tmp_path / "calls/bad.vtt.expect.yaml", BAD_EXPECT)
    write(tmp_path / "calls/model.srt", "1\n")
    write(tmp_path / "calls/model.expect.yaml", GOOD_EXPECT)  # the stem form works too
    write(tmp_path / "calls/notes.txt", "not a call")
    write(tmp_path / "calls/team/a.json", "{}")
    write(tmp_path / "calls/team/b.json", "{}")
    write(tmp_path / "calls/team/expectations.yaml", "a.json:\n  call_type: qbr\n")
    write(tmp_path / "calls/zoom/c.vtt", "WEBVTT\n")  # a folder of transcripts only...
    write(tmp_path / "calls/expectations.yaml", "zoom/c.vtt:\n  call_type: training\n")
    targets = find_targets([tmp_path / "calls"])
    names = [t.path.relative_to(tmp_path).as_posix() for t in targets]
    assert names == ["calls/bad.vtt", "calls/model.srt", "calls/team/a.json", "calls/zoom/c.vtt"]
    assert targets[2].expectation.call_type == "qbr"
    assert targets[3].expectation.call_type == "training"  # ...listed from the folder above
    assert targets[3].expect_file == tmp_path / "calls/expectations.yaml"
    everything = find_targets([tmp_path / "calls"], all_transcripts=True)
    assert len(everything) == 6  # + notes.txt and team/b.json, thresholds only
    assert [t.expectation is None for t in everything].count(True) == 2
    # a transcript named on the command line finds its expectations the same ways
    one = find_targets([tmp_path / "calls/model.srt", tmp_path / "calls/team/a.json"])
    assert [t.expectation.call_type for t in one] == ["escalation", "qbr"]


def test_a_file_finds_the_expectations_file_of_a_folder_above(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "calls/zoom/c.vtt", "WEBVTT\n")
    write(tmp_path / "calls/expectations.yaml", "zoom/c.vtt:\n  call_type: training\n")
    (target,) = find_targets([Path("calls/zoom/c.vtt")])
    assert target.expectation.call_type == "training" and target.display == "calls/zoom/c.vtt"


@pytest.mark.parametrize("files, words", [
    ({"x.vtt.expect.yaml": "call_type: qbr\n"}, "no transcript 'x.vtt' beside it"),
    ({"x.vtt": "", "x.srt": "", "x.expect.yaml": "call_type: qbr\n"}, "ambiguous"),
    ({"expectations.yaml": "gone.vtt: {call_type: qbr}\n"}, "lists 'gone.vtt', which is not"),
    ({"a.vtt": "", "a.vtt.expect.yaml": "call_type: qbr\n",
      "expectations.yaml": "a.vtt: {call_type: qbr}\n"}, "expectations in both"),
    ({"sub/a.vtt": "", "sub/expectations.yaml": "../a.vtt: {call_type: qbr}\n"},
     "list files of this folder or below it"),
    ({"sub/a.vtt": "", "expectations.yaml": "sub/a.vtt: {call_type: qbr}\n",
      "sub/expectations.yaml": "a.vtt: {call_type: qbr}\n"}, "listed in both"),
])
def test_find_targets_refuses_confusing_layouts(tmp_path: Path, files: dict[str, str],
                                                words: str) -> None:
    for name, text in files.items():
        write(tmp_path / name, text)
    with pytest.raises(InputError, match=re.escape(words)):
        find_targets([tmp_path])


# ------------------------------------------------------------------------ the command


class FakeAnalyzer:
    built = 0

    def __init__(self, rules_dirs: list[Path]) -> None:
        FakeAnalyzer.built += 1
        self.rules_dirs = rules_dirs


REPORTS = {"bad": bad_escalation, "good": good_escalation}


def fake_analyze(analyzer: FakeAnalyzer, target: Target, *, csm: tuple[str, ...] = (),
                 roster: object = None):
    stem = target.path.name.split(".")[0]
    if stem == "broken":
        raise InputError(str(target.path), "expected WEBVTT on the first line", line=1)
    return REPORTS[stem](path=str(target.path))


@pytest.fixture()
def stub(monkeypatch: pytest.MonkeyPatch) -> type[FakeAnalyzer]:
    FakeAnalyzer.built = 0
    monkeypatch.setattr(coach.cli.check_cmd, "_build_analyzer", FakeAnalyzer)
    monkeypatch.setattr(coach.check, "analyze_target", fake_analyze)
    return FakeAnalyzer


@pytest.fixture()
def calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "calls/bad.vtt", "WEBVTT\n")
    write(tmp_path / "calls/bad.vtt.expect.yaml", BAD_EXPECT)
    write(tmp_path / "calls/good.vtt", "WEBVTT\n")
    write(tmp_path / "calls/good.vtt.expect.yaml", GOOD_EXPECT)
    return tmp_path / "calls"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_all_met_exit_0(calls: Path, stub: type[FakeAnalyzer]) -> None:
    code, out, _ = run("calls")
    assert code == 0, out
    assert out == "21 passed, 0 failed\n"
    assert stub.built == 1  # one Analyzer for the whole run


def test_cli_unmet_exit_1_one_line_each(calls: Path, stub: type[FakeAnalyzer]) -> None:
    write(calls / "bad.vtt.expect.yaml", GOOD_EXPECT)  # the bar of the model call
    code, out, _ = run("calls")
    assert code == 1
    lines = out.splitlines()
    assert lines[-1].endswith("failed") and not lines[-1].startswith("0 passed")
    assert "calls/bad.vtt [01:35]: expected no flag acknowledgment-gap, found it at [01:35]: " \
        "acknowledgment-gap raised" in lines
    assert all(line.startswith("calls/bad.vtt") for line in lines[:-1])


def test_cli_malformed_expectation_exit_2_before_analysis(calls: Path,
                                                          stub: type[FakeAnalyzer]) -> None:
    write(calls / "good.vtt.expect.yaml", "flags:\n  present: [acknowledgement-gap]\n")
    code, out, err = run("calls")
    assert code == 2 and out == ""
    prefix = "coach: error: calls/good.vtt.expect.yaml (field flags.present[0].code): "
    assert err.startswith(prefix), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert stub.built == 0


def test_cli_unreadable_transcript_exit_2_others_still_checked(calls: Path,
                                                               stub: type[FakeAnalyzer]) -> None:
    write(calls / "broken.vtt", "garbage")
    write(calls / "broken.vtt.expect.yaml", "call_type: qbr\n")
    code, out, _ = run("calls", "--format", "junit")
    assert code == 2
    root = ET.fromstring(out)
    assert root.get("errors") == "1" and root.get("failures") == "0"
    assert root.get("tests") == "22"
    error = root.find("testsuite[@name='calls/broken.vtt']/testcase/error")
    assert "expected WEBVTT on the first line" in error.get("message")


def test_cli_usage_errors_exit_2(calls: Path, stub: type[FakeAnalyzer], tmp_path: Path) -> None:
    write(tmp_path / "empty/readme.md", "nothing here")
    code, _, err = run("empty")
    assert code == 2 and "no transcripts to check" in err
    code, _, err = run("nowhere")
    assert code == 2 and "nowhere: no such file or directory" in err
    code, _, err = run("calls", "--fail-on", "critical")
    assert code == 2 and "neither a flag code nor a severity" in err
    code, _, err = run("calls", "--format", "xml")
    assert code == 2
    code, _, err = run("calls/bad.vtt", "calls/good.vtt", "--rules", "no-such-dir")
    assert code == 2 and "no-such-dir" in err


def test_cli_thresholds_check_every_transcript(calls: Path, stub: type[FakeAnalyzer]) -> None:
    write(calls / "more/good.txt", "Priya: hello")  # no expectations of its own
    code, out, _ = run("calls", "--min-score", "60", "--fail-on", "high,over-promise")
    assert code == 1
    lines = out.splitlines()
    assert lines[:-1] == [
        "calls/bad.vtt: score 38 is below the minimum 60",
        "calls/bad.vtt [01:35]: --fail-on high: acknowledgment-gap (high): "
        "acknowledgment-gap raised",
    ]
    assert lines[-1] == "29 passed, 2 failed"


def test_cli_explicit_file_without_expectations(calls: Path, stub: type[FakeAnalyzer]) -> None:
    write(calls / "good2.vtt", "WEBVTT\n")
    code, _, err = run("calls/good2.vtt")
    assert code == 2 and "no expectations: write good2.vtt.expect.yaml beside it" in err
    REPORTS["good2"] = good_escalation
    try:
        code, out, _ = run("calls/good2.vtt", "--min-score", "80")
    finally:
        del REPORTS["good2"]
    assert code == 0 and out == "2 passed, 0 failed\n"


def test_cli_github_with_junit_file_and_output(calls: Path, stub: type[FakeAnalyzer],
                                               tmp_path: Path) -> None:
    write(calls / "bad.vtt.expect.yaml", "call_type: qbr\n")
    code, out, _ = run("calls", "--format", "github", "--junit", "out/check.xml")
    assert code == 1
    assert out.splitlines()[0].startswith("::error file=calls/bad.vtt,title=calls/bad.vtt%3A "
                                          "call_type is qbr::expected call type qbr, found "
                                          "escalation")
    root = ET.parse(tmp_path / "out/check.xml").getroot()
    assert root.tag == "testsuites" and root.get("failures") == "1"
    code, out, _ = run("calls", "--format", "json", "--output", "out/check.json")
    assert code == 1
    assert out.endswith("1 failed\n")  # the text lines go to the log
    data = json.loads((tmp_path / "out/check.json").read_text())
    assert summarize([CaseResult(**r) for r in data["results"]]).failed == 1


def test_cli_folder_expectations_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      stub: type[FakeAnalyzer]) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "lib/good.vtt", "")
    write(tmp_path / "lib/bad.vtt", "")
    write(tmp_path / "lib/expectations.yaml",
          "good.vtt:\n  flags: {absent: [acknowledgment-gap]}\n"
          "bad.vtt:\n  flags: {present: [acknowledgment-gap]}\n  ack_before_solution: false\n")
    code, out, _ = run("lib")
    assert (code, out) == (0, "5 passed, 0 failed\n")


def test_readme_expectation_examples_are_valid(tmp_path: Path) -> None:
    """The README's "Use in CI" examples must load with the real schema."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("<!-- section:ci -->"):readme.index("<!-- /section:ci -->")]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    single, folder = blocks[0], blocks[1]
    exp = load_expectation_file(write(tmp_path / "outage.vtt.expect.yaml", single))
    assert exp.flags.present[1].at == 410.0
    entries = load_folder_expectations(write(tmp_path / "expectations.yaml", folder))
    assert set(entries) == {"model-renewal.vtt", "escalations/lesson-onboarding.srt"}
    # the rule-pack walkthrough shows the expectations of the pack tested below
    walkthrough = textwrap.dedent(blocks[-1])
    shown = load_folder_expectations(write(tmp_path / "pack.yaml", walkthrough))
    tested = load_folder_expectations(RULEPACK / "calls" / "expectations.yaml")
    assert shown == tested


# ------------------------------------------------- a team's rule pack, end to end

RULEPACK = Path(__file__).resolve().parent / "data" / "rulepack"


def test_custom_rule_pack_meets_its_expectations(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pack's rule raises over-promise on its sample call; without it, CI fails."""
    monkeypatch.chdir(RULEPACK)
    code, out, err = run("calls", "--rules", "rules", "--format", "junit")
    assert code == 0, out + err
    root = ET.fromstring(out)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "0", "0")
    timed = root.find("testsuite[@name='calls/roadmap_promise.txt']/testcase[2]")
    assert timed.get("name") == "flag over-promise present at 01:05 ±10s"

    code, out, _ = run("calls")  # the shipped rules alone do not hear this promise
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2 and lines[1] == "3 passed, 1 failed"
    assert lines[0].startswith("calls/roadmap_promise.txt [01:05]: expected flag over-promise, "
                               "not raised (flags raised: ")


def test_rules_test_shares_the_formats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`coach rules test` on a team pack with one wrong example: exit 1, annotated line."""
    monkeypatch.chdir(tmp_path)
    rule = (RULEPACK / "rules/moves/roadmap-date-promise.yaml").read_text(encoding="utf-8")
    broken = rule.replace("- You'll have it in the spring release.",
                          "- You will have it by the summer.")
    assert broken != rule
    write(tmp_path / "pack/moves/roadmap.yaml", broken)
    line = broken.splitlines().index("    - You will have it by the summer.") + 1

    result = CliRunner().invoke(cli, ["rules", "test", "--rules", "pack", "--format", "github",
                                      "--output", "results/rules.txt"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1].endswith(" passed, 1 failed")  # text to the log
    annotations = (tmp_path / "results/rules.txt").read_text().splitlines()
    assert annotations[0].startswith(f"::error file=pack/moves/roadmap.yaml,line={line},title=")
    assert "must match 'You will have it by the summer.'" in annotations[0]

    result = CliRunner().invoke(cli, ["rules", "test", "--rules", "pack", "--format", "junit"])
    root = ET.fromstring(result.stdout)
    assert root.get("failures") == "1"
    suite = root.find("testsuite[@name='TEAM-001 roadmap-date-promise']")
    assert len(suite.findall("testcase")) == 6 and len(suite.findall("testcase/failure")) == 1
