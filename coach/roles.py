"""Who is who on the call: the coached CSM, their internal colleagues, the customer.

Decided, in order of authority:

1. ``--csm NAME`` (repeatable): matches a speaker label case-insensitively, exactly
   or as its leading whole words ("Priya" names "Priya Nair");
2. a roster (``coach.roster``): the team's CSMs and internal colleagues by name;
3. the format: ``AGENT`` / ``CUSTOMER`` in Amazon Transcribe Call Analytics, the
   ``role`` of Google Contact Center AI entries (see ``_ccai_roles``), or the roles
   already recorded in a ``coach transcript --format json`` file;
4. detection from what people say, weighed across the whole call: phrase cues
   (``CUES``: self-introduction with a company, "it's Brittany from Appoint Lee";
   saying they are the CSM; "on our side", "your account", "I'll send you" against
   "your product", "we signed", "I opened a ticket") and concepts (``CONCEPTS``,
   matched on normalized words so ASR text without capitals or apostrophes counts):
   who hosts (welcomes people, waits for them to join, sets the agenda, runs the
   screen share or the training, records it, opens the floor and wraps up), who
   speaks for the vendor ("we set it up for you", "you can export it", "a lot of
   teams do this"), who asks about the customer's business, against who asks what
   the product can do, follows the instructions on screen and speaks of their own
   organisation and old tools. The CSM is picked only when one speaker is clearly
   ahead; the first speaker is never assumed to be the CSM.

A speaker the CSM side introduces as a colleague ("I've got Anika Sharma, she's a
staff engineer on our team") is internal; everyone else is the customer.
``transcript.role_sources`` records how each role was decided.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from coach.errors import RoleError
from coach.models import Transcript
from coach.roster import Roster, name_matches

# Detection needs this lead over the runner-up, and at least this score.
MIN_SCORE = 2.0
MIN_LEAD = 1.5
CAP_PER_CUE = 2  # one phrase said ten times counts twice

# Characters re.IGNORECASE matches to an ASCII letter that str.lower() does not turn into
# that letter: dotted capital I (lowers to two characters), dotless i, long s, Kelvin sign.
_ODD_CASE = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def fold(text: str) -> str:
    """``text`` lowercased the way re.IGNORECASE compares ASCII letters, same length.

    Same length, so an index in the folded text is an index in ``text``.
    """
    if not text.isascii():
        for odd, plain in _ODD_CASE:
            text = text.replace(odd, plain)
    return text.lower()


class NeedleStarts(dict[str, list[int]]):
    """Where each needle starts in one folded text: found on first use, shared by the cues."""

    def __init__(self, folded: str) -> None:
        super().__init__()
        self.folded = folded

    def __missing__(self, needle: str) -> list[int]:
        found, i = [], self.folded.find(needle)
        while i >= 0:
            found.append(i)
            i = self.folded.find(needle, i + 1)
        self[needle] = found
        return found


@dataclass(frozen=True)
class Cue:
    """A phrase that says which side of the call a speaker is on.

    Every match of ``pattern`` starts with one of ``needles`` (lowercase, compared with
    the ``fold``-ed text), so the regex is tried only where a needle starts: scanning a
    long call with a regex that opens on ``\\b`` and an alternation is slow. Each distinct
    needle costs one ``str.find`` pass over a speaker's text, so cues share short needles
    ("our ", "i ") unless those start too often; tests/test_roles_speed.py checks them.
    """

    pattern: re.Pattern[str]
    weight: float
    label: str
    needles: tuple[str, ...]

    def count(self, text: str, starts: NeedleStarts | None = None) -> int:
        """``len(pattern.findall(text))``, at most CAP_PER_CUE.

        findall takes the leftmost match and goes on from its end; every match starts
        at a needle, so trying the needle starts in order finds the same matches (a
        ``\\b`` at ``at`` still sees the character before it, and no match is empty).
        ``starts`` shares the needle search between the cues scoring one text.
        """
        starts = NeedleStarts(fold(text)) if starts is None else starts
        n = end = 0
        for at in sorted({i for needle in self.needles for i in starts[needle]}):
            if at >= end and (m := self.pattern.match(text, at)):
                n, end = n + 1, m.end()
                if n == CAP_PER_CUE:
                    break
        return n


def _cue(regex: str, weight: float, label: str, needles: tuple[str, ...],
         flags: int = re.I) -> Cue:
    return Cue(re.compile(regex, flags), weight, label, needles)


_STAFF = r"(?:agents?|reps?|staff|people|folks)\b"
_NAME = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?"
_COMPANY = r"[A-Z][\w&'’.-]*"
_ILL = ("i'll", "ill ")  # I'?ll

CUES: tuple[Cue, ...] = (
    # The CSM says what they are.
    _cue(r"\bI'?m your (?:\w+ ){0,2}(?:customer success|CSM|account manager|success manager|"
         r"point of contact|main contact|account executive)", 6, "says they are the CSM",
         ("i'm", "im")),
    _cue(r"\b(?:I'?m|I am) (?:the|a|your) (?:\w+ )?(?:customer success manager|CSM)\b", 6,
         "says they are the CSM", ("i'm", "im", "i am")),
    # Self-introduction with a company.
    _cue(rf"\b(?:[Ii]t'?s|[Ii]t is|[Tt]his is|I'?m|I am|[Mm]y name(?:'s| is))\s+{_NAME},?\s+"
         rf"(?:from|with|over at|here at)\s+{_COMPANY}", 3,
         "introduces themselves with their company",
         ("it's", "its", "it is", "this is", "i'm", "im", "i am", "my name"), 0),
    _cue(rf"\b(?:[Ii]t'?s|[Ii]t is|[Tt]his is|I'?m|I am|[Mm]y name(?:'s| is))\s+{_NAME},?\s+"
         r"(?:from|with|on|over on)\s+(?:the|our)\s+(?:[Cc]ustomer [Ss]uccess|CS|[Aa]ccount "
         r"[Mm]anagement|[Ss]uccess|[Oo]nboarding|[Ii]mplementation|[Ss]olutions|[Ss]upport)\s+"
         r"(?:team|side|org)", 3, "introduces themselves from the vendor's team",
         ("it's", "its", "it is", "this is", "i'm", "im", "i am", "my name"), 0),
    _cue(rf"\b(?:[Hh]i|[Hh]ey|[Hh]ello|[Gg]ood (?:morning|afternoon))\s+{_NAME}[,.!]?\s+"
         rf"(?:it'?s|this is)\s+{_NAME}", 1.5, "greets the other by name and introduces "
         "themselves", ("hi", "hey", "hello", "good morning", "good afternoon"), 0),
    # Hosting the call.
    _cue(r"\bthanks?(?: you)?(?: so much)? for (?:making (?:the |some )?time|taking the time|"
         r"jumping on|hopping on|getting on|joining|carving out|fitting this in|"
         r"finding (?:the |some )?time)", 2, "thanks the other for making the time", ("thank",)),
    _cue(r"\b(?:quick agenda|(?:the )?agenda for today|the point of today|"
         r"I(?:'ve| have) got (?:about )?\w+ minutes blocked|I wanted to walk (?:you )?through)",
         1.5, "runs the agenda", ("quick agenda", "the agenda for today", "agenda for today",
                                  "the point of today", "i've", "i ")),
    _cue(r"\bthanks for calling\b", 1, "takes the call", ("thank",)),
    # Company side.
    _cue(r"\b(?:on|from) our (?:side|end)\b", 2, "speaks for 'our side'", ("on our", "from our")),
    # "our support agents" are the customer's own staff, not the vendor's support team
    _cue(rf"\bour (?:\w+ )?(?:product|platform|roadmap|support(?! {_STAFF})|implementation|onboarding|"
         r"customer success|solutions|engineering|engineers|developers|reliability|"
         r"incident|status page|SLA|terms|pricing|billing)\b", 1.5,
         "speaks of 'our' product, engineers, support", ("our ",)),
    _cue(r"\byour (?:account|renewal|contract|subscription|instance|tenant|workspace|"
         r"environment|rollout|implementation|onboarding|admins?|users|seats|licen[cs]es|plan|"
         r"usage|integration|sandbox|data|go[- ]live|success plan)\b", 1,
         "speaks of 'your account'", ("your ",)),
    _cue(r"\bI'?ll (?:\w+ ){0,2}(?:send|get|email|walk|set|share with|loop in|introduce) you\b",
         1.5, "commits to the other ('I'll send you')", _ILL),
    _cue(r"\bI'?ll (?:personally |also )?(?:own|take ownership|follow up|circle back|"
         r"escalate|loop in|reach out to (?:our|the))", 1.5, "owns follow-ups", _ILL),
    _cue(r"\blet me (?:check|look into|find out|get back|loop in|pull up|dig into)\b", 1,
         "offers to check", ("let me",)),
    _cue(r"\b(?:we|I) can (?:credit|waive|extend|offer|comp|discount|escalate)\b|"
         r"\bcredit (?:on|to|for) your\b", 1.5, "offers credits or escalation",
         ("we ", "i ", "credit")),
    _cue(r"\b(?:runs|leads|heads) customer success\b|\bcustomer success (?:team|manager)\b",
         1, "speaks of customer success",
         ("runs customer", "leads customer", "heads customer", "customer success")),
    _cue(r"\bI'?ll (?:\w+ ){0,2}(?:send|put together|draft|write up|share) (?:\w+ ){0,3}"
         r"(?:proposal|recap|summary|invite|agenda|quote|options|plan|timeline|notes)\b", 1.5,
         "promises the proposal or recap", _ILL),
    _cue(r"\b(?:other|most of our|a lot of our|many of our|our other) (?:customers|clients)\b|"
         r"\bworked (?:well )?(?:elsewhere|for other)", 1.5, "speaks of other customers",
         ("other", "most of our", "a lot of our", "many of our", "our other", "worked")),
    _cue(r"\bour (?:typical|standard|usual) (?:rollout|implementation|onboarding|timeline|"
         r"process|approach)\b", 1, "speaks of 'our typical rollout'", ("our ",)),
    _cue(r"\b(?:so,? )?(?:the |our )?next steps\b", 1, "sums up next steps",
         ("so ", "so, ", "the next steps", "our next steps", "next steps")),
    _cue(r"\bcan I ask (?:you )?(?:a few|a couple of|some) questions\b", 1, "asks to probe",
         ("can i ask",)),
    _cue(r"\banything else (?:I|we) (?:should|can|need)", 1, "asks 'anything else?'",
         ("anything else",)),
    # Customer side.
    _cue(rf"\byour (?:company|product|platform|software|tool|app|support(?! {_STAFF})(?: team)?|sales "
         r"(?:rep|team|guy|person)|rep|billing (?:line|team|department)|pricing|"
         r"engineers|status page|onboarding specialist|implementation (?:person|consultant))\b",
         -1.5, "speaks of 'your product / your support'", ("your ",)),
    _cue(r"\b(?:we|I)(?:'ve| have)? (?:just )?(?:signed|bought|purchased|paid|pay|are paying|"
         r"'re paying|got (?:an|this|the) (?:invoice|email|bill))\b", -1.5,
         "is the one paying ('we signed', 'we pay')", ("we ", "we've", "i ", "i've")),
    _cue(r"\b(?:I|we) (?:\w+ ){0,2}(?:opened|submitted|filed|raised|logged) "
         r"(?:a |the |another |our )?(?:ticket|case|support request)", -1.5,
         "opened the ticket", ("i ", "we ")),
    _cue(r"\b(?:nobody|no one) (?:from your|at your|called|emailed|told|reached)", -1,
         "nobody called them", ("nobody", "no one")),
    _cue(r"\b(?:the|our) (?:last|previous|old) (?:vendor|provider)\b", -1,
         "compares with their last vendor",
         ("the last", "the previous", "the old", "our last", "our previous", "our old")),
    _cue(r"\b(?:cancel (?:our|my) (?:contract|subscription|account)|get out of (?:the|our) "
         r"contract|look(?:ing)? at (?:other vendors|alternatives|competitors)|"
         r"switch(?:ing)? (?:vendors|providers))", -1.5, "threatens to leave",
         ("cancel", "get out", "look", "switch")),
    _cue(r"\bwhen we (?:were )?(?:evaluating|bought|signed|chose|picked)", -1.5,
         "remembers buying", ("when we",)),
    _cue(r"\b(?:you guys|your team) (?:told|promised|said|sold|showed)", -1,
         "quotes what the vendor promised", ("you guys", "your team")),
)

# What a speaker does across the whole call, said many ways: concepts matched on
# normalized words (lowercase, no punctuation, contractions spelled out), so ASR text
# without capitals or apostrophes ("ill send the recording") counts as written text
# does. A phrase is words with "(a|b c|)" choices ("" leaves the slot out) and "*" for
# any one word; "NAME" is one word that is not a common word. Positive concepts are
# the CSM's (hosting, running the screen share, speaking for the vendor, asking about
# the customer's business), negative ones the customer's (asking what the product can
# do, following the instructions on screen, speaking of their own organisation).
@dataclass(frozen=True)
class Concept:
    """Something one side of the call does, with the phrases that say it.

    ``weight`` is per time it is said (positive: the CSM side), up to ``cap`` times a
    speaker, so a concept weighs by how much of the call shows it, not by one phrase.
    """

    label: str
    weight: float
    phrases: tuple[str, ...]
    cap: int = 3  # the same concept counts at most this often per speaker
    opening: bool = False  # only in the first OPENING_SECONDS of the call

    def expanded(self) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...]] = []
        for phrase in self.phrases:
            out.extend(_expand(phrase))
        return out


OPENING_SECONDS = 120.0
_BIZ = ("(customers|clients|teams|companies|merchants|businesses|organisations|"
        "organizations|users|admins|accounts|people|folks|schools|practices)")
_TOOL = "(system|tool|platform|software|processor|provider|vendor|solution|setup|app)"
_PRODUCT = "(system|platform|dashboard|app|tool|product|software|portal)"

CONCEPTS: tuple[Concept, ...] = (
    # Hosting the meeting.
    Concept("welcomes people and thanks them for joining", 1.5, (
        "welcome (everyone|everybody|all|aboard|back|to the|to our|to today|to this)",
        "(thanks|thank you) (everyone|everybody|all|you all|both|guys|) for (joining|coming|"
        "being here|making it|jumping on|hopping on|dialing in|dialling in|calling in|"
        "taking the time|making the time|making time|your time today)",
        "good to have (you|everyone|everybody|you all) (here|on|with)",
        "glad (you|everyone) (could|can) (make it|join)",
    ), cap=2),
    Concept("waits for people to join", 1, (
        "give it (a|another|one more|a couple|two) (minute|minutes|moment|sec|second|more)",
        "give (people|everyone|folks|others) (a|another|one more|a couple)",
        "(people|folks|others|everyone|some) (are|is) (still|just) joining",
        "wait (a|for a|one) (minute|moment|few|sec) for",
        "wait for (the others|everyone|people|others|a few more|the rest)",
        "(had|have|put|sent) (him|her|them) on the invite",
        "who else (is|are|will be) (joining|coming)",
        "(looks like|i think|seems like) (everyone|we are all|everybody) (is here|here)",
    ), cap=2),
    Concept("sets the agenda", 1.5, (
        "agenda",
        "the plan (is|for today|for the call|for this call|today)",
        "today (is the|we will|we are going to|i want to|i would like to|i will|i am going to)",
        "(today|first|so) well (go|cover|look|do|start|walk|run)",  # "we'll" without its apostrophe
        "(i|we) (want|would like|wanted|are going|will|plan|thought) to (cover|go over|go "
        "through|walk you through|run through|take you through|talk about|show you)",
        "(walk|take|run) you (through|all through)",
        "before we (start|begin|get started|dive in|jump in|kick off)",
        "(let us|lets) (get started|start|begin|dive in|jump in|kick off|get into it|get going)",
        "to kick (things|this|us|) off",
        "(quick|a quick|round of) (intros|introductions)",
        "(a|two|three|four|five|six|few|couple of) things (today|to cover|i want|on the list)",
    )),
    Concept("runs the screen share or the demo", 1, (
        "(share|sharing|shared) my screen",
        "(can|do|could) (you|you all|everyone|everybody|you both) see (my|the|it|that|this)",
        "let me (show|share|pull up|bring up|open|go back|go into|switch|zoom|make the|"
        "demo|click)",
        "(i will|i am going to) (show|share|demo|go into|pull up|open|click)",
        "(if|when|once) (i|you) click",
        "click (on|the|that|this|it|here|there|submit|save)",
        "in the (left|right|top|bottom|side) (menu|hand|corner|panel|bar|nav)",
        "(top|bottom) (right|left)",
        "scroll (down|up)",
        "you (will|should|would) see",
        "here you (can|see|have|will)",
        "this is where (you|the|your)",
    )),
    Concept("keeps the floor open and wraps up", 1, (
        "(any|other|more) questions",
        "(please|feel free to|do not hesitate to|free to) (interrupt|stop me|jump in|shout)",
        "stop me (if|at any|anytime|any time)",
        "does (that|this|it) (all |)make sense",
        "(let me|to|quick|a quick|i will|can i) recap",
        "to (sum up|summarise|summarize|wrap up|wrap things up)",
        "(let me|i will) (summarise|summarize|sum up)",
        "i will let you go",
        "before we (wrap|finish|hang up|end|close|jump off|drop)",
        "anything else (from you|from your side|on your side|you want|before we|you would)",
        "i will send (the|an|a|you the|you an|you a|both of you the|everyone the) "
        "(calendar |)invite",
    )),
    Concept("records the call and shares the materials", 1, (
        "(it is|this is|the call is|the session is|we are|i am) (being |)(recorded|recording)",
        "i (will |)send (you |everyone |all of you |everybody |over |out |)(the |a |)(recording|"
        "slides|deck|link|guide|docs|documentation|quick reference|checklist|templates|"
        "materials|one pager|one page)",
        "(the recording|the slides) (will be|is|are) (in|on|shared|sent|available)",
    ), cap=2),
    # Speaking for the vendor.
    Concept("explains what the customer can do in the product", 1, (
        "you can (also |just |still |)(add|export|schedule|set|change|click|pick|choose|"
        "filter|turn|switch|configure|create|edit|find|download|upload|invite|assign|track|"
        "automate|connect|customise|customize|enable|disable|run|drag|toggle|search)",
        "(yes|yeah|yep) you can",
        "you (will|would|might|may) (want|need) to",
        "i would (recommend|suggest)",
        "(i|we) (recommend|suggest|advise)",
        "my (suggestion|recommendation|advice|tip) (is|would)",
        "(one|a quick|a little|my) tip",
        "best practice",
        "rule of thumb",
        f"the {_PRODUCT} (lets|will let|allows|will allow) you",
        "(it|that|this) (lets|allows) you",
    )),
    Concept("speaks for the vendor ('we' set it up for 'you')", 1, (
        "we (configured|set up|built|enabled|turned on|created|provisioned|added|fixed|"
        "changed|moved|made) (it |that |this |them |)for you",
        "(does|do|did|will do) (the|all the) * for you",
        "(does|do) (it|that|this) for you",
        "we (send|notify|email|bill|charge|invoice|credit|refund|alert) you",
        "we (do not|never|will not|can not) (store|share|sell|charge|bill|keep|see)",
        "we (check|store|host|back up|encrypt|monitor) (your|the|all|every|it|that)",
        "(we|i) (have |just |)(shipped|released|pushed|deployed|launched) (a|the|our) (fix|"
        "patch|hotfix|update|new version|new release|release|feature)",
        "(on|in) our (roadmap|docs|documentation|help centre|help center|status page|"
        "knowledge base|api)",
        "our (engineers|engineering team|product team|roadmap|docs|documentation|developer "
        "docs|release notes|training environment|demo environment|test environment|help "
        "centre|help center|knowledge base|academy|onboarding team|implementation team|"
        "solutions team|success team|cs team|product managers|support engineers)",
    )),
    Concept("answers as the one who knows the product and its customers", 1, (
        "(good|great|really good|fair|excellent|very good|brilliant|lovely) question",
        "(that is|it is) (a |)(really |very |super |)common",
        f"(a lot of|lots of|most|many|some|other|plenty of) {_BIZ} (get|do|find|ask|use|set|"
        "send|like|prefer|run|start|struggle|make|end up|choose|go|turn)",
        f"what (some|a lot of|most|many|other|our other) (of our |of the |){_BIZ} do",
        "(i|we) have seen (that|this|it) (a lot|before|at|with|many|plenty|loads|so)",
        "(i|we) see (that|this|it) (a lot|all the time|often|quite a bit|every)",
        "in my experience",
        "(catches|confuses|trips up|catches out) (people|everyone|everybody|a lot of|most|"
        "our)",
        "(at|with) every (customer|client|company|team) (i|we)",
    )),
    # Asking about the customer's business (the buyer answers).
    Concept("asks about the customer's business", 1, (
        "tell me (a bit|a little|a little bit|more|about)",
        "walk me through (how|your|what|the)",
        "how (many|much|often) (are|do|does|is) (you|your|the team)",
        "how (many|much|often) * (are|do|does) (you|your)",
        "who (deals|handles|owns|looks after|manages|is responsible|takes care|does that)",
        "(how|what) (do|does) (you|your team) (currently|today|handle|manage|deal|track|use|do)",
        "(what|how) does your",
        "what are you (using|doing|running) (today|now|currently|at the moment|for)",
        "what is yours",
        "what is your (current|biggest|main|top|goal|priority|process|setup|set up)",
        "what (are|would be|were) your (goals|priorities|plans|main|top|biggest)",
        "what (would|does|will) success look like",
        "how (is|are) (things|it|the team|your team|everything) (going|looking)",
        "how (is|are) (the|your) * (going|looking|coming along|working out)",
        f"your (old|previous|current|existing|legacy|last) {_TOOL}",
    )),
    Concept("introduces themselves by company", 1.5, (
        "(it is|this is|i am|my name is) NAME (from|with|over at|here at|calling from)",
        "(hi|hey|hello|hiya|everyone|all|morning|afternoon) NAME here (from|with|at)",
    ), cap=1, opening=True),
    # The customer side.
    Concept("asks what the product can do", -1, (
        "can we (add|have|export|change|automate|edit|delete|customise|customize|integrate|"
        "import|filter|bulk|remove|limit|restrict|block|undo|restore|hide|rename|turn)",
        "can i (turn|change|add|export|edit|delete|close|cancel|undo|restore|download|"
        "upload|bulk|hide|rename)",
        "is there a way (to|for|of)",
        "is (it|that) possible",
        f"does (it|that|this|the {_PRODUCT}) (support|work with|include|handle|sync|"
        "integrate|allow|let|show|store|connect|export|come with)",
        "(how|where) do (i|we) (find|get|set|turn|change|add|export|make|know|see)",
        "where (is|do i find|can i find|would i find) (that|it|this)",
        "what happens (if|when) (we|i|the|a|someone|there)",
        "what if (there is|the|we|i|someone|a)",
        "do you (guys |)(support|have|offer|integrate|store|provide)",
    )),
    Concept("follows the instructions on screen", -1, (
        "i can see it",
        "i see it (now|there|here)",
        "i have got it (open|up|now|here)",
        "i have it (open|up)",
        "i am logged in",
        "logging in",
        "(it|this|mine) says",
        "it is asking (me|for)",
        "i (clicked|ticked|have clicked|have ticked|have raised|raised it|submitted it|"
        "enabled it|turned it on|found it|did it|have done it)",
        "there it is",
        "found it",
        "i (do not|can not) (see|find) (it|that|the|a|any)",
        "(it|that) (worked|works now)",
    )),
    Concept("speaks of their own organisation and old tools", -1, (
        "our (ceo|cfo|coo|cto|board|budget|finance team|finance department|it team|it "
        "department|procurement|legal team|account manager|csm|rep|sales rep|contract|renewal)",
        f"(our|the) (old|previous|legacy|last|current|existing) {_TOOL}",
        "(we|i) used to (use|have|do|get|pay|run)",
        "before we (switched|moved|signed|bought|had you|came to you)",
    )),
    Concept("thanks the other for the help", -0.75, (
        "this (was|has been|is) (really |very |super |so |incredibly |extremely |)(useful|"
        "helpful|clear|valuable)",
        "(thanks|thank you) (for|so much for) (your|the|all the|all your) help",
        "you (have been|were) (really |very |super |so |)(helpful|great)",
        "appreciate (your|the|all the) help",
    ), cap=2),
)


_GROUP = re.compile(r"\(([^()]*)\)")


def _expand(phrase: str) -> list[tuple[str, ...]]:
    """Every word sequence a phrase stands for: "(a|b c|)" is a choice, nested ones too."""
    m = _GROUP.search(phrase)
    if m is None:
        return [tuple(phrase.split())]
    out: list[tuple[str, ...]] = []
    for choice in m.group(1).split("|"):
        out.extend(_expand(phrase[:m.start()] + f" {choice} " + phrase[m.end():]))
    return out


# Contractions spelled out, with and without the apostrophe (ASR often drops it).
_CLITICS = {"ll": ("will",), "re": ("are",), "ve": ("have",), "m": ("am",),
            "d": ("would",), "s": ("is",)}
_BARE = {"im": "i am", "ive": "i have", "ill": "i will", "id": "i would", "youll": "you will",
         "youre": "you are", "youve": "you have", "youd": "you would", "weve": "we have",
         "theyre": "they are", "theyve": "they have", "thats": "that is", "whats": "what is",
         "its": "it is", "theres": "there is", "heres": "here is",
         "dont": "do not", "doesnt": "does not", "didnt": "did not", "cant": "can not",
         "cannot": "can not", "wont": "will not", "isnt": "is not", "arent": "are not",
         "wasnt": "was not", "havent": "have not", "wouldnt": "would not",
         "couldnt": "could not", "shouldnt": "should not", "gonna": "going to",
         "wanna": "want to", "ok": "okay", "hows": "how is", "wheres": "where is",
         "whos": "who is"}
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


@functools.lru_cache(maxsize=8192)
def _spelled(token: str) -> tuple[str, ...]:
    """One written token as words: "i'll" and "ill" -> ("i", "will"), "don't" and "dont"
    -> ("do", "not"); "let's" and "lets" stay "lets" (it may be "she lets you")."""
    head, _, tail = token.replace("’", "'").partition("'")
    if tail == "t" or tail == "s" and head == "let":  # don't, can't, won't; let's
        head, tail = head + tail, ""
    if tail in _CLITICS:
        return _spelled(head) + _CLITICS[tail]
    if tail:  # o'clock, y'all: the word as one
        head += tail
    return tuple(_BARE[head].split()) if head in _BARE else (head,)


def words(text: str) -> list[str]:
    """``text`` as lowercase words, punctuation dropped and contractions spelled out."""
    return [w for token in _TOKEN.findall(text.lower()) for w in _spelled(token)]


# Words a "NAME" slot never is.
_COMMON = frozenset("""a about actually all also always an and any back be been being but
by calling coming different far from getting going good great here how i in is it just like
looking me more my no not now of on one only or out over really right same so still sure that
the then there this to too trying up very was we well what when where which who why with you
your""".split())
_END = ""  # a trie key no word is: the concepts whose phrase ends at this node


def _trie(concepts: Sequence[Concept]) -> dict:
    """The concepts' phrases as a word trie ("*" and "NAME" are keys too); a node's
    ``_END`` lists the indexes of the concepts whose phrase ends there."""
    root: dict = {}
    for i, concept in enumerate(concepts):
        for phrase in concept.expanded():
            if not phrase or phrase[0] in ("*", "NAME"):
                raise ValueError(f"{concept.label}: a phrase must start with a word, not "
                                 f"'*' or 'NAME': {phrase}")
            node = root
            for w in phrase:
                node = node.setdefault(w, {})
            if i not in node.setdefault(_END, []):
                node[_END].append(i)
    return root


_TRIE = _trie(CONCEPTS)


def _ends(ws: list[str], at: int, node: dict, depth: int = 0):
    """(concept index, phrase length) for each phrase of ``node`` matching ws[at:]."""
    for i in node.get(_END, ()):
        yield i, depth
    if at >= len(ws):
        return
    w = ws[at]
    for key in (w, "*", "NAME"):
        child = node.get(key)
        if child is not None and (key != "NAME" or w not in _COMMON):
            yield from _ends(ws, at + 1, child, depth + 1)


def concept_counts(turns: Sequence[str], opening: Sequence[bool] | None = None) -> list[int]:
    """How often each of CONCEPTS is said in ``turns`` (one speaker's), at most its cap.

    A phrase never runs across two turns; within a concept matches do not overlap.
    ``opening[i]`` says whether turn i is in the opening (for ``Concept.opening``).
    """
    counts = [0] * len(CONCEPTS)
    for n, text in enumerate(turns):
        in_opening = opening[n] if opening is not None else True
        ws = words(text)
        free_from = [0] * len(CONCEPTS)
        for at, w in enumerate(ws):
            child = _TRIE.get(w)
            if child is None:
                continue
            for i, length in _ends(ws, at + 1, child, 1):
                concept = CONCEPTS[i]
                if (at < free_from[i] or counts[i] >= concept.cap
                        or (concept.opening and not in_opening)):
                    continue
                counts[i] += 1
                free_from[i] = at + length
    return counts


# A colleague introduced by the CSM side: the sentence names them and says they are
# on "our" side.
# A diarization label is a role word, a letter or a number (or a few of them), not a
# name: "A", "0", "spk_1", "ch_0", "S1", "SPEAKER_00", "AGENT", "END_USER 42",
# "Speaker 1", "Unknown Speaker", "Guest-2", "UU". Names have a word that is none of these.
_ROLE_WORDS = frozenset("""speaker speakers spk spkr sp ch chan channel agent agents customer
customers caller callee client user enduser end human automated virtual bot participant
person voice unknown unidentified unk guest host cohost interviewer interviewee rep
representative operator moderator attendee member other remote local mic microphone line
track left right inbound outbound role unspecified any me them us you side party""".split())
_LABEL_PART = re.compile(r"([^\W\d_]*)(\d*)")


def is_generic_label(label: str) -> bool:
    """True when a speaker label names a slot, not a person (see ``_ROLE_WORDS``).

    Every part of the label (split at spaces, ``_``, ``-``, ``.``, ``:``, ``#``, brackets)
    must be a number, one letter (repeated, as Speechmatics' ``UU``) or a role word,
    each optionally followed by digits (``spk0``, ``S1``). Used by batch to keep such
    labels out of the per-person figures; role detection does not depend on it.
    """
    parts = [p for p in re.split(r"[\s_\-.:#()\[\]/]+", label.casefold()) if p]
    for part in parts:
        m = _LABEL_PART.fullmatch(part)
        if m is None:
            return False
        letters = m[1]
        if letters and not (len(set(letters)) == 1 and len(letters) <= 3
                            or letters in _ROLE_WORDS):
            return False
    return True


_COLLEAGUE = re.compile(
    r"\b(?:I'?ve got|I have|I brought|I'?ve brought|I'?m joined by|joined by|with me (?:today )?"
    r"(?:is|are)|joining us(?: today)? (?:is|are|from)|on our (?:\w+ )?team|from our|"
    r"our (?:\w+ ){0,2}(?:team|engineer|lead|manager|VP|director|architect)|"
    r"my (?:boss|manager|colleague|director|VP|teammate|counterpart)|"
    r"(?:runs|leads|heads) [\w ]{2,30} (?:here|for us|on our side))", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def assign_roles(transcript: Transcript, *, csm: Sequence[str] = (),
                 roster: Roster | None = None, require_csm: bool = True) -> Transcript:
    """A copy of ``transcript`` with every turn's role set and ``role_sources`` filled.

    Raises ``RoleError`` when a ``--csm`` name matches no speaker (or two), and, with
    ``require_csm``, when the CSM cannot be decided.
    """
    speakers = transcript.speakers
    roles: dict[str, str] = {}
    sources: dict[str, str] = {}

    names = [n.strip() for n in csm if n and n.strip()]
    notes = _apply_csm_names(names, speakers, roles, sources, transcript) if names else []

    if roster is not None:
        for spk in speakers:
            if spk in roles:
                continue
            hit = roster.match(spk)
            if hit is None:
                continue
            role, person = hit
            if role == "csm" and names:
                # Another of the team's CSMs on a call where --csm names the coached one.
                roles[spk], sources[spk] = "internal", f"roster: CSM {person} (colleague)"
            else:
                roles[spk], sources[spk] = role, f"roster: {person}"

    if transcript.format == "google-ccai":
        _ccai_roles(speakers, roles, sources)
    if "csm" not in roles.values():
        _from_format(transcript, speakers, roles, sources)

    if "csm" not in roles.values():
        _detect(transcript, speakers, roles, sources)

    decided = "csm" in roles.values()
    if transcript.format == "google-ccai":
        _ccai_roles(speakers, roles, sources)  # agents left once the CSM is known
    if decided and transcript.has_text:
        # colleagues the CSM side introduces ("I've got Anika, our staff engineer") are
        # internal however the CSM was decided; _detect did this for detection already
        for spk, by in introduced_colleagues(transcript).items():
            if spk not in roles and roles.get(by) in ("csm", "internal"):
                roles[spk], sources[spk] = "internal", f"detected: introduced by {by} as a colleague"
    if not decided and require_csm:
        raise RoleError(undecided_message(transcript))
    for spk in speakers:
        if spk not in roles:
            if decided:
                roles[spk], sources[spk] = "customer", "everyone else is the customer"
            else:
                roles[spk], sources[spk] = "unknown", "CSM not decided"
    turns = [t.model_copy(update={"role": roles[t.speaker]}) for t in transcript.turns]
    warnings = list(transcript.warnings) + [n for n in notes if n not in transcript.warnings]
    undecided = "could not decide which speaker is the CSM; name one with --csm NAME"
    if not decided and undecided not in warnings:
        warnings.append(undecided)
    return transcript.model_copy(update={"turns": turns, "role_sources": sources,
                                         "warnings": warnings})


def speakers_matching(name: str, speakers: Sequence[str]) -> list[str]:
    """The speakers ``--csm name`` (or a sidecar's ``csm``) names: the label itself,
    case-insensitively, else every label ``name`` is the leading words of."""
    exact = [s for s in speakers if s.casefold() == name.casefold()]
    return exact or [s for s in speakers if name_matches(name, s)]


def _apply_csm_names(names: list[str], speakers: list[str], roles: dict[str, str],
                     sources: dict[str, str], transcript: Transcript) -> list[str]:
    unmatched = []
    for name in names:
        found = speakers_matching(name, speakers)
        if len(found) > 1:
            raise RoleError(f"{_where(transcript)}--csm {name!r} matches several speakers "
                            f"({', '.join(repr(s) for s in found)}); give the full label")
        if not found:
            unmatched.append(name)
            continue
        roles[found[0]], sources[found[0]] = "csm", f"--csm {name}"
    if len(unmatched) == len(names):
        raise RoleError(f"{_where(transcript)}--csm {', '.join(repr(n) for n in unmatched)} "
                        f"matches no speaker; "
                        f"speakers are {_speaker_list(transcript)}")
    if unmatched:
        # A team's list of CSMs, some of whom are not on this call: fine, but say so.
        return [f"--csm {', '.join(repr(n) for n in unmatched)} matches no speaker on this call"]
    return []


def _from_format(transcript: Transcript, speakers: list[str], roles: dict[str, str],
                 sources: dict[str, str]) -> None:
    if transcript.format == "aws-call-analytics":
        for spk in speakers:
            if spk in roles:
                continue
            if spk.upper() == "AGENT":
                roles[spk], sources[spk] = "csm", "format: AGENT in Call Analytics"
            elif spk.upper() == "CUSTOMER":
                roles[spk], sources[spk] = "customer", "format: CUSTOMER in Call Analytics"
        return
    # Roles already decided in a `coach transcript --format json` file.
    recorded = {t.speaker: t.role for t in transcript.turns if t.role != "unknown"}
    if "csm" in recorded.values():
        for spk, role in recorded.items():
            if spk not in roles:
                roles[spk] = role
                sources[spk] = transcript.role_sources.get(spk, "recorded in the file")


# Contact Center AI entry roles (its docs' data format and the API's enum).
_CCAI_KINDS = {"AGENT": "agent", "HUMAN_AGENT": "agent", "AUTOMATED_AGENT": "automated",
               "END_USER": "customer", "CUSTOMER": "customer"}


def _ccai_roles(speakers: list[str], roles: dict[str, str], sources: dict[str, str]) -> None:
    """Roles from Contact Center AI's entry roles (the speaker label starts with it).

    The human agent is the CSM, as ``AGENT`` is in Call Analytics, when there is exactly
    one; with several (a transfer), ``--csm`` or detection picks one and the others are
    internal colleagues. The end user is the customer. An automated (virtual) agent
    speaks for the company but is nobody to coach: internal, so its scripted lines
    count neither as the CSM's talk nor as the customer's words and sentiment.
    ``ANY_AGENT``, ``ROLE_UNSPECIFIED`` and unknown roles are left to detection.
    """
    kinds = {spk: _CCAI_KINDS.get(spk.split()[0].upper()) for spk in speakers if spk.split()}
    humans = [spk for spk, kind in kinds.items() if kind == "agent" and spk not in roles]
    csm_known = "csm" in roles.values()
    for spk, kind in kinds.items():
        if spk in roles or kind is None:
            continue
        written = spk.split()[0]
        if kind == "customer":
            roles[spk], sources[spk] = "customer", f"format: {written} in Contact Center AI"
        elif kind == "automated":
            roles[spk], sources[spk] = "internal", (f"format: {written} in Contact Center AI "
                                                    "(a virtual agent, not the CSM)")
        elif csm_known:
            roles[spk], sources[spk] = "internal", (f"format: another {written} in Contact "
                                                    "Center AI (a colleague of the CSM)")
        elif len(humans) == 1:
            roles[spk], sources[spk] = "csm", f"format: {written} in Contact Center AI"


def _by_speaker(transcript: Transcript) -> dict[str, list[str]]:
    texts: dict[str, list[str]] = {}
    for t in transcript.turns:
        texts.setdefault(t.speaker, []).append(t.text)
    return texts


def _cue_parts(text: str) -> list[tuple[float, str]]:
    """(weight x matches, label) of each phrase cue ``text`` says, in CUES order."""
    starts = NeedleStarts(fold(text))
    return [(cue.weight * n, cue.label) for cue in CUES if (n := cue.count(text, starts))]


def speaker_scores(transcript: Transcript) -> dict[str, tuple[float, list[str]]]:
    """Each speaker's score from the phrase cues and the cues behind it (for
    explanations, tests); detection adds the concepts (``detection_scores``)."""
    out: dict[str, tuple[float, list[str]]] = {}
    for spk, parts in _by_speaker(transcript).items():
        weighed = _cue_parts(" ".join(parts))
        out[spk] = (round(sum(w for w, _ in weighed), 2), [label for _, label in weighed])
    return out


def detection_scores(transcript: Transcript) -> dict[str, tuple[float, list[str]]]:
    """Each speaker's CSM-side score from the phrase cues and the concepts together,
    across the whole call, with what counted most for the CSM side first."""
    first = transcript.turns[0].start if transcript.turns else 0.0
    opening: dict[str, list[bool]] = {}
    for t in transcript.turns:
        opening.setdefault(t.speaker, []).append(t.start < first + OPENING_SECONDS)
    out: dict[str, tuple[float, list[str]]] = {}
    for spk, texts in _by_speaker(transcript).items():
        weighed = _cue_parts(" ".join(texts))
        counts = concept_counts(texts, opening[spk])
        weighed += [(c.weight * n, c.label) for c, n in zip(CONCEPTS, counts, strict=True) if n]
        weighed.sort(key=lambda x: -x[0])
        out[spk] = (round(sum(w for w, _ in weighed), 2),
                    list(dict.fromkeys(label for _, label in weighed)))
    return out


def introduced_colleagues(transcript: Transcript) -> dict[str, str]:
    """Speakers someone else introduces as a colleague on 'our' side -> introducer."""
    found: dict[str, str] = {}
    speakers = transcript.speakers
    first_names = {s: s.split()[0] for s in speakers if s.split() and s.split()[0][:1].isupper()}
    horizon = transcript.turns[0].start + 300 if transcript.turns else 0.0
    for t in transcript.turns:
        if t.start > horizon:
            break
        if not _COLLEAGUE.search(t.text):
            continue
        for sentence in _SENTENCE.split(t.text):
            if not _COLLEAGUE.search(sentence):
                continue
            for spk, first in first_names.items():
                if spk == t.speaker or spk in found or len(first) < 2:
                    continue
                if re.search(rf"\b{re.escape(spk)}\b", sentence) or (
                        re.search(rf"\b{re.escape(first)}\b", sentence)
                        and _name_position_ok(sentence, first)
                        and not _other_surname(sentence, spk)):
                    found[spk] = t.speaker
    return found


def _other_surname(sentence: str, speaker: str) -> bool:
    """The sentence names someone else with the speaker's first name: "our lead, Katie
    Aldridge" is not the speaker "Katie Rossi"."""
    parts = speaker.split()
    if len(parts) < 2:
        return False
    after = re.findall(rf"\b{re.escape(parts[0])}\s+([A-Z][\w'’-]+)", sentence)
    return bool(after) and all(word != parts[1] for word in after)


def _name_position_ok(sentence: str, first: str) -> bool:
    """A first name alone counts unless it is the person being greeted ("Hi Renata, our
    team…" greets the customer; it does not introduce a colleague)."""
    return not re.match(rf"\s*(?:hi|hey|hello|thanks|thank you)?,?\s*{re.escape(first)}\b",
                        sentence, re.I)


def _detect(transcript: Transcript, speakers: list[str], roles: dict[str, str],
            sources: dict[str, str]) -> None:
    if not transcript.has_text:
        return
    colleagues = introduced_colleagues(transcript)
    scores = detection_scores(transcript)
    candidates = [s for s in speakers if s not in roles and s not in colleagues]
    ranked = sorted(candidates, key=lambda s: scores.get(s, (0.0, []))[0], reverse=True)
    if not ranked:
        return
    best = ranked[0]
    best_score, evidence = scores.get(best, (0.0, []))
    runner = scores.get(ranked[1], (0.0, []))[0] if len(ranked) > 1 else 0.0
    if best_score < MIN_SCORE or best_score - runner < MIN_LEAD:
        return
    roles[best] = "csm"
    sources[best] = f"detected: {', '.join(evidence[:3])} (score {best_score:g} vs {runner:g})"
    for spk, by in colleagues.items():
        if spk not in roles and (by == best or roles.get(by) in ("csm", "internal")
                                 or by in colleagues):
            roles[spk] = "internal"
            sources[spk] = f"detected: introduced by {by} as a colleague"


def _where(transcript: Transcript) -> str:
    return f"{transcript.source_path}: " if transcript.source_path else ""


def undecided_message(transcript: Transcript) -> str:
    return (f"{_where(transcript)}cannot decide which speaker is the CSM; name one with "
            f"--csm NAME (or give --roster FILE). Speakers: "
            f"{_speaker_list(transcript, with_words=True)}")


def _speaker_list(transcript: Transcript, *, with_words: bool = False) -> str:
    parts = []
    for spk in transcript.speakers:
        if not with_words:
            parts.append(repr(spk))
            continue
        first = next((t.text for t in transcript.turns if t.speaker == spk and t.text), "")
        words = first.split()
        snippet = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        parts.append(f"{spk!r} (\"{snippet}\")" if snippet else repr(spk))
    return ", ".join(parts) if parts else "(none)"
