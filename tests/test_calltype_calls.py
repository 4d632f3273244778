"""The call-type model on calls of our own, in registers the labelled calls lack: a calm
churn threat with a decision date, non-native English, lowercase speech recognition, phone
support, a QBR that praises a past outage, a nervous but routine kickoff, a discovery full
of the customer's own problems. Written for these tests, never tuned on; each is one
decision the model must get right without having seen it."""

from __future__ import annotations

import pytest

from coach.analysis import Analyzer
from coach.models import Transcript, Turn
from coach.roles import assign_roles

CALLS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "calm_churn_threat": (
        "escalation",
        [
            ("Nadia", "Hi Paul, thanks for making the time. How are things on your side?"),
            (
                "Paul",
                "Fine, thanks. I'll be direct, because I think you'd rather hear it from me. We've had two demos from another provider this month.",
            ),
            ("Nadia", "I appreciate you telling me. Can you share what prompted that?"),
            (
                "Paul",
                "The reporting has been unreliable since the spring release and we've raised it three times. Each time we were told it would be fixed in the next version. My CFO no longer trusts the numbers.",
            ),
            (
                "Paul",
                "Our renewal is on the thirtieth and the board decides on the fifteenth. Right now I can't recommend we stay.",
            ),
            (
                "Nadia",
                "That's a serious position to be in, and I understand why you're there. What would need to be true by the fifteenth for you to recommend staying?",
            ),
            ("Paul", "Accurate month-end reports, and someone who actually owns this problem."),
            ("Nadia", "I'll own it personally. I'll have a root cause and a fix date to you by Friday at noon."),
        ],
    ),
    "non_native_angry": (
        "escalation",
        [
            ("Agent", "Hello, this is Marco from the support team, how I can help?"),
            (
                "Client",
                "Hello. Three days now the system is not working for us. Three days! My drivers they cannot see the routes, they call me every hour.",
            ),
            (
                "Client",
                "I write to your support on Monday, nobody answer me. I call two times, every time they say somebody will call back, nobody call back.",
            ),
            ("Agent", "I am very sorry, this is not acceptable, I understand you are angry."),
            (
                "Client",
                "Yes I am angry. We lose money every day. If this is not fixed this week we go to other company, I am serious.",
            ),
            ("Agent", "I take this now myself. I will call you today at four with news, even if it is not fixed yet."),
        ],
    ),
    "qbr_praising_past_outage": (
        "qbr",
        [
            (
                "Lena",
                "Thanks everyone for joining our quarterly business review. I'll start with the headline numbers for the last quarter, then the roadmap.",
            ),
            ("Omar", "Sounds good."),
            (
                "Lena",
                "Adoption is up to eighty-two percent of seats, and ticket volume is down a third compared to last quarter.",
            ),
            (
                "Omar",
                "That matches what we see. Honestly, even the outage in March was handled well, your team kept us posted every hour.",
            ),
            (
                "Lena",
                "Thank you, I'll pass that on. For the next six months on the roadmap, the big item is the forecasting module.",
            ),
            ("Omar", "Our goal for next quarter is to roll it out to the two new regions."),
            ("Lena", "Great, let's set that as a goal and review the results at our next business review."),
        ],
    ),
    "nervous_onboarding": (
        "onboarding",
        [
            (
                "Ivy",
                "Welcome aboard, and thanks for joining the kickoff. Today I'd like to go through the implementation plan, roles and responsibilities, and the go-live date.",
            ),
            ("Sam", "Great. I'll be honest, I'm a little nervous about the timeline, we have a lot going on in May."),
            (
                "Ivy",
                "That's fair, let's look at the project plan together. Week one is data templates, week two is the import, and go-live is the third of June.",
            ),
            ("Sam", "Okay, that's doable. Who will be our main contact during implementation?"),
            ("Ivy", "That will be me, and Raj joins for the data migration. We'll have weekly calls on Tuesdays."),
            ("Sam", "Perfect, I feel much better."),
        ],
    ),
    "lowercase_asr_training": (
        "training",
        [
            (
                "trainer",
                "okay so today im going to walk you through the scheduling screen so ill share my screen can everyone see it",
            ),
            ("nurse", "yes we can see it"),
            (
                "trainer",
                "great so on the left you see the list of shifts and if you click on a shift it opens the details you can drag it to another nurse",
            ),
            ("nurse", "oh okay and what if two people want the same shift"),
            (
                "trainer",
                "good question under settings there is a rule for that let me show you where it is go ahead and try it yourself",
            ),
            ("nurse", "okay i clicked it and it says approval needed"),
            ("trainer", "exactly thats the approval step ill send you a one page guide after the session"),
        ],
    ),
    "renewal_price_talk": (
        "renewal",
        [
            ("Kim", "Thanks for joining, the main thing today is your renewal, the contract ends in August."),
            ("Ben", "Right. Budget is flat this year, so price matters."),
            (
                "Kim",
                "Understood. For a two year term I can hold the per seat price, and for a three year term I can lower it by five percent.",
            ),
            ("Ben", "The two year option is interesting. Can you send both in writing?"),
            ("Kim", "I'll send the renewal proposal with both options by Thursday."),
        ],
    ),
    "discovery_own_problems": (
        "discovery",
        [
            ("Rita", "Thanks for taking the time. I'd love to learn about your current process for handling returns."),
            (
                "Jon",
                "Sure. Honestly it's a mess, our old system loses track of half the returns and our customers get frustrated waiting for refunds.",
            ),
            ("Rita", "Tell me about a typical week. How many returns, and who handles them?"),
            ("Jon", "About four hundred a week, two people on my team, mostly spreadsheets."),
            ("Rita", "What would success look like for you six months from now?"),
            ("Jon", "Refunds within two days and no more spreadsheets."),
            (
                "Rita",
                "So what I'm hearing is speed and one place for everything. Let me come back with a proposal for how that could work.",
            ),
        ],
    ),
    "checkin_short": (
        "check_in",
        [
            ("Ana", "Hi Leo, just checking in, how are things going with the team since our last call?"),
            ("Leo", "Pretty good. Usage is up and people like the new dashboard."),
            ("Ana", "Great to hear. I have a few updates for you on the mobile app, and then any questions you have."),
            ("Leo", "Sounds good, no big issues on our side."),
            ("Ana", "Perfect, then let's touch base again next month, same time."),
        ],
    ),
    "phone_card_replacement": (
        "check_in",
        [
            ("Agent", "thank you for calling first national bank my name is dana how can i help you today"),
            ("Caller", "hi yes i lost my debit card yesterday i think i left it at a restaurant"),
            ("Agent", "oh i'm sorry to hear that let's get that sorted for you can i please have your full name"),
            ("Caller", "it's marcus allen"),
            ("Agent", "thank you and can you verify your date of birth for me"),
            ("Caller", "march third nineteen eighty four"),
            (
                "Agent",
                "sorry for the wait the system is a bit slow today okay the card is blocked and a new one will be mailed within five to seven business days",
            ),
            ("Caller", "perfect thanks"),
            ("Agent", "is there anything else i can help you with today"),
            ("Caller", "no that's all thank you"),
            ("Agent", "thank you for calling have a great day"),
        ],
    ),
    "phone_cancellation": (
        "escalation",
        [
            ("Agent", "thanks for calling mobile plus this is tara how can i help"),
            ("Caller", "yeah hi i want to cancel my family plan"),
            ("Agent", "i'm sorry to hear that can i ask what's prompting the cancellation"),
            (
                "Caller",
                "honestly the service has been terrible we've had dropped calls for two months and i called three times and every time they said it would be fixed and it never was",
            ),
            ("Agent", "i understand that's really frustrating"),
            (
                "Caller",
                "my daughter couldn't even reach me when her school called i'm done i've already signed up with another carrier",
            ),
            ("Agent", "i can offer you a twenty dollar monthly credit for the next six months if you'd like to stay"),
            ("Caller", "no thank you i just want to cancel"),
            ("Agent", "understood i'll process the cancellation now you'll get a confirmation email within the hour"),
            ("Caller", "fine"),
        ],
    ),
}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer()


def _transcript(turns: list[tuple[str, str]]) -> Transcript:
    out, t = [], 0.0
    for speaker, text in turns:
        d = max(1.5, len(text.split()) / 2.5)  # about 2.5 words a second
        out.append(Turn(speaker=speaker, start=round(t, 2), end=round(t + d, 2), text=text))
        t += d + 0.4
    return assign_roles(Transcript(format="coach-json", turns=out), csm=[turns[0][0]])


@pytest.mark.parametrize("name", sorted(CALLS))
def test_call_type_of_an_unseen_call(analyzer, name):
    label, turns = CALLS[name]
    ct = analyzer.analyze(_transcript(turns)).call_type
    assert ct.label == label, (ct.label, ct.confidence, [e.quote for e in ct.evidence])
    if label == "escalation":
        assert ct.evidence, "an escalation quotes the customer's words that decided it"
