"""`coach analyze FILE`: the coaching report for one call."""

from __future__ import annotations

import sys

import click

from coach.cli.common import (
    csm_option,
    handle_errors,
    input_format_option,
    load_roster,
    must_exist,
    read_input,
    roster_option,
    write_output,
)
from coach.render import FORMATS
from coach.report import CallTypeLabel

CALL_TYPES = CallTypeLabel.__args__  # type: ignore[attr-defined]


@click.command()
@click.argument("file", metavar="FILE")
@csm_option
@roster_option
@input_format_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Report format: text for the terminal, markdown, json (the contract), html.",
)
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    default=None,
    help="Write the report to this file (its folder is created) instead of standard output.",
)
@click.option(
    "--rules",
    "rules_dirs",
    multiple=True,
    metavar="DIR",
    callback=must_exist("folder"),
    help="Extra rules folder on top of the shipped rules (repeatable).",
)
@click.option(
    "--call-type", type=click.Choice(CALL_TYPES), default=None, help="Skip detection and judge the call as this type."
)
@click.option("--color/--no-color", default=None, help="Colour the text report (default: when a TTY).")
@handle_errors
def analyze(
    file: str,
    csm: tuple[str, ...],
    roster: str | None,
    input_format: str | None,
    fmt: str,
    output: str | None,
    rules_dirs: tuple[str, ...],
    call_type: str | None,
    color: bool | None,
) -> None:
    """Analyse one transcript and print the coaching report.

    The format is detected from the content (Teams/Zoom VTT, SRT, text, Otter, coach
    JSON, AWS Transcribe, Call Analytics, WhisperX, Deepgram, AssemblyAI, Rev.ai,
    Speechmatics, Google Contact Center AI, RTTM).
    FILE may be '-' to read standard input.
    Exit code 0 on success, 2 for bad input.
    """
    from coach.analysis import Analyzer
    from coach.render import render
    from coach.roles import assign_roles

    tr = read_input(file, input_format)
    tr = assign_roles(tr, csm=csm, roster=load_roster(roster), require_csm=tr.has_text)
    report = Analyzer(rules_dirs).analyze(tr, call_type=call_type)
    if color is None:
        color = output is None and sys.stdout.isatty()
    text = render(report, fmt, color=bool(color) and fmt == "text", transcript=tr)
    if output:
        write_output(output, text)
        click.echo(f"coach: wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
