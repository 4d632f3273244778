"""Jargon, empathy and confidence: the language signals of the report.

Jargon is a lexicon term or an unexplained acronym said by the CSM; it counts as
explained when the CSM glosses it in the same or the next sentence. Redaction tokens and
sound tags (``[PII]``, ``<NAME>``, ``[CREDIT_CARD]``, ``XXXX``) are not words, so never jargon. Empathy is how
often the CSM acknowledged or reassured; confidence weighs commitments against hedges.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import combinations
from typing import TYPE_CHECKING

from coach.metrics.words import is_tag_token
from coach.moves import Utterance
from coach.report import Evidence, JargonUse, Level

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

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


class JargonMatcher:
    """Jargon in a ``Doc``: lexicon terms (longest first) and uncommon acronyms.

    Built once per vocabulary (one per ``Analyzer``), so a call never walks its tokens
    in Python. A term matches a run of one to three tokens whose lower-cased texts,
    joined by single spaces, are the term: a ``PhraseMatcher`` on ``LOWER`` holds every
    way of cutting the term at its spaces into at most three pieces. An acronym is a
    token that fully matches ``ACRONYM`` and is not a common one (nor its plural); that
    is a lexeme flag, computed once per distinct word, so only the hits reach Python.
    """

    def __init__(self, vocab: Vocab, terms: Iterable[str]) -> None:
        from spacy.matcher import PhraseMatcher

        self.terms = frozenset(terms)
        self._matcher = PhraseMatcher(vocab, attr="LOWER")
        strings = vocab.strings
        for term in sorted(self.terms):
            patterns = [[strings.add(piece) for piece in pieces] for pieces in _token_splits(term)]
            if patterns:
                self._matcher.add(term, patterns)
        self._has_terms = len(self._matcher) > 0
        self._flag = _acronym_flag(vocab)

    def find(self, doc: Doc) -> list[tuple[int, str]]:
        """``(token index, term)`` of each jargon use in ``doc``, in order.

        Per sentence, left to right: the longest term starting at a token wins and its
        tokens are skipped; any other token is an acronym unless it starts a sentence.
        A term never spans two sentences. Lexicon terms come back as written in the
        lexicon (lower case), acronyms as said.
        """
        if not len(doc):
            return []
        found: list[tuple[int, str]] = []
        covered: set[int] = set()
        if self._has_terms:
            matches = self._matcher(doc)
            if matches:
                longest: dict[int, tuple[int, int]] = {}
                for key, start, end in matches:
                    if end - start > 1 and any(doc[j].is_sent_start for j in range(start + 1, end)):
                        continue  # across a sentence boundary
                    if start not in longest or end > longest[start][0]:
                        longest[start] = (end, key)
                strings = doc.vocab.strings
                pos = 0
                for start in sorted(longest):
                    if start < pos:
                        continue
                    end, key = longest[start]
                    found.append((start, strings[key]))
                    covered.update(range(start, end))
                    pos = end
        acronyms = doc.to_array(self._flag).nonzero()[0]
        if len(acronyms):
            for i in acronyms.tolist():
                if i in covered:
                    continue
                tok = doc[i]
                if not tok.is_sent_start:
                    found.append((i, tok.text))
            found.sort()
        if found:
            found = [(i, term) for i, term in found if not _tag_at(doc, i)]
        return found


def _tag_at(doc: Doc, i: int) -> bool:
    """Token ``i`` is a redaction token or sound tag (``[PII]``, ``<NAME>``, ``XXXX``), not a word."""
    return is_tag_token(doc[i - 1].text if i else "", doc[i].text, doc[i + 1].text if i + 1 < len(doc) else "")


def _token_splits(term: str) -> list[tuple[str, ...]]:
    """Every way to write ``term`` as one to three non-empty pieces joined by a space."""
    if not term:
        return []
    gaps = [i for i, c in enumerate(term) if c == " "]
    out: list[tuple[str, ...]] = [(term,)]
    for a in gaps:
        pieces = (term[:a], term[a + 1 :])
        if all(pieces):
            out.append(pieces)
    for a, b in combinations(gaps, 2):
        pieces = (term[:a], term[a + 1 : b], term[b + 1 :])
        if all(pieces):
            out.append(pieces)
    return out


def _is_uncommon_acronym(text: str) -> bool:
    return bool(ACRONYM.match(text)) and text not in COMMON_ACRONYMS and text.rstrip("s") not in COMMON_ACRONYMS


def _acronym_flag(vocab: Vocab) -> int:
    """The id of the lexeme flag "uncommon acronym" in ``vocab``, added once."""
    for flag_id, getter in vocab.lex_attr_getters.items():
        if getter is _is_uncommon_acronym:
            return flag_id
    return vocab.add_flag(_is_uncommon_acronym)


def _jargon_turns(
    utts: list[Utterance], jargon: JargonMatcher | Iterable[str], role: str
) -> Iterator[tuple[Utterance, list[tuple[int, str]]]]:
    """(utterance, its jargon) for the turns of ``role`` that are not backchannels and use some."""
    if not utts:
        return
    matcher = jargon if isinstance(jargon, JargonMatcher) else JargonMatcher(utts[0].doc.vocab, jargon)
    for u in utts:
        if u.role == role and not u.backchannel and (found := matcher.find(u.doc)):
            yield u, found


def find_jargon(utts: list[Utterance], jargon: JargonMatcher | Iterable[str]) -> list[JargonUse]:
    """Every jargon use by a company-side speaker, marked explained when glossed.

    ``jargon`` is the ``JargonMatcher`` built once per analyzer (lower-cased lexicon
    terms are accepted too, at the price of building one per call).
    """
    out: list[JargonUse] = []
    for u, found in _jargon_turns(utts, jargon, "csm"):
        sents = list(u.doc.sents)
        starts = [s.start for s in sents]
        gloss_idx = {
            i for i, s in enumerate(sents) if any(h.sent.start == s.start for h in u.by_emit.get("jargon_gloss", []))
        }
        for tok_i, term in found:
            i = bisect_right(starts, tok_i) - 1
            explained = bool(gloss_idx & {i, i + 1})
            out.append(JargonUse(term=term, at=u.turn.start, speaker=u.turn.speaker, explained=explained))
    return out


def customer_jargon(utts: list[Utterance], jargon: JargonMatcher | Iterable[str]) -> dict[str, float]:
    """Technical terms the customer side used, with the first time: their vocabulary."""
    out: dict[str, float] = {}
    for u, found in _jargon_turns(utts, jargon, "customer"):
        for _, term in found:
            out.setdefault(term.lower(), u.turn.start)
    return out


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
