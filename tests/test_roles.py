"""Roles: --csm, roster, Call Analytics AGENT, recorded roles, detection, errors."""

from __future__ import annotations

import pytest
from readers_support import FIXTURES, TEXT_FORMATS, fixture_files

from coach.errors import InputError, RoleError
from coach.models import Transcript, Turn
from coach.readers import read_transcript
from coach.roles import assign_roles
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
