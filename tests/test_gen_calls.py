"""The benchmark's call generator: deterministic, prefix-stable, realistic vocabulary.

The batch benchmark compares full analysis with spaCy's tokenizer on these calls; a
generator with a few hundred distinct words lets the tokenizer's cache answer every
word and makes the floor unrealistically fast, so the vocabulary is checked too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from coach.batch.discover import Found, discover
from coach.readers import read_transcript

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def gen():
    sys.path.insert(0, str(BENCH))
    try:
        import gen_calls
    finally:
        sys.path.remove(str(BENCH))
    return gen_calls


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_and_a_prefix_of_a_larger_set(gen, tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    gen.generate(a, calls=3, min_minutes=5, max_minutes=8, seed=7)
    gen.generate(b, calls=3, min_minutes=5, max_minutes=8, seed=7)
    gen.generate(c, calls=2, min_minutes=5, max_minutes=8, seed=7)
    files_a = _files(a)
    assert files_a == _files(b)
    calls_c = {k: v for k, v in _files(c).items() if k != "team.toml"}
    assert calls_c and all(files_a.get(k) == v for k, v in calls_c.items())


def test_vocabulary_grows_like_real_calls(gen, tmp_path):
    """Heaps' law on real calls gives ~6,500 distinct chunks in 50k words; the old
    template generator had ~700. A loose band: more than 3,000 in ~40k words."""
    gen.generate(tmp_path, calls=8, min_minutes=30, max_minutes=40, seed=3)
    chunks: set[str] = set()
    words = 0
    for found in discover([tmp_path]):
        if isinstance(found, Found):
            for turn in read_transcript(found.path).turns:
                toks = turn.text.lower().split()
                words += len(toks)
                chunks.update(toks)
    assert words > 30_000
    assert len(chunks) > 3_000, (words, len(chunks))


def test_content_words_stay_out_of_the_rules(gen):
    """The word pools avoid every single word the shipped rules look for."""
    rule_words = gen.rule_words()
    assert {"sorry", "understand", "frustrating"} <= rule_words
    lex = gen.lexicon()
    pooled = {w.lower() for forms in (*lex.nouns, *lex.verbs) for w in forms}
    pooled.update(w.lower() for w in (*lex.adjs, *lex.advs))
    assert len(pooled) > 5_000
    assert not (pooled & rule_words)
