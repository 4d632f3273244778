"""Top-level `coach` group.

Subcommands are loaded lazily from their own modules so `coach --help` and errors on
bad input answer without importing spaCy, and so each command lives in a small module
of its own.
"""

from __future__ import annotations

import importlib
import importlib.util

import click

from coach import __version__

# command name -> "module:attribute"
COMMANDS: dict[str, str] = {
    "analyze": "coach.cli.analyze_cmd:analyze",
    "followup": "coach.cli.followup_cmd:followup",
    "transcript": "coach.cli.transcript_cmd:transcript",
    "rules": "coach.cli.rules_cmd:rules",
    "batch": "coach.cli.batch_cmd:batch",
    "check": "coach.cli.check_cmd:check",
    "serve": "coach.cli.serve_cmd:serve",
}

SHORT_HELP: dict[str, str] = {
    "analyze": "Analyse one transcript and print the coaching report.",
    "followup": "Draft the follow-up note for one call (heard, agreed, next update).",
    "transcript": "Print a transcript as read (normalized turns, roles, warnings).",
    "rules": "List, test, explain and try the coaching rules.",
    "batch": "Score a folder of calls: CSVs, per-call reports and a summary.",
    "check": "Check sample transcripts against their expectation files (for CI).",
    "serve": "Start the local upload page for CSMs.",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, target in COMMANDS.items() if _available(target))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _available(target):
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SHORT_HELP.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(target: str) -> bool:
    module = target.split(":")[0]
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coach")
def cli() -> None:
    """coach: a coaching report for customer-success calls, from the transcript.

    \b
    Typical use:
      coach analyze call.vtt                 report for one call
      coach analyze call.vtt --csm "Priya"   name the coached CSM
      coach transcript call.vtt              see how the file was read
      coach batch calls/ --out week/         score a folder of calls
    """


def main() -> None:  # pragma: no cover - console entry for `python -m coach`
    cli()
