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

Vocabulary: before and after the rubric's sentences, people talk about their business
(what their teams did, where, with which tools, how many, how much) in sentences whose
nouns, verbs, adjectives, people, places and companies are drawn Zipf-like (common
words often, rare ones seldom) from the English tables of ``spacy-lookups-data`` (a
dependency of coach), hand-picked business words first. Numbers, amounts, percentages,
clock times, dates, ticket and order IDs, versions, e-mail addresses and URLs,
hyphenated words, contractions, possessives, repeated words, restarts ("we- we had"),
misheard product names and the odd typo give the token shapes of real transcripts.
Content words avoid VADER's lexicon and the words the shipped rules look for, so the
rubric's lines still decide what the analysis finds. Distinct lower-cased whitespace
chunks grow like those of the labelled calls in shared/eval (Heaps' law with a slowly
falling exponent, fitted there on 20k words): about 6.5k at 50k words, 19k at 360k and
52k at 3M; the generator gives 0.85x, 0.97x and 0.99x of that (seed 1, 30-60 min calls).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import functools
import gzip
import heapq
import itertools
import json
import random
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
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

# --- vocabulary ----------------------------------------------------------------------------
# The most common content words of a customer-success call come first (hand-picked); the
# long tail comes from spaCy's English lemma tables ranked by spaCy's word frequencies.
HEAD_NOUNS = (
    "order shipment pallet route truck store clinic appointment location site branch warehouse "
    "region shift crew manager technician dispatcher nurse agent analyst coordinator vendor "
    "supplier carrier client member student parent claim policy quote estimate delivery "
    "pickup job visit booking reservation room bed unit part item product sku batch box label "
    "form field column row sheet spreadsheet file folder template workflow step stage queue "
    "list view filter tag status owner approval request budget forecast target goal metric "
    "number total average count volume rate margin cost price spend contract plan tier seat "
    "license user admin login account profile group role department office building floor "
    "dock yard fleet van driver device scanner tablet laptop printer phone sensor meter "
    "invoice payment refund credit receipt statement payroll timesheet schedule calendar "
    "meeting email note comment message alert notification reminder call survey review "
    "audit rollout pilot launch project phase milestone deadline week month quarter year "
    "season holiday weekend morning afternoon backlog pipeline lead prospect campaign event "
    "territory market segment channel partner franchise store shelf aisle cart catalog menu "
    "recipe kitchen patient provider referral prescription lab chart policyholder premium "
    "lesson course class module cohort semester classroom teacher tutor ticket case issue "
    "feedback workaround setting permission integration connector field mapping import sync "
    "export report dashboard chart graph widget link button page screen tab portal app"
).split()
HEAD_VERBS = (
    "ship load scan route schedule process track upload download assign approve review send "
    "book cancel reschedule update enter import export sync map tag filter sort merge split "
    "print sign file submit bill invoice charge refund credit order restock count pick pack "
    "deliver dispatch install configure test train onboard hire staff move migrate clean "
    "label flag close reopen escalate forward copy paste archive rename delete add remove "
    "switch compare check match reconcile calculate estimate forecast plan launch pilot "
    "roll pause resume finish start open log record report share publish post invite"
).split()
HEAD_ADJS = (
    "new old big small weekly monthly daily quarterly annual manual automatic regional "
    "local central main extra different separate same whole full partial current previous "
    "first last final early late busy slow quick simple basic standard custom internal "
    "external mobile remote overnight seasonal temporary permanent open closed pending "
    "active inactive shared private public mixed total average typical usual normal "
    "specific general main secondary primary second third northern southern eastern western "
    "downtown suburban rural urban national international corporate retail wholesale"
).split()
TEAM_WORDS = ("crew", "leads", "coordinators", "analysts", "planners", "specialists", "techs",
              "schedulers", "folks", "people", "staff", "supervisors", "admins")
MODULE_WORDS = ("module", "dashboard", "board", "tracker", "planner", "console", "workspace",
                "view", "screen", "page", "report", "calendar", "inbox", "wizard")
FEATURE_WORDS = ("alerts", "templates", "filters", "tags", "views", "mapping", "imports",
                 "routing", "approvals", "labels", "notes", "fields", "reminders", "rules")
SITE_WORDS = ("warehouse", "clinic", "store", "office", "depot", "branch", "plant", "campus",
              "site", "location", "hub", "yard", "center", "lab", "kitchen", "showroom")
DEPTS = ("field", "dispatch", "warehouse", "front desk", "procurement", "facilities", "payroll",
         "logistics", "claims", "underwriting", "admissions", "merchandising", "fulfillment",
         "scheduling", "intake", "accounts payable", "HR", "marketing", "purchasing", "IT")
PERIODS = ("week", "month", "shift", "day", "year", "weekend", "cycle", "run", "season")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
TOOLS = ("Salesforce", "HubSpot", "Zendesk", "NetSuite", "QuickBooks", "SharePoint", "Excel",
         "Google Sheets", "Outlook", "Slack", "Workday", "Okta", "Tableau", "Snowflake", "Shopify",
         "Marketo", "Intercom", "Freshdesk", "ServiceNow", "Asana", "Airtable", "Gusto", "Paychex",
         "Epic", "Cerner", "Procore", "Samsara", "Sage", "Xero", "Greenhouse", "BambooHR",
         "DocuSign", "Dropbox", "Zoom", "Power Apps", "Looker", "Mailchimp", "Klaviyo", "Twilio",
         "Stripe", "PayPal", "Square", "Toast", "Oracle", "Dynamics", "Smartsheet",
         "Trello", "Notion", "Confluence", "Gong", "Outreach", "Zapier", "Tipalti", "Coupa")
# how recognisers mishear product names
ASR_SPLITS = {"Salesforce": "sales force", "HubSpot": "hub spot", "Zendesk": "zen desk",
              "NetSuite": "net suite", "QuickBooks": "quick books", "SharePoint": "share point",
              "Okta": "octa", "Airtable": "air table", "DocuSign": "docu sign",
              "Smartsheet": "smart sheet", "Mailchimp": "mail chimp", "Snowflake": "snow flake"}
CITIES = ("Denver", "Phoenix", "Austin", "Dallas", "Houston", "Atlanta", "Chicago", "Boston",
          "Seattle", "Portland", "Tampa", "Orlando", "Charlotte", "Nashville", "Columbus",
          "Cleveland", "Detroit", "Pittsburgh", "Baltimore", "Sacramento", "Fresno", "Tucson",
          "Omaha", "Tulsa", "Raleigh", "Richmond", "Louisville", "Memphis", "Boise", "Reno",
          "Toronto", "Calgary", "Leeds", "Manchester", "Bristol", "Dublin", "Rotterdam", "Lyon",
          "Munich", "Hamburg", "Madrid", "Porto", "Krakow", "Melbourne", "Auckland", "Singapore")
COMPANY_SUFFIX = ("Logistics", "Health", "Foods", "Group", "Partners", "Supply", "Dental",
                  "Clinics", "Freight", "Systems", "Labs", "Holdings", "Services", "Builders",
                  "Realty", "Energy", "Outfitters", "Markets", "Pharmacy", "Transport",
                  "Insurance", "Academy", "Brewing", "Motors", "Medical", "Manufacturing")
TLDS = (".com", ".com", ".com", ".io", ".co", ".net", ".org", ".co.uk")
TICKET_PREFIX = ("#", "#", "INC-", "CS-", "SR-", "PO-", "CASE-", "TKT-", "ORD-", "RMA-")
# Words that have no place on a business call (the frequency list comes from the web).
BLOCK_PREFIX = re.compile(
    r"^(?:porn|sex|rape|nazi|fuck|shit|cunt|nigg|fag|dick|cock|puss|slut|whore|bitch|tits?$|titty|"
    r"titties|penis|vagin|anal$|anus|dildo|boob|breast|nipple|orgasm|erect|semen|sperm|masturb|"
    r"horny|gay|lesbian|queer|trans(?:sex|vest|gend)|bisex|heterosex|homosex|asex|unisex|jew|"
    r"muslim|islam|christ|god|jesus|church|bible|relig|pray|satan|demon|hell$|gun|rifle|pistol|"
    r"bullet|bomb|terror|murder|kill|suicid|drug|cocaine|heroin|weed|marijuana|meth$|alcohol|"
    r"beer|wine|vodka|whisk|drunk|booze|genit|butt$|butts|ass$|asses|asshole|hooker|stripper|"
    r"abort|hitler|slave|racis|rapist|pedo|incest|nude|naked|weapon|shoot|stab$|stabb|blood|"
    r"corpse|dead$|deadly|death|war$|wars$|warfare|warrior|army|soldier|troop|jihad|vomit|poop|piss|fart|crap|"
    r"condom|underwear|prostitut|massacre|assassin|torpedo|carcass|swine|coward|assailant|"
    r"democrat|republican|communis|fascis|dwarf|midget|retard|cripple|lunatic|insane|psycho|"
    r"obese|fatty|negro|ghetto|thug|gypsy|savage|hooters|panties|bra$|bras$|lingerie|smoke|"
    r"cigar|tobacco|vape|casino|gambl|poker|zombie|vampire|warlock|wizard|goblin|dragon|"
    r"pokemon|anime|hentai|waifu|meme|reddit|upvote|downvote|subreddit|lol|lmao|urin|fece|diarr|"
    r"pee$|puke|snot|menstru|tampon|pube|testic|scrot|rect|sphinct|booger|turd|dung|manure)")
BLOCK_INFIX = re.compile(r"fuck|shit|porn|cunt|nigg|dildo|masturb|orgasm|pedophil|incest|sexu|"
                         r"sexis|sexl|horseshit|bullshit")
BLOCK_NAMES = frozenset(
    "Mario Zelda Luigi Yoshi Hermione Forza Adolf Conan Garen Kung Por Bama Nukem Gotham Uber "
    "Sakura Kool Gump Nitro Parenting Ava Tel Paulo Issa Saar Elba Minas Meiji Tonkin Haute "
    "Harpers Amana Camilla Bethany Welp Witcher Ender Picard Sagan Bieber Lebron Snowden Romney "
    "Cheney Biden Trudeau Gingrich Rubio Kucinich Bachmann Thanos Asperger Diddy Gatsby Leia "
    "Vita Ave Von Sim Wii Sci Tri Bio Lex Sharon Bernie Sasha Lilly Barbie Fifa Skye Wah Hanna "
    "Riker Hanson Vernon Chelsea Fulham Westboro Fukushima Davos Chinatown Dicks Weiner Noir "
    "Sie Ren Oda Zappa Gambino Sandler Leno Shatner Ebert Ferrell Eastwood Schwarzenegger"
    .split())
def rule_words() -> frozenset[str]:
    """The shipped rules' single words (lexicon terms, phrases, token-pattern values and
    exception words): no pool word is one of them, so content sentences stay out of the
    rubric's way. Read from ``rules/`` (pure YAML and pydantic, no spaCy); the benchmark
    keys its generated sets by the rules' fingerprint too.
    """
    from coach.rules import load_rules

    rules = load_rules([])
    words: set[str] = set()

    def add(value: object) -> None:
        if isinstance(value, str):
            texts = rules.lexicon_terms(value[1:]) if value.startswith("@") else [value]
            words.update(w for t in texts for w in t.lower().split())
        elif isinstance(value, dict):
            for key in ("IN", "NOT_IN"):
                items = value.get(key)
                for item in items if isinstance(items, list) else [items] if items else []:
                    add(item)

    for rule in rules.rules:
        for pattern in rule.patterns:
            for tok in pattern:
                for key, value in tok.items():
                    if key.upper() in ("LOWER", "LEMMA", "NORM", "ORTH", "TEXT"):
                        add(value)
        for phrase in rule.phrases:
            add(phrase)
        ex = rule.exceptions
        for w in (*ex.unless_words, *ex.require_words):
            add(w)
    for name in rules.lexicons:
        add(f"@{name}")
    return frozenset(w for w in words if w.replace("'", "").isalpha())


class Zipf:
    """Draw items with weight 1 / (rank + q) ** s: common ones often, rare ones seldom."""

    __slots__ = ("items", "cum", "last")

    def __init__(self, items: Sequence, s: float = 1.0, q: float = 2.0) -> None:
        self.items = list(items)
        self.cum = list(itertools.accumulate((i + q) ** -s for i in range(len(self.items))))
        self.last = len(self.items) - 1

    def __call__(self, rng: random.Random):
        return self.items[min(bisect.bisect(self.cum, rng.random() * self.cum[-1]), self.last)]

    def __len__(self) -> int:
        return len(self.items)


class Mix:
    """The hand-picked business words (``head``) with probability HEAD_SHARE, else the pool."""

    __slots__ = ("head", "pool")

    def __init__(self, items: Sequence, head: Sequence[str], q: float) -> None:
        heads = set(head)
        n = next((i for i, x in enumerate(items) if (x if isinstance(x, str) else x[0]) not in heads),
                 len(items))
        self.head = Zipf(items[:n], s=1.0, q=5) if n else None
        self.pool = Zipf(items, s=ZIPF_S, q=q)

    def __call__(self, rng: random.Random):
        if self.head is not None and rng.random() < HEAD_SHARE:
            return self.head(rng)
        return self.pool(rng)


@dataclass(frozen=True)
class Lexicon:
    """Word pools, most common first."""

    nouns: tuple[tuple[str, str], ...]        # (singular, plural); the same for mass nouns
    verbs: tuple[tuple[str, str, str], ...]   # (base, past, -ing)
    adjs: tuple[str, ...]
    advs: tuple[str, ...]
    firsts: tuple[str, ...]
    lasts: tuple[str, ...]
    cities: tuple[str, ...]
    brands: tuple[str, ...]


def _data(name: str) -> Path:
    import spacy_lookups_data

    return Path(spacy_lookups_data.__file__).parent / "data" / f"{name}.json.gz"


def _table(name: str):
    with gzip.open(_data(name), "rt", encoding="utf-8") as fh:
        return json.load(fh)


# The frequency and cluster tables have a million entries each: scanned line by line for the
# words wanted instead of loaded whole, so the process (and the benchmark's children, which
# inherit its size) stays small.
NAME_CLUSTERS = {"firsts": {502, 1014}, "lasts": {86, 470, 22}, "cities": {166}, "brands": {294, 38}}
_CLUSTER_LINE = re.compile(rb'^  "([A-Z][a-z]+)":([0-9]+),?$', re.M)
FUNCTION_WORDS = 266  # the words among the table's 300 most frequent entries: no content word
_PROB_LINE = re.compile(rb'^  "([A-Za-z]+)":(-?[0-9.]+),?$', re.M)


def _clusters() -> dict[str, int]:
    """Capitalised words of the Brown clusters that hold names, places and brands."""
    wanted = set().union(*NAME_CLUSTERS.values())
    out: dict[str, int] = {}
    with gzip.open(_data("en_lexeme_cluster")) as fh:
        for line in fh:
            if (m := _CLUSTER_LINE.match(line)) and (c := int(m[2])) in wanted:
                out[m[1].decode()] = c
    return out


def _probs(keep: set[str]) -> tuple[dict[str, float], list[str]]:
    """Log-probabilities of the words in ``keep``, and the most frequent words."""
    prob: dict[str, float] = {}
    top: list[tuple[float, str]] = []
    with gzip.open(_data("en_lexeme_prob")) as fh:
        for line in fh:
            if not (m := _PROB_LINE.match(line)):
                continue
            w, lp = m[1].decode(), float(m[2])
            if len(top) < FUNCTION_WORDS:
                heapq.heappush(top, (lp, w))
            elif (lp, w) > top[0]:
                heapq.heapreplace(top, (lp, w))
            if w in keep:
                prob[w] = lp
    return prob, [w for _, w in top]


def _regular_plural(w: str) -> str:
    if w.endswith(("s", "x", "z", "ch", "sh")):
        return w + "es"
    if w.endswith("y") and w[-2:-1] not in "aeiou":
        return w[:-1] + "ies"
    return w + "s"


def _vader_words() -> set[str]:
    try:
        import vaderSentiment
    except ImportError:  # pragma: no cover - a dependency of coach
        return set()
    path = Path(vaderSentiment.__file__).parent / "vader_lexicon.txt"
    return {line.split("\t", 1)[0].lower() for line in path.read_text(encoding="utf-8").splitlines()}


def _blocked(w: str) -> bool:
    w = w.lower()
    return bool(BLOCK_PREFIX.match(w) or BLOCK_INFIX.search(w))


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Build the word pools from spaCy's English tables (about 2 s, once per process)."""
    lookup: dict[str, str] = _table("en_lemma_lookup")
    index: dict[str, list[str]] = _table("en_lemma_index")
    exc: dict[str, dict[str, list[str]]] = _table("en_lemma_exc")
    cluster = _clusters()
    keep = {*lookup, *lookup.values(), *cluster, *HEAD_NOUNS, *HEAD_VERBS, *HEAD_ADJS}
    keep.update(w for words in index.values() for w in words)
    keep.update(form for table in exc.values() for form in table)
    keep.update(_regular_plural(w) for w in (*index["noun"], *HEAD_NOUNS))
    prob, top = _probs(keep)
    skip = _vader_words() | rule_words()

    def p(w: str | None) -> float:
        return prob.get(w, -30.0) if w else -30.0

    forms: dict[str, set[str]] = defaultdict(set)
    for form, lemma in lookup.items():
        if form != lemma:
            forms[lemma].add(form)
    for table in exc.values():
        for form, lemmas in table.items():
            for lemma in lemmas:
                if form != lemma:
                    forms[lemma].add(form)
    irregular_plural = {lemmas[0]: form for form, lemmas in exc["noun"].items()}
    function = {w.lower() for w in top}
    verb_idx, adj_idx, adv_idx = set(index["verb"]), set(index["adj"]), set(index["adv"])

    def fine(w: str) -> bool:
        return w not in skip and not _blocked(w)

    def usable(w: str, floor: float) -> bool:
        return (w.isalpha() and w.islower() and len(w) >= 3 and w not in function
                and p(w) > floor and fine(w) and w not in lookup)

    def best(ws: set[str], suffix: str) -> str | None:
        c = [f for f in ws if f.endswith(suffix) and f.isalpha() and fine(f)]
        return max(c, key=lambda f: (p(f), f)) if c else None

    nouns = []
    for w in index["noun"]:
        if not usable(w, -15.0):
            continue
        fs = forms.get(w, set())
        plural = irregular_plural.get(w) or best(fs, "s")
        if plural is None and p(_regular_plural(w)) > -17:
            plural = _regular_plural(w)
        if plural is not None and not fine(plural):
            continue  # its plural is a rubric word (clients, deliveries)
        if plural is not None and p(plural) < p(w) - 4:
            plural = None
        ing = best(fs, "ing")
        if plural is None:
            # a mass noun only when it is nothing else (furniture, bandwidth)
            if w in verb_idx or w in adj_idx or w in adv_idx or w.endswith(("ing", "ed", "s")):
                continue
            plural = w
        elif w in verb_idx and ing and p(ing) > p(plural):
            continue  # mostly a verb (think, use)
        elif w in adj_idx and p(plural) < p(w) - 2:
            continue  # mostly an adjective (old, high)
        nouns.append((w, plural))
    verbs = []
    for w in index["verb"]:
        if not usable(w, -15.0):
            continue
        fs = forms.get(w, set())
        past, ing = best(fs, "ed"), best(fs, "ing")
        if not past or not ing or max(p(past), p(ing)) < p(w) - 3:
            continue
        plural = best(fs, "s")
        if plural and p(plural) > p(past) + 1.5 and p(plural) > p(ing) + 1.5:
            continue  # mostly a noun (house, reason)
        verbs.append((w, past, ing))
    adjs = [w for w in index["adj"] if usable(w, -15.0) and w not in adv_idx]
    advs = [w for w in index["adv"] if usable(w, -15.5) and w.endswith("ly")]

    common = set(lookup) | {w for ws in index.values() for w in ws}

    def proper(clusters: set[int], lo: float, hi: float) -> list[str]:
        out = [w for w, c in cluster.items() if c in clusters and lo < p(w) < hi and len(w) > 2
               and w.isalpha() and w[0].isupper() and w[1:].islower() and w.lower() not in common
               and w not in BLOCK_NAMES and fine(w.lower())]
        return sorted(out, key=lambda w: (-p(w), w))

    def ranked(items, head: Sequence[str] = (), key: Callable = str):
        """``head`` first (in its order), then the rest by frequency, without repeats."""
        by_key = {key(x): x for x in items}
        first = [by_key[h] for h in dict.fromkeys(head) if h in by_key]
        taken = {key(x) for x in first}
        rest = sorted((x for k, x in by_key.items() if k not in taken), key=lambda x: (-p(key(x)), key(x)))
        return tuple(first + rest)

    # the head words pass the same filters, with their own forms
    for w in HEAD_NOUNS:
        plural = irregular_plural.get(w) or best(forms.get(w, set()), "s") or _regular_plural(w)
        if fine(w) and fine(plural):
            nouns.append((w, plural))
    for w in HEAD_VERBS:
        fs = forms.get(w, set())
        past, ing = best(fs, "ed"), best(fs, "ing")
        if fine(w) and past and ing:
            verbs.append((w, past, ing))
    adjs += [w for w in HEAD_ADJS if fine(w)]
    firsts = proper(NAME_CLUSTERS["firsts"], -16.5, -9)
    lasts = [w for w in proper(NAME_CLUSTERS["lasts"], -16.5, -11.5) if w not in set(firsts)]
    cities = [c for c in CITIES if fine(c.lower())] + proper(NAME_CLUSTERS["cities"], -16.5, -9)

    def lemma(x: tuple[str, ...]) -> str:
        return x[0]

    return Lexicon(
        nouns=ranked(nouns, HEAD_NOUNS, lemma), verbs=ranked(verbs, HEAD_VERBS, lemma),
        adjs=ranked(adjs, HEAD_ADJS), advs=ranked(advs),
        firsts=ranked(FIRST + firsts, FIRST), lasts=ranked(LAST + lasts, LAST),
        cities=ranked(cities, CITIES),
        brands=tuple(t for t in TOOLS if fine(t.lower()))
        + tuple(proper(NAME_CLUSTERS["brands"], -16.5, -9)),
    )

# what people say about their business around the rubric's lines (slots: CallGen.slots)
CUST_CONTENT = [
    "We've got about {count} {nouns} going through {city} in a normal {period}.",
    "{person} on my side {verbed} the {adj} {noun} for the {noun} {nouns} back in {month}.",
    "Right now the {nouns} get {verbed} in a spreadsheet, maybe {small} a {period}.",
    "We moved the {noun} {nouns} over from {tool} around {date}.",
    "The {city} {site} is the big one, that's {count} {nouns} on a good {period}.",
    "Our {adj} {nouns} come to roughly {amount} a {period}.",
    "About {pct} of the {nouns} come in through {tool} now.",
    "{ticket} is the one about the {noun} {nouns}, we opened it on {date}.",
    "{first} keeps the {noun} sheet, it's got like {count} rows in it.",
    "We had {small} {nouns} {verbed} at the {city} {site} on {date}.",
    "The {adj} {noun} thing is what {first} cares about, to be honest.",
    "You can reach {first} at {email} for the {noun} side of it.",
    "We're on version {version} of the {noun} app, I think, or {version}.",
    "Our {noun} {nouns} went from {count} to {count} since {month}.",
    "{company} is our biggest {noun}, they send {count} {nouns} a {period}.",
    "We've got {small} {nouns} in {city} and another {small} out in {city}.",
    "The {nouns} get {verbed} at {clock} and then {verbed} again around {clock}.",
    "I think {first} {verbed} the {noun} {noun} already, the {adj} one.",
    "Our {noun} budget for the year is {amount}, give or take.",
    "The {adj} {nouns} are the ones that matter for {company}.",
    "We {verbed} about {pct} of the {nouns} before the {noun} {noun} in {month}.",
    "Most of the {nouns} are {adj}, some of them are {adj}.",
    "{first} runs the {noun} {noun} over at {company}.",
    "There's a {noun} page at {url} that {first} {verbed} for us.",
    "It's {ticket} if that helps, the {noun} one from {date}.",
    "The {nouns} from {city} come in {adv} {verbed}, like {pct} of them.",
    "We're {adv} {verbing} the {noun} {nouns} ourselves at this point.",
    "Our {dept} lead, {person}, wants the {adj} {noun} done by {month}.",
    "{first}'s {nouns} {verbed} {count} {nouns} in {month} alone.",
    "We pay {tool} like {amount} a {period} for the {noun} piece.",
    "That was the {date} batch, around {count} {nouns} I want to say.",
    "Our {dept} people are {verbing} the {nouns} for {company} most of the {period}.",
    "We {verbed} {company}'s {nouns} into {tool} in {month}, about {count} of them.",
    "The {hyphenated} part is {adj}, the {noun} part is the {adj} one.",
    "{person} from {company} {verbed} us about the {adj} {nouns} on {date}.",
    "Like, a {adj} {noun} is maybe {amount}, and we do {small} of those a {period}.",
    "The {city} folks {verbed} a {noun} {noun} on their own, {first} {verbed} it.",
    "The spreadsheet is at {url}, {first} keeps the {noun} tab.",
    "We {verb} the {nouns} at {clock}, and the {adj} ones around {clock}.",
    "So {first} {verbed} the {nouns}, then {first} {verbed} the {noun} {nouns}.",
    "It's {small} {nouns} per {noun}, about {count} for the whole {period}.",
    "The {noun} line is {phone}, that's the {city} {site}.",
    "It's mostly the {adj} {nouns}, that's where {first} spends the {period}.",
    "That's the {noun} we {verbed} with {company} last {period}.",
    "We've been {verbing} the {nouns} {adv}, and it's fine, mostly.",
    "There's a {noun} {noun} in {city} that's {adv} {verbed}.",
    "They're {verbing} {nouns} out of the {city} {site} now.",
    "I don't know the exact number, it's somewhere around {count} {nouns}.",
    "We didn't {verb} the {adj} {nouns} until {month}.",
    "It wasn't the {noun}, it was the {noun} {nouns} that {verbed}.",
    "{first}'s the one who {verbed} the {noun} {noun}, I'd have to ask.",
    "We'd {verb} the {nouns} in {tool} and then it's {adv} {verbed}.",
    "Our {nouns} aren't {verbed} yet, that's on {first}'s list.",
    "So that's {small} {nouns}, plus the {adj} ones from {city}.",
    "It's like a {adj} {noun}, but for {nouns}.",
    "I'd say {pct} of it is {adj} {nouns}.",
    "They've got {small} {nouns} at the {site} and they're all {adj}.",
    "It's {first} and {first} who {verb} the {nouns}, and {first} when they're out.",
    "We're a {adj} shop, {small} {nouns} and a {adj} {noun}.",
    "That's what {company} does too, they've got the {adj} {noun} {nouns}.",
    "I'm not the one who {verbs_it}, that's {first}'s area.",
    "I'd have to check with {first}, but I think it's {small} {nouns} per {site}.",
    "We're still {verbing} the {nouns} from the old {noun} system.",
    "It's been like that since we {verbed} the {adj} {nouns} in {month}.",
    "Honestly, half our {nouns} never touch the {noun} at all.",
    "When {first} was here, we {verbed} everything through one {noun}.",
    "Our {adj} {nouns} sit in a shared drive, {first} {verbed} a folder for each {noun}.",
    "Between {city} and {city} we've got maybe {small} {nouns} on any given {period}.",
    "Some of the {nouns} still go out by {noun}, believe it or not.",
    "If a {noun} comes in after {clock}, it waits for the {adj} batch.",
    "We used to {verb} the {nouns} ourselves, then {company} took that over.",
    "My {dept} manager, {person}, is the one who'd sign off on a {adj} {noun}.",
    "Whoever's on the {noun} desk {verbs_it}, usually {first} or {first}.",
    "Each {site} has its own {noun}, so there are {small} of those.",
    "Nobody's {verbed} the {adj} {nouns} since {first} moved to {city}.",
    "We set up {feature} for the {nouns} back in {month}, {first} did most of it.",
    "The {nouns} go through {product}, and {feature} handles the rest.",
    "Our {dept} people live in {product} most of the {period}.",
]
CSM_CONTENT = [
    "Looking at your account, {count} {nouns} came through {tool} in {month}.",
    "From what I see, {pct} of your {nouns} are {verbed} from {city}.",
    "Version {version} went out on {date}, that's the one with the {noun} {noun} change.",
    "Your {dept} team {verbed} {count} {nouns} last {period}, up from {count}.",
    "The {adj} {noun} setting lives under {url}.",
    "{person} on our side {verbed} the {noun} {nouns} for {company} too.",
    "Your {city} {site} is averaging {small} {nouns} a {period}.",
    "That's {ticket}, the {noun} {noun} one.",
    "A lot of {adj} {noun} teams {verb} the {nouns} {adv}.",
    "Your plan covers {count} {nouns} and you're at about {count} right now.",
    "{first} at {company} had the same {noun} {noun} setup.",
    "In {month} your {nouns} were {adv} {verbed}, around {pct} of them.",
    "The contact I have on file is {email}.",
    "Most customers in {city} {verb} the {adj} {nouns} first.",
    "On the {noun} side, {person} {verbed} {count} {nouns} last {period}.",
    "Your {noun} {noun} is running {version}, the {adj} build.",
    "The {month} statement came to {amount}, with {count} {nouns} on it.",
    "It works out to {small} {nouns} per {noun}, so roughly {count} in total.",
    "The {noun} {nouns} show up {adv}, usually around {clock}.",
    "{company} went from {count} to {count} {nouns} after their {adj} {noun} rollout.",
    "Your {adj} {nouns} went up {pct} between {month} and {month}.",
    "That's the {hyphenated} view, {first} {verbed} it for your {dept} team.",
    "I've got {ticket} and {ticket} linked to the {noun} {noun}.",
    "The {adj} {noun} report from {date} has {count} {nouns} in it.",
    "The {nouns} at your {city} {site} were {verbed} at {clock} on {date}.",
    "The cost per {noun} came down from {amount} to {amount}.",
    "Your {noun} admin is still {person}, {email}.",
    "There's a short guide at {url} with the {adj} {noun} steps.",
    "It's the {adj} {noun} {nouns} that most teams {verb} first.",
    "That's {count} {nouns}, which is about {pct} of your {adj} {nouns}.",
    "There's a {noun} {noun} option in {tool} that's {adv} {verbed}.",
    "You're at {count} {nouns} this {period}, and it's mostly from {city}.",
    "It wasn't in the {version} release, it's in {version}.",
    "They're {verbing} the {noun} {nouns} the same way at {company}.",
    "That's how {company}'s {dept} team {verbed} their {nouns}.",
    "Your {nouns} and {nouns} are {verbed} separately, that's the {adj} part.",
    "It's {first} who set up the {adj} {noun} on your side, {first} {verbed} it.",
    "Your {nouns} from {city} arrive {adv}, and they're {verbed} in about an hour.",
    "When a {noun} is {verbed}, it shows up under the {adj} tab.",
    "Each {site} gets its own {noun}, and the {nouns} roll up to the {adj} view.",
    "Some teams keep a {adj} {noun} just for the {nouns}.",
    "Whatever's {verbed} before {clock} lands in the same {noun}.",
    "That {noun} was {verbed} by {first} when your account was set up.",
    "It's the same {noun} {first} {verbed} for the {city} {site}.",
    "Those {nouns} don't show up in the {adj} {noun}, they're filtered out.",
]
# how speech opens a sentence (the contractions are spaCy special cases, which also keep
# the rest of the turn out of the tokenizer's cache, as in real transcripts)
OPENERS = ("So it's like, ", "That's the thing, ", "It's, uh, ", "Here's the thing, ",
           "I'm pretty sure ", "There's also this: ", "Let's see, ", "It's just that ",
           "So that's where ", "I'd say ", "You're right that ", "They've said ", "Well, it's ",
           "And it's ", "I mean, it's ", "What we've seen is ")
# short follow-on sentences: speech is choppy, and sentences often end on a content word
TAILS = ["It's {adj}.", "Mostly {nouns}.", "Same with the {nouns}.", "Or the {nouns}.",
         "Not the {nouns}, though.", "And the {nouns}.", "That's {first}.",
         "Like, {adj} {nouns}.", "The {adj} ones.", "Over in {city}.", "For {company}.",
         "Through {tool}.", "Since {month}.", "The {nouns}, the {nouns}, the {nouns}.",
         "{first}, {first}, and {first}.", "Pretty {adj}.", "All {adj}.", "Both {nouns}.",
         "Each {noun}.", "Not {adv}, no.", "Right, the {noun}.", "Yeah, {nouns}.",
         "{first} {verbed} it.", "We {verbed} those.", "They {verb} them.", "Just the {noun}.",
         "Fairly {adj}.", "In {city}, yeah.", "At the {site}."]
INTERNAL_CONTENT = [
    "On our side the {noun} {noun} {verbed} at {clock}, build {version}.",
    "We traced it to {ticket}, the {adj} {noun} path.",
    "It's about {pct} of the {nouns}, mostly from the {city} cluster.",
    "The {noun} service was {verbing} {count} {nouns} a minute at peak.",
    "Build {version} {verbed} the {noun} {nouns} on {date} at {clock}.",
    "The {adj} {noun} job runs at {clock}, it touched {count} {nouns}.",
]
# rubric sentences (distinct templates of the move) and content sentences per turn, drawn
# uniformly; moves not listed take the default
RUBRIC_CSM = {"greet": (1, 1, 2), "close": (1, 1, 2), "own": (1, 1, 2), "follow_up": (1, 1, 2),
              "overpromise": (1, 1, 2), "teach": (1, 2, 2, 3, 4), "update": (1, 2, 2, 3, 4),
              "": (1, 1, 2, 2, 3)}
RUBRIC_CUST = {"vent": (1, 2, 2, 3, 4), "greet": (1,), "": (1, 1, 2, 3)}
CONTENT_CSM = {"greet": (0, 0, 1), "agenda": (0, 1, 1), "question": (0, 1, 1, 2),
               "restate": (0, 1), "plan": (0, 1, 1), "explain": (1, 1, 2, 2),
               "update": (1, 2, 2, 3), "teach": (1, 1, 2, 2), "defensive": (0, 1), "": (0,)}
CONTENT_CUST = {"greet": (0, 1), "vent": (1, 1, 2, 2), "answer": (2, 2, 3, 3, 4),
                "positive": (0, 0, 1), "concern": (1, 2, 2), "question": (0, 1), "": (0,)}
HYPHENATED = ("add-on", "long-term", "short-term", "real-time",
              "built-in", "drop-down", "end-to-end", "one-off", "back-office", "front-line",
              "third-party", "year-end", "month-end", "day-to-day", "e-mail", "sign-off",
              "roll-out", "hand-off", "walk-through", "point-of-sale", "multi-site", "in-house",
              "last-minute", "same-day", "high-volume", "low-volume", "full-time",
              "part-time", "on-site", "off-site", "co-worker", "re-run", "pre-approved",
              "self-serve", "well-known", "up-to-date", "out-of-date", "state-wide", "cross-dock")
SPOKEN_COUNTS = ("a couple hundred", "a few hundred", "about forty", "like fifty", "sixty-odd",
                 "a hundred", "two hundred", "three thousand", "a thousand", "a few thousand",
                 "twenty-five", "thirty-five", "around eighty", "a dozen", "a couple dozen",
                 "about ninety", "fifteen hundred", "twelve hundred", "five hundred")
ORD_SUFFIX = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd", 31: "st"}
# Tuned so that distinct chunks grow like the labelled calls' (see the module docstring).
# Pools: weight 1 / (rank + q) ** s, a Zipf-Mandelbrot law whose flat head (q) gives each
# call many different common words and whose steep tail (s) keeps rare ones rare.
ZIPF_S = 4.0
ZIPF_Q = 2500.0         # nouns; verbs and adjectives q / 3, adverbs q / 10
HEAD_SHARE = 0.3        # content words from the hand-picked business words
TOPIC_SHARE = 0.1       # content words from the call's own topic words (repeats in a call)
NUMERIC_SHARE = 0.3     # content sentences with a number, amount, date, ID, e-mail or URL
CLASSIC_SHARE = 0.7     # the rubric's product, feature and team slots: the old short lists,
                        # else drawn from the pools (the analysis keys on the old ones)
CLASSIC_WHEN = 0.5      # the same for day and time (always a weekday: dated stays dated)
OPENER_SHARE = 0.25     # content sentences with a spoken opener ("So it's like, ...")
TAIL_SHARE = 0.5        # content sentences followed by a short one ("Mostly pallets.")
TYPO_RATE = 0.015       # content sentences with a slip in one word
HOMOPHONES = {"their": "there", "there": "their", "your": "you're", "its": "it's", "then": "than",
              "to": "too", "week": "weak", "right": "write", "new": "knew", "for": "four"}


@dataclass
class Turn:
    speaker: str
    start: float
    end: float
    text: str


class Words:
    """The shared Zipf pools (built once per process from the lexicon)."""

    def __init__(self, lx: Lexicon) -> None:
        self.nouns = Mix(lx.nouns, HEAD_NOUNS, q=ZIPF_Q)
        self.verbs = Mix(lx.verbs, HEAD_VERBS, q=ZIPF_Q / 3)
        self.adjs = Mix(lx.adjs, HEAD_ADJS, q=ZIPF_Q / 3)
        self.advs = Zipf(lx.advs, s=ZIPF_S, q=ZIPF_Q / 10)
        self.firsts = Zipf(lx.firsts, s=0.9, q=10)
        self.lasts = Zipf(lx.lasts, s=0.8, q=10)
        self.cities = Zipf(lx.cities, s=0.9, q=5)
        self.tools = Zipf(lx.brands, s=0.9, q=5)


@functools.lru_cache(maxsize=1)
def _words() -> Words:
    return Words(lexicon())


def _ordinal(d: int) -> str:
    return f"{d}{ORD_SUFFIX.get(d, 'th')}"


def _round(n: float, rng: random.Random, share: float = 0.6) -> int:
    """People say round numbers more often than exact ones: 2,300 rather than 2,317."""
    n = int(n)
    if n >= 10 and rng.random() < share:
        step = 10 ** (len(str(n)) - (1 if rng.random() < 0.5 else 2))
        return max(step, n // step * step)
    return n


def _ticket(r: random.Random) -> str:
    return f"{r.choice(TICKET_PREFIX)}{r.randint(1000, 10 ** r.randint(4, 6) - 1)}"


def _version(r: random.Random) -> str:
    a, b, c = r.randint(1, 12), r.randint(0, 30), r.randint(0, 20)
    x = r.random()
    if x < 0.4:
        return f"v{a}.{b}.{c}"
    if x < 0.7:
        return f"{a}.{b}"
    return f"{a}.{b}.{c}"


def company_name(rng: random.Random, w: Words) -> str:
    r = rng.random()
    if r < 0.35:
        return f"{w.lasts(rng)} {rng.choice(COMPANY_SUFFIX)}"
    if r < 0.6:
        return f"{w.cities(rng)} {rng.choice(COMPANY_SUFFIX)}"
    if r < 0.8:
        return f"{w.nouns(rng)[0].title()} {rng.choice(COMPANY_SUFFIX)}"
    if r < 0.9:
        return f"{w.lasts(rng)} & {w.lasts(rng)}"
    return f"{w.adjs(rng).title()} {w.nouns(rng)[0].title()}"


def _domain(name: str, rng: random.Random) -> str:
    base = re.sub(r"[^a-z0-9]", "", name.lower().split("&")[0].split()[0] if rng.random() < 0.4
                  else name.lower())
    return (base or "example") + rng.choice(TLDS)


class Topic:
    """One call's own words: what this customer's business and this call are about."""

    def __init__(self, rng: random.Random, w: Words, account: str) -> None:
        def some(pool: Callable, lo: int, hi: int) -> Zipf:
            return Zipf(list(dict.fromkeys(pool(rng) for _ in range(rng.randint(lo, hi)))), s=0.8)

        self.nouns = some(w.nouns, 12, 40)
        self.verbs = some(w.verbs, 6, 18)
        self.adjs = some(w.adjs, 5, 14)
        self.advs = some(w.advs, 2, 6)
        self.firsts = some(w.firsts, 2, 6)
        self.lasts = some(w.lasts, 2, 6)
        self.cities = some(w.cities, 1, 4)
        self.tools = some(w.tools, 1, 3)
        self.companies = Zipf([company_name(rng, w) for _ in range(rng.randint(1, 3))], s=0.8)
        self.depts = Zipf(rng.sample(DEPTS, 2), s=1)
        self.sites = Zipf(rng.sample(SITE_WORDS, 2), s=1)
        self.domain = _domain(account, rng)
        self.domains = Zipf([_domain(c, rng) for c in self.companies.items], s=1)
        self.tickets = Zipf([_ticket(rng) for _ in range(rng.randint(1, 3))], s=1)
        self.versions = Zipf([_version(rng) for _ in range(rng.randint(1, 2))], s=1)


class CallGen:
    """One call's speakers and turns, from a seeded ``random.Random``."""

    def __init__(self, rng: random.Random, call_type: str, minutes: float, csm: str,
                 customers: list[str], internal: list[str], account: str,
                 words: Words | None = None) -> None:
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
        self.w = words or _words()
        self.topic = Topic(rng, self.w, account)
        self.slots: dict[str, Callable[[], str]] = {
            # the rubric's slots: the old short lists, often, and much more besides
            "cust": lambda: self.customers[0].split()[0], "csm": lambda: self.csm.split()[0],
            "account": lambda: self.account, "product": self.product, "feature": self.feature,
            "team": self.team, "day": self.day, "time": self.time,
            "jargon": lambda: self.rng.choice(JARGON), "exec": lambda: self.rng.choice(EXECS),
            "n": self.n, "ordinal": lambda: self.rng.choice(ORDINALS),
            # content slots
            "noun": lambda: self.pick("nouns")[0], "nouns": lambda: self.pick("nouns")[1],
            "verb": lambda: self.pick("verbs")[0], "verbed": lambda: self.pick("verbs")[1],
            "verbs_it": lambda: f"{self.pick('verbs')[1]} the {self.pick('nouns')[1]}",
            "verbing": lambda: self.pick("verbs")[2], "adj": lambda: self.pick("adjs"),
            "adv": lambda: self.pick("advs"), "first": lambda: self.pick("firsts"),
            "person": self.person, "city": lambda: self.pick("cities"), "tool": self.tool,
            "company": lambda: self.topic.companies(self.rng),
            "site": lambda: self.topic.sites(self.rng), "dept": lambda: self.topic.depts(self.rng),
            "period": lambda: self.rng.choice(PERIODS), "month": lambda: self.rng.choice(MONTHS),
            "count": self.count, "small": self.small, "amount": self.amount, "pct": self.pct,
            "clock": self.clock, "ticket": self.ticket, "version": self.version,
            "date": self.date, "email": self.email, "url": self.url, "phone": self.phone,
            "hyphenated": self.hyphenated,
        }

    # --- slots ---
    def pick(self, kind: str):
        pool = getattr(self.topic if self.rng.random() < TOPIC_SHARE else self.w, kind)
        return pool(self.rng)

    def person(self) -> str:
        first = self.pick("firsts")
        return f"{first} {self.pick('lasts')}" if self.rng.random() < 0.6 else first

    def tool(self) -> str:
        name = self.pick("tools")
        if name in ASR_SPLITS and self.rng.random() < 0.2:
            return ASR_SPLITS[name]
        return name

    def product(self) -> str:
        r = self.rng
        if r.random() < CLASSIC_SHARE:
            return r.choice(PRODUCT)
        if r.random() < 0.7:
            return f"the {self.pick('nouns')[0]} {r.choice(MODULE_WORDS)}"
        return f"the {self.pick('adjs')} {self.pick('nouns')[0]} {r.choice(MODULE_WORDS)}"

    def feature(self) -> str:
        r = self.rng
        if r.random() < CLASSIC_SHARE:
            return r.choice(FEATURES)
        if r.random() < 0.6:
            return f"{self.pick('nouns')[0]} {r.choice(FEATURE_WORDS)}"
        return f"the {self.pick('adjs')} {self.pick('nouns')[1]}"

    def team(self) -> str:
        r = self.rng
        x = r.random()
        if x < CLASSIC_SHARE:
            return r.choice(TEAMS)
        if x < CLASSIC_SHARE + (1 - CLASSIC_SHARE) * 0.5:
            return f"{self.pick('nouns')[0]} {r.choice(TEAM_WORDS)}"
        if x < CLASSIC_SHARE + (1 - CLASSIC_SHARE) * 0.8:
            return f"{self.pick('cities')} {r.choice(TEAM_WORDS)}"
        return f"{self.topic.depts(r)} {r.choice(TEAM_WORDS)}"

    def day(self) -> str:
        # always a weekday or "tomorrow"/"next week", so dated commitments stay dated
        r = self.rng
        if r.random() < CLASSIC_WHEN:
            return r.choice(DAYS)
        wd, d = r.choice(WEEKDAYS), r.randint(1, 31)
        x = r.random()
        if x < 0.4:
            return f"{wd} the {_ordinal(d)}"
        if x < 0.7:
            return f"{wd}, {r.choice(MONTHS)} {_ordinal(d)}"
        return f"{wd} {r.randint(1, 12)}/{d}"

    def time(self) -> str:
        r = self.rng
        if r.random() < CLASSIC_WHEN:
            return r.choice(TIMES)
        h, m = r.randint(8, 17), r.choice((0, 15, 30, 45, 10, 20, 40, 50, 5))
        if r.random() < 0.5:
            return f"{h}:{m:02d}"
        return f"{(h - 1) % 12 + 1}:{m:02d}{'am' if h < 12 else 'pm'}"

    def n(self) -> str:
        return self.rng.choice(NUMBERS) if self.rng.random() < 0.7 else str(self.rng.randint(2, 48))

    def count(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.4:  # said in words: "a couple hundred", "about forty"
            return r.choice(SPOKEN_COUNTS)
        n = 10 ** r.uniform(1.0, 4.7)
        return f"{_round(n, r, 0.9):,}"

    def small(self) -> str:
        r = self.rng
        return r.choice(NUMBERS) if r.random() < 0.6 else str(int(10 ** r.uniform(0.3, 1.8)))

    def amount(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.6:
            return f"${_round(10 ** r.uniform(2, 6), r, 0.8):,}"
        if x < 0.7:
            return f"${int(10 ** r.uniform(1, 4)):,}.{r.choice((0, 50, 99, r.randint(1, 98))):02d}"
        if x < 0.85:
            return f"${_round(r.randint(2, 400), r, 0.8)}k"
        if x < 0.95:
            return f"${r.randint(1, 9)}.{r.randint(1, 9)} million"
        return f"{_round(10 ** r.uniform(2, 5), r, 0.9):,} dollars"

    def pct(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.5:
            return f"{_round(r.randint(1, 99), r, 0.5)}%"
        if x < 0.7:
            return f"{r.uniform(0.1, 20):.1f}%"
        return f"{_round(r.randint(2, 90), r, 0.5)} percent"

    def clock(self) -> str:
        r = self.rng
        h, m = r.randint(6, 20), r.choice((0, 0, 15, 30, 30, 45, 10, 20, 40, 50, r.randint(0, 59)))
        x = r.random()
        if x < 0.5:
            return f"{h}:{m:02d}"
        if x < 0.8:
            return f"{(h - 1) % 12 + 1}:{m:02d} {'am' if h < 12 else 'pm'}"
        return f"{(h - 1) % 12 + 1}{'am' if h < 12 else 'pm'}"

    def ticket(self) -> str:
        r = self.rng
        return self.topic.tickets(r) if r.random() < 0.8 else _ticket(r)

    def version(self) -> str:
        r = self.rng
        return self.topic.versions(r) if r.random() < 0.8 else _version(r)

    def date(self) -> str:
        r = self.rng
        month, d = r.randint(1, 12), r.randint(1, 28)
        x = r.random()
        if x < 0.35:
            return f"{MONTHS[month - 1]} {_ordinal(d)}"
        if x < 0.6:
            return f"{month}/{d}"
        if x < 0.75:
            return f"the {_ordinal(d)}"
        if x < 0.97:
            return f"{MONTHS[month - 1]} {d}"
        return f"2024-{month:02d}-{d:02d}"

    def email(self) -> str:
        r = self.rng
        first, last = self.topic.firsts(r).lower(), self.topic.lasts(r).lower()
        domain = self.topic.domain if r.random() < 0.7 else self.topic.domains(r)
        x = r.random()
        local = f"{first}.{last}" if x < 0.5 else f"{first[0]}{last}" if x < 0.8 else first
        return f"{local}@{domain}"

    def url(self) -> str:
        r = self.rng
        domain = self.topic.domain if r.random() < 0.6 else self.topic.domains(r)
        x = r.random()
        if x < 0.4:
            return f"{domain}/{self.pick('nouns')[1]}"
        if x < 0.7:
            return f"https://{domain}/{self.pick('nouns')[0]}/{r.randint(100, 99999)}"
        return f"help.{domain}/kb/{r.randint(1000, 99999)}"

    def hyphenated(self) -> str:
        r = self.rng
        if r.random() < 0.7:
            return r.choice(HYPHENATED)
        return f"{r.choice(NUMBERS)}-{r.choice(('day', 'week', 'hour', 'minute', 'step', 'year'))}"

    def phone(self) -> str:
        r = self.rng
        return f"({r.randint(201, 989)}) 555-01{r.randint(0, 99):02d}"

    # --- text ---
    def fill(self, template: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: self.slots[m[1]](), template)

    def content(self, templates: list[str]) -> str:
        """A sentence about the customer's business, with the slips of real speech."""
        r = self.rng
        plain, numeric = _split_numeric(tuple(templates))
        use_numeric = numeric and (not plain or r.random() < NUMERIC_SHARE)
        template = r.choice(numeric if use_numeric else plain)
        s = self.fill(template)
        named = template.startswith("{")  # opens with a name, an ID or a company: keep its case
        x = r.random()
        if x < 0.1:
            s = _insert_filler(s, r)
        elif x < 0.16:
            s = _repeat_word(s, r, anywhere=True, named=named)
        elif x < 0.21:
            s = _restart(s, r, anywhere=True, named=named)
        if r.random() < TYPO_RATE:
            s = _typo(s, r)
        if r.random() < 0.03:
            s = _homophone(s, r)
        if r.random() < OPENER_SHARE:
            first, _, rest = s.partition(" ")
            first = first if named else _lower_unless_name(first)
            s = r.choice(OPENERS) + first + (" " + rest if rest else "")
        if r.random() < TAIL_SHARE:
            s += " " + self.fill(r.choice(TAILS))
        return s[0].upper() + s[1:] if s[0].islower() else s

    def utterance(self, lines: list[str], sentences: int, extra: list[str] | None = None,
                  n_extra: int = 0) -> str:
        out = []
        picks = self.rng.sample(lines, min(sentences, len(lines)))
        for i, template in enumerate(picks):
            s = self.fill(template)
            x = self.rng.random()
            if x < 0.08:  # a false start: "I wanted, I wanted to..."
                w = s.split()
                s = " ".join(w[:2]).rstrip(",.") + ", " + s
            elif x < 0.11:
                s = _repeat_word(s, self.rng, anywhere=False)
            elif x < 0.13:
                s = _restart(s, self.rng, anywhere=False)
            if i == 0 or self.rng.random() < 0.25:
                filler = self.rng.choice(FILLERS)
                if filler:
                    first = s.split(" ", 1)[0]
                    keep = first in ("I", "I'm", "I'll", "I've", "I'd") or first.isupper()
                    s = filler + (s if keep else s[0].lower() + s[1:])
            out.append(s)
        if n_extra:
            # around the rubric's sentences, never between them: a gloss stays next to the
            # jargon it explains, a plan next to its time
            talk = [self.content(extra or []) for _ in range(n_extra)]
            k = self.rng.randint(0, n_extra)
            out = talk[:k] + out + talk[k:]
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
        n = self.rng.choice(RUBRIC_CSM.get(move, RUBRIC_CSM[""]))
        extra = self.rng.choice(CONTENT_CSM.get(move, CONTENT_CSM[""]))
        self.say(self.csm, self.utterance(CSM_LINES[move], n, CSM_CONTENT, extra),
                 cut=self.rng.random() < (0.04 if self.call_type == "escalation" else 0.01))

    def cust_turn(self, move: str) -> None:
        who = self.rng.choice(self.customers) if len(self.customers) > 1 else self.customers[0]
        n = self.rng.choice(RUBRIC_CUST.get(move, RUBRIC_CUST[""]))
        extra = self.rng.choice(CONTENT_CUST.get(move, CONTENT_CUST[""]))
        self.say(who, self.utterance(CUST_LINES[move], n, CUST_CONTENT, extra),
                 cut=self.rng.random() < 0.03)

    def generate(self) -> list[Turn]:
        for side, move in SCRIPTS[self.call_type]:
            (self.csm_turn if side == "csm" else self.cust_turn)(move)
        share = CSM_SHARE[self.call_type] + self.rng.uniform(-0.12, 0.15)
        csm_moves = MIDDLE_CSM[self.call_type]
        cust_moves = MIDDLE_CUST_ESCALATION if self.call_type == "escalation" else MIDDLE_CUST
        while self.t < self.target - 60:
            if self.internal and self.rng.random() < 0.06:
                who = self.rng.choice(self.internal)
                self.say(who, self.utterance(INTERNAL_LINES, self.rng.randint(1, 3),
                                             INTERNAL_CONTENT, self.rng.choice((0, 1, 1, 2))))
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


NUMERIC_SLOTS = re.compile(r"\{(?:count|small|amount|pct|clock|ticket|version|date|phone|email|url)\}")


@functools.lru_cache(maxsize=8)
def _split_numeric(templates: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(templates without numbers, templates with numbers)"""
    return ([t for t in templates if not NUMERIC_SLOTS.search(t)],
            [t for t in templates if NUMERIC_SLOTS.search(t)])


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


# --- slips of speech -----------------------------------------------------------------------

def _split_punct(word: str) -> tuple[str, str]:
    core = word.rstrip(",.?!;:")
    return core, word[len(core):]


@functools.lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    lx = lexicon()
    words = [*lx.firsts, *lx.lasts, *lx.cities, *lx.brands, *COMPANY_SUFFIX, *MONTHS, *WEEKDAYS]
    return frozenset(w for name in words for w in name.split())


def _lower_unless_name(word: str) -> str:
    """``word`` as it reads inside a sentence: "We" -> "we", but "I", "Kevin's", "INC-204"."""
    core = _split_punct(word)[0].split("'")[0]
    if core == "I" or not core[:1].isupper() or core[1:2].isupper() or core in _names():
        return word
    return word[:1].lower() + word[1:]


def _repeat_word(s: str, rng: random.Random, *, anywhere: bool, named: bool = False) -> str:
    """ "I I think", "the the pallets" """
    words = s.split(" ")
    i = rng.randrange(min(len(words), 8)) if anywhere else 0
    core, _ = _split_punct(words[i])
    if not core.replace("'", "").isalpha():
        return s
    if i == 0 and not named:
        words[0] = _lower_unless_name(words[0])
    words.insert(i, core)
    return " ".join(words)


def _restart(s: str, rng: random.Random, *, anywhere: bool, named: bool = False) -> str:
    """ "we- we had", "proc- processing" """
    words = s.split(" ")
    i = rng.randrange(min(len(words), 8)) if anywhere else 0
    core, _ = _split_punct(words[i])
    if len(core) < 2 or not core.isalpha():
        return s
    frag = core[:rng.randint(1, min(4, len(core) - 1))] + "-"
    if i == 0 and not named:
        words[0] = _lower_unless_name(words[0])
    words.insert(i, frag)
    return " ".join(words)


def _typo(s: str, rng: random.Random) -> str:
    """A recognition or typing slip in one word: swapped, dropped or doubled letters."""
    words = s.split(" ")
    cand = [i for i, w in enumerate(words) if len(w) >= 4 and w[:4].isalpha() and w.islower()]
    if not cand:
        return s
    i = rng.choice(cand)
    core, tail = _split_punct(words[i])
    if len(core) < 4 or not core.isalpha():
        return s
    k = rng.randint(1, len(core) - 2)
    op = rng.random()
    if op < 0.4:
        core = core[:k] + core[k + 1] + core[k] + core[k + 2:]
    elif op < 0.7:
        core = core[:k] + core[k + 1:]
    else:
        core = core[:k] + core[k] + core[k:]
    words[i] = core + tail
    return " ".join(words)


def _homophone(s: str, rng: random.Random) -> str:
    words = s.split(" ")
    cand = [i for i, w in enumerate(words) if w in HOMOPHONES]
    if cand:
        i = rng.choice(cand)
        words[i] = HOMOPHONES[words[i]]
    return " ".join(words)


def _insert_filler(s: str, rng: random.Random) -> str:
    words = s.split(" ")
    if len(words) < 3:
        return s
    words.insert(rng.randint(1, len(words) - 1), rng.choice(("like", "you know,", "uh,", "um,")))
    return " ".join(words)


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


def _person(rng: random.Random, used: set[str], w: Words) -> str:
    while True:
        first = rng.choice(FIRST) if rng.random() < 0.4 else w.firsts(rng)
        name = f"{first} {rng.choice(LAST) if rng.random() < 0.3 else w.lasts(rng)}"
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
    pools = _words()
    out.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    team = [_person(rng, used, pools) for _ in range(csms)]
    colleagues = [_person(rng, used, pools) for _ in range(4)]
    # a book of accounts that does not depend on ``calls``: the first N calls of a larger
    # set are the N-call set
    accounts = list(dict.fromkeys(ACCOUNTS + [company_name(rng, pools) for _ in range(60)]))
    start = start or dt.date(2024, 5, 6)
    words = 0
    for i in range(calls):
        call_type = rng.choices(CALL_TYPES, weights=CALL_TYPE_WEIGHTS)[0]
        minutes = rng.uniform(min_minutes, max_minutes)
        csm = rng.choice(team)
        taken = set(used)
        customers = [_person(rng, taken, pools) for _ in range(rng.choice((1, 1, 1, 2)))]
        internal = [rng.choice(colleagues)] if rng.random() < 0.3 else []
        account = rng.choice(accounts)
        turns = CallGen(rng, call_type, minutes, csm, customers, internal, account,
                        pools).generate()
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
