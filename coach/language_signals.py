"""Jargon, empathy and confidence: the language signals of the report.

Jargon is a lexicon term or an unexplained acronym said by the CSM; it counts as
explained when the CSM glosses it in the same or the next sentence. Empathy is how
often the CSM acknowledged or reassured; confidence weighs commitments against hedges.
"""

from __future__ import annotations

import re

from coach.moves import Utterance
from coach.report import Evidence, JargonUse, Level

COMMON_ACRONYMS = frozenset(
    {
        "OK",
        "CEO",
        "CFO",
        "COO",
        "CTO",
        "CIO",
        "VP",
        "SVP",
        "EVP",
        "US",
        "USA",
        "UK",
        "EU",
        "EMEA",
        "APAC",
        "AM",
        "PM",
        "QBR",
        "ROI",
        "CSM",
        "HR",
        "IT",
        "FAQ",
        "TV",
        "ID",
        "PDF",
        "CRM",
        "ETA",
        "AI",
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "NA",
        "LA",
        "NYC",
        "SF",
        "I",
        "A",
        "CMO",
        "CRO",
        "CS",
        "NDA",
        "COVID",
        "HQ",
        "OKR",
        "KPI",
        "KPIs",
        "VAT",
        "LLC",
        "INC",
        "IPO",
        "BDR",
        "SDR",
        "AE",
        "GC",
        "CSAT",
        "NPS",
        "AP",
        "AR",
        "PO",
        "SKU",
        "SMB",
        "EOD",
        "ASAP",
        "FYI",
        "FNOL",
        "IVR",
        "HRIS",
        "OSHA",
        "BAA",
        "HIPAA",
        "SOC",
    }
)
ACRONYM = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,4}s?$")


def find_jargon(utts: list[Utterance], jargon_terms: frozenset[str]) -> list[JargonUse]:
    """Every jargon use by a company-side speaker, marked explained when glossed."""
    out: list[JargonUse] = []
    for u in utts:
        if u.role != "csm" or u.backchannel:
            continue
        sents = list(u.doc.sents)
        gloss_idx = {
            i for i, s in enumerate(sents) if any(h.sent.start == s.start for h in u.by_emit.get("jargon_gloss", []))
        }
        for i, sent in enumerate(sents):
            terms = _terms(sent, jargon_terms)
            if not terms:
                continue
            explained = bool(gloss_idx & {i, i + 1})
            for term in terms:
                out.append(JargonUse(term=term, at=u.turn.start, speaker=u.turn.speaker, explained=explained))
    return out


def customer_jargon(utts: list[Utterance], jargon_terms: frozenset[str]) -> dict[str, float]:
    """Technical terms the customer side used, with the first time: their vocabulary."""
    out: dict[str, float] = {}
    for u in utts:
        if u.role != "customer" or u.backchannel:
            continue
        for sent in u.doc.sents:
            for term in _terms(sent, jargon_terms):
                out.setdefault(term.lower(), u.turn.start)
    return out


def _terms(sent, jargon_terms: frozenset[str]) -> list[str]:
    found: list[str] = []
    lowered = [t.lower_ for t in sent]
    n = len(lowered)
    i = 0
    while i < n:
        matched = None
        for size in (3, 2, 1):
            if i + size <= n:
                cand = " ".join(lowered[i : i + size])
                if cand in jargon_terms:
                    matched = (cand, size)
                    break
        if matched:
            found.append(matched[0])
            i += matched[1]
            continue
        tok = sent[i]
        if (
            ACRONYM.match(tok.text)
            and tok.text not in COMMON_ACRONYMS
            and tok.text.rstrip("s") not in COMMON_ACRONYMS
            and not tok.is_sent_start
        ):
            found.append(tok.text)
        i += 1
    return found


def empathy_level(utts: list[Utterance], escalation: bool) -> Level:
    csm = [u for u in utts if u.role == "csm" and not u.backchannel]
    if not csm:
        return Level(level="n/a", reason="no CSM turns")
    hits = [u for u in csm if u.has("acknowledge") or u.has("reassurance")]
    examples = [
        Evidence(
            at=u.turn.start,
            speaker=u.turn.speaker,
            quote=u.quote("acknowledge") if u.has("acknowledge") else u.quote("reassurance"),
            signal="acknowledge" if u.has("acknowledge") else "reassurance",
        )
        for u in hits[:3]
    ]
    n = len(hits)
    if escalation:
        level = "high" if n >= 3 else "medium" if n >= 1 else "low"
    else:
        level = "high" if n >= 2 else "medium" if n >= 1 else "medium"
    return Level(
        level=level, value=float(n), examples=examples, reason=f"{n} acknowledging or reassuring turn(s) by the CSM"
    )


def confidence_level(utts: list[Utterance]) -> Level:
    csm = [u for u in utts if u.role == "csm" and not u.backchannel]
    if not csm:
        return Level(level="n/a", reason="no CSM turns")
    strong = sum(len(u.sentences(m)) for u in csm for m in ("commitment", "act", "own", "follow_up", "honest_unknown"))
    hedges = sum(len(u.sentences("hedge")) + len(u.sentences("vague_commitment")) for u in csm)
    apologies = sum(len(u.sentences("apology")) for u in csm)
    weak = hedges + max(0, apologies - 2)
    total = strong + weak
    if total == 0:
        return Level(level="medium", value=None, reason="no commitments or hedges")
    value = strong / total
    level = "high" if value >= 0.7 else "medium" if value >= 0.45 else "low"
    examples = [
        Evidence(at=u.turn.start, speaker=u.turn.speaker, quote=u.quote("hedge"), signal="hedge")
        for u in csm
        if u.has("hedge")
    ][:3]
    return Level(
        level=level,
        value=round(value, 2),
        examples=examples,
        reason=f"{strong} commitment(s) vs {weak} hedge(s), vague promise(s) or extra apologies",
    )
