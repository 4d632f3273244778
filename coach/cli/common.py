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
from typing import Any, NoReturn, TypeVar

import click

from coach.errors import CoachError
from coach.models import FORMATS

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
