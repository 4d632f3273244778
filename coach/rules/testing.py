"""Run every rule's must-match / must-not-match examples (``coach rules test``, pytest)."""

from __future__ import annotations

from dataclasses import dataclass

from coach.rules.engine import RuleEngine
from coach.rules.schema import Example, Rule


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    name: str
    source: str
    expected: bool  # True: must match
    text: str
    passed: bool

    @property
    def message(self) -> str:
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


def run_examples(engine: RuleEngine) -> list[ExampleResult]:
    out: list[ExampleResult] = []
    for rule in engine.ruleset.rules:
        src = engine.ruleset.sources.get(rule.code, "")
        for ex in rule.examples.match:
            ok = rule_matches(engine, rule, ex)
            out.append(ExampleResult(rule.code, rule.name, src, True, ex.text, ok))
        for ex in rule.examples.no_match:
            ok = not rule_matches(engine, rule, ex)
            out.append(ExampleResult(rule.code, rule.name, src, False, ex.text, ok))
    return out
