"""Promises across a customer's calls (issue 16): was what we committed kept?

Calls are grouped by account (the sidecar's ``account``; a call without one is its own
group), ordered by date. Each commitment of the report (``Report.commitments``, found by
the shipped rules) is checked against the later calls of the account: a later sentence
on the same subject (it shares a content word with the promise, such as "invoice" or
"call ... Friday") that says it happened ("thanks for the revised invoice") makes it
*kept*; one that says it did not ("you said you'd call Friday", "I never heard back")
makes it *missed* (missed wins when a sentence says both). Without such a sentence it is
*open* when it is vague or due after the account's last call, else *unknown*. Results
go to ``commitments.csv`` and a "Promises at risk" section at the top of ``summary.md``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coach.batch.outputs import atomic_write_text, csv_text
from coach.render.common import stamp

COLUMNS = ("account", "call", "date", "at", "who", "promise", "due_said", "due", "status", "evidence",
           "evidence_call", "evidence_at")
# cues, on normalized words: a promise referred to as broken / as done
MISSED = re.compile(
    r"\b(never (heard|got|came|called|sent|arrived|received)|did not (call|send|hear|get|come|arrive|happen)"
    r"|have not (heard|received|got|gotten|seen)|has not (come|arrived|been sent)|still (waiting|nothing|no)"
    r"|you said you would|you promised|was supposed to|were supposed to|nobody (called|sent|got back)"
    r"|no one (called|sent|got back)|not received|heard nothing|no call|no update|missed)\b")
KEPT = re.compile(
    r"\b(thanks for (the|your|sending|calling)|thank you for (the|your|sending|calling)|got (the|your)"
    r"|received (the|your)|came through|arrived|as promised|like you said|(you|she|he|they) (sent|called|did)"
    r"|(it is|that is|they are) (done|fixed|sorted|in|there)|we sent|i sent|went out)\b")
_CONTRACTIONS = (("n't", " not"), ("'ll", " will"), ("'d", " would"), ("'re", " are"), ("'s", " is"),
                 ("'ve", " have"), ("'m", " am"), ("’", "'"))
STOP = frozenset("""i you we they he she it me us our your my the a an and or but to of for with on at by in
this that these those will would can could shall should be is are was were been have has had do does did
get got go going gon na let just also then so up out over from about as all any some there here what when
today tomorrow morning afternoon evening time again back know make sure ill well right okay ok yes yeah
send sent call update email give have follow confirm get update one two three four five six seven eight nine
ten eleven twelve am pm end day week next by""".split())


@dataclass
class CallInfo:
    path: str
    date: str
    account: str | None
    report: Path


def _norm(text: str) -> str:
    t = text.lower()
    for a, b in _CONTRACTIONS:
        t = t.replace(a, b)
    return " ".join(re.findall(r"[a-z0-9]+", t))


def _subject(text: str) -> set[str]:
    """Content words of a sentence (crudely singular): what a later call must mention."""
    return {w[:-1] if w.endswith("s") and len(w) > 4 else w for w in _norm(text).split()
            if w not in STOP and len(w) > 2}


def _sentences(path: str) -> list[tuple[float, str, str]]:
    """(time, speaker, sentence) of a later call, read again from its file."""
    from coach.readers import read_transcript

    try:
        tr = read_transcript(path)
    except Exception:  # noqa: BLE001 - a later call that cannot be read gives no evidence
        return []
    return [(t.start, t.speaker, s.strip()) for t in tr.turns for s in re.split(r"(?<=[.!?])\s+", t.text)
            if s.strip()]


def _call_start(c: CallInfo) -> dt.date | dt.datetime | None:
    from coach.batch.sidecar import load_sidecar

    try:
        sc, _ = load_sidecar(Path(c.path))
    except Exception:  # noqa: BLE001 - batch already reported a bad sidecar
        sc = None
    if sc is not None and sc.call_time is not None:
        return sc.call_time
    try:
        return dt.date.fromisoformat(c.date)
    except ValueError:
        return None


def track(calls: Iterable[CallInfo]) -> list[dict[str, object]]:
    """One row per commitment of every call, with its status and evidence."""
    from coach.followup.commitments import date_commitments
    from coach.report import Commitment

    groups: dict[str, list[CallInfo]] = defaultdict(list)
    for c in calls:
        groups[c.account or f"(no account) {c.path}"].append(c)
    rows: list[dict[str, object]] = []
    for account, members in groups.items():
        members.sort(key=lambda c: (c.date, c.path))
        last = members[-1].date
        later_text: dict[str, list[tuple[float, str, str]]] = {}
        for i, c in enumerate(members):
            try:
                data = json.loads(c.report.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            made = [Commitment.model_validate(x) for x in data.get("commitments", [])]
            for p in date_commitments(made, _call_start(c)):
                row: dict[str, object] = {
                    "account": "" if account.startswith("(no account)") else account, "call": c.path,
                    "date": c.date, "at": stamp(p.at), "who": p.speaker, "promise": p.text,
                    "due_said": p.due_said or "", "due": p.due or "", "status": "", "evidence": "",
                    "evidence_call": "", "evidence_at": ""}
                subject = _subject(p.text)
                for later in members[i + 1:]:
                    sents = later_text.setdefault(later.path, _sentences(later.path))
                    hit = _evidence(subject, sents)
                    if hit:
                        status, at, sent = hit
                        row.update(status=status, evidence=sent, evidence_call=later.path, evidence_at=stamp(at))
                        break
                if not row["status"]:
                    due_day = str(p.due or "")[:10]
                    row["status"] = "open" if p.vague or not due_day or due_day > last else "unknown"
                rows.append(row)
    return rows


def _evidence(subject: set[str], sents: list[tuple[float, str, str]]) -> tuple[str, float, str] | None:
    for at, _who, sent in sents:
        norm = _norm(sent)
        if not subject & _subject(sent):
            continue
        if MISSED.search(norm):
            return "missed", at, sent
        if KEPT.search(norm):
            return "kept", at, sent
    return None


def at_risk_section(rows: list[dict[str, object]]) -> str:
    """Markdown for the top of summary.md: missed promises, then those past due with no word."""
    risky = [r for r in rows if r["status"] == "missed"] + [
        r for r in rows if r["status"] == "unknown" and r["account"]]
    if not risky:
        return ""
    lines = ["## Promises at risk", ""]
    for r in risky:
        why = (f"missed — {r['evidence_call']} {r['evidence_at']}: “{r['evidence']}”" if r["status"] == "missed"
               else "due, and no later call says it happened")
        lines.append(f"- **{r['account'] or r['call']}** {r['date']} {r['at']} {r['who']}: “{r['promise']}” "
                     f"(due {r['due_said'] or 'no date'}) — {why}")
    lines += ["", "All promises: [commitments.csv](commitments.csv).", ""]
    return "\n".join(lines) + "\n"


def write_promises(out: Path, calls: Iterable[CallInfo], summary: str) -> str:
    """Write commitments.csv; return ``summary`` with the at-risk section after its title."""
    rows = track(calls)
    atomic_write_text(out / "commitments.csv", csv_text(COLUMNS, rows))
    section = at_risk_section(rows)
    if not section:
        return summary
    head, sep, rest = summary.partition("\n\n")
    return f"{head}{sep}{section}{rest}" if sep else summary + "\n" + section
