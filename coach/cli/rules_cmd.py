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
            suite=r.suite,
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
    """Detect moves in utterances: one output line {"id", "moves", "signals", "rules"} per input line
    (signals: what the words tell, such as frustration or a time; rules: the codes that fired)."""
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
            found = analyzer.match_detail(text, str(row.get("context") or ""), role=role)
            click.echo(json.dumps({"id": ident, **found}))


@rules.command("explain")
@rules_dir_option
@click.argument("code")
@handle_errors
def explain(rules_dirs: tuple[str, ...], code: str) -> None:
    """Show one rule (by code or name), one flag, or `call-type` (the fitted call-type model)."""
    from coach.rules import load_rules

    rs = load_rules(rules_dirs)
    if code in ("call-type", "calltype", "calltype_model"):
        _explain_model(rs)
        return
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
        if spec.raised_by is not None:
            _explain_team_flag(rs, code)
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
    from coach.nlp import build_nlp
    from coach.rules.engine import RuleEngine
    from coach.rules.testing import rule_results

    _echo_examples(rule_results(RuleEngine(rs, build_nlp()), rule), "match")


def _echo_examples(results, verb: str) -> None:
    """Each example with whether it holds today: ✓ it does, ✗ FAILS the rule or flag is broken there."""
    width = len(f"must not {verb}:")
    for r in results:
        want = f"must {verb}:" if r.expected else f"must not {verb}:"
        click.echo(f"  {'✓' if r.passed else '✗ FAILS'} {want:<{width}} {r.text}")


def _explain_team_flag(rs, code: str) -> None:
    """What raises a team's own flag, and each example with whether it holds now."""
    from coach.nlp import build_nlp
    from coach.rules.engine import RuleEngine
    from coach.rules.testing import flag_results

    spec = rs.flags[code]
    trig = spec.raised_by
    by = [f"{r.code} {r.name}" for r in rs.rules if r.detects == trig.kind and r.emits == trig.name]
    click.echo(
        f"  Raised by: {trig.kind} '{trig.name}'{' (' + ', '.join(by) + ')' if by else ''}, "
        f"in the {trig.side}'s words, at least {trig.min_hits} sentence(s), "
        f"on {', '.join(trig.call_types) if trig.call_types else 'every call type'}"
    )
    click.echo(f"  File: {rs.flag_sources.get(code)}")
    _echo_examples(flag_results(RuleEngine(rs, build_nlp()), code), "raise")


def _explain_model(rs) -> None:
    from coach.calltype_features import AGENDA_FEATURES, FEATURES

    m = rs.calltype_model
    if m is None:
        fail("these rules have no calltype_model.yaml; run `coach rules fit`")
    cv = m.cross_validation
    click.echo(
        f"call-type model ({m.trained_on.get('calls', '?')} labelled calls; {cv.get('method', 'no')} cross-validation)"
    )
    click.echo("  1. Escalation: P = 1 / (1 + exp(-(bias + sum of weight x feature))); escalation when P >= 0.5")
    click.echo(f"     bias {m.escalation.bias:+.2f}  (L2 penalty {m.escalation.l2})")
    for name, w in sorted(m.escalation.weights.items(), key=lambda kv: -abs(kv[1])):
        click.echo(f"     {w:+6.2f}  {name:<20} {FEATURES.get(name, '')}")
    click.echo("  2. Otherwise each routine type scores bias[type] + sum of weight x its feature; softmax over types")
    click.echo(
        "     bias: " + ", ".join(f"{t} {b:+.2f}" for t, b in m.routine.bias.items()) + f"  (L2 penalty {m.routine.l2})"
    )
    for name, w in sorted(m.routine.weights.items(), key=lambda kv: -abs(kv[1])):
        click.echo(f"     {w:+6.2f}  {name:<20} {AGENDA_FEATURES.get(name, '')}")
    if cv:
        click.echo(
            f"  Cross-validated: call type right {cv.get('call_type_accuracy')}, escalation F1 {cv.get('escalation_f1')}"
        )
        click.echo("  Reliability (confidence given vs how often it was right):")
        for row in cv.get("reliability", []):
            click.echo(
                f"     {row['confidence']}: {row['calls']:>3} calls, mean confidence {row['mean_confidence']:.2f}, "
                f"right {row['right']:.2f}"
            )


@rules.command("fit")
@click.option(
    "--calls",
    "calls_dir",
    type=click.Path(file_okay=False, exists=True),
    help="Folder of labelled calls (*.labels.json beside each transcript): re-extract the training table from them.",
)
@click.option(
    "--check", is_flag=True, help="Only check that the shipped model is what the table fits; exit 1 if stale."
)
@handle_errors
def fit_cmd(calls_dir: str | None, check: bool) -> None:
    """Refit the call-type model (rules/calltype_model.yaml) from the training table.

    With --calls DIR, the table (rules/training/calltype.jsonl: numbers and labels, no
    words) is first rebuilt from DIR's labelled calls and the shipped fixtures, analysed
    with the current rules. Leave-one-out cross-validation picks the penalties and gives
    the figures and reliability table that `coach rules explain call-type` prints.
    """
    from pathlib import Path

    import srsly

    from coach.calltype_model import fit
    from coach.calltype_training import (
        TRAINING_FILE,
        feature_rows,
        fixture_calls,
        labelled_calls,
        read_rows,
        write_rows,
    )
    from coach.rules.loader import default_rules_dir

    root = default_rules_dir()
    table = root / TRAINING_FILE
    target = root / "calltype_model.yaml"
    if calls_dir:
        from coach.analysis import Analyzer
        from coach.rules import load_rules

        analyzer = Analyzer(ruleset=load_rules(with_model=False))
        fixtures = root.resolve().parent / "fixtures"
        calls = [*labelled_calls(Path(calls_dir)), *fixture_calls(fixtures)]
        with click.progressbar(calls, label="Extracting features", file=sys.stderr) as bar:
            rows = feature_rows(iter(bar), analyzer)
        if not check:
            write_rows(table, rows)
    else:
        rows = read_rows(table)
    model = fit(rows, {"table": str(TRAINING_FILE), "escalations": sum(r["label"] == "escalation" for r in rows)})
    text = (
        "# " + model.about + "\n" + srsly.yaml_dumps(model.model_dump(mode="json", exclude={"about"}), sort_keys=False)
    )
    if check:
        from coach.calltype_model import same_model

        current = srsly.yaml_loads(target.read_text(encoding="utf-8")) if target.is_file() else None
        if not isinstance(current, dict) or not same_model(current, model.model_dump(mode="json", exclude={"about"})):
            fail(f"{target} is stale: run `coach rules fit{' --calls ' + calls_dir if calls_dir else ''}`", code=1)
        click.echo(f"{target}: up to date ({len(rows)} calls)")
        return
    target.write_text(text, encoding="utf-8")
    cv = model.cross_validation
    click.echo(
        f"wrote {target} from {len(rows)} calls: cross-validated call type right {cv['call_type_accuracy']}, "
        f"escalation F1 {cv['escalation_f1']}"
    )
