"""`coach followup FILE`: the follow-up note draft for one call."""

from __future__ import annotations

from pathlib import Path

import click

from coach.cli import common
from coach.cli.analyze_cmd import CALL_TYPES
from coach.followup.render import FORMATS


@click.command()
@click.argument("file", metavar="FILE")
@common.csm_option
@common.roster_option
@common.input_format_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Note format: text (paste into an email), markdown, json, html.")
@click.option("--output", "-o", metavar="FILE", default=None, help="Write the note to this file.")
@click.option("--rules", "rules_dirs", multiple=True, metavar="DIR", callback=common.must_exist("folder"),
              help="Extra rules folder on top of the shipped rules (repeatable).")
@click.option("--call-type", type=click.Choice(CALL_TYPES), default=None,
              help="Skip detection and judge the call as this type.")
@click.option("--date", "date", metavar="DATE", default=None,
              help="The call's date (2025-03-05) or start (2025-03-05T13:30:00-08:00); "
                   "default: the sidecar's call_date.")
@common.handle_errors
def followup(file: str, csm: tuple[str, ...], roster: str | None, input_format: str | None, fmt: str,
             output: str | None, rules_dirs: tuple[str, ...], call_type: str | None, date: str | None) -> None:
    """Draft the follow-up note for one call: what we heard, what we agreed, next update.

    Every line comes from the call or is a [bracketed] placeholder to fill.
    Commitment times resolve to dates when the call's date is known.
    """
    from coach.analysis import Analyzer
    from coach.followup.build import build_note
    from coach.followup.render import render_note
    from coach.roles import assign_roles
    from coach.when import parse_call_date

    call_date = None
    if date:
        try:
            call_date = parse_call_date(date)
        except ValueError:
            common.fail(f"--date {date!r}: expected 2025-03-05 or 2025-03-05T13:30:00-08:00")
    elif file != "-":
        from coach.batch.sidecar import load_sidecar

        sidecar, _ = load_sidecar(Path(file))
        if sidecar is not None:
            call_date = sidecar.call_time or sidecar.call_date
            if not csm and sidecar.csm:
                csm = tuple(sidecar.csm)
    tr = common.read_input(file, input_format)
    tr = assign_roles(tr, csm=csm, roster=common.load_roster(roster), require_csm=tr.has_text)
    report = Analyzer(rules_dirs).analyze(tr, call_type=call_type)
    text = render_note(build_note(report, call_date), fmt)
    if output:
        common.write_output(output, text)
        click.echo(f"coach: wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
