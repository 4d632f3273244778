"""`coach serve` through Flask's test client: upload, limits, errors, picker, token, batch."""

from __future__ import annotations

import io
import json
import os
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_factory import FakeAnalyzer, make_report

import coach.web.app as web
from coach.cli.main import cli
from coach.errors import CoachError, InputError
from coach.readers import read_bytes
from coach.report import Report
from coach.web import check_bind, create_app, is_loopback

VTT = """WEBVTT

00:00:01.000 --> 00:00:06.000
<v Robin Hale>Hi Casey, thanks for making time today, I know it has been a rough week.</v>

00:00:06.500 --> 00:00:20.000
<v Casey Moreau>It has. The export failed again and our team lost a day.</v>

00:00:20.500 --> 00:00:30.000
<v Robin Hale>I hear you, that is not the experience you should get. Let me own this.</v>
"""
# Plain-text notes keep markup-looking text as words: it must come out as text.
HOSTILE_TXT = """[00:00:01] Robin Hale: Hi Casey, thanks for making time today, rough week.
[00:00:06] Casey Moreau: The export failed <script>alert(1)</script> "><img src=x onerror=alert(2)>
[00:00:20] Robin Hale: I hear you, that is not the experience you should get.
"""
# Nobody introduces themselves: the CSM cannot be detected. A hostile speaker label too.
EVIL = '"><img src=x onerror=alert(1)>'
NEUTRAL_JSON = json.dumps({"turns": [
    {"speaker": "Speaker One", "start": 1.0, "end": 5.0,
     "text": "Shall we start with the numbers from last month?"},
    {"speaker": EVIL, "start": 5.5, "end": 9.0,
     "text": "<b>Sure</b>, the numbers look fine to me."},
]})


@pytest.fixture()
def analyzer() -> FakeAnalyzer:
    return FakeAnalyzer()


def upload(client, data: str | bytes, name: str = "call.vtt", url: str = "/analyze", **form):
    raw = data.encode() if isinstance(data, str) else data
    return client.post(url, data={"file": (io.BytesIO(raw), name), **form},
                        content_type="multipart/form-data")


def test_upload_page_has_a_form_and_no_remote_assets(analyzer):
    client = create_app(analyzer=analyzer).test_client()
    resp = client.get("/")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert 'enctype="multipart/form-data"' in page and 'name="file"' in page
    assert 'name="csm"' in page
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'" in resp.headers["Content-Security-Policy"]


def test_upload_ok_shows_the_report_and_keeps_nothing(analyzer, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    client = create_app(analyzer=analyzer).test_client()
    resp = upload(client, VTT, csm="Robin Hale")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, page
    assert "Coaching report" in page and "Escalation" in page
    assert 'id="transcript"' in page and "Robin Hale" in page
    assert "the export failed again" in page.lower()
    assert analyzer.calls == 1
    assert list(tmp_path.iterdir()) == []


FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "teams-vtt" / \
    "escalation_outage.vtt"


@pytest.fixture(scope="module")
def real_analyzer():
    from coach.analysis import Analyzer

    return Analyzer()


def test_upload_a_fixture_with_the_real_analysis(real_analyzer):
    from coach.analysis import prepare
    from coach.render.html import CALL_TYPE_NAMES

    expected = real_analyzer.analyze(prepare(FIXTURE))
    client = create_app(analyzer=real_analyzer).test_client()
    resp = upload(client, FIXTURE.read_bytes(), name=FIXTURE.name)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, page
    assert f'<span class="ct-label">{CALL_TYPE_NAMES[expected.call_type.label]}</span>' in page
    assert f"<b>{expected.score}</b>" in page
    for f in expected.flags:
        assert f'id="flag-{expected.flags.index(f) + 1}"' in page
    assert page.count('class="item strength"') + page.count('class="item improvement"') == \
        len(expected.findings)
    assert page.count('class="turn ') == len(prepare(FIXTURE).turns)


def test_hostile_transcript_text_arrives_escaped(analyzer):
    client = create_app(analyzer=analyzer).test_client()
    resp = upload(client, HOSTILE_TXT, name="notes.txt", csm="Robin Hale")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<img" not in page


def test_storage_keeps_upload_and_report(analyzer, tmp_path):
    store = tmp_path / "kept"
    client = create_app(analyzer=analyzer, storage=store).test_client()
    assert upload(client, VTT, name="../../escape me.vtt", csm="Robin Hale").status_code == 200
    files = sorted(p.name for p in store.iterdir())
    assert len(files) == 2
    upload_name = next(f for f in files if not f.endswith(".report.json"))
    assert upload_name.endswith("escape_me.vtt") and "/" not in upload_name
    assert (store / upload_name).read_text() == VTT
    Report.model_validate_json((store / (upload_name + ".report.json")).read_text())


def test_too_big_gets_a_clear_413(analyzer):
    client = create_app(analyzer=analyzer, max_upload_mb=0.001).test_client()
    resp = upload(client, VTT + "x" * 4000)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 413
    assert "larger than the 0.001 MB upload limit" in page
    assert analyzer.calls == 0


@pytest.mark.parametrize("data", [
    b"\x00\x01\x02 not a transcript",
    b"WEBVTT\n\n00:00:01.000 --> later\n<v A>hi</v>\n",
    b"",
])
def test_bad_file_shows_the_cli_error_line(analyzer, data):
    with pytest.raises(InputError) as err:
        read_bytes(data, name="broken.vtt")
    client = create_app(analyzer=analyzer).test_client()
    resp = upload(client, data, name="broken.vtt")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert web.pages.e(str(err.value)) in page
    assert analyzer.calls == 0


def test_no_file_chosen(analyzer):
    client = create_app(analyzer=analyzer).test_client()
    resp = client.post("/analyze", data={}, content_type="multipart/form-data")
    assert resp.status_code == 400
    assert "Choose a transcript file" in resp.get_data(as_text=True)


def test_unknown_format_is_refused(analyzer):
    client = create_app(analyzer=analyzer).test_client()
    resp = upload(client, VTT, input_format="<nope>")
    assert resp.status_code == 400
    assert "unknown format" in resp.get_data(as_text=True)


def test_speaker_picker_when_the_csm_is_unknown(analyzer):
    app = create_app(analyzer=analyzer)
    client = app.test_client()
    resp = upload(client, NEUTRAL_JSON, name="neutral.json")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Who is the CSM" in page
    assert 'value="Speaker One"' in page
    assert 'value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in page
    assert "<img" not in page
    assert "<b>Sure</b>" not in page and "&lt;b&gt;Sure&lt;/b&gt;" in page
    assert analyzer.calls == 0
    key = page.split('name="pending" value="', 1)[1].split('"', 1)[0]

    bad = client.post("/analyze/speaker", data={"pending": key, "speaker": "Nobody"})
    assert bad.status_code == 400 and "no speaker" in bad.get_data(as_text=True)

    resp = client.post("/analyze/speaker", data={"pending": key, "speaker": "Speaker One"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Coaching report" in page
    assert analyzer.calls == 1
    # the choice is used once; a replay says the upload is gone
    again = client.post("/analyze/speaker", data={"pending": key, "speaker": "Speaker One"})
    assert again.status_code == 410


def test_named_csm_that_is_not_a_speaker_gets_the_picker(analyzer):
    client = create_app(analyzer=analyzer).test_client()
    page = upload(client, NEUTRAL_JSON, name="n.json", csm="Someone Else").get_data(as_text=True)
    assert "Who is the CSM" in page and 'value="Speaker One"' in page
    assert "No speaker of n.json matches Someone Else" in page


def test_analysis_error_is_one_line_on_the_page():
    class Broken:
        def analyze(self, transcript, *, call_type=None):
            raise CoachError("rules/x.yaml: rule 'y': field 'pattern' is missing")

    client = create_app(analyzer=Broken()).test_client()
    resp = upload(client, VTT, csm="Robin Hale")
    assert resp.status_code == 400
    assert "rule &#x27;y&#x27;: field &#x27;pattern&#x27; is missing" in resp.get_data(as_text=True)


def test_token_required_on_every_request(analyzer):
    client = create_app(analyzer=analyzer, token="s3cret").test_client()
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    assert upload(client, VTT, csm="Robin Hale").status_code == 403
    assert analyzer.calls == 0
    ok = client.get("/?token=s3cret")
    assert ok.status_code == 200
    assert 'action="/analyze?token=s3cret"' in ok.get_data(as_text=True)
    assert client.get("/", headers={"X-Coach-Token": "s3cret"}).status_code == 200
    assert client.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    resp = upload(client, VTT, url="/analyze?token=s3cret", csm="Robin Hale")
    assert resp.status_code == 200 and analyzer.calls == 1


def test_bind_rules():
    for host in ("127.0.0.1", "127.0.0.2", "::1", "localhost"):
        assert is_loopback(host)
        check_bind(host, None)
    for host in ("0.0.0.0", "192.168.1.5", "::", "example.org"):
        assert not is_loopback(host)
        with pytest.raises(CoachError, match="--token"):
            check_bind(host, None)
        check_bind(host, "tok")


def test_serve_refuses_public_host_without_token():
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"], env={"COACH_TOKEN": ""})
    assert result.exit_code == 2
    assert "refusing to listen on 0.0.0.0" in result.output
    assert "Traceback" not in result.output


def test_analyzer_is_built_once_and_lazily(monkeypatch):
    built: list[object] = []

    class CountingAnalyzer(FakeAnalyzer):
        def __init__(self, rules_dirs=()) -> None:
            super().__init__()
            built.append(rules_dirs)

    monkeypatch.setitem(sys.modules, "coach.analysis",
                        types.SimpleNamespace(Analyzer=CountingAnalyzer))
    client = create_app(rules_dirs=[Path("team-rules")]).test_client()
    assert built == []
    for _ in range(3):
        assert upload(client, VTT, csm="Robin Hale").status_code == 200
    assert built == [(Path("team-rules"),)]


def _batch_dir(tmp_path: Path) -> Path:
    out = tmp_path / "week"
    (out / "reports").mkdir(parents=True)
    rep = make_report()
    (out / "reports" / "alice__outage.vtt.json").write_text(rep.model_dump_json())
    (out / "reports" / "broken.json").write_text("{not json")
    rows = [
        {"file": "alice/outage.vtt", "date": "2024-05-06", "csm": "Alice <b>Ng</b>",
         "call_type": "escalation", "duration_s": 326.0, "csm_talk_ratio": 0.47,
         "interruptions": 1, "score": 64, "acknowledgment-gap": 1, "jargon": 0,
         "report": "reports/alice__outage.vtt.json"},
        {"file": "bob/missing.vtt", "csm": "Bob", "call_type": "qbr", "score": 80,
         "report": "reports/bob__missing.vtt.json"},
    ]
    (out / "calls.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (out / "summary.md").write_text("# The week\n\n- Alice: <script>x</script> acknowledge first\n")
    return out


def test_batch_browse(analyzer, tmp_path):
    out = _batch_dir(tmp_path)
    client = create_app(analyzer=analyzer, batch_dir=out).test_client()
    page = client.get("/batch").get_data(as_text=True)
    assert "alice/outage.vtt" in page and "bob/missing.vtt" in page
    assert "Alice &lt;b&gt;Ng&lt;/b&gt;" in page
    assert "acknowledgment-gap" in page and "jargon" not in page.split("<tbody>")[1]
    assert "&lt;script&gt;x&lt;/script&gt;" in page  # summary shown as text
    assert 'href="/batch/reports/alice__outage.vtt.html"' in page
    assert "/batch/reports/bob__missing.vtt" not in page  # no report file, no link
    assert client.get("/batch/reports/alice__outage.vtt.html").status_code == 200
    resp = client.get("/batch/reports/alice__outage.vtt.json")
    report_page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Coaching report" in report_page and "Acknowledgment gap" in report_page
    assert client.get("/batch/reports/broken.json").status_code == 400
    assert client.get("/batch/reports/nothere.json").status_code == 404
    assert client.get("/batch/reports/..%2Fcalls.jsonl").status_code == 404
    assert client.get("/batch/reports/%2E%2E%2Fsummary.md").status_code == 404


def test_batch_browse_shows_the_transcript_when_the_file_is_there(analyzer, tmp_path):
    out = _batch_dir(tmp_path)
    call = tmp_path / "week" / "calls" / "outage.vtt"
    call.parent.mkdir()
    call.write_text(VTT)
    rep = make_report()
    rep.source.path = os.fspath(call)
    rep.source.format = "teams-vtt"
    (out / "reports" / "alice__outage.vtt.json").write_text(rep.model_dump_json())
    client = create_app(analyzer=analyzer, batch_dir=out).test_client()
    page = client.get("/batch/reports/alice__outage.vtt.json").get_data(as_text=True)
    assert 'id="transcript"' in page and "Robin Hale" in page


@pytest.fixture(scope="module")
def real_week(tmp_path_factory) -> Path:
    """`coach batch` on three shipped calls, as a team lead would run it."""
    out = tmp_path_factory.mktemp("batch") / "week"
    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    result = CliRunner().invoke(cli, ["batch", str(fixtures / "teams-vtt"), str(fixtures / "text"),
                                      "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    return out


def _hrefs(html: str, section: str) -> list[str]:
    import re

    part = html.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', part)]


@pytest.mark.parametrize("token", [None, "s3cret"])
def test_batch_summary_is_a_page_whose_links_work(real_week, token):
    """summary.md shown as HTML: each call's link opens its report (at the moment, for a
    flag's example), the CSV links open the files, the token stays in every link."""
    client = create_app(batch_dir=real_week, token=token).test_client()
    page = client.get("/batch" + (f"?token={token}" if token else "")).get_data(as_text=True)
    assert "<h1>Coaching summary" in page and "**" not in page.split('id="summary"')[1]
    links = _hrefs(page, "summary")
    reports = [h for h in links if h.startswith("/batch/reports/")]
    assert reports and any("#t=" in h for h in reports)
    for href in links + _hrefs(page, "calls"):
        if token:
            assert f"token={token}" in href, href
        if href.startswith("#"):
            continue
        resp = client.get(href.split("#")[0])
        assert resp.status_code == 200, href
        if "/batch/reports/" in href:
            assert "Coaching report" in resp.get_data(as_text=True)
    q = f"?token={token}" if token else ""
    assert client.get("/batch/files/calls.jsonl" + q).status_code == 404  # only the CSVs
    assert client.get("/batch/files/..%2Fsummary.md" + q).status_code == 404


def test_batch_calls_table_sorts_by_csm_score_and_flag(real_week):
    """The table carries what its script sorts by, and the page's policy lets it run."""
    import re

    from coach.web.pages import BATCH_JS_HASH

    resp = create_app(batch_dir=real_week).test_client().get("/batch")
    page = resp.get_data(as_text=True)
    assert f"'sha256-{BATCH_JS_HASH}'" in resp.headers["Content-Security-Policy"]
    rows = re.findall(r'<tr data-i="(\d+)"[^>]* data-csm="([^"]*)"[^>]* data-score="([^"]*)" '
                      r'data-flags="(\d+)" data-codes="([^"]*)"', page)
    calls = [json.loads(x) for x in (real_week / "calls.jsonl").read_text().splitlines()]
    assert len(rows) == len(calls) == 4
    for (_, csm, score, n, codes), call in zip(rows, calls, strict=True):
        assert csm == call["csm"] and score == str(call["score"])
        flagged = [c for c in codes.split()]
        assert int(n) == len(flagged) and all(call[c] for c in flagged)
    for key in ("csm", "score", "flags"):
        assert f'data-sort="{key}"' in page
    assert '<select id="flag-pick">' in page and "src=" not in page  # no CDN, no file


def test_summary_markdown_subset_is_escaped_and_nested():
    from coach.web.summary_md import to_html

    md = ("# Week <1>\n\n> **Interrupted run**: re-run\n\n- **3 calls** with `A`\n\n"
          "1. **Jargon** (2 of 3). Try: [x](reports/a.html#t=5) <b>\n"
          "   - [a.vtt](reports/a.html#t=5) [01:02] “quote”\n2. Second\n\nStrengths: done.\n")
    html = to_html(md, lambda h: "/r/" + h)
    assert "<h1>Week &lt;1&gt;</h1>" in html
    assert "<blockquote><strong>Interrupted run</strong>: re-run</blockquote>" in html
    assert "<ul>\n<li><strong>3 calls</strong> with <code>A</code>\n</li></ul>" in html
    assert '<ol>\n<li><strong>Jargon</strong> (2 of 3). Try: <a href="/r/reports/a.html#t=5">x</a> &lt;b&gt;' in html
    assert '<ul>\n<li><a href="/r/reports/a.html#t=5">a.vtt</a> [01:02] “quote”\n</li></ul>\n</li>\n<li>Second' in html
    assert html.endswith("<p>Strengths: done.</p>")
    assert "<a" not in to_html("[x](javascript:alert(1))", lambda h: None)


def test_batch_without_folder_is_404(analyzer):
    client = create_app(analyzer=analyzer).test_client()
    assert client.get("/batch").status_code == 404


# -- the report on the upload page: correct the call type, download, who is the CSM ------
class TypingAnalyzer(FakeAnalyzer):
    """The fake report, honouring a call-type override as the real analysis does."""

    def __init__(self) -> None:
        super().__init__()
        self.call_types: list[str | None] = []

    def analyze(self, transcript, *, call_type=None):
        rep = super().analyze(transcript, call_type=call_type)
        self.call_types.append(call_type)
        if call_type:
            rep.call_type = rep.call_type.model_copy(
                update={"label": call_type, "confidence": 1.0, "overridden": True})
        return rep


def _key(page: str) -> str:
    return page.split('action="/report/', 1)[1].split("/", 1)[0]


def _tools(page: str) -> str:
    return page.split('<section id="coach-tools"', 1)[1].split("</section>", 1)[0]


def test_report_page_offers_the_seven_call_types_and_the_downloads():
    from coach.cli.analyze_cmd import CALL_TYPES

    client = create_app(analyzer=TypingAnalyzer()).test_client()
    resp = upload(client, VTT, csm="Robin Hale")
    page = resp.get_data(as_text=True)
    tools = _tools(page)
    assert all(f'<option value="{c}"' in tools for c in CALL_TYPES) and len(CALL_TYPES) == 7
    assert 'name="call_type"' in tools and "detect from the call" in tools
    assert 'id="dl-json"' in tools and 'id="dl-html"' in tools
    # the forms post here: the app's policy (form-action 'self') governs, not the file's
    assert 'http-equiv="Content-Security-Policy"' not in page
    csp = resp.headers["Content-Security-Policy"]
    assert "form-action 'self'" in csp and "default-src 'none'" in csp
    assert f"'sha256-{web.REPORT_JS_HASH}'" in csp
    # the upload form offers the call type too
    form = client.get("/").get_data(as_text=True)
    assert all(f'<option value="{c}"' in form for c in CALL_TYPES)


def test_call_type_override_reanalyses_and_is_marked(real_analyzer):
    from coach.render.html import CALL_TYPE_NAMES

    client = create_app(analyzer=real_analyzer).test_client()
    page = upload(client, FIXTURE.read_bytes(), name=FIXTURE.name).get_data(as_text=True)
    assert '<span class="ct-label">Escalation</span>' in page
    assert "set by hand" not in page and 'id="ct-set"' not in page
    resp = client.post(f"/report/{_key(page)}/redo", data={"call_type": "qbr"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200, page
    assert f'<span class="ct-label">{CALL_TYPE_NAMES["qbr"]}</span>' in page
    assert "call type set by hand" in page  # the report's own header
    assert '<span class="set" id="ct-set">set by you; coach detected Escalation (' in page
    assert '<option value="qbr" selected>' in page
    # back to what the call says
    page = client.post(f"/report/{_key(page)}/redo",
                       data={"call_type": ""}).get_data(as_text=True)
    assert '<span class="ct-label">Escalation</span>' in page and 'id="ct-set"' not in page


def test_call_type_given_at_upload_and_refused_when_unknown(tmp_path):
    analyzer = TypingAnalyzer()
    store = tmp_path / "kept"
    client = create_app(analyzer=analyzer, storage=store).test_client()
    page = upload(client, VTT, csm="Robin Hale", call_type="training").get_data(as_text=True)
    assert analyzer.call_types == ["training"]
    assert '<span class="set" id="ct-set">set by you</span>' in page  # nothing was detected
    bad = upload(client, VTT, csm="Robin Hale", call_type="<b>x</b>")
    assert bad.status_code == 400 and "&lt;b&gt;x&lt;/b&gt;" in bad.get_data(as_text=True)
    bad = client.post(f"/report/{_key(page)}/redo", data={"call_type": "party"})
    assert bad.status_code == 400 and "unknown call type" in bad.get_data(as_text=True)
    assert analyzer.call_types == ["training"]
    # a correction replaces the kept report
    client.post(f"/report/{_key(page)}/redo", data={"call_type": "renewal"})
    kept = next(store.glob("*.report.json"))
    assert Report.model_validate_json(kept.read_text()).call_type.label == "renewal"


def test_download_json_and_html():
    from coach.render import render

    analyzer = TypingAnalyzer()
    client = create_app(analyzer=analyzer).test_client()
    page = upload(client, VTT, name="my call.vtt", csm="Robin Hale").get_data(as_text=True)
    page = client.post(f"/report/{_key(page)}/redo",
                       data={"call_type": "onboarding"}).get_data(as_text=True)
    key = _key(page)
    assert f'href="/report/{key}/download.json"' in page

    resp = client.get(f"/report/{key}/download.json")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.headers["Content-Disposition"] == \
        'attachment; filename="my_call.vtt.report.json"'
    rep = Report.model_validate_json(resp.get_data())
    assert rep.call_type.label == "onboarding" and rep.call_type.overridden
    assert resp.get_data(as_text=True) == render(rep, "json")

    resp = client.get(f"/report/{key}/download.html")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert resp.headers["Content-Disposition"] == \
        'attachment; filename="my_call.vtt.report.html"'
    # the self-contained file: its own strict policy, the transcript, no links to this app
    assert web.REPORT_META_CSP in body and "form-action &#x27;none&#x27;" in body
    assert "Coaching report" in body and 'id="transcript"' in body
    assert "/report/" not in body and "coach-tools" not in body and "<form" not in body

    assert client.get(f"/report/{key}/download.pdf").status_code == 404
    assert client.get("/report/nothere/download.json").status_code == 410
    assert client.post("/report/nothere/redo", data={"call_type": "qbr"}).status_code == 410


def test_header_names_the_csm_and_how_it_was_decided(real_analyzer):
    client = create_app(analyzer=real_analyzer).test_client()
    page = upload(client, FIXTURE.read_bytes(), name=FIXTURE.name).get_data(as_text=True)
    tools = _tools(page)
    assert '<span id="csm-name">Maya Goldberg</span>' in tools
    assert '<span class="muted" id="csm-how">(detected from the call: ' in tools
    assert '<option value="Maya Goldberg" selected>' in tools
    assert '<option value="Sanjay Patel">' in tools
    assert '<li class="csm-line"><b>CSM:</b> Maya Goldberg (detected: ' in page
    # not you? the same call again with the speaker you pick
    page = client.post(f"/report/{_key(page)}/redo",
                       data={"csm": "Sanjay Patel"}).get_data(as_text=True)
    tools = _tools(page)
    assert '<span id="csm-name">Sanjay Patel</span>' in tools
    assert '<span class="muted" id="csm-how">(you said so)</span>' in tools
    bad = client.post(f"/report/{_key(page)}/redo", data={"csm": "Nobody"})
    assert bad.status_code == 400 and "no speaker" in bad.get_data(as_text=True)


def test_tools_escape_speakers_and_keep_the_token():
    analyzer = TypingAnalyzer()
    client = create_app(analyzer=analyzer, token="s3cret").test_client()
    page = upload(client, NEUTRAL_JSON, name="n.json", url="/analyze?token=s3cret",
                  csm="Speaker One").get_data(as_text=True)
    tools = _tools(page)
    assert '<option value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">' in tools
    assert "<img" not in page
    key = page.split('action="/report/', 1)[1].split("/", 1)[0]
    assert f'action="/report/{key}/redo?token=s3cret"' in tools
    assert f'href="/report/{key}/download.json?token=s3cret"' in tools
    assert client.get(f"/report/{key}/download.json").status_code == 403
    assert client.post(f"/report/{key}/redo", data={"call_type": "qbr"}).status_code == 403
    assert client.get(f"/report/{key}/download.json?token=s3cret").status_code == 200
    assert analyzer.calls == 1
