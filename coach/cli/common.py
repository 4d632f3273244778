"""What every subcommand shares: the error convention and the common options.

Convention: library code raises ``CoachError`` (``InputError``, ``RoleError``,
``RulesError``); the CLI prints it as one line, ``coach: error: <message>``, on stderr
and exits 2. Nothing a user can cause ends in a traceback.

    @click.command()
    @csm_option
    @handle_errors
    def analyze(csm): ...
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from coach.errors import CoachError
from coach.models import FORMATS, Transcript

EXIT_ERROR = 2
F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print ``coach: error: <message>`` (one line) on stderr and exit ``code``."""
    one_line = " ".join(str(message).split())
    click.echo(f"coach: error: {one_line}", err=True)
    sys.exit(code)


def handle_errors(func: F) -> F:
    """Run a command; a ``CoachError`` becomes one line on stderr and exit 2.

    Any other exception is a bug: it is reported the same way, as an internal error
    (set ``COACH_DEBUG=1`` to see the traceback).
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CoachError as err:
            fail(str(err))
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as err:  # noqa: BLE001 - last line of defence, never a traceback
            if os.environ.get("COACH_DEBUG"):
                raise
            fail(f"internal error: {type(err).__name__}: {err} (please report this; "
                 "COACH_DEBUG=1 shows the traceback)")

    return wrapper  # type: ignore[return-value]


def load_roster(path: str | None):
    """``Roster.load(path)`` or None; errors are ``InputError`` like any bad file."""
    if not path:
        return None
    from coach.roster import Roster

    return Roster.load(path)


def must_exist(kind: str = "file or directory") -> Callable[..., Any]:
    """A click callback: every path given must exist, else the one-line error every
    command uses (``coach: error: PATH: no such ...``, exit 2), not click's usage block."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        values = value if isinstance(value, tuple) else (value,)
        for v in values:
            if v is None or str(v) == "-":
                continue
            p = Path(v)
            if not p.exists():
                fail(f"{v}: no such {kind}")
            if kind == "folder" and not p.is_dir():
                fail(f"{v}: not a folder")
        return value

    return check


def read_input(file: str, input_format: str | None = None) -> Transcript:
    """The transcript in FILE, or on standard input when FILE is ``-``."""
    from coach.readers import read_bytes, read_transcript

    if file == "-":
        return read_bytes(sys.stdin.buffer.read(), name="<stdin>", input_format=input_format)
    return read_transcript(file, input_format=input_format)


def write_output(path: str, text: str) -> None:
    """Write a command's ``--output``, creating its folder; a path that cannot be written
    is one line and exit 2, never an internal error."""
    target = Path(path)
    if target.is_dir():
        fail(f"{path}: is a folder; give --output a file name")
    blocker = next((p for p in target.parents if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        fail(f"{path}: cannot write: {blocker} is a file, not a folder")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as err:
        fail(f"{path}: cannot write: {err.strerror or err}")


csm_option = click.option(
    "--csm", "csm", multiple=True, metavar="NAME",
    help="The coached CSM's speaker label, or its first name(s); case-insensitive. "
         "Repeatable. Default: from --roster, the format, or detected.")
roster_option = click.option(
    "--roster", "roster", metavar="FILE", default=None,
    help="Team roster (TOML): [team] csms = [...], internal = [...]. See README 'roles'.")
input_format_option = click.option(
    "--input-format", "input_format", type=click.Choice(FORMATS, case_sensitive=False),
    default=None, metavar="NAME",
    help=f"Read the file as this format instead of detecting it: {', '.join(FORMATS)}.")
