"""`coach analyze FILE`: the coaching report for one call."""

from __future__ import annotations

import sys

import click

from coach.cli.common import (
    csm_option,
    handle_errors,
    input_format_option,
    load_roster,
    roster_option,
)
from coach.render import FORMATS
from coach.report import CallTypeLabel

CALL_TYPES = CallTypeLabel.__args__  # type: ignore[attr-defined]


@click.command()
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
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
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--rules",
    "rules_dirs",
    multiple=True,
    type=click.Path(file_okay=False, exists=True),
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
    Exit code 0 on success, 2 for bad input.
    """
    from coach.analysis import Analyzer, prepare
    from coach.render import render

    tr = prepare(file, csm=csm, roster=load_roster(roster), input_format=input_format)
    report = Analyzer(rules_dirs).analyze(tr, call_type=call_type)
    if color is None:
        color = output is None and sys.stdout.isatty()
    text = render(report, fmt, color=bool(color) and fmt == "text", transcript=tr)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"coach: wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
