"""The shipped rules: every example as its own test, and the loader's errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.errors import RulesError
from coach.nlp import build_nlp
from coach.rules import load_rules
from coach.rules.engine import RuleEngine
from coach.rules.testing import rule_matches

RULES = load_rules()
ENGINE = RuleEngine(RULES, build_nlp())
CASES = [(r, ex, True) for r in RULES.rules for ex in r.examples.match] + [
    (r, ex, False) for r in RULES.rules for ex in r.examples.no_match
]


@pytest.mark.parametrize(
    "rule,example,expected",
    CASES,
    ids=[f"{r.code}-{'match' if want else 'nomatch'}-{i}" for i, (r, _, want) in enumerate(CASES)],
)
def test_rule_example(rule, example, expected):
    assert rule_matches(ENGINE, rule, example) is expected, (rule.code, example.text)


def test_every_rule_has_examples_both_ways_or_is_a_lexicon_signal():
    for r in RULES.rules:
        assert r.examples.match, r.code
        assert r.examples.no_match, r.code


def _write(tmp_path: Path, rel: str, text: str) -> Path:
    p = tmp_path / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return tmp_path


GOOD_RULE = """code: TEAM-001
name: team-greeting
description: Our team's own sign-off.
detects: move
emits: close_loop
speaker: csm
phrases: ["anything at all i can help with"]
examples:
  match: ["Is there anything at all I can help with?"]
  no_match: ["Bye."]
"""


def test_override_folder_adds_a_rule(tmp_path):
    d = _write(tmp_path, "moves/team.yaml", GOOD_RULE)
    rs = load_rules([d])
    assert rs.by_code("TEAM-001") is not None
    assert len(rs.rules) == len(RULES.rules) + 1


def test_override_folder_can_disable_a_rule(tmp_path):
    text = GOOD_RULE.replace("TEAM-001", "OVP-001").replace("team-greeting", "over-promise")
    d = _write(tmp_path, "moves/off.yaml", text + "enabled: false\n")
    rs = load_rules([d])
    assert rs.by_code("OVP-001") is None


@pytest.mark.parametrize(
    "text,needle",
    [
        (GOOD_RULE + "colour: red\n", "colour"),
        (GOOD_RULE.replace("emits: close_loop", "emits: teleport"), "emits"),
        (GOOD_RULE.replace("code: TEAM-001", "code: lower-1"), "code"),
        (GOOD_RULE.replace('  match: ["Is there anything at all I can help with?"]', "  match: []"), "examples.match"),
        ("code: [unclosed\n", "not valid YAML"),
    ],
)
def test_invalid_rule_names_file_rule_and_field(tmp_path, text, needle):
    d = _write(tmp_path, "moves/bad.yaml", text)
    with pytest.raises(RulesError) as err:
        load_rules([d])
    msg = str(err.value)
    assert "bad.yaml" in msg and needle in msg


def test_unknown_lexicon_reference_is_an_error(tmp_path):
    d = _write(tmp_path, "moves/bad.yaml", GOOD_RULE.replace('"anything at all i can help with"', '"@nope"'))
    with pytest.raises(RulesError, match="unknown lexicon @nope"):
        load_rules([d])


def test_unknown_flag_code_in_a_team_flags_file_is_an_error(tmp_path):
    d = _write(tmp_path, "flags.yaml", "over-promis:\n  severity: high\n  message: m\n  suggestion: s\n")
    with pytest.raises(RulesError, match=r"flags.yaml: key 'over-promis': unknown flag code"):
        load_rules([d])


@pytest.mark.parametrize(
    "text,needle",
    [
        ("profiles:\n  webinar: {talk_band: [0.5, 0.7], focus: x}\n", "profiles.webinar: a call type nobody can reach"),
        ("profiles:\n  qbr: {talk_band: [0.4, 0.6], focus: x, flags: {jargn: 'off'}}\n", "profiles.qbr.flags.jargn"),
    ],
)
def test_unreachable_call_type_or_unknown_flag_in_call_types_is_an_error(tmp_path, text, needle):
    d = _write(tmp_path, "call_types.yaml", text)
    with pytest.raises(RulesError, match=needle) as err:
        load_rules([d])
    assert "call_types.yaml" in str(err.value)


def test_call_type_band_override_merges(tmp_path):
    d = _write(tmp_path, "call_types.yaml", "profiles:\n  escalation:\n    talk_band: [0.2, 0.3]\n    focus: listen\n")
    rs = load_rules([d])
    assert rs.call_types.profiles["escalation"].talk_band == (0.2, 0.3)
    assert rs.call_types.profiles["qbr"].talk_band == RULES.call_types.profiles["qbr"].talk_band


def test_lemma_patterns_match_inflections():
    doc = ENGINE.nlp("We owned it and I'm owning the follow through.")
    assert [t.norm_ for t in doc if t.lower_.startswith("own")] == ["own", "own"]


def test_a_lemma_written_inflected_is_its_lemma(tmp_path):
    """A team rule with {"LEMMA": "paying"} means "pay": it must not take "paying" away from
    the shipped rules that match the lemma "pay" (a form became its own lemma before)."""
    rule = GOOD_RULE.replace(
        'phrases: ["anything at all i can help with"]',
        'patterns:\n  - [{"LEMMA": {"IN": ["paying", "charged"]}}, {"LOWER": "extra"}]',
    )
    rule = rule.replace("emits: close_loop", "emits: lever").replace(
        "Is there anything at all I can help with?", "We pay extra for this."
    )
    d = _write(tmp_path, "moves/team.yaml", rule)
    rs = load_rules([d])
    engine = RuleEngine(rs, build_nlp())
    doc = engine.nlp("So we're paying double.")
    assert "business-impact" in {h.rule.name for h in engine.hits(doc, "customer", doc.text)}
    doc = engine.nlp("They charge extra and we paid extra.")
    assert any(h.rule.code == "TEAM-001" for h in engine.hits(doc, "csm", doc.text))


def test_customer_words_never_count_as_csm_moves():
    doc = ENGINE.nlp("I hear you, that's really frustrating.")
    csm = {h.rule.emits for h in ENGINE.hits(doc, "csm")}
    cust = {h.rule.emits for h in ENGINE.hits(doc, "customer")}
    assert "acknowledge" in csm
    assert "acknowledge" not in cust


@pytest.mark.parametrize(
    "text,present",
    [
        ("I'm not going to pretend this is fine.", True),  # negation that acknowledges
        ("I don't think that's a big deal.", False),  # negation that minimizes
    ],
)
def test_negation_is_read(text, present):
    emits = {h.rule.emits for h in ENGINE.hits(ENGINE.nlp(text), "csm")}
    assert ("acknowledge" in emits) is present
    if not present:
        assert "minimizing" in emits


def test_explain_marks_each_example_by_whether_it_holds(tmp_path):
    from click.testing import CliRunner

    from coach.cli.main import cli

    broken = GOOD_RULE.replace('no_match: ["Bye."]', 'no_match: ["Is there anything at all I can help with today?"]')
    d = _write(tmp_path, "moves/team.yaml", broken)
    out = CliRunner().invoke(cli, ["rules", "explain", "TEAM-001", "--rules", str(d)]).output
    assert "✓ must match:     Is there anything at all I can help with?" in out
    assert "✗ FAILS must not match: Is there anything at all I can help with today?" in out


# --- a team's own flag (tests/data/teamflag/rules): declared in flags.yaml, raised by a team move

TEAM_RULES = Path(__file__).parent / "data" / "teamflag" / "rules"


def _cli(*args: str):
    from click.testing import CliRunner

    from coach.cli.main import cli

    return CliRunner().invoke(cli, list(args))


def _team_copy(tmp_path: Path) -> Path:
    import shutil

    d = tmp_path / "team"
    shutil.copytree(TEAM_RULES, d)
    return d


def test_team_flag_is_loaded_after_the_shipped_flags():
    from coach.report import FLAG_CODES

    rs = load_rules([TEAM_RULES])
    assert rs.custom_flags == ("hid-behind-policy",)
    assert rs.flag_codes == (*FLAG_CODES, "hid-behind-policy")
    assert rs.flags["hid-behind-policy"].raised_by.name == "team_policy_shield"
    assert rs.by_code("per-our-policy").emits == "team_policy_shield"


def test_rules_test_runs_the_team_flag_examples():
    import json

    res = _cli("rules", "test", "--rules", str(TEAM_RULES), "--format", "json")
    assert res.exit_code == 0, res.output
    cases = [c for c in json.loads(res.output)["results"] if c["suite"] == "flag hid-behind-policy"]
    assert len(cases) == 5 and all(c["passed"] for c in cases)
    assert {c["file"] for c in cases} == {"tests/data/teamflag/rules/flags.yaml"}
    assert any(c["suite"] == "TEAM-010 per-our-policy" for c in json.loads(res.output)["results"])


def test_rules_test_fails_on_a_broken_team_flag_example(tmp_path):
    d = _team_copy(tmp_path)
    flags = d / "flags.yaml"
    flags.write_text(
        flags.read_text().replace(
            "      - I'll ask my manager for an exception to our policy today.",
            "      - That's our policy, I'm afraid.",
        )
    )
    res = _cli("rules", "test", "--rules", str(d))
    assert res.exit_code == 1
    assert "flag hid-behind-policy must not raise it on \"That's our policy, I'm afraid.\"" in res.output


def test_explain_shows_a_team_flag_and_its_examples():
    res = _cli("rules", "explain", "hid-behind-policy", "--rules", str(TEAM_RULES))
    assert res.exit_code == 0, res.output
    out = res.output
    assert "flag hid-behind-policy (medium)" in out
    assert "Raised by: move 'team_policy_shield' (TEAM-010 per-our-policy), in the csm's words" in out
    assert "on escalation, renewal" in out
    assert "✓ must raise:     Per our policy, refunds take thirty days." in out
    assert "✓ must raise:     customer: Can you just refund the double charge? / csm: I'm sorry" in out
    assert "✓ must not raise: I'll ask my manager for an exception to our policy today." in out
    assert "FAILS" not in out


def test_undeclared_unknown_flag_code_is_exit_2(tmp_path):
    d = _write(tmp_path, "flags.yaml", "hid-behind-policy:\n  severity: medium\n  message: m\n  suggestion: s\n")
    res = _cli("rules", "list", "--rules", str(d))
    assert res.exit_code == 2
    assert "key 'hid-behind-policy': unknown flag code" in res.output and "raised_by" in res.output


@pytest.mark.parametrize(
    "edit,needle",
    [
        (("move: team_policy_shield", "move: team_policy_shields"), "raised_by.move: no rule emits move 'team_policy_shields'"),
        (("move: team_policy_shield", "move: policy_shield"), "'policy_shield' is not a known move"),
        (("move: team_policy_shield", "signal: team_policy_shield"), "raised_by.signal: no rule emits signal"),
        (("side: csm", "side: agent"), "raised_by.side"),
        (("call_types: [escalation, renewal]", "call_types: [webinar]"), "raised_by.call_types"),
        (("min_hits: 1", "min_hits: 0"), "raised_by.min_hits"),
        (("hid-behind-policy:", "over-promise:"), "'over-promise' is a shipped flag"),
        (("hid-behind-policy:", "Hid_Behind:"), "a flag code is lower-case words"),
    ],
)
def test_a_bad_team_flag_is_exit_2_naming_file_and_key(tmp_path, edit, needle):
    d = _team_copy(tmp_path)
    flags = d / "flags.yaml"
    flags.write_text(flags.read_text().replace(*edit))
    res = _cli("rules", "list", "--rules", str(d))
    assert res.exit_code == 2, res.output
    assert "flags.yaml" in res.output and needle in res.output


def test_a_team_flag_needs_a_must_raise_example(tmp_path):
    d = _team_copy(tmp_path)
    flags = d / "flags.yaml"
    text = flags.read_text()
    flags.write_text(text[: text.index("  examples:")])
    with pytest.raises(RulesError, match="examples.match: your own flag needs at least one example"):
        load_rules([d])


def test_a_team_move_name_must_be_team_prefixed(tmp_path):
    d = _write(tmp_path, "moves/team.yaml", GOOD_RULE.replace("emits: close_loop", "emits: policy_shield"))
    with pytest.raises(RulesError, match="team_ then lower-case words"):
        load_rules([d])


def test_a_call_type_profile_may_tune_a_declared_team_flag(tmp_path):
    d = _team_copy(tmp_path)
    (d / "call_types.yaml").write_text(
        "profiles:\n  renewal: {talk_band: [0.4, 0.6], focus: x, flags: {hid-behind-policy: high}}\n"
    )
    rs = load_rules([d])
    assert rs.call_types.profiles["renewal"].flags["hid-behind-policy"] == "high"
