"""The project's own errors: every failure a user can cause ends as one clear line."""

from __future__ import annotations


class CoachError(Exception):
    """Base class; the CLI prints ``str(err)`` and exits 2."""


class InputError(CoachError):
    """A file that cannot be read as a transcript.

    The message always names the file, and the line or field where it applies, so a
    user can find the problem without a traceback.
    """

    def __init__(self, path: str | None, message: str, *, line: int | None = None, field: str | None = None) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.reason = message
        where = path or "<input>"
        if line is not None:
            where += f":{line}"
        if field:
            where += f" (field {field})"
        super().__init__(f"{where}: {message}")


class RoleError(CoachError):
    """The CSM cannot be decided; the message lists the speakers and how to name one."""


class RulesError(CoachError):
    """A rule file is invalid; the message names the file, the rule and the field."""
