"""Per-CSM aggregation and ``summary.md``, the page a team lead reads first.

Stats are accumulated call by call (counts, sums, a few example moments per flag), so
the memory used does not grow with the number of calls: a week of 500 calls and a
quarter of 6,000 cost the same here.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from coach.render.common import stamp
from coach.report import FLAG_CODES

SEVERITY_WEIGHT = {"high": 3, "medium": 2, "low": 1}
# flags judged on escalations only: their rate is over a CSM's escalation calls
ESCALATION_FLAGS = frozenset({"acknowledgment-gap", "no-executive-path"})
EXAMPLES_PER_FLAG = 3
PRIORITIES = 3
UNNAMED_LISTED = 50  # calls with no named CSM listed by name in the summary
NO_CSM = "no named CSM"

CSM_COLUMNS: tuple[str, ...] = (
    "csm",
    "calls",
    "escalations",
    "mean_score",
    "mean_talk_ratio",
    "talk_ratio_vs_band",
    "calls_above_band",
    "calls_below_band",
    "ack_gap_rate",
    "csm_interruptions_per_call",
    *(f"{code}_rate" for code in FLAG_CODES),
    "most_common_findings",
)


def csm_columns(flag_codes: Sequence[str] = FLAG_CODES) -> tuple[str, ...]:
    """csms.csv columns: a rate per flag the rules can raise (a team's own after the shipped)."""
    extra = tuple(f"{c}_rate" for c in flag_codes if c not in FLAG_CODES)
    cut = CSM_COLUMNS.index("most_common_findings")
    return (*CSM_COLUMNS[:cut], *extra, *CSM_COLUMNS[cut:])


def flag_title(code: str) -> str:
    return code.replace("-", " ").capitalize()


@dataclass
class CsmStats:
    name: str
    calls: int = 0
    escalations: int = 0
    score_sum: float = 0.0
    scored: int = 0
    ratio_sum: float = 0.0
    ratio_n: int = 0
    band_delta_sum: float = 0.0
    above: int = 0
    below: int = 0
    csm_interruptions: int = 0
    flag_calls: Counter[str] = field(default_factory=Counter)  # calls with the flag
    flag_calls_esc: Counter[str] = field(default_factory=Counter)
    flag_weight: Counter[str] = field(default_factory=Counter)  # severity-weighted count
    flag_moments: Counter[str] = field(default_factory=Counter)  # flags raised (all calls)
    findings: Counter[str] = field(default_factory=Counter)
    strengths: Counter[str] = field(default_factory=Counter)
    suggestion: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # finding key -> its message
    # per flag: a small heap of (severity weight, -call order, -index, moment): the
    # most severe, earliest moments are the examples the summary links to
    examples: dict[str, list[tuple[int, int, int, dict[str, Any]]]] = field(
        default_factory=dict)

    def add(self, row: dict[str, Any], order: int) -> None:
        self.calls += 1
        esc = bool(row.get("escalation"))
        self.escalations += esc
        if row.get("score") is not None:
            self.score_sum += float(row["score"])
            self.scored += 1
        ratio = row.get("csm_talk_ratio")
        band = row.get("talk_ratio_band") or None
        if ratio is not None:
            self.ratio_sum += ratio
            self.ratio_n += 1
            if band:
                lo, hi = band
                if ratio > hi:
                    self.band_delta_sum += ratio - hi
                    self.above += 1
                elif ratio < lo:
                    self.band_delta_sum += ratio - lo
                    self.below += 1
        self.csm_interruptions += int(row.get("csm_interruptions") or 0)
        for code, n in (row.get("flags") or {}).items():
            if n:
                self.flag_calls[code] += 1
                if esc:
                    self.flag_calls_esc[code] += 1
        for k, mo in enumerate(row.get("moments") or []):
            code = mo["code"]
            w = SEVERITY_WEIGHT.get(mo.get("severity", "low"), 1)
            self.flag_weight[code] += w
            self.flag_moments[code] += 1
            if mo.get("suggestion") and code not in self.suggestion:
                self.suggestion[code] = mo["suggestion"]
            heap = self.examples.setdefault(code, [])
            item = (w, -order, -k, {**mo, "file": row.get("file"), "report": row.get("report"),
                                     "page": row.get("page")})
            if len(heap) < EXAMPLES_PER_FLAG:
                heapq.heappush(heap, item)
            elif item[:3] > heap[0][:3]:
                heapq.heapreplace(heap, item)
        for counter, items in ((self.findings, row.get("findings")),
                               (self.strengths, row.get("strengths"))):
            for key, label in _pairs(items):
                counter[key] += 1
                self.labels.setdefault(key, label)

    # --- derived figures ---
    @property
    def mean_score(self) -> float | None:
        return self.score_sum / self.scored if self.scored else None

    @property
    def mean_ratio(self) -> float | None:
        return self.ratio_sum / self.ratio_n if self.ratio_n else None

    @property
    def band_delta(self) -> float | None:
        return self.band_delta_sum / self.ratio_n if self.ratio_n else None

    def rate(self, code: str) -> float | None:
        if code in ESCALATION_FLAGS:
            return self.flag_calls_esc[code] / self.escalations if self.escalations else None
        return self.flag_calls[code] / self.calls if self.calls else None

    def priority(self, code: str) -> float:
        """How often the flag is raised where it applies, times its mean severity."""
        rate = self.rate(code) or 0.0
        mean_weight = self.flag_weight[code] / self.flag_moments[code]
        return rate * mean_weight

    def priorities(self) -> list[str]:
        """The flags to coach first (ties: more calls, then the rubric's order)."""
        order = {c: i for i, c in enumerate(FLAG_CODES)}
        codes = [c for c, n in self.flag_moments.items() if n > 0]
        codes.sort(key=lambda c: (-self.priority(c), -self.flag_calls[c], order.get(c, 99)))
        return codes[:PRIORITIES]

    def row(self, flag_codes: Sequence[str] = FLAG_CODES) -> dict[str, Any]:
        delta = self.band_delta
        if delta is None:
            vs_band: Any = None
        elif abs(delta) < 0.005:
            vs_band = "within"
        else:
            vs_band = f"{delta:+.3f}"
        ack = self.rate("acknowledgment-gap")
        return {
            "csm": self.name,
            "calls": self.calls,
            "escalations": self.escalations,
            "mean_score": None if self.mean_score is None else round(self.mean_score, 1),
            "mean_talk_ratio": None if self.mean_ratio is None else round(self.mean_ratio, 3),
            "talk_ratio_vs_band": vs_band,
            "calls_above_band": self.above,
            "calls_below_band": self.below,
            "ack_gap_rate": "n/a" if ack is None else round(ack, 3),
            "csm_interruptions_per_call": round(self.csm_interruptions / self.calls, 2)
            if self.calls else None,
            **{f"{c}_rate": _r(self.rate(c)) for c in flag_codes},
            "most_common_findings": "; ".join(
                f"{self.labels.get(k, k)} ({n})" for k, n in self.findings.most_common(3)
            ),
        }


def _pairs(items: Any) -> list[tuple[str, str]]:
    """Findings as (key, label); a bare string is its own label."""
    out = []
    for it in items or []:
        if isinstance(it, str):
            out.append((it, it))
        else:
            out.append((str(it[0]), str(it[1])))
    return out


def _r(x: float | None) -> float | str:
    return "n/a" if x is None else round(x, 3)


@dataclass
class TeamStats:
    """The whole run, fed one call row at a time."""

    csms: dict[str, CsmStats] = field(default_factory=dict)
    calls: int = 0
    escalations: int = 0
    score_sum: float = 0.0
    scored: int = 0
    first_date: str | None = None
    last_date: str | None = None
    flag_calls: Counter[str] = field(default_factory=Counter)
    csm_sources: Counter[str] = field(default_factory=Counter)
    lowest: list[tuple[float, int, dict[str, Any]]] = field(default_factory=list)
    unnamed: int = 0  # calls whose CSM no roster, sidecar or name in the call names
    unnamed_calls: list[dict[str, Any]] = field(default_factory=list)  # the first few
    flag_codes: tuple[str, ...] = FLAG_CODES  # csms.csv's rate columns (a team's own flags too)
    _order: int = 0

    def add(self, row: dict[str, Any]) -> None:
        self._order += 1
        self.calls += 1
        self.escalations += bool(row.get("escalation"))
        self.csm_sources[row.get("csm_source") or "?"] += 1
        if row.get("score") is not None:
            self.score_sum += row["score"]
            self.scored += 1
            item = (-float(row["score"]), -self._order, _call_ref(row))
            if len(self.lowest) < 3:
                heapq.heappush(self.lowest, item)
            elif item[:2] > self.lowest[0][:2]:
                heapq.heapreplace(self.lowest, item)
        d = row.get("date")
        if d:
            self.first_date = min(self.first_date or d, d)
            self.last_date = max(self.last_date or d, d)
        for code, n in (row.get("flags") or {}).items():
            if n:
                self.flag_calls[code] += 1
        names = row.get("csms") or ([row["csm"]] if row.get("csm") else [])
        if not names:
            self.unnamed += 1
            if len(self.unnamed_calls) < UNNAMED_LISTED:
                self.unnamed_calls.append(_call_ref(row))
        for name in names:
            key = " ".join(name.split()).casefold()
            stats = self.csms.get(key)
            if stats is None:
                stats = self.csms[key] = CsmStats(name=" ".join(name.split()))
            stats.add(row, self._order)

    def csm_rows(self) -> list[dict[str, Any]]:
        return [s.row(self.flag_codes) for s in self.ranked()]

    def ranked(self) -> list[CsmStats]:
        """Who needs coaching first: lowest mean score, then most calls."""
        return sorted(
            self.csms.values(),
            key=lambda s: (s.mean_score if s.mean_score is not None else 101, -s.calls, s.name),
        )


def _call_ref(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in ("file", "report", "page", "csm", "csm_speaker",
                                    "call_type", "score", "date")}


def _link(ref: dict[str, Any], at: float | None = None) -> str:
    """A Markdown link to the call's HTML report (at the moment ``at``: the page's
    ``#t=`` anchor), or to its JSON when no page was written."""
    file, report, page = ref.get("file"), ref.get("report"), ref.get("page")
    name = (file or report or "call").replace("\\", "/").rsplit("/", 1)[-1]
    name = name.replace("[", "(").replace("]", ")")
    href = (page or report or "").replace(" ", "%20")
    if page and at is not None:
        href += f"#t={int(at)}"
    return f"[{name}]({href})"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _quote(text: str | None) -> str:
    text = (text or "").replace("\n", " ").replace("|", "/").strip()
    return f" “{text}”" if text else ""


def render_summary(team: TeamStats, *, failed: int, skipped: int, resumed: int,
                   generated: dt.date | None = None, interrupted: bool = False,
                   timing_only: int = 0) -> str:
    """The Markdown summary: the week in a few lines, then three priorities per CSM."""
    lines: list[str] = []
    period = (
        f"{team.first_date} to {team.last_date}"
        if team.first_date and team.first_date != team.last_date
        else (team.first_date or "no dated calls")
    )
    lines.append(f"# Coaching summary: {period}")
    lines.append("")
    if interrupted:
        lines.append("> **Interrupted run**: re-run the same command to finish; "
                     "finished calls are kept.")
        lines.append("")
    n_csm = len(team.csms)
    parts = [f"**{team.calls} call{'s' if team.calls != 1 else ''}** scored across "
             f"**{n_csm} named CSM{'s' if n_csm != 1 else ''}**"]
    if resumed:
        parts.append(f"{resumed} reused from an earlier run")
    if failed:
        parts.append(f"**{failed} failed** (see [errors.csv](errors.csv))")
    if skipped:
        what = (f", {timing_only} of them timing only (no words), not scored"
                if timing_only else "")
        parts.append(f"{skipped} skipped{what} (see [skipped.csv](skipped.csv))")
    lines.append("- " + "; ".join(parts) + ".")
    if team.unnamed:
        lines.append(f"- **{_unnamed_line(team.unnamed)}** (listed at the end; "
                     "they count in the team's figures, not in any CSM's).")
    if team.calls:
        mean = team.score_sum / team.scored if team.scored else None
        esc_share = 100 * team.escalations / team.calls
        lines.append(
            f"- Mean score {mean:.0f}/100; " if mean is not None else "- No scores; "
        )
        lines[-1] += (f"{team.escalations} escalation{'s' if team.escalations != 1 else ''}"
                      f" ({esc_share:.0f} % of calls).")
        if team.flag_calls:
            top = ", ".join(
                f"{flag_title(c).lower()} in {n} call{'s' if n != 1 else ''}"
                for c, n in team.flag_calls.most_common(3)
            )
            lines.append(f"- Most common coaching points: {top}.")
        else:
            lines.append("- No flags were raised on any call.")
        worst = sorted((x for x in team.lowest if mean is not None and -x[0] < mean),
                       key=lambda x: (x[0], x[1]), reverse=True)
        if worst:
            refs = ", ".join(
                f"{_link(r)} ({r['score']}, {r['csm'] or NO_CSM}, "
                f"{str(r['call_type']).replace('_', '-')})"
                for _, _, r in worst
            )
            lines.append(f"- Lowest-scoring calls: {refs}.")
        how = ", ".join(f"{k} {n}" for k, n in team.csm_sources.most_common())
        lines.append(f"- CSM identified by: {how}.")
    lines.append("")
    lines.append("## Coaching priorities per CSM")
    lines.append("")
    lines.append("Lowest mean score first. Times link to the moments in each call's report.")
    for s in team.ranked():
        lines.append("")
        head = [f"{s.calls} call{'s' if s.calls != 1 else ''}"]
        if s.mean_score is not None:
            head.append(f"mean score {s.mean_score:.0f}")
        if s.mean_ratio is not None:
            delta = s.band_delta or 0.0
            side = "above" if delta > 0 else "below"
            where = ("within the band" if abs(delta) < 0.005
                     else f"{abs(delta) * 100:.0f} pts {side} the band")
            head.append(f"talk ratio {s.mean_ratio:.2f} ({where})")
        if s.escalations:
            head.append(f"{s.escalations} escalation{'s' if s.escalations != 1 else ''}")
        lines.append(f"### {s.name}")
        lines.append("")
        lines.append(" · ".join(head))
        lines.append("")
        prios = s.priorities()
        if not prios:
            lines.append("No recurring coaching points in these calls.")
        for i, code in enumerate(prios, 1):
            if code in ESCALATION_FLAGS and s.escalations:
                freq = f"{s.flag_calls_esc[code]} of {s.escalations} escalations"
            else:
                freq = f"{s.flag_calls[code]} of {s.calls} calls"
            text = f"{i}. **{flag_title(code)}** ({freq})."
            if s.suggestion.get(code):
                text += f" Try: {s.suggestion[code].removeprefix('Try: ')}"
            lines.append(text)
            examples = sorted(s.examples.get(code, []), key=lambda x: x[:3], reverse=True)
            for *_, mo in examples:
                at = f" {stamp(mo.get('at'))}" if mo.get("at") is not None else ""
                lines.append(f"   - {_link(mo, mo.get('at'))}{at}"
                             f"{_quote(mo.get('quote'))}")
        if s.strengths:
            best = " ".join(_sentence(s.labels.get(k, k)) for k, _ in s.strengths.most_common(2))
            lines.append("")
            lines.append(f"Strengths to keep: {best}")
    if team.unnamed:
        lines += ["", f"## {_unnamed_line(team.unnamed)}", "",
                  "Their speakers have generic labels (`A`, `spk_0`, `SPEAKER_00`, `AGENT`…), "
                  "which are slots in one file, not people. Name the CSM in a sidecar "
                  "`<file>.meta.json` (`{\"csm\": \"Their Name\"}`), or give `--roster` "
                  "with the team's CSMs when they say their name in the call.", ""]
        for r in team.unnamed_calls:
            score = f", score {r['score']}" if r.get("score") is not None else ""
            lines.append(f"- {_link(r)}: CSM speaker "
                         f"`{r.get('csm_speaker') or '?'}`, "
                         f"{str(r['call_type']).replace('_', '-')}{score}")
        if team.unnamed > len(team.unnamed_calls):
            lines.append(f"- … and {team.unnamed - len(team.unnamed_calls)} more "
                         "(the rows of calls.csv with an empty `csm`)")
    lines.append("")
    return "\n".join(lines)


def _unnamed_line(n: int) -> str:
    return (f"{n} call{'s' if n != 1 else ''} with no named CSM — add a sidecar or roster")
