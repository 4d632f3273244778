"""The analysis: a ``Transcript`` (roles assigned) in, a ``Report`` out.

``Analyzer`` builds the spaCy pipeline, the rules and the matchers once; every turn is
tokenized once into its own ``Doc`` (``nlp.pipe`` over all turns of all calls in a
batch) and every analysis reads those Docs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from os import PathLike
from pathlib import Path

from coach import __version__
from coach.calltype import classify
from coach.concerns import find_concerns
from coach.followup.commitments import find_commitments
from coach.judge import checks, findings, flags, score, sequence
from coach.language_signals import JargonMatcher, confidence_level, customer_jargon, empathy_level, find_jargon
from coach.metrics import BackchannelLexicon, compute_timing_metrics
from coach.models import Transcript
from coach.moves import Utterance, detect_moves, utterance_moves
from coach.nlp import VOCAB_KEEP
from coach.report import CallType, Metrics, Move, Report, Source
from coach.rules.loader import RuleSet, load_rules
from coach.rules.schema import MOVES

# moves a report lists: every company-side move but the internal helpers of other
# verdicts (hedges feed confidence, commitments become follow-ups, glosses excuse jargon)
INTERNAL_MOVES = frozenset({"hedge", "commitment", "jargon_gloss", "backchannel"})
MOVE_REPORT = frozenset({*MOVES, "follow_up"}) - INTERNAL_MOVES


class Analyzer:
    """Build once, analyse many calls.

    One analysis at a time per analyzer (a lock: spaCy's vocabulary is shared state).
    Once the vocabulary holds ``vocab_keep`` words, each analysis runs in a spaCy memory
    zone: words first met there are freed when it ends, so memory stays flat however
    many calls go through (``None``: keep every word).
    """

    def __init__(
        self,
        rules_dirs: Sequence[str | PathLike[str]] = (),
        *,
        ruleset: RuleSet | None = None,
        vocab_keep: int | None = VOCAB_KEEP,
    ) -> None:
        from coach.nlp import build_nlp
        from coach.rules.engine import RuleEngine

        self.rules = ruleset or load_rules([Path(d) for d in rules_dirs])
        self.nlp = build_nlp()
        self.engine = RuleEngine(self.rules, self.nlp)
        self.jargon_terms = frozenset(t.lower() for t in self.rules.lexicon_terms("jargon"))
        self.jargon = JargonMatcher(self.nlp.vocab, self.jargon_terms)
        lex = self.rules.lexicons.get("backchannels")
        self.backchannels = BackchannelLexicon.from_mapping(lex.model_dump()) if lex else None
        self.vocab_keep = vocab_keep
        self._zoned = False  # once the vocabulary is full, every analysis is zoned
        self._lock = threading.RLock()

    @property
    def fingerprint(self) -> str:
        return f"{__version__}:{self.rules.fingerprint}"

    def analyze(self, transcript: Transcript, *, call_type: str | None = None) -> Report:
        return self.analyze_many([transcript], [call_type])[0]

    def analyze_many(
        self, transcripts: Sequence[Transcript], call_types: Sequence[str | None] | None = None
    ) -> list[Report]:
        call_types = list(call_types or [None] * len(transcripts))
        texts = [t.text for tr in transcripts if tr.has_text for t in tr.turns]
        with self._vocabulary():
            docs = iter(self.nlp.pipe(texts, batch_size=256))
            reports = []
            for tr, ct in zip(transcripts, call_types, strict=True):
                if not tr.has_text:
                    reports.append(self._timing_only(tr))
                    continue
                tr_docs = [next(docs) for _ in tr.turns]
                reports.append(self._analyze(tr, tr_docs, ct))
        return reports

    def match_utterance(self, text: str, context: str = "", role: str = "csm") -> list[str]:
        """Moves in one utterance (``coach rules match``): context is the customer's last words."""
        return self.match_detail(text, context, role)["moves"]

    def match_detail(self, text: str, context: str = "", role: str = "csm") -> dict[str, list[str]]:
        """Moves, signals and the codes of the rules that fired, for one utterance."""
        from coach.models import Turn
        from coach.rules.schema import SIGNALS

        turn = Turn(speaker="speaker", role=role, start=0.0, end=0.0, text=text)  # type: ignore[arg-type]
        with self._vocabulary():
            u = detect_moves([turn], [self.nlp(text)], self.engine, self.backchannels)[0]
            moves = [m for m in utterance_moves(u) if m in MOVE_REPORT or m == "backchannel"]
            if u.has("probe") is False and "understand" in moves:
                moves.remove("understand")
            signals = sorted({h.rule.emits for h in u.hits if h.rule.emits in SIGNALS})
            rules = list(dict.fromkeys(h.rule.code for h in u.hits))
        return {"moves": moves, "signals": signals, "rules": rules}

    def calltype_features(self, tr: Transcript) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
        """What the call-type model weighs for one call (``coach rules fit`` builds its table so)."""
        from coach.calltype_features import call_features

        with self._vocabulary():
            docs = list(self.nlp.pipe([t.text for t in tr.turns], batch_size=256))
            utts, metrics = self._read(tr, docs)
            return call_features(utts, metrics.sentiment_quarters)

    # -- internals ---------------------------------------------------------------------
    @contextmanager
    def _vocabulary(self) -> Iterator[None]:
        """Hold the lock; past ``vocab_keep`` words, run in a memory zone (see the class)."""
        with self._lock:
            if not self._zoned and self.vocab_keep and len(self.nlp.vocab) >= self.vocab_keep:
                self._zoned = True
            if not self._zoned:
                yield
                return
            with self.nlp.memory_zone(), self.engine.streams.transient():
                yield

    def _source(self, tr: Transcript) -> Source:
        return Source(
            path=tr.source_path,
            format=tr.format,
            timing=tr.timing,
            speakers={s: tr.role_of(s) for s in tr.speakers},
            role_sources=tr.role_sources,
            warnings=tr.warnings,
            duration=max((t.end for t in tr.turns), default=0.0),
        )

    def _timing_only(self, tr: Transcript) -> Report:
        metrics = compute_timing_metrics(tr, lexicon=self.backchannels, sentiment=False)
        prof = self.rules.call_types.profiles["check_in"]
        ct = CallType(
            label="check_in",
            confidence=0.0,
            expected_talk_ratio=tuple(prof.talk_band),
            focus="timing only: the source has no words",
        )
        return Report(
            coach_version=__version__, source=self._source(tr), call_type=ct, metrics=metrics, timing_only=True
        )

    def _read(self, tr: Transcript, docs: list) -> tuple[list[Utterance], Metrics]:
        """The moves of every turn and the timing metrics: what every analysis starts from."""
        utts: list[Utterance] = detect_moves(tr.turns, docs, self.engine, self.backchannels)
        return utts, compute_timing_metrics(tr, lexicon=self.backchannels)

    def _analyze(self, tr: Transcript, docs: list, call_type: str | None) -> Report:
        utts, metrics = self._read(tr, docs)
        ct = classify(utts, self.rules, override=call_type, quarters=metrics.sentiment_quarters)
        esc = ct.label == "escalation"
        metrics.jargon = find_jargon(utts, self.jargon)
        metrics.empathy = empathy_level(utts, esc)
        metrics.confidence = confidence_level(utts)
        concerns = find_concerns(utts)
        seq = sequence(utts, ct)
        flag_list = flags(utts, ct, metrics, seq, concerns, self.rules, customer_jargon(utts, self.jargon))
        check_list = checks(utts, ct, flag_list)
        finding_list = findings(utts, self.rules, flag_list)
        total, breakdown = score(flag_list, seq, check_list, finding_list, self.rules)
        moves = [
            Move(move=m, at=u.turn.start, speaker=u.turn.speaker, role=u.role, quote=u.quote(m), rule=_rule_of(u, m))
            for u in utts
            if u.company
            for m in utterance_moves(u)
            if m in MOVE_REPORT
        ]
        return Report(
            coach_version=__version__,
            source=self._source(tr),
            call_type=ct,
            metrics=metrics,
            sequence=seq,
            flags=flag_list,
            checks=check_list,
            findings=finding_list,
            concerns=concerns,
            commitments=find_commitments(utts),
            moves=moves,
            score=total,
            score_breakdown=breakdown,
        )


def _rule_of(u: Utterance, move: str) -> str:
    for h in u.by_emit.get(move, []):
        return h.rule.code
    return "derived"


def prepare(
    path: str | PathLike[str], *, csm: Sequence[str] = (), roster=None, input_format: str | None = None
) -> Transcript:
    """Read a file and assign roles (text-less sources need no CSM)."""
    from coach.readers import read_transcript
    from coach.roles import assign_roles

    tr = read_transcript(path, input_format=input_format)
    return assign_roles(tr, csm=csm, roster=roster, require_csm=tr.has_text)


def analyze_path(
    path: str | PathLike[str],
    *,
    csm: Sequence[str] = (),
    roster=None,
    input_format: str | None = None,
    rules_dirs: Sequence[str | PathLike[str]] = (),
    call_type: str | None = None,
    analyzer: Analyzer | None = None,
) -> Report:
    tr = prepare(path, csm=csm, roster=roster, input_format=input_format)
    return (analyzer or Analyzer(rules_dirs)).analyze(tr, call_type=call_type)
