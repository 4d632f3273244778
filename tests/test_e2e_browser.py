"""End to end in a real browser: Debian's chromium driven by Playwright.

Starts `coach serve`'s app on a free loopback port, uploads a transcript the way a CSM
would, and checks what a person sees. Skips (with the reason) where chromium or
playwright is missing; `.ci/run` installs both.
"""

from __future__ import annotations

import importlib.util
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_factory import make_report, make_transcript

from coach.render.html import CALL_TYPE_NAMES, render_html
from coach.web import create_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "teams-vtt" / "escalation_outage.vtt"

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("playwright") is None or not Path(CHROMIUM).exists(),
    reason="needs playwright (pip) and Debian's chromium at /usr/bin/chromium "
           "(.ci/run installs both)")


def _serve(app) -> Iterator[str]:
    """The app on a free loopback port, for as long as the test needs it."""
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture()
def server() -> Iterator[str]:
    yield from _serve(create_app())  # the real analysis, built on the first upload


@pytest.fixture()
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _page(browser, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def test_upload_a_call_and_read_the_report(server, browser, tmp_path):
    page, errors = _page(browser)
    path = FIXTURE
    page.goto(server + "/")
    assert page.get_by_role("heading", name="How did the call go?").is_visible()
    page.set_input_files("#file", str(path))
    assert page.locator("#file-name").inner_text() == path.name  # our script ran
    page.click("#go")
    page.wait_for_selector("h1:has-text('Coaching report')", timeout=60_000)
    if page.locator("h1:has-text('Who is the CSM')").count():  # detection failed: pick one
        page.click("#go")
        page.wait_for_selector("h1:has-text('Coaching report')", timeout=60_000)

    # what a person sees: the report of this call, as `coach analyze` makes it
    from coach.analysis import analyze_path, prepare

    expected = analyze_path(FIXTURE)
    assert page.locator(".ct-label").inner_text().strip() == \
        CALL_TYPE_NAMES[expected.call_type.label]
    assert page.locator(".score b").inner_text().strip() == str(expected.score)
    assert page.locator("#signals").is_visible()
    assert page.locator("#timeline .bar").count() == len(prepare(FIXTURE).turns)
    flags = page.locator("#flags .item")
    assert flags.count() == len(expected.flags)
    for i, flag in enumerate(expected.flags):
        assert flags.nth(i).is_visible()
        assert flag.message in flags.nth(i).inner_text()
    findings = page.locator("#findings .item")
    assert findings.count() == len(expected.findings) > 0
    assert findings.first.is_visible()
    assert page.locator("#transcript .turn").count() == len(prepare(FIXTURE).turns)
    assert path.name in page.locator(".source").inner_text()

    # a finding marker on the timeline jumps to its moment in the transcript
    marker = page.locator("#timeline a.mk.strength, #timeline a.mk.improvement").first
    href = marker.get_attribute("href") or ""
    assert href.startswith("#t=")
    marker.click()
    page.wait_for_function("location.hash.startsWith('#t=')")
    current = page.locator("#transcript .turn.current")
    current.wait_for(timeout=5_000)
    assert current.count() == 1
    assert current.is_visible() and current.evaluate(
        "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }")

    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(tmp_path / "report-phone.png"))
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1"), \
        "the report scrolls sideways on a phone"
    assert errors == []


def _download(page, selector: str, folder: Path) -> Path:
    """Click a download link; the file, saved under the name the server suggested."""
    with page.expect_download() as got:
        page.click(selector)
    saved = folder / got.value.suggested_filename
    got.value.save_as(saved)
    return saved


def test_correct_the_call_type_and_download_the_report(server, browser, tmp_path):
    import json

    page, errors = _page(browser)
    page.goto(server + "/")
    page.set_input_files("#file", str(FIXTURE))
    page.click("#go")
    page.wait_for_selector("h1:has-text('Coaching report')", timeout=60_000)

    # who was taken as the CSM, and how, above the report
    assert page.locator("#coach-tools").is_visible()
    assert page.locator("#csm-name").inner_text() == "Maya Goldberg"
    assert page.locator("#csm-how").inner_text().startswith("(detected from the call: ")
    assert page.locator(".ct-label").inner_text().strip() == CALL_TYPE_NAMES["escalation"]
    assert page.locator("#ct-set").count() == 0

    # not an escalation? pick the type and the call is judged again as that type
    page.select_option("#ct-pick", "qbr")
    with page.expect_navigation():
        page.click("#ct-go")  # the form posts: the page's policy lets it (form-action 'self')
    page.wait_for_selector("h1:has-text('Coaching report')", timeout=60_000)
    assert page.locator(".ct-label").inner_text().strip() == CALL_TYPE_NAMES["qbr"]
    assert page.locator("#ct-set").inner_text().startswith("set by you; coach detected Escalation")
    assert "call type set by hand" in page.locator("header.report").inner_text()
    assert page.locator("#ct-pick").input_value() == "qbr"

    # the downloads are files of this (corrected) report
    saved = _download(page, "#dl-json", tmp_path)
    assert saved.name == FIXTURE.name + ".report.json"
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["call_type"]["label"] == "qbr" and data["call_type"]["overridden"] is True

    saved = _download(page, "#dl-html", tmp_path)
    assert saved.name == FIXTURE.name + ".report.html"
    standalone, _ = _page(browser)
    standalone.goto(saved.as_uri())
    assert standalone.locator(".ct-label").inner_text().strip() == CALL_TYPE_NAMES["qbr"]
    assert standalone.locator("#coach-tools").count() == 0
    assert standalone.locator("#transcript .turn").count() > 0

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1"), \
        "the report's tools scroll sideways on a phone"
    page.screenshot(path=str(tmp_path / "tools-phone.png"))
    assert errors == []


def test_picker_in_the_browser(server, browser, tmp_path):
    path = tmp_path / "neutral.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:05.000\n<v Speaker One>Shall we look at "
                    "the numbers from last month?</v>\n\n00:00:05.500 --> 00:00:09.000\n"
                    "<v Speaker Two>Sure, the numbers look fine to me.</v>\n", encoding="utf-8")
    page, errors = _page(browser)
    page.goto(server + "/")
    page.set_input_files("#file", str(path))
    page.click("#go")
    page.wait_for_selector("h1:has-text('Who is the CSM')")
    page.check("input[value='Speaker Two']")
    page.click("#go")
    page.wait_for_selector("h1:has-text('Coaching report')", timeout=60_000)
    assert page.locator("#transcript").is_visible()
    assert errors == []


def test_bad_file_and_too_big_in_the_browser(server, browser, tmp_path):
    bad = tmp_path / "broken.vtt"
    bad.write_text("WEBVTT\n\n00:00:01.000 --> soon\n<v A>hi</v>\n", encoding="utf-8")
    page, _ = _page(browser)
    page.goto(server + "/")
    page.set_input_files("#file", str(bad))
    page.click("#go")
    page.wait_for_selector("#error")
    assert page.locator("#error").inner_text().startswith("broken.vtt:3:")

    big = tmp_path / "big.vtt"
    big.write_bytes(b"WEBVTT\n\n" + b"x" * (21 * 1024 * 1024))
    page.goto(server + "/")
    page.set_input_files("#file", str(big))
    assert "larger than the 20 MB upload limit" in page.locator("#client-msg").inner_text()
    page.click("#go")  # refused in the page, nothing sent
    assert page.url.endswith("/")


def test_standalone_file_jumps_to_the_second_in_the_hash(browser, tmp_path):
    out = tmp_path / "report.html"
    out.write_text(render_html(make_report(), make_transcript()), encoding="utf-8")
    page, errors = _page(browser)
    page.goto(out.as_uri() + "#t=150")  # inside the customer's turn 135.5-170
    current = page.locator(".turn.current")
    current.wait_for(timeout=5_000)
    assert current.get_attribute("data-start") == "135.500"
    assert errors == []


@pytest.fixture(scope="module")
def batch_server(tmp_path_factory) -> Iterator[str]:
    """`coach serve --batch-dir` on a real `coach batch` run over shipped calls."""
    from click.testing import CliRunner

    from coach.cli.main import cli

    out = tmp_path_factory.mktemp("e2e-batch") / "week"
    fixtures = ROOT / "fixtures"
    result = CliRunner().invoke(cli, ["batch", str(fixtures / "teams-vtt"), str(fixtures / "zoom-vtt"),
                                      str(fixtures / "text"), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 0, result.output
    yield from _serve(create_app(batch_dir=out))


def _column(page, attr: str) -> list[str]:
    return page.eval_on_selector_all(
        "#calls-table tbody tr:not([hidden])", f"rs => rs.map(r => r.getAttribute('data-{attr}'))")


def test_batch_summary_and_sortable_calls_in_the_browser(batch_server, browser, tmp_path):
    page, errors = _page(browser)
    page.goto(batch_server + "/batch")
    assert page.locator("#summary h1").inner_text().startswith("Coaching summary")
    assert page.locator("#calls-table tbody tr").count() == 6

    page.click(".sortbar [data-sort=score]")  # lowest score first (who to coach), then highest
    scores = [float(s) for s in _column(page, "score")]
    assert scores == sorted(scores)
    page.click(".sortbar [data-sort=score]")
    assert [float(s) for s in _column(page, "score")] == sorted(scores, reverse=True)
    assert page.locator("th:has([data-sort=score])").get_attribute("aria-sort") == "descending"

    page.click("th [data-sort=csm]")  # the header's button sorts too
    csms = _column(page, "csm")
    assert csms == sorted(csms, key=str.lower)

    page.click(".sortbar [data-sort=flags]")  # most flags first
    counts = [int(n) for n in _column(page, "flags")]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    code = page.locator("#flag-pick option").nth(1).get_attribute("value")
    page.select_option("#flag-pick", code)
    shown = _column(page, "codes")
    assert shown and all(code in c.split() for c in shown)
    assert page.locator("#shown").inner_text() == f"{len(shown)} of 6 calls"

    for width in (1280, 390):  # the table fits the screen, on a laptop and on a phone
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"batch-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1"), \
            f"the batch page scrolls sideways at {width} px"

    # a flag's example in the summary opens that call's report at that moment
    page.set_viewport_size({"width": 1280, "height": 900})
    link = page.locator("#summary a[href*='#t=']").first
    second = int((link.get_attribute("href") or "").rsplit("#t=", 1)[1])
    link.click()
    page.wait_for_selector("h1:has-text('Coaching report')")
    current = page.locator("#transcript .turn.current")
    current.wait_for(timeout=5_000)
    start, end = (float(current.get_attribute(a) or 0) for a in ("data-start", "data-end"))
    assert int(start) <= second <= end + 1
    assert errors == []
