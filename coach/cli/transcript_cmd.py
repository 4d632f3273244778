"""`coach transcript FILE`: show how a file was read (turns, roles, warnings).

``--format json`` prints the normalized-transcript contract of design.md, which
``coach`` reads back as the same transcript (format ``coach-json``).
"""

from __future__ import annotations

import json

import click

from coach.cli.common import (
    csm_option,
    handle_errors,
    input_format_option,
    load_roster,
    read_input,
    roster_option,
)
from coach.models import Transcript


@click.command("transcript")
@click.argument("file", metavar="FILE")
@click.option("--format", "fmt", type=click.Choice(["text", "json"], case_sensitive=False),
              default="text", show_default=True, help="Output: readable text or the JSON "
              "contract.")
@input_format_option
@csm_option
@roster_option
@handle_errors
def transcript(file: str, fmt: str, input_format: str | None, csm: tuple[str, ...],
               roster: str | None) -> None:
    """Print FILE as coach reads it: normalized turns, roles and warnings.

    FILE may be '-' to read standard input.
    """
    from coach.roles import assign_roles

    t = read_input(file, input_format)
    t = assign_roles(t, csm=csm, roster=load_roster(roster), require_csm=False)
    if fmt.lower() == "json":
        click.echo(json.dumps(t.to_contract(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_text(t), nl=False)


def render_text(t: Transcript) -> str:
    """A readable listing: header, who is who and why, one line a turn, warnings."""
    from coach.readers.timecodes import format_timecode

    lines = [f"{t.source_path or '<input>'}: {t.format}, {len(t.turns)} turns, "
             f"{len(t.speakers)} speakers"
             + (", end times estimated (start times only)" if t.timing == "start_only" else "")]
    for spk in t.speakers:
        lines.append(f"  {spk}: {t.role_of(spk)}"
                     + (f" ({t.role_sources[spk]})" if spk in t.role_sources else ""))
    lines.append("")
    for turn in t.turns:
        stamp = f"[{format_timecode(turn.start)} - {format_timecode(turn.end)}"
        stamp += "~]" if turn.end_estimated else "]"
        text = turn.text if t.has_text else "(no text)"
        lines.append(f"{stamp} {turn.speaker} ({turn.role}): {text}")
    if t.warnings:
        lines.append("")
        lines.extend(f"warning: {w}" for w in t.warnings)
    return "\n".join(lines) + "\n"
