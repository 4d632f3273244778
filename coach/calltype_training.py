"""The table the call-type model is fitted on: labelled calls turned into feature rows.

``coach rules fit --calls DIR`` reads every ``*.labels.json`` in DIR (the labelled-call
format of ``docs/``: ``file``, ``csm``, ``call_type``) and the shipped fixtures with a
``call_type`` in ``fixtures/expectations.yaml``, analyses each with the current rules, and
writes one JSON line per call (name, label, features) to ``rules/training/calltype.jsonl``.
Only numbers and labels are kept, never a transcript's words. ``coach rules fit`` without
``--calls`` refits from that table alone, so the model rebuilds from files in the repo.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from coach.errors import CoachError

TRAINING_FILE = Path("training") / "calltype.jsonl"


def labelled_calls(folder: Path) -> Iterator[tuple[str, Path, list[str], list[str], str]]:
    """(name, transcript, csm labels, internal labels, call type) of each labelled call in ``folder``."""
    for lab_path in sorted(folder.glob("*.labels.json")):
        try:
            lab = json.loads(lab_path.read_text(encoding="utf-8"))
            csm = lab["csm"] if isinstance(lab["csm"], list) else [lab["csm"]]
            yield lab["file"], folder / lab["file"], csm, list(lab.get("internal") or []), lab["call_type"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise CoachError(f"{lab_path}: not a labelled call ({err})") from None


def fixture_calls(fixtures: Path) -> Iterator[tuple[str, Path, list[str], list[str], str]]:
    """The shipped sample calls whose expectations name a call type."""
    import srsly

    exp_path = fixtures / "expectations.yaml"
    if not exp_path.is_file():
        return
    expectations = srsly.yaml_loads(exp_path.read_text(encoding="utf-8")) or {}
    for rel, exp in sorted(expectations.items()):
        if isinstance(exp, dict) and exp.get("call_type") and exp.get("csm") is not None:
            # YAML reads Deepgram's speaker 0 as a number: labels are strings
            csm = [str(c) for c in exp["csm"]] if isinstance(exp["csm"], list) else [str(exp["csm"])]
            yield f"fixtures/{rel}", fixtures / rel, csm, [], exp["call_type"]


def feature_rows(calls: Iterator[tuple[str, Path, list[str], list[str], str]], analyzer: Any) -> list[dict]:
    """One row per call: {"call", "label", "escalation": {...}, "agenda": {...}}."""
    from coach.analysis import prepare

    rows = []
    for name, path, csm, _internal, label in calls:
        tr = prepare(path, csm=csm)  # as `coach analyze --csm` reads it: colleagues are detected, not given
        esc, agenda = analyzer.calltype_features(tr)
        rows.append(
            {
                "call": name,
                "label": label,
                "escalation": {k: round(v, 6) for k, v in esc.items()},
                "agenda": {t: {k: round(v, 6) for k, v in fs.items()} for t, fs in agenda.items()},
            }
        )
    return rows


def write_rows(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows), encoding="utf-8")


def read_rows(path: Path) -> list[dict]:
    if not path.is_file():
        raise CoachError(f"{path}: no training table (run `coach rules fit --calls DIR` first)")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except ValueError as err:
                raise CoachError(f"{path}:{n}: not a JSON line ({err})") from None
    return rows
