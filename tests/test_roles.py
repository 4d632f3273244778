"""Roles: --csm, roster, Call Analytics AGENT, recorded roles, detection, errors."""

from __future__ import annotations

import pytest
from readers_support import FIXTURES, TEXT_FORMATS, fixture_files

from coach.errors import InputError, RoleError
from coach.models import Transcript, Turn
from coach.readers import read_transcript
from coach.roles import CONCEPTS, assign_roles, concept_counts, detection_scores, words
from coach.roster import Roster, name_matches

# The CSM of each fixture call, by label as the format writes it.
CSM = {
    "escalation_outage": {"teams-vtt": "Maya Goldberg", "whisperx": "SPEAKER_00"},
    "escalation_ticket_delay": {"zoom-vtt": "Omar Haddad", "deepgram": "1",
                                "aws-call-analytics": "AGENT"},
    "escalation_billing_dispute": {"text": "Lena Fischer", "aws-transcribe": "spk_1",
                                   "assemblyai": "B"},
    "qbr_clinics": {"teams-vtt": "Priya Nair", "srt": "Priya Nair", "coach-json": "Priya Nair"},
    "onboarding_kickoff": {"zoom-vtt": "Rosa Delgado", "otter-text": "Rosa Delgado"},
    "renewal_checkin": {"srt": "Ethan Cole", "otter-text": "Ethan Cole",
                        "aws-transcribe": "ch_0"},
    "training_dispatch": {"coach-json": "Grace Liu", "whisperx": "SPEAKER_00", "deepgram": "0"},
    "checkin_monthly": {"text": "Noah Friedman", "aws-call-analytics": "AGENT",
                        "assemblyai": "A"},
    "escalation_data_sync": {"rev-ai": "0"},
    "renewal_pricing": {"speechmatics": "S1"},
    "checkin_adoption": {"google-ccai": "AGENT"},
}
ALL = [p for f in TEXT_FORMATS for p in fixture_files(f)]


def _csm_of(path):
    stem = path.stem.removesuffix("_channels")
    return CSM[stem][path.parent.name]


def _t(*turns: tuple[str, str], fmt: str = "zoom-vtt") -> Transcript:
    return Transcript(format=fmt, turns=[Turn(speaker=s, start=i * 5.0, end=i * 5.0 + 4,
                                              text=x) for i, (s, x) in enumerate(turns)])


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_detection_finds_the_csm_on_every_fixture(path):
    t = assign_roles(read_transcript(path))
    assert [s for s in t.speakers if t.role_of(s) == "csm"] == [_csm_of(path)]
    assert set(t.role_sources) == set(t.speakers)
    assert all(t.role_of(s) in ("customer", "internal") for s in t.speakers
               if s != _csm_of(path))


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_csm_option_always_wins(path):
    t0 = read_transcript(path)
    for spk in t0.speakers:
        if spk in ("AGENT", "CUSTOMER", "Unknown Speaker"):
            continue
        t = assign_roles(t0, csm=[spk.upper()])
        assert [s for s in t.speakers if t.role_of(s) == "csm"] == [spk]
        assert t.role_sources[spk] == f"--csm {spk.upper()}"


def test_csm_first_name_and_ambiguity():
    t = _t(("Priya Nair", "Hi."), ("Priya Shah", "Hello."), ("Tom Li", "Hey."))
    with pytest.raises(RoleError, match="matches several speakers"):
        assign_roles(t, csm=["priya"])
    r = assign_roles(t, csm=["priya nair"])
    assert r.role_of("Priya Nair") == "csm" and r.role_of("Priya Shah") == "customer"
    r = assign_roles(t, csm=["Tom"])
    assert r.role_of("Tom Li") == "csm"
    assert not name_matches("Pri", "Priya Nair")  # whole words only


def test_csm_that_matches_nobody_lists_the_speakers():
    t = read_transcript(FIXTURES / "zoom-vtt" / "onboarding_kickoff.vtt")
    with pytest.raises(RoleError) as err:
        assign_roles(t, csm=["Zed"])
    msg = str(err.value)
    assert "'Zed'" in msg and "'Rosa Delgado'" in msg and "'Kevin Osei'" in msg
    assert msg.startswith(str(FIXTURES / "zoom-vtt" / "onboarding_kickoff.vtt"))


def test_undecided_lists_speakers_with_first_words_and_how_to_name_one():
    t = _t(("spk_0", "Hello, can you hear me?"), ("spk_1", "Yes, I can hear you fine."))
    with pytest.raises(RoleError) as err:
        assign_roles(t)
    msg = str(err.value)
    assert "--csm NAME" in msg
    assert "'spk_0' (\"Hello, can you hear me?\")" in msg and "'spk_1'" in msg
    r = assign_roles(t, require_csm=False)
    assert {r.role_of(s) for s in r.speakers} == {"unknown"}
    assert any("--csm" in w for w in r.warnings)


def test_first_speaker_is_not_assumed():
    t = _t(("Dana", "Hello?"), ("Lee", "Hi Dana, it's Lee from Northwind. Thanks for making "
                                       "the time. I'll send you the recap after."),
           ("Dana", "We signed last year and your product keeps crashing."))
    r = assign_roles(t)
    assert r.role_of("Lee") == "csm" and r.role_of("Dana") == "customer"
    assert r.role_sources["Lee"].startswith("detected:")


def test_call_analytics_agent_is_the_csm():
    t = assign_roles(read_transcript(FIXTURES / "aws-call-analytics" / "checkin_monthly.json"))
    assert t.role_of("AGENT") == "csm" and t.role_of("CUSTOMER") == "customer"
    assert t.role_sources["AGENT"].startswith("format")
    t2 = assign_roles(read_transcript(FIXTURES / "aws-call-analytics" / "checkin_monthly.json"),
                      csm=["CUSTOMER"])
    assert t2.role_of("CUSTOMER") == "csm"


def test_introduced_colleague_is_internal():
    t = assign_roles(read_transcript(FIXTURES / "teams-vtt" / "escalation_outage.vtt"))
    assert t.role_of("Sanjay Patel") == "internal"
    assert "colleague" in t.role_sources["Sanjay Patel"]
    assert t.role_of("Victor Alvarez") == "customer"


def test_greeting_a_customer_does_not_make_them_internal():
    t = _t(("Ann Lee", "Hi Bo, thanks for making the time, our team is glad to be here."),
           ("Bo Chen", "Sure. Your product broke again and we pay a lot for it."))
    r = assign_roles(t)
    assert r.role_of("Bo Chen") == "customer"


ROSTER = """
[team]
csms = ["Priya Nair", "Omar Haddad"]
internal = ["Sanjay Patel"]

[aliases]
"Priya Nair" = ["PN"]
"""


def test_roster_file(tmp_path):
    path = tmp_path / "team.toml"
    path.write_text(ROSTER)
    roster = Roster.load(path)
    assert roster.csms == ["Priya Nair", "Omar Haddad"] and roster.internal == ["Sanjay Patel"]
    t = _t(("PN", "Hi."), ("Sanjay", "Hello."), ("Joe Bloggs", "Hey."))
    r = assign_roles(t, roster=roster)
    assert [r.role_of(s) for s in ("PN", "Sanjay", "Joe Bloggs")] == [
        "csm", "internal", "customer"]
    assert r.role_sources["PN"] == "roster: Priya Nair"
    # --csm names the coached one; another roster CSM on the call is a colleague.
    t2 = _t(("Priya Nair", "Hi."), ("Omar Haddad", "Hello."), ("Joe Bloggs", "Hey."))
    r2 = assign_roles(t2, csm=["Omar"], roster=roster)
    assert r2.role_of("Omar Haddad") == "csm" and r2.role_of("Priya Nair") == "internal"


@pytest.mark.parametrize("body,needle", [
    ("[team\ncsms = []", "invalid TOML"),
    ("[team]\ncsm = ['A']\n", "unknown key 'team.csm'"),
    ("[team]\ncsms = [1]\n", "list of names"),
    ("[team]\ncsms = []\n", "names nobody"),
])
def test_bad_roster(tmp_path, body, needle):
    path = tmp_path / "team.toml"
    path.write_text(body)
    with pytest.raises(InputError, match=needle) as err:
        Roster.load(path)
    assert str(path) in str(err.value)


def test_missing_roster(tmp_path):
    with pytest.raises(InputError, match="no such roster file"):
        Roster.load(tmp_path / "none.toml")


def test_recorded_roles_are_kept_on_reread(tmp_path):
    import json

    t = assign_roles(read_transcript(FIXTURES / "teams-vtt" / "escalation_outage.vtt"))
    path = tmp_path / "t.json"
    path.write_text(json.dumps(t.to_contract()))
    again = assign_roles(read_transcript(path))
    assert again.to_contract()["turns"] == t.to_contract()["turns"]
    assert again.role_sources == t.role_sources


def test_csm_introduced_by_team_and_customers_own_support_agents():
    """'This is Ada from the customer success team' is the vendor side; 'our support
    agents' are the customer's staff, not the vendor's support team."""
    t = _t(("Omar", "Hi, yes, I'm here."),
           ("Ada", "Great, this is Ada from the Customer Success team. Thanks for jumping on."),
           ("Omar", "Sure. So our support agents keep losing drafts, and our support people are tired of it."),
           ("Ada", "Got it. How many of your support agents are affected?"))
    r = assign_roles(t)
    assert r.role_of("Ada") == "csm" and r.role_of("Omar") == "customer"


# --- Detection from concepts: hosting, speaking for the vendor, asking about the
# customer's business, against the customer's side. The examples are paraphrases in
# several registers: written, ASR (lowercase, no punctuation, no apostrophes) and
# non-native English.


CONCEPT_EXAMPLES = {
    "welcomes people and thanks them for joining": [
        "Welcome everyone, great to see you all.",
        "ok welcome back everybody",
        "Thanks all for coming along today.",
        "thank you both for being here",
        "thanks everyone for joining i know its a busy week",
        "Thank you for join, is good to have you all here.",
        "Welcome to our second session!",
    ],
    "waits for people to join": [
        "Let's give it another minute, a few people are still joining.",
        "ill give it a couple more minutes",
        "We wait for the others, ok? Maybe one minute.",
        "Who else is joining from your side?",
        "I think everyone is here now, so let's go.",
        "i put her on the invite yesterday",
    ],
    "sets the agenda": [
        "Quick look at the agenda before we dive in.",
        "so the plan for today is three things",
        "Today we'll go through the reporting module and then your questions.",
        "I wanted to cover two topics, the import and the permissions.",
        "today i want to take you through the new approval flow",
        "Before we start, a small housekeeping item.",
        "lets get started then",
        "Let me walk you through how the billing page works.",
    ],
    "runs the screen share or the demo": [
        "Let me share my screen. Can you all see the home page?",
        "ok im sharing my screen now you should see a blue banner",
        "If you click on the gear icon, top right, you'll see the settings.",
        "scroll down a bit, in the left menu there is reports",
        "I will show you now where is the export, you see here you can pick the date.",
        "So this is where your invoices land.",
    ],
    "keeps the floor open and wraps up": [
        "Any questions so far? Please interrupt me whenever.",
        "does that make sense",
        "Let me recap what we agreed.",
        "ok to sum up we will do the pilot first",
        "Before we wrap, anything else from your side?",
        "I'll let you go, I'll send the calendar invite for next week.",
        "feel free to stop me if something is not clear",
    ],
    "records the call and shares the materials": [
        "Just so you know, this is being recorded.",
        "ill send out the slides and the recording after the call",
        "The recording will be in the shared folder tonight.",
        "I send you the deck tomorrow morning.",
    ],
    "explains what the customer can do in the product": [
        "Yes, you can export it as a CSV from that screen.",
        "you can also schedule it so it goes out every monday",
        "I'd recommend turning that on before the next cycle.",
        "my suggestion is to start with one region",
        "Best practice is one owner per workflow.",
        "the platform lets you set a different threshold per team",
        "Here a small tip: you can filter by status.",
    ],
    "speaks for the vendor ('we' set it up for 'you')": [
        "We configured that for you during the setup.",
        "the app does all the matching for you",
        "We don't store any card numbers on our side.",
        "we just shipped a fix for that last week",
        "We have deployed the patch to your tenant.",
        "It's on our roadmap for the autumn release.",
        "Our engineers looked at the logs this morning.",
        "we send you an email when it changes",
    ],
    "answers as the one who knows the product and its customers": [
        "Good question, and it comes up a lot.",
        "thats really common honestly",
        "A lot of teams find it easier to start small.",
        "what most of our customers do is keep one master template",
        "I've seen that before with bigger accounts.",
        "In my experience the weekly export is enough.",
        "Very good question! Many clients use the second option.",
    ],
    "asks about the customer's business": [
        "Tell me a bit about how your team handles refunds today.",
        "how many orders do you get in a normal week",
        "Who handles the approvals on your side?",
        "What are you using today for the rosters?",
        "what would success look like for you by march",
        "How is the rollout going with the new hires?",
        "And your current tool, what do you like about it?",
    ],
    "introduces themselves by company": [
        "Hi Dana, it's Lee from northwind, can you hear me?",
        "hey its kasia with brightpath",
        "Good morning, my name is Olu, calling from Fernhill.",
        "hi everyone marek here from the vendor side",
    ],
    "asks what the product can do": [
        "Can we export that to Excel?",
        "is there a way to bulk edit them",
        "Is it possible to hide that column for the agents?",
        "does it integrate with our payroll",
        "How do we change the reminder time?",
        "What happens if a user leaves the company?",
        "Do you support single sign-on?",
        "where do i find the audit log",
    ],
    "follows the instructions on screen": [
        "OK, I can see it now.",
        "im logged in it says welcome back",
        "I've got it open, there it is.",
        "It's asking me for a code.",
        "i clicked it but i dont see the button",
        "Mine says pending, is that right?",
    ],
    "speaks of their own organisation and old tools": [
        "Our CFO wants the numbers by Friday.",
        "in the old system we did this by hand",
        "We used to have a spreadsheet for that.",
        "our budget is frozen until april",
        "Before we switched, the previous tool sent a daily digest.",
    ],
    "thanks the other for the help": [
        "This was really useful, thank you.",
        "thanks so much for your help",
        "You've been super helpful.",
        "this is very clear now, thank you",
    ],
}


def _concept(label: str):
    return next(c for c in CONCEPTS if c.label == label)


def _counts(text: str) -> dict[str, int]:
    return {c.label: n for c, n in zip(CONCEPTS, concept_counts([text]), strict=True) if n}


def test_every_concept_has_examples():
    assert set(CONCEPT_EXAMPLES) == {c.label for c in CONCEPTS}
    assert all(len(v) >= 4 for v in CONCEPT_EXAMPLES.values())


@pytest.mark.parametrize("label,text", [(k, x) for k, v in CONCEPT_EXAMPLES.items() for x in v])
def test_concept_example_counts_in_any_register(label, text):
    """Each example counts for its concept as written, in ASR style (lowercase, no
    punctuation, no apostrophes) and with typographic apostrophes."""
    asr = "".join(ch for ch in text.lower() if ch.isalnum() or ch in " -")
    curly = text.replace("'", "\u2019")
    for variant in (text, asr, curly, text.upper()):
        assert label in _counts(variant), (label, variant)


@pytest.mark.parametrize("label,text", [
    ("follows the instructions on screen", "I see, it's the third time this month."),
    ("introduces themselves by company", "It is far from ideal, honestly."),
    ("introduces themselves by company", "this is coming from the finance side"),
    ("explains what the customer can do in the product", "The system crashed again."),
    ("speaks for the vendor ('we' set it up for 'you')", "We used our own engineers."),
    ("speaks for the vendor ('we' set it up for 'you')", "We're rolling out to six more sites."),
    ("explains what the customer can do in the product", "I would say it started in May."),
    ("asks what the product can do", "Can we talk about the renewal next week?"),
    ("welcomes people and thanks them for joining", "You're welcome."),
    ("sets the agenda", "Sorry, let me get started on my laptop, it's slow."),
])
def test_concept_does_not_count_lookalikes(label, text):
    assert label not in _counts(text)


def test_words_spell_out_contractions_with_and_without_apostrophes():
    assert words("I'll send it. Ill send it. I\u2019ll SEND it!") == ["i", "will", "send", "it"] * 3
    assert words("We've got it, don't we? dont cant won't") == [
        "we", "have", "got", "it", "do", "not", "we", "do", "not", "can", "not", "will", "not"]
    assert words("Let's start; she lets you start") == ["lets", "start", "she", "lets", "you",
                                                       "start"]
    assert words("that's Dana's, ok?") == ["that", "is", "dana", "is", "okay"]


def test_concept_phrases_are_normalized_words():
    """A phrase with a word ``words`` never gives ("can't", "ok") would never match."""
    for concept in CONCEPTS:
        for phrase in concept.expanded():
            literal = [w for w in phrase if w not in ("*", "NAME")]
            assert words(" ".join(literal)) == literal, (concept.label, phrase)
            assert phrase[0] not in ("*", "NAME"), (concept.label, phrase)


def test_a_concept_counts_up_to_its_cap_and_never_across_turns():
    cap = _concept("asks what the product can do").cap
    asks = ["Can we export it?"] * (cap + 3)
    i = [c.label for c in CONCEPTS].index("asks what the product can do")
    assert concept_counts(asks)[i] == cap
    assert concept_counts(["Is there a", "way to do it"])[i] == 0


def test_opening_concepts_count_only_in_the_opening():
    intro = "Hi, it's Lee from Northwind."
    i = [c.label for c in CONCEPTS].index("introduces themselves by company")
    assert concept_counts([intro], [True])[i] == 1
    assert concept_counts([intro], [False])[i] == 0


def _roles(*turns: tuple[str, str], fmt: str = "zoom-vtt") -> dict[str, str]:
    r = assign_roles(_t(*turns, fmt=fmt))
    return {s: r.role_of(s) for s in r.speakers}


def test_training_where_two_people_introduce_themselves():
    """Both say who they are; the trainer is the one who hosts and runs the screen."""
    roles = _roles(
        ("Marta Ruiz", "Hi all, it's Marta. Let's give it a minute, people are still joining."),
        ("Joel Park", "Hey, Joel here, sorry, I was on another call."),
        ("Marta Ruiz", "No worries. So the plan for today: the scheduler, then reports. "
                       "Let me share my screen. Can you see the calendar?"),
        ("Joel Park", "Yes, I can see it. Can we change the colours per crew?"),
        ("Marta Ruiz", "Good question. Yes, you can change them in the left menu, under "
                       "settings. A lot of teams use one colour per site."),
        ("Joel Park", "OK I clicked it, it says saved. In the old system we had to ask IT."),
        ("Marta Ruiz", "Any questions before we wrap? I'll send the recording and the "
                       "slides after the call."),
        ("Joel Park", "No, this was really helpful, thanks."),
    )
    assert roles == {"Marta Ruiz": "csm", "Joel Park": "customer"}


def test_asr_transcript_without_capitals_or_punctuation():
    roles = _roles(
        ("SPEAKER_01", "hey hi can you hear me ok im just parking"),
        ("SPEAKER_00", "hi yes loud and clear its alex from tallyline no rush at all"),
        ("SPEAKER_01", "right im at my desk go ahead"),
        ("SPEAKER_00", "great so today we will go through the payouts page and the alerts "
                       "but first tell me a bit about how your team does reconciliation"),
        ("SPEAKER_01", "so its me and one colleague we used to do it in a spreadsheet"),
        ("SPEAKER_00", "yeah thats really common ok if you click on payouts you will see a "
                       "list and you can filter it by bank"),
        ("SPEAKER_01", "ok got it open it says three pending is there a way to export them"),
        ("SPEAKER_00", "yes you can export it top right ill send you the guide after this"),
        ("SPEAKER_01", "perfect thanks so much for your help"),
        fmt="whisperx")
    assert roles == {"SPEAKER_00": "csm", "SPEAKER_01": "customer"}


def test_non_native_english_host():
    roles = _roles(
        ("Ilse", "Hello, hello. Thank you all for coming. We wait one minute for the others."),
        ("Kofi", "Hello Ilse. Yes, Ama is coming also."),
        ("Ilse", "Good. So, today we will cover three things, first the import, then the "
                 "rules. I will show you now, you see my screen? Here you can choose the file."),
        ("Ama", "Sorry I am late. How do we change the template after?"),
        ("Ilse", "Very good question. The system lets you keep more templates. Most "
                 "customers use one per country. We have configured it for you already."),
        ("Kofi", "Ah, OK. Our finance team will like it. Does it work with Excel?"),
        ("Ilse", "Yes. Other questions? Then I send you the recording today."),
    )
    assert roles == {"Ilse": "csm", "Kofi": "customer", "Ama": "customer"}


def test_customer_who_runs_the_meeting_is_still_the_customer():
    """A customer who convenes an escalation sets the agenda; the vendor still speaks
    for the product and asks about the customer's business."""
    roles = _roles(
        ("Hana Wu", "Thanks everyone for joining. The agenda is simple: why did the sync "
                    "fail again, and what happens if it fails during payroll?"),
        ("Raj Mehta", "Understood. On our side, our engineers found the job that stalled. "
                      "Can you tell me a bit about how many people run payroll on Fridays?"),
        ("Hana Wu", "Four. Our CFO is asking whether we should go back to the old system."),
        ("Raj Mehta", "That's fair. We already moved your account to the new queue, and we "
                      "will email you before every run. I'll send you the root cause today."),
        ("Hana Wu", "Is there a way to get an alert when it stalls?"),
        ("Raj Mehta", "Yes, you can turn on alerts per job. I'd recommend it."),
    )
    assert roles == {"Hana Wu": "customer", "Raj Mehta": "csm"}


def test_detection_explains_what_counted_most():
    t = assign_roles(_t(
        ("Ola", "Welcome everyone. Let me share my screen. Can you all see the dashboard?"),
        ("Ben", "I can see it. Can we export it?"),
        ("Ola", "Good question, you can export it top right, most teams do it weekly."),
    ))
    assert t.role_of("Ola") == "csm"
    source = t.role_sources["Ola"]
    assert source.startswith("detected: ") and "screen share" in source
    scores = detection_scores(t)
    assert scores["Ola"][0] > 0 > scores["Ben"][0]


def test_detection_stays_fast_on_a_long_call():
    import time

    turns = [("Ola", "Welcome back. If you click on reports you'll see the export, and you "
                     "can schedule it. Any questions? I'll send you the recording."),
             ("Ben", "I can see it. Is there a way to filter it? Our old system could not, "
                     "and our CFO wants it weekly, so that would help.")] * 250  # ~10,000 words
    t = _t(*turns)
    began = time.perf_counter()
    scores = detection_scores(t)
    assert time.perf_counter() - began < 0.5
    assert scores["Ola"][0] > scores["Ben"][0]


def test_a_namesake_of_the_csm_is_not_introduced_as_a_colleague():
    """The customer's "our ops lead, Nina Brandt" is someone else than the speaker Nina
    Ortiz, so Nina Ortiz is not taken for the customer's colleague."""
    roles = _roles(
        ("Nina Ortiz", "Hi Sam, thanks for making the time. How is the rollout going?"),
        ("Sam Lee", "Hey Nina. Busy. Our ops lead, Nina Brandt, wants the export by May."),
        ("Nina Ortiz", "Understood. On our side, I'll send you the export guide today, "
                       "and you can schedule it so it goes out weekly."),
        ("Sam Lee", "Is there a way to filter it by depot?"),
    )
    assert roles == {"Nina Ortiz": "csm", "Sam Lee": "customer"}
