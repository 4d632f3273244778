"""Write the phone-support sample calls of tests/test_phone_support.py (issue 13).

    python tests/data/phone/make_phone_calls.py

An invented bank card replacement, as a support line records it: the service opening
("how can I help you today?"), an identity check (name, date of birth, the last four of
the card, spelling), redaction tokens where the recorder removed personal data
(``[PII]``), a close-the-loop check and goodbyes said over each other. Two renderings:

- ``support_card_replacement.aws-call-analytics.json`` — punctuated, with Call
  Analytics' own interruption summary: one interruption, the agent talking 2.3 s over a
  customer sentence that was still running. The agent also comes in over the last
  1.2-1.4 s of two customer questions that are ending (turn-end anticipation, no
  interruption), and the goodbyes overlap (no interruption).
- ``support_card_replacement_asr.coach.json`` — the same call as speech recognition
  without punctuation writes it: lower case, no question marks, run-on turns.

Times are explicit (seconds): overlaps are what these calls are about, which the script
format of ``fixtures/make_fixtures.py`` (1 s cut-offs only) cannot say; so they live here,
not among the reader fixtures.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from coach.readers import writers
from coach.readers.writers import WTurn

HERE = Path(__file__).resolve().parent

A, C = "Agent", "Caller"
CALL: list[tuple[str, float, float, str]] = [
    (A, 0.5, 6.0, "Thank you for calling Lakeside Credit Union, my name is [PII]. How can I help you today?"),
    (C, 6.6, 12.0, "Hi, yes, I think I left my debit card at a restaurant last night and I can't find it anywhere."),
    (A, 12.5, 17.0, "Okay, I can help you with that. Can I please have your full name?"),
    (C, 17.5, 19.5, "Sure, it's [PII] [PII]."),
    (A, 20.0, 22.5, "Can you spell the last name for me?"),
    (C, 23.0, 25.5, "[PII]."),
    (A, 26.0, 29.5, "Thank you. And could you verify your date of birth?"),
    (C, 30.0, 32.0, "It's [PII]."),
    (A, 32.5, 36.0, "And what's the last four of the card?"),
    (C, 36.5, 38.5, "[PII]."),
    (A, 39.0, 43.0, "Thank you, you're verified. Is this card the only one on the account?"),
    (C, 43.5, 48.0, "Yes, just the one. Will the card work if I find it again though?"),
    # the agent comes in over the last 1.2 s of a question that is ending
    (A, 46.8, 57.0, "Once I block it, it won't. I'll block it now so nobody can use it, and order a new card."),
    (C, 57.5, 66.0, "Okay. Because the thing is I have rent coming out on Friday and my paycheck goes onto that card and"),
    # ... and 2.3 s into a customer sentence that is still running: an interruption
    (A, 63.7, 75.0, "Your direct deposit isn't affected, it goes to the account, not the card, so rent will go out."),
    (C, 75.5, 80.0, "Oh good. And how long does the new one take to get here?"),
    # again over the last 1.4 s of a question that is ending
    (A, 78.6, 88.0, "Five to seven business days to the address on file. I've blocked the old card as of now."),
    (C, 88.5, 90.0, "Perfect."),
    (A, 90.5, 94.0, "Is there anything else I can help you with today?"),
    (C, 94.5, 99.0, "No, that's everything. Thank you so much, bye."),
    # goodbyes said over each other
    (A, 97.5, 101.5, "Thank you for calling, [PII], have a great day."),
]
ROLES = {A: "AGENT", C: "CUSTOMER"}


def _asr(text: str) -> str:
    """The text as unpunctuated speech recognition writes it: lower case, no marks."""
    text = re.sub(r"[.,?!]", "", text).lower()
    return text.replace("[pii]", "[PII]")


def main() -> None:
    turns = [WTurn(s, a, b, t) for s, a, b, t in CALL]
    data = json.loads(writers.aws_call_analytics(turns, roles=ROLES))
    data["ConversationCharacteristics"]["Interruptions"] = {
        "TotalCount": 1,
        "TotalTimeMillis": 2300,
        "InterruptionsByInterrupter": {
            "AGENT": [{"BeginOffsetMillis": 63700, "DurationMillis": 2300, "EndOffsetMillis": 66000}]
        },
    }
    out = HERE / "support_card_replacement.aws-call-analytics.json"
    out.write_text(json.dumps(data, indent=1) + "\n")
    # ASR rendering: consecutive turns of one speaker stay separate turns (explicit times)
    asr = json.loads(writers.coach_json([WTurn(s, a, b, _asr(t)) for s, a, b, t in CALL]))
    for t in asr["turns"]:  # roles as `coach transcript --format json` saves them
        t["role"] = "csm" if t["speaker"] == A else "customer"
    asr["format"], asr["timing"] = "coach-json", "full"
    asr["role_sources"] = {A: "saved: the support line's agent", C: "saved: the caller"}
    (HERE / "support_card_replacement_asr.coach.json").write_text(json.dumps(asr, indent=1) + "\n")


if __name__ == "__main__":
    main()
