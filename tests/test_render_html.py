"""The HTML report: safe against injected markup, self-contained, anchored, complete."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import pytest
from report_factory import CSM, CUSTOMER, TURNS, make_minimal_report, make_report, make_transcript

from coach.render.html import render_html, stamp
from coach.report import Finding, Flag

HOSTILE_NAME = '"><img src=x onerror=alert(1)>'
HOSTILE_TEXT = "<script>alert('pwned')</script> and \"><img src=x onerror=alert(2)> & more"

ALLOWED_TAGS = {
    "html", "head", "meta", "link", "title", "style", "body", "nav", "main", "header",
    "footer", "section", "div", "span", "p", "a", "b", "i", "h1", "h2", "h3", "ul", "li",
    "table", "thead", "tbody", "tr", "th", "td", "blockquote", "mark", "small", "button",
    "script", "br", "q",
}


class Collector(HTMLParser):
    """All start tags with their attributes, plus the text of <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == self._in:
            self._in = None

    def handle_data(self, data):  # noqa: ANN001
        if self._in == "script":
            self.scripts.append(data)
        elif self._in is None:
            self.text.append(data)

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}


def parse(page: str) -> Collector:
    c = Collector()
    c.feed(page)
    c.close()
    return c


def hostile_pair():
    turns = [(HOSTILE_NAME if s == CSM else s, r, a, b, t) for s, r, a, b, t in TURNS]
    turns[2] = (HOSTILE_NAME, "csm", turns[2][2], turns[2][3], HOSTILE_TEXT)
    s4, r4, a4, b4, t4 = turns[4]  # hostile text around a highlighted quote
    turns[4] = (s4, r4, a4, b4, f"<i onmouseover=alert(4)>x</i> {t4} <u>y</u>")
    tr = make_transcript(turns)
    tr.source_path = 'evil"><script>alert(3)</script>.vtt'
    rep = make_report(tr)
    rep.findings.append(Finding(kind="improvement", theme="clarity", at=55.5,
                                speaker=HOSTILE_NAME, quote=HOSTILE_TEXT,
                                message=HOSTILE_TEXT, suggestion=HOSTILE_TEXT))
    rep.flags.append(Flag(code="<b>x</b>", severity="low", at=56.0, message=HOSTILE_TEXT,
                          suggestion=HOSTILE_TEXT, quote=HOSTILE_TEXT,
                          detail={"topic": HOSTILE_NAME}))
    rep.call_type.focus = HOSTILE_TEXT
    rep.source.warnings.append(HOSTILE_TEXT)
    return rep, tr


def test_stamp_formats_minutes_and_hours():
    assert stamp(0) == "00:00"
    assert stamp(65.9) == "01:05"
    assert stamp(3725) == "1:02:05"
    assert stamp(None) == ""


def test_hostile_transcript_and_names_render_as_text():
    rep, tr = hostile_pair()
    page = render_html(rep, tr)
    doc = parse(page)
    tags = [t for t, _ in doc.tags]
    assert set(tags) <= ALLOWED_TAGS, set(tags) - ALLOWED_TAGS
    assert "img" not in tags
    assert tags.count("script") == 1
    for tag, attrs in doc.tags:
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
        assert "src" not in attrs, (tag, attrs)
    # the hostile strings are all there, as text
    text = "".join(doc.text)
    assert HOSTILE_NAME in text
    assert "<script>alert('pwned')</script>" in text
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page
    assert "alert(" not in "".join(doc.scripts)


def test_hostile_quote_is_highlighted_escaped():
    rep, tr = hostile_pair()
    page = render_html(rep, tr)
    assert '<mark class="improvement">&lt;script&gt;' in page


def test_every_section_present_with_transcript():
    page = render_html(make_report(), make_transcript())
    ids = parse(page).ids()
    for sec in ("signals", "timeline", "findings", "flags", "sequence", "checklist",
                "concerns", "transcript"):
        assert sec in ids, sec
    for word in ("Escalation", "86 % confident", "expected CSM talk 30–40 %",
                 "listen, acknowledge, action plan", ">64<", "Try:", "Acknowledgment gap",
                 "Interruptions", "Empathy", "Jargon", "Follow up", "Satisfaction confirmed"):
        assert word in page, word


def test_without_transcript_there_is_no_transcript_section_nor_dead_time_links():
    page = render_html(make_report())
    doc = parse(page)
    assert "transcript" not in doc.ids()
    hrefs = [a.get("href") or "" for t, a in doc.tags if t == "a"]
    assert not any(h.startswith("#t=") for h in hrefs)
    assert "timeline" in doc.ids()  # markers still show when and link to the cards


def test_every_internal_link_has_a_target():
    for page in (render_html(make_report(), make_transcript()), render_html(make_report())):
        doc = parse(page)
        ids = doc.ids()
        hrefs = [a["href"] for t, a in doc.tags if t == "a" and a.get("href")]
        assert hrefs
        for h in hrefs:
            assert h.startswith("#"), h
            assert h[1:] in ids, h


def test_each_finding_time_anchors_a_turn_and_its_utterance_is_highlighted():
    rep, tr = make_report(), make_transcript()
    page = render_html(rep, tr)
    ids = parse(page).ids()
    for f in rep.findings:
        assert f"t={int(f.at)}" in ids
        assert f'href="#t={int(f.at)}"' in page
    # a plain anchor per turn, on its time stamp
    for i, t in enumerate(tr.turns):
        assert f'id="turn-{i}"' in page
        assert f'id="t={int(t.start)}" href="#t={int(t.start)}"' in page
    assert '<mark class="strength">I can hear how much this disrupted your team</mark>' in page
    assert '<mark class="improvement">We&#x27;re working on it and we&#x27;ll get back' in page
    # a time inside a turn (not its start) still has an anchor there
    rep.findings[1].at = 90.0
    assert 'id="t=90"' in render_html(rep, tr)


def test_self_contained_no_remote_resources():
    page = render_html(make_report(), make_transcript())
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"\bsrc\s*=", page)
    assert "@import" not in page and "url(" not in page
    doc = parse(page)
    for tag, attrs in doc.tags:
        if tag == "link":
            assert attrs.get("href", "").startswith("data:")


def test_csp_allows_exactly_the_inline_script():
    page = render_html(make_report(), make_transcript())
    doc = parse(page)
    csp = next(a["content"] for t, a in doc.tags
               if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp
    (script,) = doc.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp


def _state(page: str, key: str) -> str | None:
    m = re.search(rf'data-signal="{key}" data-state="([a-z]+)"', page)
    return m.group(1) if m else None


def test_signal_verdicts():
    page = render_html(make_report(), make_transcript())
    assert _state(page, "interruptions") == "bad"
    assert re.search(r"Interruptions</div><div class=\"val\">1 by the CSM <span class=\"v-bad\"", page)
    assert re.search(r"Confidence</div><div class=\"val\">high <span class=\"v-ok\"", page)
    assert re.search(r"Jargon</div><div class=\"val\">3 unexplained <span class=\"v-bad\"", page)


@pytest.mark.parametrize("ratio,flag,state,mark", [
    (0.35, None, "ok", "v-ok"), (0.62, "talk-ratio-high", "bad", "v-bad"),
    (0.45, None, "near", "v-near")])
def test_talk_share_verdict_follows_band_and_flags(ratio, flag, state, mark):
    rep = make_report()
    rep.metrics.csm_talk_ratio = ratio
    rep.flags = [f for f in rep.flags if not f.code.startswith("talk-ratio")]
    if flag:
        rep.flags.append(Flag(code=flag, severity="medium", message="too much"))
    page = render_html(rep)
    val = re.search(r"CSM talk share</div><div class=\"val\">([^<]*)(<span class=\"([^\"]+)\")?",
                    page)
    assert val and val.group(1).startswith(f"{round(ratio * 100)}%")
    assert val.group(3) == mark
    assert _state(page, "talk_ratio") == state
    if state == "near":
        assert "a little over the band (within the tolerance)" in page


def test_minimal_report_has_no_empty_boxes():
    page = render_html(make_minimal_report())
    doc = parse(page)
    ids = doc.ids()
    assert "timeline" not in ids and "checklist" not in ids and "concerns" not in ids
    assert "transcript" not in ids
    for sec in re.findall(r"<section[^>]*>(.*?)</section>", page, flags=re.S):
        body = re.sub(r"<h2>.*?</h2>", "", sec)
        assert re.sub(r"<[^>]+>", "", body).strip(), sec
    assert "none" in page
    assert "no score" in page


def test_responsive_and_print_css_present():
    page = render_html(make_report(), make_transcript())
    assert 'name="viewport"' in page
    assert "@media (max-width" in page and "@media print" in page


def test_customer_and_speakers_named():
    page = render_html(make_report(), make_transcript())
    assert CUSTOMER in page and CSM in page


def test_text_less_source_draws_the_timeline_without_a_transcript():
    rows = [(s, r, a, b, "") for s, r, a, b, _ in TURNS]
    tr = make_transcript(rows, format="rttm").model_copy(update={"has_text": False})
    rep = make_report(tr)
    rep.timing_only = True
    page = render_html(rep, tr)
    doc = parse(page)
    assert "transcript" not in doc.ids() and "timeline" in doc.ids()
    assert page.count('class="bar role-') == len(TURNS)
    hrefs = [a["href"] for t, a in doc.tags if t == "a" and a.get("href")]
    assert not any(h.startswith(("#t=", "#turn-")) for h in hrefs)
    assert all(h[1:] in doc.ids() for h in hrefs)
    assert "Timing-only source" in page
