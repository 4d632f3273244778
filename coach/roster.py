"""A team roster: who is a CSM and who is an internal colleague, by name.

A team lead keeps one TOML file for the team, so ``coach batch`` can tell, on every
call, the coached CSM from their colleagues and from the customer::

    [team]
    csms = ["Priya Nair", "Tom Becker"]
    internal = ["Anika Sharma", "Luis Ferreira"]   # engineers, managers, VPs…

    [aliases]                                      # optional: other labels per person
    "Priya Nair" = ["Priya N.", "pnair"]

Names match speaker labels case-insensitively, exactly or as whole leading words
("Priya" as a Zoom display name matches "Priya Nair", and the other way round).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coach.errors import InputError

_TEAM_KEYS = ("csms", "internal")


def _words(name: str) -> list[str]:
    return name.casefold().split()


def name_matches(name: str, label: str, *, both_ways: bool = False) -> bool:
    """True if ``name`` is ``label`` (case-insensitive) or its leading whole words.

    With ``both_ways`` the label may also be the leading words of the name (a Zoom
    label "Priya" for the roster's "Priya Nair").
    """
    n, lab = _words(name), _words(label)
    if not n or not lab:
        return False
    if lab[:len(n)] == n:
        return True
    return both_ways and n[:len(lab)] == lab


@dataclass
class Roster:
    """CSMs and internal colleagues of one team (see module doc for the file)."""

    csms: list[str] = field(default_factory=list)
    internal: list[str] = field(default_factory=list)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    path: str | None = None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Roster:
        name = str(path)
        p = Path(path)
        if p.is_dir():
            raise InputError(name, "is a directory; --roster takes a TOML file")
        try:
            raw = p.read_bytes()
        except FileNotFoundError:
            raise InputError(name, "no such roster file") from None
        except OSError as exc:
            raise InputError(name, f"cannot read: {exc.strerror or exc}") from None
        try:
            data = tomllib.loads(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise InputError(name, "roster file is not UTF-8 text") from None
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", None)
            msg = str(exc).split(" (at line")[0]
            raise InputError(name, f"invalid TOML: {msg}", line=line) from None
        return cls.from_dict(data, path=name)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, path: str | None = None) -> Roster:
        team = data.get("team", {})
        if not isinstance(team, dict):
            raise InputError(path, "[team] must be a table", field="team")
        top = {k: v for k, v in data.items() if k in _TEAM_KEYS}
        unknown = [k for k in data if k not in (*_TEAM_KEYS, "team", "aliases")]
        unknown += [f"team.{k}" for k in team if k not in _TEAM_KEYS]
        if unknown:
            raise InputError(path, f"unknown key {unknown[0]!r}; a roster has [team] csms = "
                                   f"[...], internal = [...] and optional [aliases]",
                             field=unknown[0])
        merged = {**top, **team}
        lists: dict[str, list[str]] = {}
        for key in _TEAM_KEYS:
            value = merged.get(key, [])
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(
                    isinstance(v, str) and v.strip() for v in value):
                raise InputError(path, "must be a list of names", field=f"team.{key}")
            lists[key] = [v.strip() for v in value]
        aliases_raw = data.get("aliases", {})
        if not isinstance(aliases_raw, dict):
            raise InputError(path, "[aliases] must be a table", field="aliases")
        aliases: dict[str, list[str]] = {}
        for person, other in aliases_raw.items():
            if isinstance(other, str):
                other = [other]
            if not isinstance(other, list) or not all(isinstance(v, str) for v in other):
                raise InputError(path, "must be a list of names", field=f"aliases.{person}")
            aliases[person] = [v.strip() for v in other if v.strip()]
        if not lists["csms"] and not lists["internal"]:
            raise InputError(path, "roster names nobody: add [team] csms = [\"Name\", ...]",
                             field="team.csms")
        return cls(csms=lists["csms"], internal=lists["internal"], aliases=aliases, path=path)

    def _names(self, person: str) -> list[str]:
        extra = next((v for k, v in self.aliases.items() if k.casefold() == person.casefold()),
                     [])
        return [person, *extra]

    def match(self, label: str) -> tuple[str, str] | None:
        """("csm" | "internal", roster name) for a speaker label, or None."""
        for role, people in (("csm", self.csms), ("internal", self.internal)):
            for person in people:
                for n in self._names(person):
                    if n.casefold() == label.casefold():
                        return role, person
        for role, people in (("csm", self.csms), ("internal", self.internal)):
            for person in people:
                for n in self._names(person):
                    if name_matches(n, label, both_ways=True):
                        return role, person
        return None
