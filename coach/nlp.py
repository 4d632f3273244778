"""The spaCy pipeline: ``spacy.blank("en")`` plus rule components, built once.

No pretrained English pipeline can be installed, so lemmas come from the lookup
tables of ``spacy-lookups-data``. Rather than running a lemmatizer over every token
(half the tokenizer's speed), the rule compiler asks for the lemmas its patterns use
and :func:`install_lemma_norms` writes them into the vocabulary's ``NORM`` once, so a
pattern ``{"LEMMA": "hear"}`` becomes ``{"NORM": "hear"}`` and costs nothing per token.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

TOKENIZER_CACHE = 200_000
# Distinct words (vocabulary entries) a long-lived pipeline keeps for good. Every new
# word adds about 1 KB (lexeme, strings, tokenizer cache, token-stream piece); past this
# many, an analysis runs in a spaCy memory zone and the words it meets first live for
# that call only, so a batch's or server's memory stops growing. The words kept are the
# frequent ones (met first), so the tokenizer cache still answers almost every token.
VOCAB_KEEP = 20_000


def build_nlp() -> Language:
    """A blank English pipeline with a sentencizer (and clause starts for unpunctuated
    speech) and a large tokenizer cache."""
    import spacy

    from coach import speech_sentences

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", "...", "…"]})
    speech_sentences.register()
    nlp.add_pipe(speech_sentences.NAME)  # clauses in turns that speech recognition left unpunctuated
    try:
        nlp.tokenizer.max_cache_size = TOKENIZER_CACHE  # spaCy >= 3.8
    except AttributeError:  # pragma: no cover - older spaCy
        pass
    return nlp


@lru_cache(maxsize=1)
def _lemma_table() -> dict[str, str]:
    """form -> lemma, from spaCy's English lookup table (read once; empty without
    ``spacy-lookups-data``)."""
    import gzip
    import json
    from importlib import resources

    try:
        path = resources.files("spacy_lookups_data") / "data" / "en_lemma_lookup.json.gz"
        table: dict[str, str] = json.loads(gzip.decompress(path.read_bytes()))
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return {}
    return {form.lower(): lemma.lower() for form, lemma in table.items()}


@lru_cache(maxsize=1)
def _inverse_lemma_table() -> dict[str, list[str]]:
    """lemma -> inflected forms (empty without the lookup table: :func:`forms_of` then
    falls back to regular inflection)."""
    inverse: dict[str, list[str]] = defaultdict(list)
    for form, lemma in _lemma_table().items():
        inverse[lemma].append(form)
    return dict(inverse)


MODALS = frozenset({"can", "could", "may", "might", "must", "shall", "should", "will", "would"})
"""Each its own lemma in rules: "could" must not start matching "can"."""


def lemma_of(word: str) -> str:
    """The lemma a rule means when it writes an inflected form as a ``LEMMA`` ("paying"
    means "pay"). A word that is some entry's lemma stays itself. Without this, the
    form would become a lemma of its own and take its NORM away from every other rule
    that matches the real lemma."""
    word = word.lower()
    if word in IRREGULAR or word in MODALS or word in _inverse_lemma_table():
        return word
    return _lemma_table().get(word, word)


IRREGULAR: dict[str, list[str]] = {
    "be": ["be", "am", "is", "are", "was", "were", "been", "being", "'m", "'re", "'s"],
    "have": ["have", "has", "had", "having", "'ve", "'d"],
    "will": ["will", "'ll", "wo"],
    "do": ["do", "does", "did", "done", "doing"],
    "not": ["not", "n't"],
}


def forms_of(lemma: str) -> set[str]:
    """Every inflected form of ``lemma`` known to the lookup table, plus regular ones."""
    lemma = lemma.lower()
    forms = {lemma}
    forms.update(IRREGULAR.get(lemma, ()))
    known = _inverse_lemma_table().get(lemma)
    if known:
        forms.update(known)
    elif lemma.isalpha() and len(lemma) > 2 and lemma not in IRREGULAR:
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        forms.update({lemma + "s", stem + "ed", stem + "ing"})
    return forms


def install_lemma_norms(nlp: Language, lemmas: Iterable[str]) -> None:
    """Make ``NORM`` carry the lemma for every form of the given lemmas.

    Lexeme norms are per vocabulary entry, so this costs nothing per token; the
    tokenizer's special cases ("I'm" -> "'m" with NORM "am") are rewritten too so that
    contractions reach the same lemma.
    """
    wanted = sorted({lemma.lower() for lemma in lemmas})
    mapping: dict[str, str] = {}
    for lemma in wanted:  # irregular forms first: "'s" is "be", whatever the table says
        for form in IRREGULAR.get(lemma, ()):
            mapping.setdefault(form, lemma)
    for lemma in wanted:
        mapping.setdefault(lemma, lemma)
    for lemma in wanted:
        for form in forms_of(lemma):
            # a form shared by two lemmas keeps the first one; a lemma stays itself
            mapping.setdefault(form, lemma)
    vocab = nlp.vocab
    for form, lemma in mapping.items():
        for variant in {form, form.capitalize(), form.upper()}:
            vocab[variant].norm_ = lemma
    rules = dict(nlp.tokenizer.rules or {})
    changed = False
    for key, tokens in rules.items():
        new_tokens = []
        for tok in tokens:
            norm = tok.get(67) or tok.get("NORM")  # 67 == spacy.attrs.NORM
            orth = tok.get(65) or tok.get("ORTH")  # 65 == spacy.attrs.ORTH
            low = (orth or "").lower()
            if low in mapping and (norm is None or norm != mapping[low]):
                tok = {k: v for k, v in tok.items() if k not in (67, "NORM")}
                tok["NORM"] = mapping[low]
                changed = True
            new_tokens.append(tok)
        rules[key] = new_tokens
    if changed:
        nlp.tokenizer.rules = rules
