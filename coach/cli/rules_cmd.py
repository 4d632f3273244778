"""`coach rules …`: list, test, explain and try the coaching rules."""

from __future__ import annotations

import json
import sys

import click

from coach.cli.common import fail, handle_errors

rules_dir_option = click.option(
    "--rules",
    "rules_dirs",
    multiple=True,
    type=click.Path(file_okay=False, exists=True),
    help="Extra rules folder on top of the shipped rules (repeatable).",
)


@click.group()
def rules() -> None:
    """List, test, explain and try the coaching rules (rules/ and --rules DIR)."""


@rules.command("list")
@rules_dir_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def list_rules(rules_dirs: tuple[str, ...], fmt: str) -> None:
    """List every rule: code, name, what it detects, whose words it reads."""
    from coach.rules import load_rules

    rs = load_rules(rules_dirs)
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "name": r.name,
                        "detects": r.detects,
                        "emits": r.emits,
                        "speaker": r.speaker,
                        "file": rs.sources.get(r.code),
                    }
                    for r in rs.rules
                ],
                indent=2,
            )
        )
        return
    for r in sorted(rs.rules, key=lambda r: r.code):
        click.echo(f"{r.code:<8} {r.name:<34} {r.detects}:{r.emits:<20} ({r.speaker})")
    click.echo(
        f"{len(rs.rules)} rules, {len(rs.lexicons)} lexicons, {len(rs.flags)} flags, "
        f"{len(rs.call_types.profiles)} call types"
    )


@rules.command("test")
@rules_dir_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit", "github"]),
    default="text",
    show_default=True,
    help="Output: text, json, JUnit XML or GitHub annotations.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the --format output to a file (folders are created); the text summary still goes to stdout.",
)
@handle_errors
def test_rules(rules_dirs: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Run every rule's must-match / must-not-match examples. Exit 1 when any fails."""
    from coach.nlp import build_nlp
    from coach.rules import load_rules
    from coach.rules.engine import RuleEngine
    from coach.rules.testing import run_examples
    from coach.testresults import CaseResult, display_path, format_results, line_of, summarize, write_results

    engine = RuleEngine(load_rules(rules_dirs), build_nlp())
    results = [
        CaseResult(
            suite=f"{r.rule} {r.name}",
            name=("match: " if r.expected else "no match: ") + r.text,
            passed=r.passed,
            message="" if r.passed else r.message,
            file=display_path(r.source) if r.source else None,
            # a failed example points at its line in the rule file (GitHub annotations)
            line=line_of(r.source, r.text) if r.source and not r.passed else None,
        )
        for r in run_examples(engine)
    ]
    if output:
        write_results(output, format_results(results, fmt))
        click.echo(format_results(results, "text"), nl=False)
    else:
        click.echo(format_results(results, fmt), nl=False)
    sys.exit(0 if summarize(results).ok else 1)


@rules.command("match")
@rules_dir_option
@click.option(
    "--jsonl",
    "jsonl",
    type=click.Path(dir_okay=False, exists=True, allow_dash=True),
    required=True,
    help='Input lines {"id", "text", "context"?}; "-" for standard input.',
)
@click.option(
    "--role",
    type=click.Choice(["csm", "customer"]),
    default="csm",
    show_default=True,
    help="Whose words the texts are.",
)
@handle_errors
def match(rules_dirs: tuple[str, ...], jsonl: str, role: str) -> None:
    """Detect moves in utterances: one output line {"id", "moves"} per input line."""
    from coach.analysis import Analyzer

    analyzer = Analyzer(rules_dirs)
    stream = sys.stdin if jsonl == "-" else open(jsonl, encoding="utf-8")  # noqa: SIM115
    with stream:
        for n, line in enumerate(stream, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text = str(row["text"])
                ident = row["id"]
            except (ValueError, KeyError, TypeError) as err:
                fail(f'{jsonl}:{n}: expected a JSON object with "id" and "text" ({err})')
            moves = analyzer.match_utterance(text, str(row.get("context") or ""), role=role)
            click.echo(json.dumps({"id": ident, "moves": moves}))


@rules.command("explain")
@rules_dir_option
@click.argument("code")
@handle_errors
def explain(rules_dirs: tuple[str, ...], code: str) -> None:
    """Show one rule (by code or name) or one flag: what it detects, why, examples."""
    from coach.rules import load_rules

    rs = load_rules(rules_dirs)
    rule = rs.by_code(code) or rs.by_code(code.upper())
    if rule is None:
        spec = rs.flags.get(code)
        if spec is None:
            fail(f"no rule or flag named {code!r}; see `coach rules list`")
        click.echo(f"flag {code} ({spec.severity}{', escalations only' if spec.escalation_only else ''})")
        click.echo(f"  {spec.message}")
        if spec.why:
            click.echo(f"  Why it matters: {spec.why}")
        click.echo(f"  Try: {spec.suggestion}")
        if spec.thresholds:
            click.echo(f"  Thresholds: {spec.thresholds}")
        return
    click.echo(f"{rule.code} {rule.name} — {rule.detects} '{rule.emits}', reads the {rule.speaker}'s words")
    click.echo(f"  {rule.description}")
    click.echo(f"  File: {rs.sources.get(rule.code)}")
    if rule.message:
        click.echo(f"  Finding: {rule.message}")
    if rule.suggestion:
        click.echo(f"  Try: {rule.suggestion}")
    if rule.why:
        click.echo(f"  Why it matters: {rule.why}")
    ex = rule.exceptions
    click.echo(
        f"  Exceptions: negation {ex.negated}, questions {ex.question}, conditionals {ex.conditional}"
        + (f", unless {ex.unless_words}" if ex.unless_words else "")
    )
    click.echo(f"  {len(rule.patterns)} token pattern(s), {len(rule.phrases)} phrase(s)")
    for e in rule.examples.match:
        click.echo(f"  ✓ must match:     {e.text}")
    for e in rule.examples.no_match:
        click.echo(f"  ✗ must not match: {e.text}")
