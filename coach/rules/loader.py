"""Load and validate the rule files of ``rules/`` (and a team's ``--rules DIR``).

Layout of a rules folder (every part optional in an override folder)::

    moves/*.yaml      one rule per file: what a CSM (or colleague) does
    signals/*.yaml    one rule per file: what an utterance tells (anger, a date, a topic)
    lexicons/*.yaml   shared word lists, referenced from rules as "@name"
    call_types.yaml   talk bands, focus and per-flag severities per call type
    flags.yaml        each flag's severity, message, suggestion and thresholds; a
                      team's own flag also says what raises it (``raised_by``)
    scoring.yaml      how flags and missed steps weigh in the 0-100 score
    calltype_model.yaml  the fitted call-type weights (``coach rules fit`` writes it)

A later folder overrides an earlier one: a rule with the same ``code`` or ``name``
replaces it, ``enabled: false`` switches one off, and the YAML mappings are merged key
by key.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coach.calltype_model import CallTypeModel
from coach.errors import RulesError
from coach.rules.schema import CallTypes, FlagSpec, Lexicon, Rule, Scoring, is_team_name

FLAG_CODE = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def default_rules_dir() -> Path:
    """The shipped rules: ``coach/rules_data``, a link to the repository's ``rules/``
    that a wheel carries as real files."""
    packaged = Path(__file__).resolve().parents[1] / "rules_data"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"  # pragma: no cover - a broken link


def _read_yaml(path: Path, blob: bytes) -> Any:
    import srsly

    try:
        return srsly.yaml_loads(blob.decode("utf-8"))
    except Exception as err:  # noqa: BLE001 - ruamel raises many types
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise RulesError(f"{path}: not valid YAML: {first}") from None


def _cache_dir() -> Path | None:
    """Where parsed rule files are cached (YAML parsing is most of the start-up)."""
    if os.environ.get("COACH_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coach" / "rules"


def _read_all(root: Path, files: list[Path], fingerprint: Any) -> dict[str, Any]:
    """Parsed YAML of ``files``, from a cache keyed by their content when it is there.

    Each file is read once; its relative name and bytes also go into ``fingerprint``
    (the rule set's identity). The cache only saves parsing; every rule is still
    validated on each load. A cache that cannot be read or written is ignored.
    """
    digest = hashlib.sha256()
    blobs: dict[Path, bytes] = {}
    for path in files:
        blob = blobs[path] = path.read_bytes()
        fingerprint.update(str(path.relative_to(root)).encode())
        fingerprint.update(blob)
        digest.update(str(path).encode() + b"\0" + blob + b"\0")
    cache = _cache_dir()
    target = cache / f"{digest.hexdigest()[:32]}.json" if cache else None
    if target is not None and target.is_file():
        try:
            return json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
    parsed = {str(p): _read_yaml(p, blobs[p]) for p in files}
    if target is not None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(parsed), encoding="utf-8")
            os.replace(tmp, target)
        except (OSError, TypeError, ValueError):
            pass
    return parsed


def _explain(path: Path, err: ValidationError, rule: str | None = None) -> RulesError:
    parts = []
    for e in err.errors()[:5]:
        loc = ".".join(str(x) for x in e["loc"]) or "(top level)"
        msg = e["msg"].removeprefix("Value error, ")
        parts.append(f"field {loc}: {msg}")
    who = f" rule {rule}:" if rule else ""
    return RulesError(f"{path}:{who} " + "; ".join(parts))


def _merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


@dataclass
class RuleSet:
    """Everything the analysis needs from ``rules/``, validated."""

    rules: list[Rule]
    lexicons: dict[str, Lexicon]
    call_types: CallTypes
    flags: dict[str, FlagSpec]
    scoring: Scoring
    sources: dict[str, str] = field(default_factory=dict)  # rule code -> file
    fingerprint: str = ""
    calltype_model: CallTypeModel | None = None
    flag_sources: dict[str, str] = field(default_factory=dict)  # flag code -> file

    @property
    def custom_flags(self) -> tuple[str, ...]:
        """A team's own flags (declared with ``raised_by``), in file order."""
        return tuple(code for code, spec in self.flags.items() if spec.raised_by is not None)

    @property
    def flag_codes(self) -> tuple[str, ...]:
        """Every flag these rules can raise: the shipped ones in their order, then the team's."""
        from coach.report import FLAG_CODES

        return (*FLAG_CODES, *self.custom_flags)

    def by_code(self, code: str) -> Rule | None:
        for r in self.rules:
            if r.code == code or r.name == code:
                return r
        return None

    def lexicon_terms(self, name: str) -> list[str]:
        lex = self.lexicons.get(name)
        if lex is None:
            return []
        terms = list(lex.terms)
        for group in lex.groups.values():
            terms.extend(group)
        return terms


def load_rules(extra_dirs: Sequence[Path | str] = (), *, with_default: bool = True, with_model: bool = True) -> RuleSet:
    """Load the shipped rules, then each ``--rules DIR`` on top, validating everything.

    ``with_model=False`` leaves the fitted call-type model out (``coach rules fit``
    rebuilds it, so a model that no longer fits the features must not stop it)."""
    dirs = [default_rules_dir()] if with_default else []
    dirs += [Path(d) for d in extra_dirs]
    rules: dict[str, Rule] = {}
    sources: dict[str, str] = {}
    lexicons: dict[str, Lexicon] = {}
    call_types: dict = {}
    flags: dict = {}
    scoring: dict = {}
    model: dict = {}
    flag_files: dict[str, Path] = {}  # flag code -> the file that last set it
    profile_files: dict[str, Path] = {}
    digest = hashlib.sha256()
    for d in dirs:
        if not d.is_dir():
            raise RulesError(f"{d}: rules folder not found")
        files = sorted(p for p in d.rglob("*.y*ml") if p.suffix in (".yaml", ".yml"))
        parsed = _read_all(d, files, digest)
        for path in files:
            rel = path.relative_to(d)
            top = rel.parts[0]
            data = parsed[str(path)]
            if path.name in ("call_types.yaml", "call_types.yml") and len(rel.parts) == 1:
                call_types = _merge(call_types, _mapping(path, data))
                profiles = call_types.get("profiles")
                profile_files.update(dict.fromkeys(profiles if isinstance(profiles, dict) else (), path))
            elif path.name in ("flags.yaml", "flags.yml") and len(rel.parts) == 1:
                flags = _merge(flags, _mapping(path, data))
                flag_files.update(dict.fromkeys(_mapping(path, data), path))
            elif path.name in ("scoring.yaml", "scoring.yml") and len(rel.parts) == 1:
                scoring = _merge(scoring, _mapping(path, data))
            elif path.name in ("calltype_model.yaml", "calltype_model.yml") and len(rel.parts) == 1:
                model = _merge(model, _mapping(path, data))
            elif top == "lexicons":
                try:
                    lex = Lexicon.model_validate(_mapping(path, data))
                except ValidationError as err:
                    raise _explain(path, err) from None
                lexicons[lex.name] = lex
            elif top in ("moves", "signals"):
                items = data if isinstance(data, list) else [data]
                for item in items:
                    rule = _rule(path, item)
                    expected = "move" if top == "moves" else "signal"
                    if rule.detects != expected:
                        raise RulesError(
                            f"{path}: rule {rule.code}: field detects: files under {top}/ hold {expected} rules"
                        )
                    for key in [k for k, r in rules.items() if r.code == rule.code or r.name == rule.name]:
                        del rules[key]
                    rules[rule.code] = rule
                    sources[rule.code] = str(path)
            else:
                raise RulesError(
                    f"{path}: unexpected rules file (expected moves/, signals/, lexicons/, "
                    "call_types.yaml, flags.yaml, scoring.yaml or calltype_model.yaml)"
                )
    try:
        ct = CallTypes.model_validate(call_types)
    except ValidationError as err:
        raise _explain(Path("call_types.yaml"), err) from None
    _check_names(ct, flags, flag_files, profile_files)
    flag_specs: dict[str, FlagSpec] = {}
    for code, spec in flags.items():
        try:
            flag_specs[code] = FlagSpec.model_validate(spec)
        except ValidationError as err:
            raise _explain(flag_files.get(code, Path("flags.yaml")), err, code) from None
    try:
        sc = Scoring.model_validate(scoring)
    except ValidationError as err:
        raise _explain(Path("scoring.yaml"), err) from None
    try:
        ct_model = CallTypeModel.model_validate(model) if model and with_model else None
    except ValidationError as err:
        raise _explain(Path("calltype_model.yaml"), err) from None
    active = [r for r in rules.values() if r.enabled]
    _check_lexicon_refs(active, lexicons, sources)
    _check_triggers(flag_specs, active, flag_files)
    return RuleSet(
        rules=active,
        lexicons=lexicons,
        call_types=ct,
        flags=flag_specs,
        scoring=sc,
        sources=sources,
        fingerprint=digest.hexdigest()[:16],
        calltype_model=ct_model,
        flag_sources={code: str(path) for code, path in flag_files.items()},
    )


def _check_names(ct: CallTypes, flags: dict, flag_files: dict[str, Path], profile_files: dict[str, Path]) -> None:
    """A flag code or call type nobody can raise or reach is a mistake, not a no-op: a
    team's typo would otherwise be accepted silently and never fire."""
    from typing import get_args

    from coach.report import FLAG_CODES, CallTypeLabel

    known_types = get_args(CallTypeLabel)
    declared = {code for code, spec in flags.items() if isinstance(spec, dict) and "raised_by" in spec}
    for code in flags:
        where = flag_files.get(code, "flags.yaml")
        if code in FLAG_CODES and code in declared:
            raise RulesError(
                f"{where}: key {code}.raised_by: {code!r} is a shipped flag, raised by coach itself; "
                "give your own flag a code of its own"
            )
        if code in declared and not re.match(FLAG_CODE, code):
            raise RulesError(f"{where}: key {code!r}: a flag code is lower-case words joined by - (hid-behind-policy)")
        if code not in FLAG_CODES and code not in declared:
            raise RulesError(
                f"{where}: key {code!r}: unknown flag code; one of: {', '.join(FLAG_CODES)}; "
                "or declare a flag of your own with raised_by (README, 'Your own flag')"
            )
    for name, profile in ct.profiles.items():
        where = profile_files.get(name, "call_types.yaml")
        if name not in known_types:
            raise RulesError(
                f"{where}: key profiles.{name}: a call type nobody can reach; one of: {', '.join(known_types)}"
            )
        for code in profile.flags:
            if code not in FLAG_CODES and code not in declared:
                raise RulesError(f"{where}: key profiles.{name}.flags.{code}: unknown flag code")


def _check_triggers(flags: dict[str, FlagSpec], rules: list[Rule], flag_files: dict[str, Path]) -> None:
    """A team's own flag reads a ``team_…`` move or signal that one of the active rules
    emits (as that kind), or it could never fire."""
    emitted = {(r.detects, r.emits) for r in rules}
    for code, spec in flags.items():
        trig = spec.raised_by
        if trig is None or (trig.kind, trig.name) in emitted or not is_team_name(trig.name):
            continue
        raise RulesError(
            f"{flag_files.get(code, 'flags.yaml')}: key {code}.raised_by.{trig.kind}: no rule emits "
            f"{trig.kind} {trig.name!r}; add one under {trig.kind}s/ with emits: {trig.name}"
        )


def _mapping(path: Path, data: Any) -> dict:
    if not isinstance(data, dict):
        raise RulesError(f"{path}: expected a mapping at the top level")
    return data


def _rule(path: Path, item: Any) -> Rule:
    if not isinstance(item, dict):
        raise RulesError(f"{path}: a rule is a mapping of fields")
    try:
        return Rule.model_validate(item)
    except ValidationError as err:
        raise _explain(path, err, str(item.get("code") or item.get("name") or "?")) from None


def _check_lexicon_refs(rules: list[Rule], lexicons: dict[str, Lexicon], sources: dict) -> None:
    for rule in rules:
        refs = [p[1:] for p in rule.phrases if p.startswith("@")]
        for pat in rule.patterns:
            for tok in pat:
                for v in tok.values():
                    if isinstance(v, dict):
                        for key in ("IN", "NOT_IN"):
                            if isinstance(v.get(key), str) and v[key].startswith("@"):
                                refs.append(v[key][1:])
        for ref in refs:
            if ref not in lexicons:
                raise RulesError(f"{sources.get(rule.code, '?')}: rule {rule.code}: unknown lexicon @{ref}")
