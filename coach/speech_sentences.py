"""Sentences in speech-recognition text that has no punctuation.

Phone-call ASR often writes a whole turn in lower case without a full stop or a
question mark ("oh yeah sorry hang on okay so how are the numbers looking i
looked last week churn is down"). The sentencizer then sees one sentence per turn,
and everything that reads a sentence or a clause (question shape, negation scope, a
third-party subject, the quote a finding shows) reads the whole turn at once: one
customer's story about *their* customers' anger becomes the customer's own anger.

This component runs after the sentencizer and, only in a turn whose punctuation is
too sparse to trust, starts a sentence where spoken clauses start: at a run of
discourse words ("okay", "yeah", "oh", "um"), at "so"/"but" followed by a subject,
at a subject pronoun with its verb ("i looked", "we're"), and at a question's
opening ("how are", "can you", "did they"), unless the word before needs what
follows (an article, a preposition, "that", "think", "because"...). Punctuated turns
are left exactly as the sentencizer split them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

NAME = "speech_sentences"
# a turn of at least this many words with fewer than one punctuation mark per WORDS_PER_MARK
# words is unpunctuated speech (written speech has a mark every 5-15 words)
MIN_WORDS = 14
WORDS_PER_MARK = 30
# a shorter turn counts when it has no mark at all ("good glad that's smooth and how are subscriptions")
MIN_WORDS_NO_MARK = 6

# words that open a spoken clause on their own; a run of them opens one sentence
OPENERS = frozenset(
    {"okay", "ok", "alright", "yeah", "yep", "yes", "oh", "um", "uh", "umm", "uhh", "hmm", "mm", "mhm", "anyway",
     "anyways", "gotcha", "cool", "awesome", "perfect", "wow", "ah", "ugh", "hey", "hi", "hello", "bye", "thanks"}
)
# words that open a clause when a subject or another opener follows ("so we", "but i")
LINKS = frozenset({"so", "but", "well", "now", "and", "because", "cause", "then", "honestly", "basically", "actually"})
SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she", "it", "that", "there", "this", "y'all"})
# what a subject's verb looks like without a tagger: auxiliaries, contractions and common
# verbs of speech ("i looked", "we need", "they said")
VERBISH = frozenset(
    {"'m", "'re", "'s", "'ve", "'ll", "'d", "m", "re", "s", "ve", "ll", "d", "am", "are", "is", "was", "were", "have",
     "has", "had", "do", "did", "does", "can", "could", "will", "would", "should", "shall", "may", "might", "must",
     "ca", "wo", "just", "really", "actually", "also", "never", "already", "still", "always", "think", "thought",
     "know", "knew", "need", "needed", "want", "wanted", "said", "say", "told", "got", "get", "went", "go", "looked",
     "look", "saw", "see", "mean", "meant", "guess", "feel", "felt", "tried", "try", "called", "sent", "asked",
     "checked", "noticed", "found", "heard", "hear", "understand", "appreciate", "love", "like", "hate", "wonder",
     "hope", "believe", "remember", "gotta", "gonna", "wanna"}
)
AUX = frozenset(
    {"do", "does", "did", "is", "are", "was", "were", "can", "could", "would", "will", "have", "has", "had", "should",
     "shall", "may", "might", "am", "ca", "wo"}
)
WH = frozenset({"what", "why", "how", "when", "where", "who", "which"})
FILLERS = frozenset({"um", "uh", "umm", "uhh", "er", "erm", "like"})
# after these auxiliaries a noun phrase is a question's subject too ("did the refunds go through")
AUX_NP = frozenset({"do", "does", "did", "can", "could", "will", "would", "should"})
NP_START = frozenset({"the", "your", "any", "anyone", "anything", "everyone", "everything", "all"})
# a word before which no clause starts: it needs the words that follow
NEEDS_MORE = frozenset(
    {"a", "an", "the", "to", "of", "in", "on", "at", "for", "with", "from", "by", "about", "into", "onto", "over",
     "under", "than", "as", "like", "and", "or", "nor", "but", "so", "because", "cause", "if", "when", "whether",
     "that", "which", "who", "what", "how", "why", "where", "while", "though", "although", "unless", "until",
     "since", "before", "after", "once", "think", "thought", "know", "knew", "guess", "mean", "said", "say", "says",
     "tell", "told", "hope", "feel", "felt", "sure", "believe", "wonder", "wondering", "realize", "realise", "is",
     "are", "was", "were", "be", "been", "being", "am", "'s", "'re", "'m", "'ve", "'d", "'ll", "not", "n't", "very",
     "really", "too", "just", "my", "your", "our", "their", "his", "her", "its", "some", "any", "no", "every",
     "each", "all", "this", "these", "those", "make", "makes", "made", "let", "help", "see", "thank", "get", "got",
     "do", "does", "did", "can", "could", "will", "would", "should", "might", "may", "must", "have", "has", "had",
     "even", "only", "also", "ever", "never", "kind", "sort", "lot", "bit", "more", "most", "less", "much", "many",
     "then", "yeah", "okay", "oh", "um", "uh", "hmm", "well", "now", "there", "here", "it", "i", "we", "you",
     "they", "he", "she", "going", "gonna", "want", "wanna", "need", "try", "trying", "able", # heads of a relative clause without "that": "anything else i can do", "the way we set it up"
     "anything", "something", "everything", "nothing", "else", "thing", "things", "way", "time", "one", "stuff",
     "part", "reason", "place", "day", "week", "first", "last", "next", "same",
     # verbs that take a clause: "they swore it would be fixed", "i figured we were fine"
     "swore", "swear", "promised", "promise", "promises", "claimed", "claim", "assured", "guaranteed", "mentioned",
     "explained", "figured", "assumed", "expected", "heard", "noticed", "saw", "realized", "realised", "seems",
     "seemed", "wish", "wished", "bet", "doubt", "suppose", "supposed", "understand", "understood", "agree",
     "agreed", "decided", "learned", "learnt", "found", "admit", "admitted", "hoped", "thinks", "knows", "means",
     "guessing", "saying", "telling", "worried", "afraid", "glad", "sorry", "happy", "surprised", "shocked"}
)
# a discourse word after these is part of the clause ("did it go through okay", "is everything alright")
NOT_BEFORE_OPENER = NEEDS_MORE | frozenset(
    {"through", "out", "up", "down", "off", "back", "doing", "going", "go", "went", "work", "works", "worked",
     "sound", "sounds", "look", "looks", "seem", "seems", "everything", "fine", "me", "us", "him", "them", "say"}
)
# subordinators: the clause after "if you refund it, it would..." belongs to the same sentence
SUBORDINATORS = frozenset({"if", "when", "whenever", "unless", "once", "because", "cause", "since", "although",
                           "though", "while", "whereas"})
# auxiliaries that open a question with "i" after them ("can i", "should i"; not "were i")
AUX_I = frozenset({"can", "could", "should", "do", "did", "may", "will", "would", "shall"})


def unpunctuated(doc: Doc) -> bool:
    """Whether this turn is speech written without punctuation (one array read, not a loop
    over tokens: this runs on every turn)."""
    from spacy.attrs import IS_PUNCT

    marks = int(doc.to_array(IS_PUNCT).sum())
    words = len(doc) - marks
    if not marks:
        return words >= MIN_WORDS_NO_MARK
    return words >= MIN_WORDS and marks * WORDS_PER_MARK < words


SINGULAR = frozenset({"it", "he", "she", "that", "this", "there"})


def _verbish(subject: str, word: str) -> bool:
    """Whether ``word`` reads as the verb of ``subject`` without a tagger: a known verb, a past
    form ("we moved", "they lost" is not caught, "i looked" is), or an -s form after a singular
    subject ("it keeps", "she says")."""
    if word in VERBISH:
        return True
    if len(word) > 3 and word.endswith("ed"):
        return True
    return subject in SINGULAR and len(word) > 3 and word.endswith("s") and not word.endswith("ss")


def clause_starts(words: list[str]) -> list[int]:
    """Indices (never 0) where a spoken clause starts in lower-case ``words``."""
    starts: list[int] = []
    n = len(words)
    subordinate = words[0] in SUBORDINATORS  # a subordinate clause waits for its main clause
    for i in range(1, n):
        w, prev = words[i], words[i - 1]
        j = i + 1
        while j < n and words[j] in FILLERS:  # "did um did the refunds": look past the filler
            j += 1
        if j < n and words[j] == w:  # and past the restart
            j += 1
        nxt = words[j] if j < n else ""
        if w in OPENERS:
            start = prev not in OPENERS and prev not in NOT_BEFORE_OPENER
        elif w in LINKS:
            start = (
                prev not in LINKS
                and prev not in OPENERS
                and (nxt in WH or nxt in OPENERS or nxt in SUBJECTS and w != "and")  # "and that's on us" continues
            )
        elif w in SUBJECTS:
            start = _verbish(w, nxt) and prev not in NEEDS_MORE and prev not in LINKS and prev not in OPENERS
            if start and subordinate:  # "if you refunded part of an order it would cancel": the main clause
                start = subordinate = False
        elif w in WH:
            start = (nxt in AUX or nxt in ("'s", "'re")) and prev not in NEEDS_MORE and prev not in LINKS
        elif w in AUX:
            start = (
                (nxt in SUBJECTS and nxt != "i" or nxt == "i" and w in AUX_I or nxt in NP_START and w in AUX_NP)
                and prev not in NEEDS_MORE
                and prev not in WH
                and prev not in LINKS
            )
        else:
            start = False
        if start and (not starts or i - starts[-1] >= 2):
            starts.append(i)
            subordinate = False
        if w in SUBORDINATORS:
            subordinate = True
    return starts


def segment(doc: Doc) -> Doc:
    """Start sentences at spoken clause starts in an unpunctuated turn."""
    if not len(doc) or not unpunctuated(doc):
        return doc
    index = [t.i for t in doc if not t.is_punct and not t.is_space]
    words = [doc[i].lower_ for i in index]
    for k in clause_starts(words):
        doc[index[k]].is_sent_start = True
    return doc


def register() -> None:
    """Make the component known to spaCy (idempotent)."""
    from spacy.language import Language

    if not Language.has_factory(NAME):
        Language.component(NAME, func=segment)
