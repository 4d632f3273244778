"""`coach check`: sample transcripts against their expectation files, for CI.

Exit codes: 0 every expectation met, 1 some unmet, 2 usage or input errors (a
malformed expectation file, an unreadable transcript, a bad rule pack).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from coach.cli.common import csm_option, fail, handle_errors, load_roster, roster_option
from coach.testresults import RESULT_FORMATS, format_results, summarize, write_results

EXIT_OK, EXIT_UNMET, EXIT_ERROR = 0, 1, 2


def _build_analyzer(rules_dirs: Sequence[Path]) -> Any:
    """One Analyzer for the whole run: spaCy and the matchers are built once."""
    from coach.analysis import Analyzer

    return Analyzer(rules_dirs=list(rules_dirs))


def _split(values: Sequence[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--rules", "rules_dirs", multiple=True, metavar="DIR",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Extra rule pack folder (repeatable), as for `coach analyze`.")
@click.option("--min-score", type=click.FloatRange(0, 100), default=None, metavar="N",
              help="Every transcript under PATH must score at least N.")
@click.option("--fail-on", multiple=True, metavar="CODE|SEVERITY",
              help="Fail any transcript with this flag code, or with a flag of this "
                   "severity or more (low, medium, high). Repeatable or comma-separated.")
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="text",
              show_default=True, help="Output: text lines, json, JUnit XML, or GitHub "
                                      "workflow annotations.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Write the --format output to FILE; the text summary "
                                   "still goes to stdout.")
@click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Also write JUnit XML to FILE (e.g. with --format github).")
@csm_option
@roster_option
@handle_errors
def check(paths: tuple[Path, ...], rules_dirs: tuple[Path, ...], min_score: float | None,
          fail_on: tuple[str, ...], fmt: str, output: Path | None, junit: Path | None,
          csm: tuple[str, ...], roster: str | None) -> None:
    """Check sample transcripts against their expectations (for CI).

    A transcript is checked when it has a `<file>.expect.yaml` beside it or is listed
    in its folder's `expectations.yaml`; with --min-score or --fail-on every
    transcript under PATH is checked. Prints one line per unmet expectation with the
    file and the time in the call.

    \b
    Exit codes: 0 all met, 1 some unmet, 2 usage or input errors.
    """
    from coach.check import check_targets, find_targets
    from coach.expectations import parse_fail_on

    try:
        fail_codes = parse_fail_on(_split(fail_on))
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--fail-on") from None

    every = min_score is not None or bool(fail_codes)
    targets = find_targets(paths, all_transcripts=every)  # validates every expectation file
    if not targets:
        where = ", ".join(str(p) for p in paths)
        fail(f"{where}: no transcripts to check (none has a .expect.yaml or an "
             "expectations.yaml entry; --min-score / --fail-on check every transcript)")

    team = load_roster(roster)
    analyzer = _build_analyzer(rules_dirs)  # a rule pack that does not load: exit 2
    results = check_targets(targets, analyzer, csm=csm, roster=team, min_score=min_score,
                            fail_on=fail_codes)

    if output is not None:
        write_results(output, format_results(results, fmt))
        click.echo(format_results(results, "text"), nl=False)
    else:
        click.echo(format_results(results, fmt), nl=False)
    if junit is not None:
        write_results(junit, format_results(results, "junit"))

    summary = summarize(results)
    if summary.errors:
        raise SystemExit(EXIT_ERROR)
    raise SystemExit(EXIT_UNMET if summary.failed else EXIT_OK)
