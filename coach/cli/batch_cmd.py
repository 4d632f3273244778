"""`coach batch`: score a folder of calls into CSVs, per-call reports and a summary."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from pathlib import Path

import click

from coach.cli.common import handle_errors, input_format_option, must_exist, roster_option

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path),
                callback=must_exist())
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Output directory (created; re-using it resumes an earlier run).")
@roster_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the number of cores; 1 runs in-process).")
@click.option("--since", type=_DATE, default=None, metavar="DATE",
              help="Only calls on or after DATE (YYYY-MM-DD).")
@click.option("--until", type=_DATE, default=None, metavar="DATE",
              help="Only calls on or before DATE (YYYY-MM-DD).")
@click.option("--rules", "rules_dirs", multiple=True,
              type=click.Path(path_type=Path), metavar="DIR", callback=must_exist("folder"),
              help="A folder of the team's own rules, on top of the shipped ones (repeatable).")
@input_format_option
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Score on a Dask cluster: its scheduler (tcp://host:8786), or local:N for "
                   "N worker processes here. Needs pip install 'coach[dask]'.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: only when stderr is a terminal).")
@handle_errors
def batch(paths: tuple[Path, ...], out: Path, roster: str | None, jobs: int | None,
          since: dt.datetime | None, until: dt.datetime | None, rules_dirs: tuple[Path, ...],
          input_format: str | None, scheduler: str | None, progress: bool | None) -> None:
    """Score every call under PATH... into --out.

    \b
    Writes calls.csv and calls.jsonl (one row per call), reports/ (one JSON report per
    call), csms.csv (per CSM), summary.md (read this first), errors.csv and skipped.csv.
    Who the CSM is: the roster, else the file's sidecar <file>.meta.json, else detection.
    Re-running with the same --out skips calls whose content and rules are unchanged.

    \b
    With --scheduler, the same run goes to Dask's workers; they must see the input
    files at the same paths (a shared disk), and the outputs are written here.

    \b
    Exit codes: 0 every call scored, 1 some files failed (the rest are written),
    2 usage error, 130 interrupted (re-run to finish).
    """
    from coach.batch import BatchOptions, main_message, run_batch

    if since and until and since > until:
        raise click.UsageError("--since is after --until")
    if scheduler is not None:
        from coach.batch.dask_runner import local_workers, require_distributed

        if jobs is not None:
            raise click.UsageError("--jobs is for the local pool; with --scheduler the cluster's "
                                   "workers score (local:N starts N)")
        require_distributed()  # exit 2 saying what to install, before any work
        local_workers(scheduler)  # a malformed local:N, also before any work
    opts = BatchOptions(
        paths=list(paths),
        out=out,
        roster=Path(roster) if roster else None,
        jobs=jobs or os.cpu_count() or 1,
        since=since.date() if since else None,
        until=until.date() if until else None,
        rules_dirs=list(rules_dirs),
        input_format=input_format.lower() if input_format else None,
        progress=progress,
        scheduler=scheduler,
    )
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _terminate)  # `kill` stops as cleanly as Ctrl-C
    try:
        result = run_batch(opts)  # a CoachError: one line, exit 2 (handle_errors)
    finally:
        signal.signal(signal.SIGTERM, previous)
    click.echo(main_message(result, out), err=result.interrupted)
    sys.exit(result.exit_code)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
