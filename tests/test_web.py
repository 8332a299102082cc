"""The analysts' web page, through a real browser (Debian's chromium driven by Playwright) on
the real app (``create_app``) served by uvicorn over a real store the pipeline filled: the
seed article with its claims highlighted, its places on the map, its contested thread on the
board; untrusted article text rendered as text; and the page's routes and headers."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import expect

import claimtrack
from claimtrack.model import Document
from claimtrack.readers import raw_from_string, read_inputs
from claimtrack.store.repository import Store
from claimtrack.web.app import create_app
from claimtrack.web.outlines import outlines_path, to_geojson
from claimtrack.web.pages import OUTLINES_ROUTE, STATIC
from tests.conftest import SEED, requires_shared
from tests.test_threads import ASSERTION, DENIAL

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
XSS_TITLE = 'Border talks <img src=x onerror="window.__xss=2">'
XSS_TEXT = """Border talks to resume in Kiev

The minister said the border talks in Kiev would resume on Monday. <script>window.__xss=1</script> Officials declined to comment on the agenda."""

# A second article on the border talks: with the hostile one's headline and minister, a thread
# no one contests (the new link rule joins no two claims of one article that agree).
TALKS = """Kiev border talks set for Monday

Ukraine's foreign minister said on Saturday that the border talks in Kiev would resume on Monday."""

# A square "country" around eastern Ukraine, as TopoJSON (lon = x + 30, lat = y + 44).
TESTLAND = {
    "type": "Topology", "transform": {"scale": [1, 1], "translate": [30, 44]},
    "arcs": [[[0, 0], [12, 0], [0, 8], [-12, 0], [0, -8]]],
    "objects": {"countries": {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "arcs": [[0]], "id": "999", "properties": {"name": "Testland"}}]}},
}


def _on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _chromium() -> str:
    """Debian's chromium (never Playwright's download); skip without it, except on CI."""
    path = os.environ.get("CLAIMTRACK_TEST_CHROMIUM") or shutil.which("chromium") or ""
    if not path or not os.access(path, os.X_OK):
        reason = ("chromium not found: install Debian's package (apt-get install -y "
                  "--no-install-recommends chromium) or set CLAIMTRACK_TEST_CHROMIUM")
        if _on_ci():
            pytest.fail(f"CI is set, so browser tests may not skip: {reason}", pytrace=False)
        pytest.skip(reason)
    return path


# -- the store, the server, the browser ------------------------------------------------------


@pytest.fixture(scope="module")
def docs(pipeline: Any) -> dict[str, Document]:
    """The seed (when ../shared is there), a denial, an assertion, a hostile article and one
    that agrees with it."""
    raws = [raw_from_string(DENIAL, name="deny.txt", published=date(2014, 8, 29)),
            raw_from_string(ASSERTION, name="nato.txt", published=date(2014, 8, 28)),
            raw_from_string(XSS_TEXT, name="xss.txt", published=date(2014, 8, 30),
                            title=XSS_TITLE, fmt="text"),
            raw_from_string(TALKS, name="talks.txt", published=date(2014, 8, 31), fmt="text")]
    if SEED.exists():
        raws += read_inputs([str(SEED)], published=date(2014, 8, 28))
    processed = claimtrack.process_many(raws, pipeline)
    found = dict(zip(["deny", "nato", "xss", "talks", "seed"], processed, strict=False))
    assert found["xss"].title == XSS_TITLE and "<script>" in found["xss"].text
    return found


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port of 127.0.0.1 in a thread; yield its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan="on"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        uv.should_exit = True
        thread.join(timeout=20)
        sock.close()


@pytest.fixture(scope="module")
def store_with_docs(docs: dict[str, Document], tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh SQLite store holding ``docs``."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'store.db'}"
    with Store(url) as store:
        for doc in docs.values():
            store.save(doc)
    return url


@pytest.fixture(scope="module")
def server(store_with_docs: str) -> Iterator[str]:
    """The app from create_app over the store, open for reading as by default."""
    with serving(create_app(store_with_docs)) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


@contextmanager
def browser_page(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """A fresh page; script errors, console errors (CSP refusals among them) and dialogs fail
    the test."""
    phone = viewport["width"] < 800
    context = browser.new_context(viewport=viewport, has_touch=phone, is_mobile=phone)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def console(message: Any) -> None:
        # answers the page handles, which the browser logs as errors all the same: 404 for
        # outlines not installed (the map shows a notice) and for a server without the store
        # summary (the panel stays hidden), 401 from the API when reads need a token (the
        # page asks for it); every other error counts
        url = (message.location or {}).get("url", "")
        expected = (url.endswith(OUTLINES_ROUTE)
                    or (url.endswith("/api/v1/summary") and "status of 404" in message.text)
                    or ("/api/v1/" in url and "status of 401" in message.text))
        if message.type == "error" and not expected:
            problems.append(f"console: {message.text} at {message.location}")

    tab.on("console", console)

    def dialog(d: Any) -> None:
        problems.append(f"dialog: {d.message}")
        d.dismiss()

    tab.on("dialog", dialog)
    yield tab
    context.close()
    assert not problems, problems


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh desktop-sized page."""
    with browser_page(browser, SIZES["desktop"]) as tab:
        yield tab


@pytest.fixture(params=sorted(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    """Each test that takes it runs at both sizes: "desktop" (1440x900), "phone" (390x844)."""
    return str(request.param)


@pytest.fixture
def sized(browser: Any, size: str) -> Iterator[Any]:
    """A fresh page at ``size``."""
    with browser_page(browser, SIZES[size]) as tab:
        tab.claimtrack_size = size
        yield tab


def screenshot(page: Any, name: str, *selectors: str) -> None:
    """docs/screenshots/<name>-<size>.png, only when CLAIMTRACK_SCREENSHOTS=1 (the README
    shows them; regenerate with ``CLAIMTRACK_SCREENSHOTS=1 pytest tests/test_web.py``): the
    first screen, or the part of it around the elements ``selectors`` name. pngquant, when
    installed, cuts each to a 32-colour palette (about a third of the size)."""
    if os.environ.get("CLAIMTRACK_SCREENSHOTS", "") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{page.claimtrack_size}.png"
    view = page.viewport_size
    clip = None
    boxes = [box for box in (page.locator(s).first.bounding_box() for s in selectors) if box]
    if boxes:
        pad = 8
        x0 = max(0, min(b["x"] for b in boxes) - pad)
        y0 = max(0, min(b["y"] for b in boxes) - pad)
        x1 = min(view["width"], max(b["x"] + b["width"] for b in boxes) + pad)
        y1 = min(view["height"], max(b["y"] + b["height"] for b in boxes) + pad)
        clip = {"x": x0, "y": y0, "width": x1 - x0, "height": y1 - y0}
    page.screenshot(path=str(path), clip=clip, animations="disabled")
    pngquant = shutil.which("pngquant")
    if pngquant:
        subprocess.run([pngquant, "--force", "--strip", "--speed", "1", "--output", str(path), "32",
                        str(path)], check=True)


def in_viewport(page: Any, locator: Any) -> bool:
    """Whether the element's box lies wholly on the first screen (no scrolling needed)."""
    box = locator.bounding_box()
    view = page.viewport_size
    return (box is not None and box["x"] >= 0 and box["y"] >= 0
            and box["x"] + box["width"] <= view["width"] + 0.5
            and box["y"] + box["height"] <= view["height"] + 0.5)


def no_sideways_scroll(page: Any) -> bool:
    """Nothing wider than the viewport (a phone would zoom the whole page out to fit it)."""
    width = page.viewport_size["width"]
    if page.evaluate(f"document.documentElement.scrollWidth <= {width}"):
        return True
    wider = page.evaluate(f"""[...document.querySelectorAll('body *')]
        .filter(n => !n.ownerSVGElement && n.getBoundingClientRect().right > {width} + 1)
        .map(n => n.tagName + '.' + n.className).slice(-5)""")
    raise AssertionError(f"wider than {width} px: {wider}")


def open_view(page: Any, base: str, fragment: str) -> Any:
    """Load the page at ``fragment`` and wait until its view has rendered."""
    response = page.goto(base + fragment)
    page.wait_for_selector("body[data-ready]", state="attached")
    assert page.locator("#status .error").count() == 0, page.locator("#status").inner_text()
    return response


# -- (a) article view ----------------------------------------------------------------------


@requires_shared(SEED)
def test_web_article_highlights_claims_by_stance_with_sources(page: Any, server: str,
                                                               docs: dict[str, Document]) -> None:
    response = open_view(page, server, f"#/articles/{docs['seed'].id}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator("h2.title").inner_text().startswith("Kiev Claims Russia Has Invaded")
    card = page.locator("#hover-card")

    def card_of(highlight: Any) -> str:
        highlight.focus()
        expect(card).to_be_visible()
        return str(card.inner_text())

    invasion = page.locator("#article-text mark.claim.stance-assert",
                            has_text="An invasion of Russian forces has taken place.")
    assert invasion.count() >= 1
    text = card_of(invasion.last)
    assert "Poroshenko" in text and "asserts" in text
    evidence = card.locator(".card-evidence").last.inner_text()
    assert "An invasion of Russian forces has taken place." in evidence
    denial = page.locator("#article-text mark.claim.stance-deny",
                          has_text="no regular Russian troops")
    assert "a Russian diplomatic source" in card_of(denial.first)
    no_comment = page.locator("#article-text mark.claim.stance-no_comment").first
    assert "declines to comment" in card_of(no_comment)
    assert page.locator("#article-text .cue", has_text="said").count() >= 3


@requires_shared(SEED)
def test_web_article_shows_dropped_boilerplate_greyed_on_request(page: Any, server: str,
                                                                 docs: dict[str, Document]) -> None:
    open_view(page, server, f"#/articles/{docs['seed'].id}")
    dropped = page.locator("#article-text .dropped", has_text="Support The Moscow Times")
    assert dropped.count() == 1 and not dropped.is_visible()
    assert "Support The Moscow Times" not in page.locator("#article-text").inner_text()
    page.check("#show-dropped")
    assert dropped.is_visible()
    colour = dropped.evaluate("node => getComputedStyle(node).color")
    kept = page.locator("#article-text p.kept").first.evaluate("n => getComputedStyle(n).color")
    assert colour != kept  # greyed
    page.uncheck("#show-dropped")
    assert not dropped.is_visible()


# -- the article view at both sizes -------------------------------------------------------


def test_web_article_is_on_the_first_screen_and_the_list_collapses_on_a_phone(
        sized: Any, server: str, docs: dict[str, Document], size: str) -> None:
    open_view(sized, server, "#/articles")
    title = sized.locator("#article h2.title")
    assert in_viewport(sized, title)
    assert in_viewport(sized, sized.locator("#article-text p.kept").first)
    assert no_sideways_scroll(sized)
    toggle, body = sized.locator("#doc-list-toggle"), sized.locator("#doc-list-body")
    nato = body.locator("a.article-link", has_text="NATO says")
    screenshot(sized, "articles")
    if size == "desktop":
        assert not toggle.is_visible() and body.is_visible()
        assert body.bounding_box()["x"] + body.bounding_box()["width"] <= title.bounding_box()["x"]
        nato.click()
    else:
        assert toggle.is_visible() and not body.is_visible()  # collapsed: one button
        assert toggle.get_attribute("aria-expanded") == "false"
        assert toggle.bounding_box()["y"] < title.bounding_box()["y"]
        toggle.click()
        assert body.is_visible() and toggle.get_attribute("aria-expanded") == "true"
        nato.tap()
    expect(title).to_have_text("NATO says over 1,000 Russian troops inside Ukraine")
    assert in_viewport(sized, title)
    if size == "phone":
        expect(body).to_be_hidden()  # tapping an article opens it and folds the list
        assert toggle.get_attribute("aria-expanded") == "false"
    current = body.locator("li.current")
    assert current.count() == 1 and current.get_attribute("data-id") == docs["nato"].id


def test_web_claim_hover_card_shows_source_cue_stance_and_evidence(
        sized: Any, server: str, docs: dict[str, Document], size: str) -> None:
    open_view(sized, server, f"#/articles/{docs['deny'].id}")
    assert sized.locator("#article-text [title]").count() == 0  # no native tooltips
    denial = sized.locator("#article-text mark.claim",
                           has_text="There are no Russian troops in Ukraine").first
    card = sized.locator("#hover-card")
    assert card.get_attribute("role") == "tooltip" and not card.is_visible()
    denial.hover()
    expect(card).to_be_visible()
    assert "asserts" in card.locator(".card-stance").inner_text()
    assert "official" in card.locator(".card-source").inner_text()
    assert card.locator(".card-cue").inner_text() == "told"
    assert "There are no Russian troops in Ukraine" in card.locator(".card-evidence").inner_text()
    assert denial.get_attribute("aria-describedby") == "hover-card"
    assert no_sideways_scroll(sized)
    assert in_viewport(sized, card)
    box, mark = card.bounding_box(), denial.bounding_box()
    # beside the highlight, not over it
    assert box["y"] >= mark["y"] + mark["height"] or box["y"] + box["height"] <= mark["y"]
    screenshot(sized, "claim-card", "#hover-card", "[aria-describedby=hover-card]")
    sized.mouse.move(2, sized.viewport_size["height"] - 2)
    expect(card).to_be_hidden()
    # the keyboard: focus shows the card, Tab moves to the next highlight, Escape hides it
    highlights = sized.locator("#article-text [data-claims]")
    highlights.first.focus()
    expect(card).to_be_visible()
    first_card = card.inner_text()
    sized.keyboard.press("Tab")
    assert sized.evaluate("document.activeElement.matches('#article-text [data-claims]')")
    assert sized.evaluate("document.activeElement.getAttribute('aria-describedby')") == "hover-card"
    expect(card).to_be_visible()
    assert card.inner_text() != first_card or highlights.count() == 2
    sized.keyboard.press("Escape")
    expect(card).to_be_hidden()
    assert sized.evaluate("document.activeElement.getAttribute('aria-describedby')") is None
    if size == "phone":  # a tap shows it too
        denial.tap()
        expect(card).to_be_visible()
        assert "There are no Russian troops" in card.locator(".card-evidence").inner_text()


@pytest.fixture(scope="module")
def many_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store of 205 one-line articles (no pipeline: bare documents), to page the list."""
    from claimtrack.model import RawDocument, document_id

    url = f"sqlite:///{tmp_path_factory.mktemp('many') / 'store.db'}"
    with Store(url) as store:
        for n in range(205):
            text = f"Article number {n} of the paging test."
            store.save(Document(raw=RawDocument(name=f"a{n}.txt", content=text),
                                id=document_id(text), text=text,
                                title=f"Paging test article {n:03d}",
                                published=date(2020, 1, 1)))
    with serving(create_app(url)) as base:
        yield base


def test_web_article_list_pages_past_200(sized: Any, many_server: str, size: str) -> None:
    open_view(sized, many_server, "#/articles")
    items = sized.locator("#doc-list-body li")
    expect(items).to_have_count(200)
    if size == "phone":
        assert sized.locator("#doc-list-toggle").inner_text() == "Articles (200+)"
        sized.locator("#doc-list-toggle").click()
    more = sized.locator("#doc-list-more")
    more.scroll_into_view_if_needed()
    count = sized.locator("#doc-list-body .list-count")
    assert more.is_visible() and "more follow" in count.inner_text()
    more.click()
    expect(items).to_have_count(205)
    assert sized.locator("#doc-list-more").count() == 0
    assert "All 205" in sized.locator("#doc-list-body .list-count").inner_text()
    focused = sized.evaluate("document.activeElement.closest('li')?.dataset.id")
    assert focused == items.nth(200).get_attribute("data-id")  # the first new one
    titles = items.locator("a").all_inner_texts()
    assert len(set(titles)) == 205  # no article twice
    items.nth(203).locator("a").click()
    expect(sized.locator("#article h2.title")).to_have_text(titles[203])
    expect(items).to_have_count(205)  # the loaded pages stay


# -- the store summary on the first screen ---------------------------------------------------

SUMMARY = {
    "documents": 6289, "claims": 41230, "events": 5120,
    "by_outlet": [{"outlet": "BBC", "documents": 4000},
                  {"outlet": "The Moscow Times", "documents": 2289}],
    "by_month": [{"month": "2014-07", "documents": 120}, {"month": "2014-08", "documents": 800},
                 {"month": "2014-09", "documents": 300}],
    "top_sources": [{"source": "Petro Poroshenko", "claims": 310},
                    {"source": "NATO", "claims": 120}],
    "contested": [{"thread_id": "t1", "proposition": "Russian troops are in Ukraine",
                   "for": 12, "against": 7}],
    "top_places": [{"geonames_id": 709717, "name": "Donetsk", "country": "UA", "events": 96}],
}


def test_web_summary_panel_shows_the_store_at_a_glance(sized: Any, server: str, size: str) -> None:
    sized.route("**/api/v1/summary", lambda route: route.fulfill(json=SUMMARY))
    open_view(sized, server, "#/articles")
    panel = sized.locator("#summary-panel")
    expect(panel).to_be_visible()
    line = sized.locator("#summary-line")
    assert "6,289 articles" in line.inner_text() and "41,230 claims" in line.inner_text()
    body = sized.locator("#summary-body")
    if size == "phone":
        assert not body.is_visible()  # one line, so the article stays on the first screen
        assert in_viewport(sized, sized.locator("#article h2.title"))
        line.click()
    assert body.is_visible() and in_viewport(sized, line)
    assert "The Moscow Times" in body.locator(".by-outlet").inner_text()
    assert body.locator(".top-sources a", has_text="Petro Poroshenko").get_attribute(
        "href") == "#/contests/Petro%20Poroshenko"
    assert "12 for, 7 against" in body.locator(".contested").inner_text()
    assert body.locator(".contested a").get_attribute("href") == "#/threads/t1"
    bars = body.locator(".month-chart a")
    assert bars.count() == 3 and bars.nth(1).get_attribute("aria-label") == "2014-08: 800 articles"
    assert no_sideways_scroll(sized)
    screenshot(sized, "summary", "#summary-panel")
    assert body.locator(".top-places a", has_text="Donetsk").get_attribute("href") == "#/map/709717"
    bars.nth(1).click()  # a month opens the timeline on that month
    sized.wait_for_function("location.hash === '#/timeline/2014-08'")
    expect(sized.locator("#timeline-list h2")).to_contain_text("2014-08:")
    assert sized.locator("#timeline").get_attribute("data-unit") in ("day", "month")


def test_web_summary_panel_stays_hidden_without_the_endpoint(sized: Any, server: str) -> None:
    sized.route("**/api/v1/summary", lambda route: route.fulfill(
        status=404, json={"error": {"status": 404, "message": "Not Found"}}))
    open_view(sized, server, "#/articles")
    sized.wait_for_timeout(100)
    assert not sized.locator("#summary-panel").is_visible()
    assert in_viewport(sized, sized.locator("#article h2.title"))


def test_web_summary_panel_reads_the_real_endpoint_when_there(sized: Any, server: str,
                                                              docs: dict[str, Document]) -> None:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(server + "api/v1/summary") as response:
            real = json.load(response)
    except urllib.error.HTTPError as error:
        assert error.code == 404
        pytest.skip("GET /api/v1/summary is not in this build yet")
    open_view(sized, server, "#/articles")
    expect(sized.locator("#summary-panel")).to_be_visible()
    assert f"{real['documents']:,} articles" in sized.locator("#summary-line").inner_text()
    assert real["documents"] == len(docs)


# -- (b) map -------------------------------------------------------------------------------


def marker(page: Any, name: str) -> Any:
    return page.locator(f'#map .place-marker[data-name^="{name}"]')


@requires_shared(SEED)
@pytest.mark.parametrize(("name", "lat", "lon"), [("Donetsk", 48.015, 37.802),
                                                  ("Mariupol", 47.097, 37.543)])
def test_web_map_plots_the_seed_places(page: Any, server: str, name: str, lat: float,
                                       lon: float) -> None:
    open_view(page, server, "#/map")
    point = marker(page, name)
    assert point.count() == 1
    assert abs(float(point.get_attribute("cx")) - lon) < 0.25
    assert abs(float(point.get_attribute("cy")) + lat) < 0.25
    assert name in (point.get_attribute("aria-label") or "")


@requires_shared(SEED)
def test_web_map_lists_the_events_at_a_clicked_place(page: Any, server: str) -> None:
    open_view(page, server, "#/map")
    point = marker(page, "Novoazovs")
    point.focus()  # its neighbours overlap it at this zoom: choose it with the keyboard
    page.keyboard.press("Enter")
    assert page.locator("#panel-title").inner_text().startswith("Novoazovs")
    events = page.locator("#map-panel .panel-events li")
    assert "COERCE" in " ".join(events.all_inner_texts())
    assert "Kiev Claims Russia" in events.first.locator("a.article-link").inner_text()
    assert "selected" in (point.get_attribute("class") or "")


def test_web_map_without_outlines_says_how_to_install_them(page: Any, server: str) -> None:
    outlines_path().unlink(missing_ok=True)
    open_view(page, server, "#/map")
    notice = page.locator("#outline-notice")
    assert notice.is_visible() and "claimtrack web-assets" in notice.inner_text()
    assert page.locator("#map path.graticule").count() == 1
    assert page.locator("#map path.country").count() == 0
    assert page.locator("#map circle.place-marker").count() >= 1  # the points are still there


def test_web_map_draws_installed_outlines(page: Any, server: str) -> None:
    path = outlines_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_geojson(TESTLAND, "countries")), encoding="utf-8")
    try:
        open_view(page, server, "#/map")
        country = page.locator('#map path.country[data-name="Testland"]')
        assert country.count() == 1
        assert country.get_attribute("d") == "M30.00,-44.00L42.00,-44.00L42.00,-52.00L30.00,-52.00L30.00,-44.00Z"
        assert not page.locator("#outline-notice").is_visible()
    finally:
        path.unlink()


def test_web_map_has_a_legend_and_labels_places_on_hover(sized: Any, server: str,
                                                         size: str) -> None:
    outlines_path().unlink(missing_ok=True)
    open_view(sized, server, "#/map")
    legend = sized.locator("#map-legend")
    expect(legend).to_be_visible()
    text = legend.inner_text()
    for words in ("events reported here", "only denied", "named, no events", "a country", "size"):
        assert words in text
    assert legend.locator(".legend-size").count() == 3
    radii = [float(r) for r in legend.locator(".legend-size circle").evaluate_all(
        "cs => cs.map(c => c.getAttribute('r'))")]
    assert radii == sorted(radii) and radii[0] < radii[-1]  # bigger for more
    assert no_sideways_scroll(sized)
    assert sized.locator("#map .place-marker title").count() == 0  # no native tooltips
    place = sized.locator("#map circle.place-marker").last  # drawn last: on top of any neighbour
    card = sized.locator("#hover-card")
    place.hover()
    expect(card).to_be_visible()
    assert card.locator(".card-place").inner_text() == place.get_attribute("data-name")
    assert "events" in card.inner_text() and in_viewport(sized, card)
    screenshot(sized, "map", ".map-area", "#hover-card")
    sized.mouse.move(1, sized.viewport_size["height"] - 1)
    expect(card).to_be_hidden()
    place.focus()
    expect(card).to_be_visible()
    assert place.get_attribute("aria-describedby") == "hover-card"
    sized.keyboard.press("Escape")
    expect(card).to_be_hidden()


def test_web_map_draws_a_country_as_a_square_without_outlines(sized: Any,
                                                             status_server: str) -> None:
    outlines_path().unlink(missing_ok=True)
    open_view(sized, status_server, "#/map")
    ukraine = marker(sized, "Ukraine")
    assert ukraine.evaluate("n => n.tagName") == "rect"
    assert ukraine.get_attribute("data-kind") == "country"
    assert "country-marker" in (ukraine.get_attribute("class") or "")
    kharkiv = marker(sized, "Kharkiv")
    assert kharkiv.evaluate("n => n.tagName") == "circle"
    assert kharkiv.get_attribute("data-kind") == "town"
    assert "a country (square" in sized.locator("#map-legend").inner_text()


def test_web_map_shades_a_countrys_outline_instead_of_a_dot(sized: Any,
                                                            status_server: str) -> None:
    path = outlines_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_geojson(TESTLAND, "countries")), encoding="utf-8")
    try:
        open_view(sized, status_server, "#/map")
        # Ukraine's GeoNames point lies inside Testland, so Testland's shape stands for it
        ukraine = marker(sized, "Ukraine")
        assert ukraine.evaluate("n => n.tagName") == "path"
        assert "country-place" in (ukraine.get_attribute("class") or "")
        assert ukraine.get_attribute("d") == sized.locator(
            '#map path.country[data-name="Testland"]').get_attribute("d")
        box = ukraine.bounding_box()
        assert box["width"] > 40 and box["height"] > 20  # an area, not a dot
        assert sized.locator("#map circle.place-marker[data-name='Ukraine']").count() == 0
        assert "whole shape is shaded" in sized.locator("#map-legend").inner_text()
        ukraine.focus()
        expect(sized.locator("#hover-card .card-place")).to_have_text("Ukraine")
        sized.keyboard.press("Enter")
        assert sized.locator("#panel-title").inner_text().startswith("Ukraine")
    finally:
        path.unlink()


# -- (c) threads board ---------------------------------------------------------------------


@requires_shared(SEED)
def test_web_threads_board_shows_the_contested_thread_with_both_sides(page: Any,
                                                                      server: str) -> None:
    open_view(page, server, "#/threads")
    first = page.locator("#threads-board article.thread").first
    assert "contested" in (first.get_attribute("class") or "")
    first.locator("button.thread-toggle").click()
    asserting = first.locator(".side-for")
    denying = first.locator(".side-against")
    assert asserting.locator("h4").inner_text().startswith("For (asserting)")
    assert denying.locator("h4").inner_text().startswith("Against (denying)")
    assert asserting.locator(".source", has_text="Petro Poroshenko").count() == 1
    assert asserting.locator(".source", has_text="Nico Tak").count() == 1
    assert denying.locator(".source", has_text="a Russian diplomatic source").count() == 1
    denial = denying.locator(".thread-claim", has_text="There are no Russian troops in Ukraine")
    assert denial.count() == 1 and "2014-08-29" in denial.locator(".meta").inner_text()
    box_a, box_d = asserting.bounding_box(), denying.bounding_box()
    assert box_a["x"] + box_a["width"] <= box_d["x"]  # side by side
    assert page.locator("#threads-board article.thread:not(.contested)").count() >= 1
    page.check("#threads-contested")
    expect(page.locator("#threads-board article.thread:not(.contested)")).to_have_count(0)
    expect(page.locator("#threads-board article.thread.contested")).to_have_count(1)


def test_web_threads_board_is_collapsed_until_a_thread_is_opened(sized: Any, server: str,
                                                                  size: str) -> None:
    open_view(sized, server, "#/threads")
    cards = sized.locator("#threads-board article.thread")
    assert cards.count() >= 2
    assert sized.locator("#threads-board .thread-body:visible").count() == 0  # all collapsed
    assert in_viewport(sized, cards.nth(1).locator("h3"))  # so several fit the first screen
    assert "For:" in cards.first.locator(".who-line").inner_text()
    assert no_sideways_scroll(sized)
    screenshot(sized, "threads")
    toggle = cards.first.locator("button.thread-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    sized.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    body = sized.locator(f'[id="{toggle.get_attribute("aria-controls")}"]')
    expect(body.locator(".side-for")).to_be_visible()
    box_for = body.locator(".side-for").bounding_box()
    box_against = body.locator(".side-against").bounding_box()
    if size == "desktop":
        assert box_for["x"] + box_for["width"] <= box_against["x"]  # side by side
    else:
        assert box_for["y"] + box_for["height"] <= box_against["y"]  # one above the other
    assert no_sideways_scroll(sized)
    screenshot(sized, "thread-open", "#threads-board article.thread")  # clipped to the screen
    toggle.click()
    expect(body).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_web_threads_board_opens_one_thread_from_a_link(sized: Any, server: str) -> None:
    open_view(sized, server, "#/threads")
    wanted = sized.locator("#threads-board article.thread").nth(1).get_attribute("data-thread")
    open_view(sized, server, f"#/threads/{quote(wanted, safe='')}")
    cards = sized.locator("#threads-board article.thread")
    expect(cards).to_have_count(1)
    assert cards.first.get_attribute("data-thread") == wanted
    expect(cards.first.locator(".side-for")).to_be_visible()  # opened
    assert cards.first.locator("button.thread-toggle").get_attribute("aria-expanded") == "true"
    assert not sized.locator("#threads-pager").is_visible()
    sized.locator("#threads-count a", has_text="All threads").click()
    expect(cards.nth(1)).to_be_visible()


@requires_shared(SEED)
def test_web_threads_board_filters_by_actor_place_dates_and_contest(sized: Any,
                                                                    server: str) -> None:
    open_view(sized, server, "#/threads")
    cards = sized.locator("#threads-board article.thread")
    everything = cards.count()
    sized.fill("#threads-actor", "Nico Tak")
    sized.press("#threads-actor", "Enter")
    expect(cards).to_have_count(1)
    assert "contested" in (cards.first.get_attribute("class") or "")
    assert "Nico Tak" in cards.first.locator(".who-line").inner_text()
    sized.click("#threads-clear")
    expect(cards).to_have_count(everything)
    sized.fill("#threads-place", "Atlantis")
    sized.click("#threads-apply")
    expect(sized.locator("#threads-board .empty")).to_have_text("No thread matches these filters.")
    sized.click("#threads-clear")
    sized.fill("#threads-from", "2014-08-31")
    expect(cards).to_have_count(everything - 1)
    sized.fill("#threads-to", "2014-08-31")
    sized.check("#threads-contested")
    expect(sized.locator("#threads-board .empty")).to_be_visible()
    assert no_sideways_scroll(sized)


def test_web_threads_board_pages(sized: Any, server: str) -> None:
    def one_per_page(route: Any) -> None:  # pages of one, so this small store has several
        route.continue_(url=route.request.url.replace("limit=20", "limit=1"))

    sized.route("**/api/v1/threads?*", one_per_page)
    open_view(sized, server, "#/threads")
    cards = sized.locator("#threads-board article.thread")
    expect(cards).to_have_count(1)
    first = cards.first.get_attribute("data-thread")
    prev, following = sized.locator("#threads-prev"), sized.locator("#threads-next")
    assert prev.is_disabled() and following.is_enabled()
    following.click()
    expect(sized.locator("#threads-page")).to_have_text("page 2")
    second = cards.first.get_attribute("data-thread")
    assert second != first and prev.is_enabled()
    assert sized.locator("#threads-count").inner_text().startswith("Threads 2\u20132")
    prev.click()
    expect(sized.locator("#threads-page")).to_have_text("page 1")
    assert cards.first.get_attribute("data-thread") == first


# -- timeline and search ---------------------------------------------------------------------


def test_web_timeline_filters_by_the_clicked_day(page: Any, server: str) -> None:
    open_view(page, server, "#/timeline")
    day = page.locator('#timeline g.day[data-day="2014-08-29"]')
    assert int(day.get_attribute("data-claims") or 0) >= 2  # the denial's claims
    day.locator("rect.hit").click()
    page.wait_for_selector("#timeline-list h2")
    listing = page.locator("#timeline-list")
    assert listing.locator("h2").inner_text().startswith("2014-08-29")
    assert "There are no Russian troops in Ukraine" in listing.inner_text()
    assert "NATO says" not in listing.inner_text()  # published the day before
    page.locator('#timeline g.day[data-day="2014-08-29"] rect.hit').click()
    expect(page.locator("#timeline-list h2")).to_have_count(0)


@pytest.fixture(scope="module")
def timeline_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Twenty copies of the Kharkiv article (claims and events), one a day in August 2014,
    and two strays: one published in 2001, one in 2024, as a real archive has."""
    from dataclasses import replace

    from tests.test_store import doc_kharkiv

    days = [date(2014, 8, n) for n in range(1, 21)] + [date(2001, 5, 1), date(2024, 3, 5)]
    url = f"sqlite:///{tmp_path_factory.mktemp('timeline') / 'store.db'}"
    with Store(url) as store:
        for n, day in enumerate(days):
            store.save(replace(doc_kharkiv(), id=f"{n + 1:032x}", published=day))
    with serving(create_app(url)) as base:
        yield base


def visible_days(page: Any) -> list[str]:
    """The keys of the bars inside the chart's box."""
    return list(page.locator("#timeline g.bin").evaluate_all(
        """gs => { const box = document.getElementById('timeline').getBoundingClientRect();
        return gs.filter(g => { const r = g.querySelector('rect.hit').getBoundingClientRect();
        return r.right > box.left && r.left < box.right; }).map(g => g.dataset.key); }"""))


def test_web_timeline_opens_on_the_span_where_the_data_is(sized: Any, timeline_server: str) -> None:
    open_view(sized, timeline_server, "#/timeline")
    chart = sized.locator("#timeline")
    assert chart.get_attribute("data-unit") == "day"
    keys = visible_days(sized)
    assert "2014-08-01" in keys and "2014-08-20" in keys
    assert not any(k.startswith(("2001", "2024")) for k in keys)
    assert keys[0] >= "2014-07-" and keys[-1] <= "2014-09-"
    assert "8 more items lie outside" in sized.locator("#timeline-range").inner_text()  # the strays
    ticks = sized.locator("#timeline text.tick").all_text_contents()
    assert len(ticks) >= 2 and len(set(ticks)) == len(ticks)  # several labels, none repeated
    assert chart.bounding_box()["width"] <= sized.viewport_size["width"]
    assert no_sideways_scroll(sized)
    bar = sized.locator('#timeline g.bin[data-key="2014-08-10"]')
    assert int(bar.get_attribute("data-events")) == 2 and int(bar.get_attribute("data-claims")) == 2
    assert bar.bounding_box()["width"] >= 8  # a bar one can click, even on a phone
    screenshot(sized, "timeline", "#view-timeline")


def test_web_timeline_zooms_with_buttons_keys_and_wheel(sized: Any, timeline_server: str,
                                                        size: str) -> None:
    open_view(sized, timeline_server, "#/timeline")
    before = len(visible_days(sized))
    sized.locator("#timeline-zoom-in").focus()
    sized.keyboard.press("Enter")  # the buttons work from the keyboard
    assert len(visible_days(sized)) < before
    sized.keyboard.press("Tab")  # zoom out is next
    assert sized.evaluate("document.activeElement.id") == "timeline-zoom-out"
    for _ in range(4):
        sized.keyboard.press("Enter")
    chart = sized.locator("#timeline")
    assert chart.get_attribute("data-unit") in ("month", "year")
    sized.click("#timeline-all")
    keys = visible_days(sized)
    assert any(k.startswith("2001") for k in keys) and any(k.startswith("2024") for k in keys)
    assert "more items" not in sized.locator("#timeline-range").inner_text()
    sized.click("#timeline-fit")
    assert chart.get_attribute("data-unit") == "day"
    # + and - on the chart's bars
    sized.locator("#timeline g.bin:not(.empty)").first.focus()
    span = len(visible_days(sized))
    sized.keyboard.press("-")
    assert len(visible_days(sized)) > span or chart.get_attribute("data-unit") != "day"
    sized.keyboard.press("+")
    if size == "desktop":  # the wheel zooms about the pointer
        box = chart.bounding_box()
        sized.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        span = len(visible_days(sized))
        sized.mouse.wheel(0, -400)
        sized.wait_for_function(f"document.querySelectorAll('#timeline g.bin').length < {span}")
    # a month bar lists the month
    sized.click("#timeline-all")
    sized.locator('#timeline g.bin[data-key^="2001"]').locator("rect.hit").click()
    expect(sized.locator("#timeline-list h2")).to_contain_text("2001")
    assert "2 events, 2 claims" in sized.locator("#timeline-list h2").inner_text()


def test_web_search_finds_articles_and_claims_on_the_server(page: Any, server: str) -> None:
    open_view(page, server, "#/articles")
    page.fill("#search-q", "russian troops")
    page.press("#search-q", "Enter")
    page.wait_for_selector("#search-results h2")
    results = page.locator("#search-results")
    assert results.locator(".search-docs li", has_text="NATO says over 1,000").count() == 1
    claim = results.locator(".search-claims li", has_text="There are no Russian troops in Ukraine")
    assert claim.count() == 1 and claim.locator("mark.hit").inner_text() == "Russian troops"
    assert results.locator(".search-docs li", has_text="Border talks").count() == 0


# -- event status ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def border_post(pipeline: Any) -> Document:
    """examples/border_post.txt, whose rebel command denies the ASSAULT."""
    from tests.conftest import EXAMPLES

    text = (EXAMPLES / "border_post.txt").read_text(encoding="utf-8")
    (doc,) = claimtrack.process_many(
        [raw_from_string(text, name="border_post.txt", published=date(2024, 3, 5))], pipeline)
    return doc


@pytest.fixture(scope="module")
def status_server(border_post: Document,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A store of its own (its threads would change the board above): border_post and two
    hand-made articles with placed denials: the army denies anything happened in Kharkiv;
    Lavrov denies Russian troops are in Ukraine."""
    from tests.test_store import doc_border, doc_kharkiv

    url = f"sqlite:///{tmp_path_factory.mktemp('status') / 'store.db'}"
    with Store(url) as store:
        for doc in (border_post, doc_kharkiv(), doc_border()):
            store.save(doc)
    with serving(create_app(url)) as base:
        yield base


def event_item(scope: Any, status: str, text: str) -> Any:
    return scope.locator(f"li.event.status-{status}", has_text=text)


def struck(item: Any) -> bool:
    body = item.locator(".event-body")
    return "line-through" in body.evaluate("n => getComputedStyle(n).textDecorationLine")


def test_web_article_marks_the_denied_event(page: Any, status_server: str,
                                           border_post: Document) -> None:
    open_view(page, status_server, f"#/articles/{border_post.id}")
    events = page.locator("#article .events-list")
    denied = event_item(events, "denied", "attacking")
    assert denied.count() == 1 and "ASSAULT" in denied.inner_text()
    assert denied.locator(".status-badge").inner_text().lower() == "denied by rebel command"
    assert struck(denied)
    asserted = event_item(events, "asserted", "rebel forces")
    assert asserted.count() == 1 and not struck(asserted)
    assert asserted.locator(".status-badge").inner_text().lower().startswith("asserted by")
    assert "1 denied" in page.locator("#article h3", has_text="Events").inner_text()
    assert events.locator("li.event:not(:has(.status-badge))").count() == 0


def test_web_map_popup_shows_event_status(page: Any, status_server: str) -> None:
    open_view(page, status_server, "#/map/706483")
    assert page.locator("#panel-title").inner_text().startswith("Kharkiv")
    panel = page.locator("#map-panel")
    denied = event_item(panel, "denied", "happened")
    assert denied.count() == 1 and struck(denied)
    assert denied.locator(".status-badge").inner_text().lower() == "denied by the army"
    assert event_item(panel, "asserted", "hit").count() == 1
    assert "1 denied" in panel.locator("p", has_text="events").first.inner_text()
    # Ukraine's only event is Lavrov's denial: a dashed marker, not a place where it happened
    ukraine = marker(page, "Ukraine")
    classes = ukraine.get_attribute("class") or ""
    assert "disputed-events" in classes and "has-events" not in classes
    assert "(0 asserted)" in (ukraine.get_attribute("aria-label") or "")
    assert "has-events" in (marker(page, "Kharkiv").get_attribute("class") or "")


def test_web_timeline_lists_the_denied_event_as_denied(page: Any, status_server: str) -> None:
    open_view(page, status_server, "#/timeline/2024-03-05")
    day = page.locator('#timeline g.day[data-day="2024-03-05"]')
    assert int(day.get_attribute("data-asserted") or 0) < int(day.get_attribute("data-events") or 0)
    assert day.locator("rect.bar.events.not-asserted").count() == 1
    listing = page.locator("#timeline-list")
    denied = event_item(listing, "denied", "attacking")
    assert denied.count() == 1 and struck(denied)
    assert denied.locator(".status-badge").inner_text().lower() == "denied by rebel command"


def test_web_threads_board_lists_events_with_their_status(page: Any, status_server: str) -> None:
    open_view(page, status_server, "#/threads")
    toggles = page.locator("#threads-board button.thread-toggle")
    for n in range(toggles.count()):
        toggles.nth(n).click()
    expect(page.locator("#threads-board .thread-body .sides")).to_have_count(toggles.count())
    denied = event_item(page.locator("#threads-board"), "denied", "ASSAULT")
    assert denied.count() >= 1
    assert "denied by rebel command" in denied.first.inner_text().lower()


# -- untrusted text --------------------------------------------------------------------------


def test_web_article_markup_renders_as_text_and_runs_nothing(page: Any, server: str,
                                                              docs: dict[str, Document]) -> None:
    open_view(page, server, f"#/articles/{docs['xss'].id}")
    assert page.locator("h2.title").inner_text() == XSS_TITLE
    assert "<script>window.__xss=1</script>" in page.locator("#article-text").inner_text()
    assert page.locator("#doc-list", has_text=XSS_TITLE).count() == 1
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    page.fill("#search-q", "border talks")
    page.press("#search-q", "Enter")
    page.wait_for_selector("#search-results .search-docs li")
    assert XSS_TITLE in page.locator("#search-results .search-docs").inner_text()
    page.wait_for_timeout(200)  # give an injected onerror handler time to fire
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_web_page_asks_for_the_token_when_reads_need_one(page: Any, store_with_docs: str) -> None:
    app = create_app(store_with_docs, token="s3cret-token", read_token_required=True)
    with serving(app) as base:
        page.goto(base + "#/threads")
        page.wait_for_selector("body[data-ready]", state="attached")
        assert "asks for a token" in page.locator("#status .error").inner_text()
        form = page.locator("#token-form")
        assert form.is_visible() and page.locator("#threads-board article.thread").count() == 0
        page.fill("#token-input", "s3cret-token")
        page.press("#token-input", "Enter")
        expect(page.locator("#threads-board article.thread").first).to_be_visible()
        assert not form.is_visible()


# -- routes and headers, in process ----------------------------------------------------------


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('web-client') / 'store.db'}"
    with TestClient(create_app(url)) as test_client:
        yield test_client


def test_web_page_is_served_with_a_strict_content_security_policy(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    policy = dict(part.strip().split(" ", 1)
                  for part in response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'" and policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'" and policy["connect-src"] == "'self'"
    assert "unsafe" not in response.headers["content-security-policy"]
    assert client.head("/").status_code == 200
    script = client.get("/static/js/main.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert script.headers["content-security-policy"] == response.headers["content-security-policy"]


class _InlineFinder(HTMLParser):
    """Inline scripts, inline styles and event-handler attributes in our page."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "style" or "style" in names or any(n.startswith("on") for n in names):
            self.inline.append(f"<{tag} {sorted(names)}>")
        self._in_script = tag == "script"
        if tag == "script" and "src" not in names:
            self.inline.append("<script> without src")

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline.append(f"script text {data.strip()[:40]!r}")


def test_web_page_has_no_inline_script_or_style() -> None:
    finder = _InlineFinder()
    finder.feed((STATIC / "index.html").read_text(encoding="utf-8"))
    assert finder.inline == []
    for script in (STATIC / "js").glob("*.js"):
        source = script.read_text(encoding="utf-8")
        assert "innerHTML" not in source and "insertAdjacentHTML" not in source, script.name
        assert "eval(" not in source and "document.write" not in source, script.name


def test_web_outlines_route_says_how_to_install_missing_outlines(client: TestClient) -> None:
    outlines_path().unlink(missing_ok=True)
    response = client.get("/outlines/countries.geojson")
    assert response.status_code == 404
    assert "claimtrack web-assets" in response.json()["error"]["message"]


def test_web_outlines_route_serves_installed_outlines(client: TestClient) -> None:
    path = outlines_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_geojson(TESTLAND, "countries")), encoding="utf-8")
    try:
        response = client.get("/outlines/countries.geojson")
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/geo+json"
        assert response.json()["features"][0]["properties"]["name"] == "Testland"
    finally:
        path.unlink()
