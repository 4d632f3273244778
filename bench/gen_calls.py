"""Generate realistic synthetic customer-success calls for benchmarks and batch tests.

    python bench/gen_calls.py --out /tmp/calls --calls 500 --min-minutes 30 --max-minutes 60

Each call has a CSM, one or two customers and sometimes an internal colleague
(engineer, manager), a call type (escalation, QBR, onboarding, renewal, check-in,
training, discovery) that shapes what is said, speech-like sentences assembled from
templates (vents, acknowledgments, questions, restatements, plans, vague or dated
commitments, jargon, apologies, product updates), fillers, backchannels placed inside
the other speaker's turn (overlapping times) and cut-off turns ending in ``--``.
Files are written in mixed formats (teams-vtt, zoom-vtt, srt, text, otter-text,
coach-json), some in per-CSM folders, some with a ``<file>.meta.json`` sidecar, plus a
``team.toml`` roster (batch discovery skips it as configuration). The same ``--seed``
gives the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("teams-vtt", "zoom-vtt", "srt", "text", "otter-text", "coach-json")
EXT = {"teams-vtt": ".vtt", "zoom-vtt": ".vtt", "srt": ".srt", "text": ".txt",
       "otter-text": ".txt", "coach-json": ".json"}
CALL_TYPES = ("escalation", "qbr", "onboarding", "renewal", "check_in", "training", "discovery")
CALL_TYPE_WEIGHTS = (0.3, 0.12, 0.12, 0.1, 0.2, 0.08, 0.08)
# CSM share of the talking per call type (the middle of the rubric's bands, with spread)
CSM_SHARE = {"escalation": 0.38, "qbr": 0.52, "onboarding": 0.57, "renewal": 0.47,
             "check_in": 0.5, "training": 0.65, "discovery": 0.42}

FIRST = ["Priya", "Tom", "Mei-Ling", "Jordan", "Sasha", "Kyle", "Ruth", "Diego", "Amara",
         "Lukas", "Hannah", "Omar", "Grace", "Mateo", "Ines", "Kenji", "Fatima", "Noah",
         "Elena", "Marcus", "Aisha", "Ben", "Chloe", "Ravi", "Sofia", "Tariq", "Yuki",
         "Zoe", "Patrick", "Leila", "Dmitri", "Nadia", "Owen", "Carmen", "Felix", "Imani"]
LAST = ["Nair", "Becker", "Chow", "Pike", "Doyle", "Benton", "Abernathy", "Alvarez", "Okafor",
        "Schmidt", "Reyes", "Haddad", "Lindqvist", "Moreau", "Tanaka", "Kowalski", "Osei",
        "Brennan", "Costa", "Ivanova", "Mensah", "Whitaker", "Delgado", "Fischer", "Park"]
ACCOUNTS = ["Halverson Reyes", "Northwind Logistics", "Bluepeak Health", "Crescent Foods",
            "Atlas Freight", "Evergreen Credit Union", "Lumen Retail", "Orchard Insurance",
            "Summit HVAC", "Tidewater Clinics", "Granite Manufacturing", "Harbor Analytics",
            "Juniper Schools", "Keystone Dental", "Meridian Travel", "Pioneer Utilities",
            "Quarry Legal", "Redwood Biotech", "Silverline Media", "Vantage Property"]
PRODUCT = ["the dispatch board", "the scheduling module", "the sync connector", "the portal",
           "the mobile app", "the reporting dashboard", "the billing integration",
           "the journey builder", "the API", "the admin console"]
FEATURES = ["bulk export", "role-based permissions", "the Salesforce sync", "SSO", "custom fields",
            "automated reminders", "the audit log", "webhooks", "saved views", "the approval flow"]
TEAMS = ["dispatchers", "field techs", "support agents", "finance team", "nurses",
         "account managers", "warehouse leads", "coordinators", "analysts", "store managers"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "tomorrow", "next week"]
TIMES = ["9am", "10:30", "noon", "2pm", "3pm", "4pm", "end of day"]
JARGON = ["a race condition in the ingestion pipeline", "a p99 latency spike on the read replicas",
          "a hotfix rollback that hit the CDC stream", "an idempotency window that was too short",
          "a stale cache on the edge nodes", "a schema migration that locked the jobs table",
          "a misconfigured rate limiter on the gateway", "a deadlock in the queue consumers"]
EXECS = ["CFO", "COO", "VP of operations", "CEO", "head of IT", "board"]
NUMBERS = ["two", "three", "four", "six", "eight", "twelve", "fifteen", "twenty", "forty"]
FILLERS = ["Um, ", "Uh, ", "So, ", "Yeah, so ", "Okay, so ", "I mean, ", "Honestly, ", ""]
BACKCHANNELS = ["Mm-hmm.", "Right.", "Yeah.", "Okay.", "Sure.", "Got it.", "Uh-huh.", "Yep."]

# what each side says, by move (slots in braces)
CSM_LINES: dict[str, list[str]] = {
    "greet": [
        "Hi {cust}, thanks for making the time today.",
        "Hey {cust}, good to see you, how's everything at {account}?",
        "Thanks for jumping on, {cust}. I know your week is packed.",
        "This is {csm} from the customer success team, I'll be your point of contact.",
    ],
    "agenda": [
        "I wanted to walk through {feature} and then leave time for your questions.",
        "My plan for today is to look at adoption, then the roadmap, then next steps.",
        "Can we start with how things are going for your {team}?",
    ],
    "ack": [
        "I hear you, and I'm sorry this has hit your {team} so hard.",
        "That's not the experience you should be getting from us.",
        "I completely understand why you're frustrated, that sounds really disruptive.",
        "That's a lot to deal with, especially with your {exec} asking questions.",
        "You put your name behind us internally, and we let you down. I get that.",
    ],
    "question": [
        "Can you walk me through what your {team} saw on {day}?",
        "How many of your {team} were affected?",
        "What would a good outcome look like for you?",
        "When did you first notice the problem with {product}?",
        "Beyond this, is anything else frustrating you right now?",
        "How are your {team} using {feature} today?",
        "What's the biggest thing getting in the way of adoption?",
    ],
    "restate": [
        "So if I'm hearing you right, {product} went down twice and nobody told you why.",
        "Let me make sure I have this: the {team} lost about {n} hours and the ticket sat open.",
        "So the real issue is that you can't trust the numbers going into the reports for your {exec}.",
    ],
    "own": [
        "I'm going to own this personally until it's closed.",
        "I'll be your single point of contact for this, you won't get bounced around.",
        "This is on me now, and I'm not handing it back to support.",
    ],
    "plan": [
        "Here's the plan: our engineer will have a root cause write-up to you by {day}.",
        "We'll turn on {feature} as a workaround today so your {team} can keep going.",
        "I'll set up a working session with your {team} on {day} at {time}.",
        "We'll credit the affected days on the next invoice, and I'll confirm the amount.",
    ],
    "follow_up": [
        "I'll call you {day} at {time} with an update, even if we're still investigating.",
        "You'll have a written summary from me by {time} {day}.",
        "Let's put thirty minutes on the calendar for {day} to check in on this.",
    ],
    "vague": [
        "We're looking into it and we'll get back to you soon.",
        "Engineering is working on it, hopefully we'll have something ASAP.",
        "I think maybe it'll be sorted out sometime next week, kind of depends.",
        "Someone should reach out to you about that soon.",
    ],
    "defensive": [
        "To be fair, that's in the terms of the contract you signed.",
        "Our SLA only guarantees ninety nine point five percent uptime.",
        "Support should have handled that ticket faster, honestly that's on them.",
        "Other customers haven't really had this issue.",
    ],
    "explain": [
        "So what happened is the root cause was {jargon}.",
        "The short version is {jargon}, which meant the jobs backed up.",
        "In plain terms, one of our systems got overloaded and your updates queued up.",
    ],
    "overpromise": [
        "This will be fixed by end of day, guaranteed.",
        "I promise it won't happen again, you have my word.",
    ],
    "apology": ["I'm so sorry about that.", "I apologize, that's on us.", "Sorry, that's awful."],
    "update": [
        "We just released {feature}, which lets your {team} skip a few manual steps.",
        "Your adoption is up {n} percent since last quarter, mostly from the {team}.",
        "On the roadmap, {feature} is coming next quarter, and I think it fits your workflow.",
        "Last month your {team} logged about {n} hundred sessions in {product}.",
    ],
    "teach": [
        "So the first step is to open {product} and go to settings.",
        "Next, you'll want to configure {feature} for each of your {team}.",
        "If you click the gear icon, you'll see the options for {feature}.",
        "A common mistake is skipping the mapping step, so let's do that together.",
    ],
    "close": [
        "Is there anything else I can do to make this right?",
        "Before we wrap, does this plan work for you?",
        "Anything else on your mind before we hang up?",
        "So to recap, {feature} on {day}, and I'll follow up by {time}.",
    ],
}
CUST_LINES: dict[str, list[str]] = {
    "greet": ["Hi, thanks. Good to talk.", "Hey {csm}. Yeah, thanks for getting on so fast.",
              "Hi. Busy week, but happy to do this."],
    "vent": [
        "This is the {ordinal} outage this month and honestly it's unacceptable.",
        "Our {team} couldn't do anything in {product} for about {n} hours on {day}.",
        "We lost real money, our own customers were calling us all morning.",
        "I've had a ticket open for {n} days and nobody has called me back.",
        "My {exec} is asking me whether we should be looking at other vendors.",
        "Is anyone actually working on this? Because it doesn't feel like it.",
        "We were told this was native, and it's not, and I championed you guys.",
        "We also got invoiced for {n} seats we're not even using.",
    ],
    "answer": [
        "It started around {time} on {day}, and the {team} noticed first.",
        "About {n} of our {team} were affected, maybe more.",
        "Honestly, a good outcome is just knowing what happened and that it's handled.",
        "We use {feature} every day, but the {team} find it confusing.",
        "Mostly it's the reporting, the numbers don't match what finance sees.",
        "We're rolling out to {n} more sites next quarter, so timing matters.",
    ],
    "positive": ["That's helpful, thank you.", "Okay, that makes sense.",
                 "I appreciate you being straight with me.", "Great, that works for us.",
                 "Yeah, that would really help the {team}."],
    "concern": [
        "One thing, the mobile app logs the {team} out every day, which is annoying.",
        "The export to finance still needs a manual cleanup every month.",
        "We're a bit worried about the price at renewal, to be honest.",
        "Some of the {team} still don't use {feature}, they say it's slow.",
    ],
    "question": ["When will this be fixed?", "Can you put that in writing?",
                 "What does the renewal look like for us?", "Who else should be on that call?",
                 "Does {feature} work with our setup?", "How long does the setup take?"],
}
INTERNAL_LINES = [
    "From the engineering side, what we saw was {jargon}.",
    "We've already deployed a fix to staging and we're monitoring it.",
    "I want to make sure you have a direct line to me as well, here's my number.",
    "I'm the VP for this region, and I'll join the follow-up on {day}.",
]
ORDINALS = ["second", "third", "fourth"]

SCRIPTS: dict[str, list[tuple[str, str]]] = {  # (side, move) for the opening
    "escalation": [("csm", "greet"), ("cust", "vent"), ("cust", "vent"), ("csm", "ack"),
                   ("csm", "question"), ("cust", "answer"), ("csm", "restate")],
    "qbr": [("csm", "greet"), ("cust", "greet"), ("csm", "agenda"), ("csm", "update")],
    "onboarding": [("csm", "greet"), ("cust", "greet"), ("csm", "agenda"), ("csm", "teach")],
    "renewal": [("csm", "greet"), ("cust", "greet"), ("csm", "agenda"), ("cust", "question")],
    "check_in": [("csm", "greet"), ("cust", "greet"), ("csm", "question"), ("cust", "answer")],
    "training": [("csm", "greet"), ("cust", "greet"), ("csm", "teach"), ("csm", "teach")],
    "discovery": [("csm", "greet"), ("cust", "greet"), ("csm", "question"), ("cust", "answer")],
}
# the middle of a call: moves drawn with these weights (CSM side / customer side)
MIDDLE_CSM: dict[str, dict[str, float]] = {
    "escalation": {"question": 3, "ack": 2, "plan": 3, "own": 1, "follow_up": 1, "vague": 1.5,
                   "defensive": 0.6, "explain": 1.5, "overpromise": 0.3, "apology": 1},
    "qbr": {"update": 4, "question": 2, "plan": 1, "explain": 0.5, "follow_up": 0.5},
    "onboarding": {"teach": 3, "plan": 2, "question": 2, "follow_up": 0.5},
    "renewal": {"update": 2, "question": 2, "plan": 2, "defensive": 0.3, "follow_up": 0.7},
    "check_in": {"question": 3, "update": 2, "plan": 1, "vague": 0.5, "follow_up": 0.5},
    "training": {"teach": 5, "question": 1, "explain": 1},
    "discovery": {"question": 5, "restate": 1, "plan": 0.5},
}
# customers vent on escalations; elsewhere they raise the odd, calmer concern
MIDDLE_CUST_ESCALATION = {"answer": 4, "positive": 1.5, "question": 2, "vent": 1.2}
MIDDLE_CUST = {"answer": 4, "positive": 2, "question": 2, "concern": 0.5}


@dataclass
class Turn:
    speaker: str
    start: float
    end: float
    text: str


class CallGen:
    """One call's speakers and turns, from a seeded ``random.Random``."""

    def __init__(self, rng: random.Random, call_type: str, minutes: float, csm: str,
                 customers: list[str], internal: list[str], account: str) -> None:
        self.rng = rng
        self.call_type = call_type
        self.target = minutes * 60.0
        self.csm = csm
        self.customers = customers
        self.internal = internal
        self.account = account
        self.rate = {s: rng.uniform(2.4, 2.7) for s in [csm, *customers, *internal]}
        self.turns: list[Turn] = []
        self.last: Turn | None = None  # the last turn that was not a backchannel
        self.t = rng.uniform(0.5, 3.0)

    # --- text ---
    def fill(self, template: str) -> str:
        r = self.rng
        slots = {
            "cust": self.customers[0].split()[0], "csm": self.csm.split()[0],
            "account": self.account, "product": r.choice(PRODUCT), "feature": r.choice(FEATURES),
            "team": r.choice(TEAMS), "day": r.choice(DAYS), "time": r.choice(TIMES),
            "jargon": r.choice(JARGON), "exec": r.choice(EXECS), "n": r.choice(NUMBERS),
            "ordinal": r.choice(ORDINALS),
        }
        return re.sub(r"\{(\w+)\}", lambda m: slots[m[1]], template)

    def utterance(self, lines: list[str], sentences: int) -> str:
        out = []
        picks = self.rng.sample(lines, min(sentences, len(lines)))
        for i, template in enumerate(picks):
            s = self.fill(template)
            if self.rng.random() < 0.08:  # a false start: "I wanted, I wanted to..."
                w = s.split()
                s = " ".join(w[:2]).rstrip(",.") + ", " + s
            if i == 0 or self.rng.random() < 0.25:
                filler = self.rng.choice(FILLERS)
                if filler:
                    first = s.split(" ", 1)[0]
                    keep = first in ("I", "I'm", "I'll", "I've", "I'd") or first.isupper()
                    s = filler + (s if keep else s[0].lower() + s[1:])
            out.append(s)
        return " ".join(out)

    # --- turns ---
    def say(self, speaker: str, text: str, *, cut: bool = False) -> None:
        words = len(text.split())
        dur = max(0.6, words / self.rate[speaker] + self.rng.uniform(-0.3, 0.6))
        start = self.t
        prev = self.last
        if cut and prev is not None and prev.speaker != speaker and prev.end - prev.start > 3:
            # the previous speaker is cut off: this turn starts ~1 s before theirs ends
            prev.text = prev.text.rstrip(".?!,") + "--"
            start = max(prev.start + 0.5, prev.end - self.rng.uniform(0.6, 1.4))
        turn = Turn(speaker, round(start, 3), round(start + dur, 3), text)
        self.turns.append(turn)
        self.last = turn
        self.t = turn.end + self.rng.uniform(0.2, 1.2)
        # backchannels from a listener, inside a long turn (overlapping times)
        if dur > 12 and self.rng.random() < 0.55:
            listener = self.csm if speaker != self.csm else self.rng.choice(self.customers)
            for _ in range(self.rng.randint(1, 2)):
                at = start + self.rng.uniform(0.3, 0.8) * dur
                self.turns.append(Turn(listener, round(at, 3), round(at + 0.6, 3),
                                       self.rng.choice(BACKCHANNELS)))

    def csm_turn(self, move: str) -> None:
        lines = CSM_LINES[move]
        if move in ("greet", "close", "own", "follow_up", "overpromise"):
            n = self.rng.choice((1, 1, 2))
        elif move in ("teach", "update"):
            n = self.rng.choice((2, 3, 4, 6, 8))
        else:
            n = self.rng.choice((1, 1, 2, 2, 3, 4))
        self.say(self.csm, self.utterance(lines, n),
                 cut=self.rng.random() < (0.04 if self.call_type == "escalation" else 0.01))

    def cust_turn(self, move: str) -> None:
        who = self.rng.choice(self.customers) if len(self.customers) > 1 else self.customers[0]
        if move == "vent":
            n = self.rng.choice((1, 2, 2, 3, 4, 6))
        elif move == "greet":
            n = 1
        else:
            n = self.rng.choice((1, 1, 2, 3))
        self.say(who, self.utterance(CUST_LINES[move], n), cut=self.rng.random() < 0.03)

    def generate(self) -> list[Turn]:
        for side, move in SCRIPTS[self.call_type]:
            (self.csm_turn if side == "csm" else self.cust_turn)(move)
        share = CSM_SHARE[self.call_type] + self.rng.uniform(-0.12, 0.15)
        csm_moves = MIDDLE_CSM[self.call_type]
        cust_moves = MIDDLE_CUST_ESCALATION if self.call_type == "escalation" else MIDDLE_CUST
        while self.t < self.target - 60:
            if self.internal and self.rng.random() < 0.06:
                who = self.rng.choice(self.internal)
                self.say(who, self.utterance(INTERNAL_LINES, self.rng.randint(1, 3)))
            else:
                csm_next = self.rng.random() < share
                last_csm = self.last is not None and self.last.speaker == self.csm
                if csm_next == last_csm and self.rng.random() < 0.5:
                    csm_next = not csm_next  # conversations mostly alternate
                if csm_next:
                    self.csm_turn(_pick(self.rng, csm_moves))
                else:
                    self.cust_turn(_pick(self.rng, cust_moves))
        self.csm_turn("follow_up" if self.rng.random() < 0.6 else "vague")
        self.cust_turn("positive")
        self.csm_turn("close")
        self.say(self.customers[0], self.fill(self.rng.choice(
            ["Thanks, talk soon.", "Great, thank you. Bye.", "Okay. Thanks {csm}."])))
        self.turns.sort(key=lambda t: t.start)
        return self.turns


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


# --- writers -------------------------------------------------------------------------------

def _ts(sec: float, sep: str = ".") -> str:
    ms = int(round(sec * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _cues(turn: Turn, rng: random.Random) -> list[tuple[float, float, str]]:
    """Split a long turn into subtitle-sized cues, the way meeting tools do."""
    words = turn.text.split()
    if len(words) <= 18:
        return [(turn.start, turn.end, turn.text)]
    pieces, i = [], 0
    while i < len(words):
        n = rng.randint(10, 18)
        pieces.append(words[i:i + n])
        i += n
    total = len(words)
    out, t, done = [], turn.start, 0
    for p in pieces:
        done += len(p)
        end = turn.start + (turn.end - turn.start) * done / total
        out.append((t, end, " ".join(p)))
        t = end
    return out


def write_call(turns: list[Turn], fmt: str, rng: random.Random) -> str:
    if fmt == "coach-json":
        return json.dumps({"turns": [
            {"speaker": t.speaker, "start": t.start, "end": t.end, "text": t.text} for t in turns
        ]}, indent=1) + "\n"
    if fmt == "text":
        return "".join(f"[{_ts(t.start)[:8]}] {t.speaker}: {t.text}\n" for t in turns)
    if fmt == "otter-text":
        blocks = []
        for t in turns:
            m, s = divmod(int(t.start), 60)
            h, m = divmod(m, 60)
            stamp = f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
            blocks.append(f"{t.speaker}  {stamp}  \n{t.text}\n")
        return "\n".join(blocks)
    lines = ["WEBVTT", ""] if fmt != "srt" else []
    guid = uuid.UUID(int=rng.getrandbits(128))
    n = 0
    for t in turns:
        for start, end, text in _cues(t, rng):
            n += 1
            if fmt == "teams-vtt":
                lines += [f"{guid}/{n + 10}-0", f"{_ts(start)} --> {_ts(end)}",
                          f"<v {t.speaker}>{text}</v>", ""]
            elif fmt == "zoom-vtt":
                lines += [str(n), f"{_ts(start)} --> {_ts(end)}", f"{t.speaker}: {text}", ""]
            else:
                lines += [str(n), f"{_ts(start, ',')} --> {_ts(end, ',')}",
                          f"{t.speaker}: {text}", ""]
    return "\n".join(lines)


def _person(rng: random.Random, used: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in used:
            used.add(name)
            return name


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def generate(out: Path, *, calls: int, min_minutes: float, max_minutes: float, seed: int,
             formats: tuple[str, ...] = FORMATS, csms: int = 6, start: dt.date | None = None,
             sidecar_share: float = 0.25) -> dict[str, int]:
    """Write ``calls`` calls (and team.toml) under ``out``; returns counts for the caller."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    team = [_person(rng, used) for _ in range(csms)]
    colleagues = [_person(rng, used) for _ in range(4)]
    start = start or dt.date(2024, 5, 6)
    words = 0
    for i in range(calls):
        call_type = rng.choices(CALL_TYPES, weights=CALL_TYPE_WEIGHTS)[0]
        minutes = rng.uniform(min_minutes, max_minutes)
        csm = rng.choice(team)
        taken = set(used)
        customers = [_person(rng, taken) for _ in range(rng.choice((1, 1, 1, 2)))]
        internal = [rng.choice(colleagues)] if rng.random() < 0.3 else []
        account = rng.choice(ACCOUNTS)
        turns = CallGen(rng, call_type, minutes, csm, customers, internal, account).generate()
        words += sum(len(t.text.split()) for t in turns)
        fmt = formats[i % len(formats)]
        day = start + dt.timedelta(days=rng.randrange(5))
        name = f"{day.isoformat()}_{_slug(account)}_{call_type.replace('_', '-')}_{i:04d}"
        folder = out / _slug(csm) if rng.random() < 0.5 else out
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (name + EXT[fmt])
        path.write_text(write_call(turns, fmt, rng), encoding="utf-8")
        if rng.random() < sidecar_share:
            meta: dict[str, object] = {"csm": csm, "account": account,
                                       "call_date": day.isoformat()}
            if internal:
                meta["internal"] = internal
            path.with_name(path.name + ".meta.json").write_text(json.dumps(meta) + "\n")
    roster = (
        "[team]\n"
        f"csms = {json.dumps(team)}\n"
        f"internal = {json.dumps(colleagues)}\n"
    )
    (out / "team.toml").write_text(roster, encoding="utf-8")
    return {"calls": calls, "words": words}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--min-minutes", type=float, default=5)
    ap.add_argument("--max-minutes", type=float, default=90)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--csms", type=int, default=6)
    ap.add_argument("--formats", default=",".join(FORMATS),
                    help="comma-separated subset of " + ", ".join(FORMATS))
    args = ap.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        ap.error(f"unknown format(s): {', '.join(bad)}")
    counts = generate(args.out, calls=args.calls, min_minutes=args.min_minutes,
                      max_minutes=args.max_minutes, seed=args.seed, formats=formats,
                      csms=args.csms)
    print(f"wrote {counts['calls']} calls, {counts['words']:,} words to {args.out} "
          f"(roster: {args.out / 'team.toml'})")


if __name__ == "__main__":
    main()
