"""Run every rule's must-match / must-not-match examples (``coach rules test``, pytest),
and the must-raise / must-not-raise examples of a team's own flags."""

from __future__ import annotations

from dataclasses import dataclass

from coach.rules.engine import RuleEngine
from coach.rules.schema import Example, FlagExample, Rule

LINE_ROLES = {"csm": "csm", "customer": "customer", "colleague": "internal"}
SIDE_ROLES = {"csm": "csm", "company": "csm", "customer": "customer"}


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    name: str
    source: str
    expected: bool  # True: must match
    text: str
    passed: bool
    flag: bool = False  # a team flag's example: rule is the flag's code

    @property
    def suite(self) -> str:
        return f"flag {self.rule}" if self.flag else f"{self.rule} {self.name}"

    @property
    def message(self) -> str:
        if self.flag:
            want = "raise it on" if self.expected else "not raise it on"
            return f"flag {self.rule} must {want} {self.text!r}, but {'it did not' if self.expected else 'it did'}"
        want = "match" if self.expected else "not match"
        got = "it did not" if self.expected else "it did"
        return f"rule {self.rule} ({self.name}) must {want} {self.text!r}, but {got}"


def example_role(rule: Rule, example: Example) -> str:
    """Whose words the example is: its own ``speaker``, else the rule's side."""
    if example.speaker is not None:
        return example.speaker
    return "customer" if rule.speaker == "customer" else "csm"


def rule_matches(engine: RuleEngine, rule: Rule, example: Example) -> bool:
    doc = engine.nlp(example.text)
    return any(h.rule.code == rule.code for h in engine.hits(doc, example_role(rule, example)))


def one_line(example: FlagExample) -> str:
    """A flag example's lines on one line, as the reports of ``coach rules test`` show it."""
    return " / ".join(line.strip() for line in example.text.splitlines() if line.strip())


def flag_raised(engine: RuleEngine, code: str, example: FlagExample) -> bool:
    """Whether a team's own flag fires on its example, judged as a call of the example's
    call type: ``context`` is the customer's, each ``csm:`` / ``customer:`` /
    ``colleague:`` line its speaker's, any other line the flag's side's."""
    from coach.judge import FlagBuilder, custom_flags
    from coach.metrics import BackchannelLexicon
    from coach.models import Turn
    from coach.moves import detect_moves
    from coach.report import CallType

    rs = engine.ruleset
    trig = rs.flags[code].raised_by
    assert trig is not None, code
    lines = [("customer", line) for line in example.context.splitlines() if line.strip()]
    for line in example.text.splitlines():
        head, sep, rest = line.partition(":")
        if sep and head.strip().lower() in LINE_ROLES:
            lines.append((LINE_ROLES[head.strip().lower()], rest.strip()))
        elif line.strip():
            lines.append((SIDE_ROLES[trig.side], line.strip()))
    names = {"csm": "CSM", "customer": "Customer", "internal": "Colleague"}
    turns = [
        Turn(speaker=names[role], role=role, start=5.0 * i, end=5.0 * i + 4.0, text=text)  # type: ignore[arg-type]
        for i, (role, text) in enumerate(lines)
    ]
    lex = rs.lexicons.get("backchannels")
    utts = detect_moves(
        turns,
        [engine.nlp(t.text) for t in turns],
        engine,
        BackchannelLexicon.from_mapping(lex.model_dump()) if lex else None,
    )
    label = example.call_type or (trig.call_types[0] if trig.call_types else "escalation")
    profile = rs.call_types.profiles.get(label)
    band = tuple(profile.talk_band) if profile else (0.0, 1.0)
    fb = FlagBuilder(rs, CallType(label=label, confidence=1.0, expected_talk_ratio=band))
    custom_flags(fb, utts)
    return any(f.code == code for f in fb.flags)


def rule_results(engine: RuleEngine, rule: Rule) -> list[ExampleResult]:
    """Whether each of a rule's examples holds now."""
    src = engine.ruleset.sources.get(rule.code, "")
    return [
        ExampleResult(rule.code, rule.name, src, want, ex.text, rule_matches(engine, rule, ex) is want)
        for want, examples in ((True, rule.examples.match), (False, rule.examples.no_match))
        for ex in examples
    ]


def flag_results(engine: RuleEngine, code: str) -> list[ExampleResult]:
    """Whether each of a team flag's examples holds now."""
    spec = engine.ruleset.flags[code]
    src = engine.ruleset.flag_sources.get(code, "")
    return [
        ExampleResult(code, code, src, want, one_line(ex), flag_raised(engine, code, ex) is want, flag=True)
        for want, examples in ((True, spec.examples.match), (False, spec.examples.no_match))
        for ex in examples
    ]


def run_examples(engine: RuleEngine) -> list[ExampleResult]:
    """Every rule's examples, then every team flag's."""
    rs = engine.ruleset
    return [r for rule in rs.rules for r in rule_results(engine, rule)] + [
        r for code in rs.custom_flags for r in flag_results(engine, code)
    ]
