"""Security of the web app, on real components (the app served by uvicorn, Debian's chromium,
SQLite and PostgreSQL stores the pipeline filled):

- every write route needs the token (routes enumerated from the app, so a new one is covered);
- SQL injection strings in every parameter of every GET operation (enumerated from the OpenAPI
  schema) match nothing, never cause a 5xx and change no row, on both backends;
- hostile markup in article text and metadata (title, outlet, url, source names, place names)
  shows as text in every view of the page and runs nothing;
- request bodies of exactly the size limit pass and one byte more is refused;
- neither the API token nor a database password reaches the logs or an error message.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from starlette.routing import Mount

import claimtrack
from claimtrack.errors import StoreError
from claimtrack.model import Document
from claimtrack.readers import raw_from_string
from claimtrack.store.repository import Store
from claimtrack.store.schema import metadata
from claimtrack.web.app import create_app
from tests.pg_server import PostgresServer
from tests.test_web import browser, open_view, page, serving  # noqa: F401 - fixtures

pytestmark = pytest.mark.slow

TOKEN = "tok-Sec9-do-not-log-me"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PASSWORD = "pw-Sec9-do-not-log-me"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
DAY = date(2024, 6, 7)
BASE_TEXT = ("The mayor of Odesa said on Friday that the port reopened after repairs.\n\n"
             "Police in Kharkiv denied that officers used force against protesters. ")

# -- hostile data ----------------------------------------------------------------------------

# FIELD is replaced by the field the payload goes into: whichever field let a script run sets
# window.__xss to its own name.
XSS_PAYLOADS = {
    "script": "<script>window.__xss='FIELD'</script>",
    "img": "<img src=x onerror=\"window.__xss='FIELD';alert('FIELD')\">",
    "svg": "<svg onload=\"window.__xss='FIELD'\"><circle r=\"9\"></circle></svg>",
    "attr": "\" onmouseover=\"window.__xss='FIELD'\" autofocus onfocus=\"window.__xss='FIELD'\" x=\"",
    "attr1": "' onmouseover='window.__xss=\"FIELD\"' x='",
    "jsurl": "javascript:window.__xss='FIELD'//",
}
XSS_FIELDS = ("title", "outlet", "url", "text", "source", "place")
SQL_PAYLOADS = [
    "' OR 1=1 --", "\" OR \"\"=\"", "') OR ('a'='a", "%", "_", "%%", "\\", "' OR ''='",
    "x'; DROP TABLE documents; --", "1; DELETE FROM claims", "1) UNION SELECT id FROM documents --",
    "' UNION SELECT name, sql FROM sqlite_master --", "'; UPDATE documents SET title='owned'; --",
    "%' AND 1=1 AND '%'='", "1 OR 1=1", "admin'/*", "\x00", "' || (SELECT pg_sleep(5)) || '",
    "$$; DROP TABLE claims; $$", "*",
]


def payload(kind: str, field: str) -> str:
    return XSS_PAYLOADS[kind].replace("FIELD", field)


def hostile_url(kind: str) -> str:
    """A javascript: URL as is; the other payloads inside a web URL's query."""
    return payload(kind, "url") if kind == "jsurl" else "https://example.org/a?q=" + payload(kind, "url")


def tamper(doc: Document, kind: str) -> Document:
    """Source names and place names a hostile source could have put in the store."""
    for entity in doc.entities:
        entity.name = payload(kind, "source")
    for claim in doc.claims:
        claim.source_text = payload(kind, "source")
    for place in doc.places:
        place.name = payload(kind, "place")
    return doc


@pytest.fixture(scope="module")
def hostile(pipeline: Any) -> dict[str, Document]:
    """One article per payload, with the payload in every field the page shows."""
    raws = [raw_from_string(BASE_TEXT + payload(kind, "text"), name=f"{kind}.txt",
                            published=DAY, title=payload(kind, "title"),
                            outlet=payload(kind, "outlet"), url=hostile_url(kind), fmt="text")
            for kind in XSS_PAYLOADS]
    docs = claimtrack.process_many(raws, pipeline)
    found = {kind: tamper(doc, kind) for kind, doc in zip(XSS_PAYLOADS, docs, strict=True)}
    for doc in found.values():
        assert doc.claims and doc.places, doc.name
    return found


def fill_store(url: str, docs: dict[str, Document]) -> None:
    with Store(url) as store:
        for doc in docs.values():
            store.save(doc)


@pytest.fixture(scope="module")
def sqlite_url(hostile: dict[str, Document], tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('security') / 'store.db'}"
    fill_store(url, hostile)
    return url


PLAIN = [("Kyiv Daily", "Shelling hits Kharkiv", date(2024, 3, 4),
          ("Ukrainian officials said on Monday that Russian troops shelled Kharkiv overnight. "
          "The Russian defence ministry denied that its forces attacked civilian targets.")),
         ("Andes Post", "Floods in Lima", date(2024, 4, 10),
          ("Peru's president said the army would evacuate families from flooded districts of "
          "Lima. Opposition lawmakers accused the government of ignoring warnings.")),
         ("Kyiv Daily", "Port reopens", date(2024, 6, 7), BASE_TEXT)]


@pytest.fixture(scope="module")
def plain(pipeline: Any) -> dict[str, Document]:
    """Articles with none of the injection payloads' characters in them (a payload such as
    "_" must match nothing, so the store must hold no "_")."""
    raws = [raw_from_string(body, name=f"plain{i}", published=day, title=title, outlet=outlet,
                            fmt="text") for i, (outlet, title, day, body) in enumerate(PLAIN)]
    docs = claimtrack.process_many(raws, pipeline)
    assert all(doc.claims for doc in docs)
    return {doc.id: doc for doc in docs}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, plain: dict[str, Document],
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The plain articles in a store on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('injection') / 'store.db'}"
        fill_store(url, plain)
        yield url
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.database()
    fill_store(url, plain)
    yield url
    server.drop(url)


def row_counts(url: str) -> dict[str, int]:
    with Store(url) as store:
        return {name: store.count(name) for name in sorted(metadata.tables)}


# -- write routes need the token -------------------------------------------------------------


def write_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route of the app that accepts a method that may change state:
    walked from ``app.routes`` (into mounts and included routers) and from the OpenAPI
    schema, so a route is found whichever way it was added."""
    found = set()

    def visit(routes: list[Any], prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                visit(list(route.routes or []), prefix + route.path)
            included = getattr(route, "original_router", None)  # FastAPI's include_router
            if included is not None:
                visit(list(included.routes), prefix + route.include_context.prefix)
            for method in getattr(route, "methods", None) or ():
                if method not in SAFE_METHODS:
                    found.add((method, prefix + str(route.path)))

    visit(list(app.routes), "")
    for path, operations in app.openapi()["paths"].items():
        found |= {(m.upper(), path) for m in operations if m.upper() not in SAFE_METHODS}
    return sorted(found)


def concrete(path: str) -> str:
    """A route path with each {parameter} filled in."""
    return re.sub(r"\{[^}]+\}", "abcd1234", path)


def test_security_write_routes_are_found() -> None:
    """The enumeration itself works (else the test below would pass on nothing)."""
    assert ("POST", "/api/v1/documents") in write_routes(create_app("sqlite://"))


def test_security_every_write_route_needs_the_token(sqlite_url: str) -> None:
    """No token, a wrong one, another scheme: 401; with no token configured: 403. A write
    route added without ``require_write`` fails here. Nothing reaches the store."""
    before = row_counts(sqlite_url)
    guarded = TestClient(create_app(sqlite_url, token=TOKEN))
    open_by_mistake = TestClient(create_app(sqlite_url, token=None))
    routes = write_routes(guarded.app)  # type: ignore[arg-type]
    for method, path in routes:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                        {"Authorization": f"Bearer {TOKEN[:-1]}"},
                        {"Authorization": f"Bearer {TOKEN.upper()}"}, {"Authorization": TOKEN}):
            response = guarded.request(method, concrete(path), json={"text": "Hello."},
                                       headers=headers)
            assert response.status_code == 401, (method, path, headers, response.text)
            assert TOKEN not in response.text
        response = open_by_mistake.request(method, concrete(path), json={"text": "Hello."},
                                           headers=AUTH)
        assert response.status_code == 403, (method, path, response.text)
    assert row_counts(sqlite_url) == before


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_security_other_methods_on_api_paths_are_refused(sqlite_url: str, method: str) -> None:
    """No path of the API takes PUT, PATCH or DELETE (with or without the token), except the
    ones it declares (DELETE /documents/{doc}, guarded by the write token as every write
    route is: see the test above)."""
    client = TestClient(create_app(sqlite_url, token=TOKEN))
    before = row_counts(sqlite_url)
    declared = {(m.upper(), path) for path, ops in client.get("/openapi.json").json()["paths"].items()
                for m in ops}
    assert declared & {("PUT", p) for _, p in declared} == set()  # no PUT anywhere
    for path in client.get("/openapi.json").json()["paths"]:
        if (method, path) in declared:
            continue
        response = client.request(method, concrete(path), headers=AUTH)
        assert response.status_code == 405, (method, path)
    assert row_counts(sqlite_url) == before


def test_security_delete_is_a_guarded_write_route() -> None:
    assert ("DELETE", "/api/v1/documents/{doc}") in write_routes(create_app("sqlite://"))


# -- SQL injection ----------------------------------------------------------------------------


def get_parameters(app: FastAPI) -> list[tuple[str, str, str]]:
    """(path, parameter, "query"|"path") for every parameter of every GET operation."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            found.append((path, parameter["name"], parameter["in"]))
    return found


def injection_requests(app: FastAPI) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(label, path, query) for each payload in each parameter."""
    for path, name, where in get_parameters(app):
        for attempt in SQL_PAYLOADS:
            if where == "path":
                yield f"{path} {name}={attempt!r}", path.replace(f"{{{name}}}",
                                                                 quote(attempt, safe="")), {}
            else:
                yield f"{path} ?{name}={attempt!r}", path, {name: attempt}


def test_security_injection_cases_cover_every_parameter() -> None:
    """Every filter of every list endpoint and every path parameter is among the cases."""
    params = {(p, n) for p, n, _ in get_parameters(create_app("sqlite://"))}
    assert {("/api/v1/claims", "source"), ("/api/v1/events", "bbox"), ("/api/v1/places", "country"),
            ("/api/v1/threads", "actor"), ("/api/v1/documents/{doc}", "doc"),
            ("/api/v1/stories/{story}", "story"), ("/api/v1/threads/{thread}", "thread"),
            ("/api/v1/documents", "from"), ("/api/v1/events", "cursor")} <= params
    assert len(params) >= 56  # 56 when written; more as filters are added


def test_security_injection_in_any_parameter_matches_nothing(any_store: str) -> None:
    """Each payload in each parameter: a 400/404/422, or a 200 with no items; never a 5xx;
    and the store's rows are the same afterwards, table by table."""
    before = row_counts(any_store)
    app = create_app(any_store, token=TOKEN, with_pages=False)
    cases = 0
    with TestClient(app) as client:
        titles = sorted(d["title"] for d in client.get("/api/v1/documents").json()["items"])
        for label, path, query in injection_requests(app):
            response = client.get(path, params=query)
            cases += 1
            assert response.status_code in {200, 400, 404, 422}, (label, response.text)
            if response.status_code == 200:
                body = response.json()
                assert "items" in body, (label, body)
                assert body["items"] == [], label
            else:
                assert response.json()["error"]["status"] == response.status_code
        after = sorted(d["title"] for d in client.get("/api/v1/documents").json()["items"])
    assert cases >= 56 * len(SQL_PAYLOADS)
    assert row_counts(any_store) == before
    assert after == titles


@pytest.mark.parametrize("path", ["/api/v1/documents?outlet=%00", "/api/v1/claims?q=a%00b",
                                  "/api/v1/documents/abcd%00", "/api/v1/threads/%00:C1"])
def test_security_nul_in_the_url_is_400(any_store: str, path: str) -> None:
    """SQLite ends a LIKE pattern at a NUL (``?outlet=%00`` matched every row) and PostgreSQL
    refuses NUL in text: the app refuses it before any query."""
    client = TestClient(create_app(any_store, with_pages=False))
    response = client.get(path)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "the URL holds a NUL character (%00)"


def test_security_injection_in_submitted_fields_is_stored_as_text(tmp_path: Any,
                                                                  pipeline: Any) -> None:
    """SQL in a submitted article's fields is one article, stored and read back verbatim."""
    url = f"sqlite:///{tmp_path / 'posted.db'}"
    client = TestClient(create_app(url, token=TOKEN, pipeline=pipeline, with_pages=False))
    before = row_counts(url)
    body = {"text": "The mayor said the bridge'); DROP TABLE documents; -- would reopen.",
            "title": "x'; DELETE FROM claims; --", "outlet": "\" OR \"\"=\"",
            "url": "https://example.org/?id=1%27%20OR%201=1"}
    response = client.post("/api/v1/documents", json=body, headers=AUTH)
    assert response.status_code == 200 and not response.json()["errors"], response.text
    stored = client.get(f"/api/v1/documents/{response.json()['stored'][0]['id']}").json()
    assert (stored["title"], stored["outlet"], stored["url"]) == (body["title"], body["outlet"],
                                                                  body["url"])
    assert body["text"] in stored["text"]
    after = row_counts(url)
    assert after["documents"] == before["documents"] + 1


# -- XSS in the page ---------------------------------------------------------------------------


INJECTED = """() => {
  const bad = [];
  for (const node of document.querySelectorAll("*")) {
    for (const attribute of node.attributes) {
      if (attribute.name.startsWith("on")) bad.push(`${node.tagName} ${attribute.name}`);
      if (/^\\s*javascript:/i.test(attribute.value) && ["href", "src", "xlink:href", "action"]
          .includes(attribute.name)) bad.push(`${node.tagName} ${attribute.name}=javascript:`);
    }
  }
  for (const node of document.querySelectorAll("main img, main iframe, main object, main embed, main script, main svg svg, main form, main circle:not(.place-marker)")) {
    bad.push(`element ${node.tagName}`);
  }
  for (const node of document.querySelectorAll("main svg")) {  // only the page's own drawings
    const ours = ["map", "timeline"].includes(node.id)
      || ["legend-swatch", "month-chart"].some((c) => node.classList.contains(c));
    if (!ours) bad.push(`svg ${node.id} ${node.getAttribute("class")}`);
  }
  return { bad, ran: typeof window.__xss === "undefined" ? null : String(window.__xss) };
}"""


def assert_nothing_ran(tab: Any) -> None:
    """No injected element or handler in the DOM, and no payload ran (dialogs and CSP
    refusals are caught by the ``page`` fixture)."""
    visible = "main a:visible, main mark:visible, main .source:visible, main circle:visible"
    for node in tab.locator(visible).all()[:60]:
        node.hover(timeout=2000, force=True)  # an onmouseover that got through would fire
    tab.wait_for_timeout(300)  # time for an onerror/onload handler to fire
    found = tab.evaluate(INJECTED)
    assert found == {"bad": [], "ran": None}, found


@pytest.fixture(scope="module")
def hostile_server(sqlite_url: str) -> Iterator[str]:
    with serving(create_app(sqlite_url)) as base:
        yield base


@pytest.mark.parametrize("kind", list(XSS_PAYLOADS))
def test_security_article_view_shows_every_field_as_text(page: Any, hostile_server: str,  # noqa: F811
                                                         hostile: dict[str, Document],
                                                         kind: str) -> None:
    doc = hostile[kind]
    open_view(page, hostile_server, f"#/articles/{doc.id}")
    assert page.locator("h2.title").inner_text() == payload(kind, "title")
    meta = page.locator("#article .meta").inner_text()
    assert payload(kind, "outlet") in meta and hostile_url(kind) in meta
    link = page.locator("#article .meta a")
    if kind == "jsurl":
        assert link.get_attribute("href") is None  # a javascript: URL is shown, never linked
    else:
        assert (link.get_attribute("href") or "").startswith("https://example.org/")
    assert payload(kind, "text") in page.locator("#article-text").inner_text()
    marks = page.locator("#article-text mark.claim")
    cards = []
    for index in range(marks.count()):  # each claim's hover card (keyboard focus), as text
        marks.nth(index).focus()
        cards.append(page.locator("#hover-card").inner_text())
        page.keyboard.press("Escape")
    assert any(payload(kind, "source") in card for card in cards), cards
    assert payload(kind, "source") in page.locator("#article").inner_text()
    assert payload(kind, "place") in page.locator("#article .places-list").inner_text()
    assert payload(kind, "title") in page.locator("#doc-list").inner_text()
    assert_nothing_ran(page)


def test_security_map_and_its_panel_show_place_names_as_text(page: Any,  # noqa: F811
                                                             hostile_server: str) -> None:
    open_view(page, hostile_server, "#/map")
    markers = page.locator("#map .place-marker")
    names = markers.evaluate_all("cs => cs.map(c => c.dataset.name)")
    api = page.request.get(hostile_server + "api/v1/places?limit=500").json()["items"]
    assert sorted(names) == sorted(p["name"] for p in api)
    assert set(names) <= {payload(kind, "place") for kind in XSS_PAYLOADS}, names
    labels = markers.evaluate_all("cs => cs.map(c => c.getAttribute('aria-label'))")
    assert all(any(label.startswith(n) for label in labels) for n in names), labels
    for index in range(len(names)):
        point = markers.nth(index)
        point.focus()  # the hover card shows the name as text
        assert point.get_attribute("data-name") in page.locator("#hover-card").inner_text()
        page.keyboard.press("Enter")
        assert page.locator("#panel-title").inner_text() == point.get_attribute("data-name")
    assert_nothing_ran(page)


def test_security_timeline_threads_and_search_show_metadata_as_text(
        page: Any, hostile_server: str) -> None:  # noqa: F811
    sources = {payload(kind, "source") for kind in XSS_PAYLOADS}
    open_view(page, hostile_server, f"#/timeline/{DAY.isoformat()}")  # that day's items
    page.wait_for_selector("#timeline-list h2")
    listing = page.locator("#timeline-list").inner_text()
    assert all(s in listing for s in sources)
    assert_nothing_ran(page)

    open_view(page, hostile_server, "#/threads")  # a new fragment: the page stays loaded
    page.wait_for_selector("#threads-board article.thread")
    toggles = page.locator("#threads-board button.thread-toggle")
    for index in range(toggles.count()):  # threads open collapsed
        toggles.nth(index).click()
    page.wait_for_selector("#threads-board article.thread .source")
    shown = page.locator("#threads-board .source").all_inner_texts()
    assert all(any(s.startswith(source) for s in shown) for source in sources), shown
    board = page.locator("#threads-board").inner_text()
    assert all(payload(kind, "outlet") in board for kind in XSS_PAYLOADS)
    assert_nothing_ran(page)

    page.fill("#search-q", "port reopened")
    page.press("#search-q", "Enter")
    page.wait_for_selector("#search-results .search-claims li")
    results = page.locator("#search-results").inner_text()
    assert all(s in results for s in sources)
    assert all(payload(kind, "title") in results for kind in XSS_PAYLOADS)
    assert_nothing_ran(page)


@pytest.mark.parametrize("kind", ["script", "img", "svg"])
def test_security_api_json_opened_in_the_browser_runs_nothing(
        browser: Any, hostile_server: str, hostile: dict[str, Document], kind: str) -> None:  # noqa: F811
    """The API answers JSON with nosniff: a browser sent to it shows text, never HTML. (Its
    own tab: the ``page`` fixture would count the browser's 404 for /favicon.ico.)"""
    context = browser.new_context()
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        response = tab.goto(f"{hostile_server}api/v1/documents/{hostile[kind].id}")
        assert response.headers["content-type"].startswith("application/json")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert json.loads(tab.locator("body").inner_text())["title"] == payload(kind, "title")
        tab.wait_for_timeout(200)
        assert tab.evaluate("typeof window.__xss") == "undefined"
        assert tab.locator("img, svg, script").count() == 0
        assert dialogs == []
    finally:
        context.close()


def test_security_xss_case_count() -> None:
    """Each payload in each field: what the browser tests above cover."""
    assert len(XSS_PAYLOADS) * len(XSS_FIELDS) == 36


# -- body size limit -------------------------------------------------------------------------

LIMIT = 1_000


def body_of_size(size: int) -> bytes:
    """A JSON article (title only: a per-article error, but a 200) of exactly ``size`` bytes."""
    empty = b'{"title": ""}'
    body = b'{"title": "' + b"t" * (size - len(empty)) + b'"}'
    assert len(body) == size
    return body


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
def test_security_body_of_exactly_the_limit_passes_one_more_byte_is_413(sqlite_url: str,
                                                                        streamed: bool) -> None:
    client = TestClient(create_app(sqlite_url, token=TOKEN, max_body_bytes=LIMIT,
                                   with_pages=False))

    def send(body: bytes) -> Any:
        content: Any = (body[i:i + 100] for i in range(0, len(body), 100)) if streamed else body
        return client.post("/api/v1/documents", content=content,
                           headers={**AUTH, "Content-Type": "application/json"})

    at_limit = send(body_of_size(LIMIT))
    assert at_limit.status_code == 200, at_limit.text
    assert at_limit.json()["errors"][0]["index"] == 0  # read whole, then judged as an article
    over = send(body_of_size(LIMIT + 1))
    assert over.status_code == 413
    assert over.json()["error"]["message"] == f"request body exceeds the limit of {LIMIT} bytes"


# -- secrets in logs ---------------------------------------------------------------------------


def with_password(url: str) -> str:
    """The URL with a password (the test server trusts local connections, so any is taken)."""
    return make_url(url).set(password=PASSWORD).render_as_string(hide_password=False)


@contextmanager
def logged_server(app: Any) -> Iterator[str]:
    """``app`` on uvicorn with its access log on and its loggers left to propagate (no
    log_config), so caplog sees everything the server logs."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_config=None, log_level="debug", access_log=True,
                            ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def test_security_no_token_or_password_in_logs(postgres_url: str, pipeline: Any,
                                               caplog: pytest.LogCaptureFixture,
                                               capfd: pytest.CaptureFixture[str]) -> None:
    """Authenticated, refused, invalid and failing requests to a server on PostgreSQL with a
    password in its URL: the access log, the error log (with a traceback) and the answers
    hold neither the token nor the password."""
    import httpx

    url = with_password(postgres_url)
    app = create_app(url, token=TOKEN, pipeline=pipeline)
    answers: list[str] = []
    with (caplog.at_level(logging.DEBUG), logged_server(app) as base,
          httpx.Client(base_url=base, timeout=60) as client):
        calls: list[Callable[[], httpx.Response]] = [
            lambda: client.post("/api/v1/documents", headers=AUTH, json={
                "text": "The mayor of Odesa said the port reopened.", "title": "Port"}),
            lambda: client.get("/api/v1/claims", headers=AUTH),
            lambda: client.post("/api/v1/documents", json={"text": "x"},
                                headers={"Authorization": f"Bearer {TOKEN}x"}),
            lambda: client.post("/api/v1/documents", json={"text": "x"},
                                headers={"Authorization": f"Basic {TOKEN}"}),
            lambda: client.post("/api/v1/documents", json={"colour": 1}, headers=AUTH),
            lambda: client.get("/api/v1/documents/zz"),
            lambda: client.get("/api/v1/claims", params={"cursor": "bad"}),
            lambda: client.get("/api/v1/claims", params={"q": "\x00"}),
        ]
        answers += [call().text for call in calls]
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:  # break the store under the running server
            conn.execute(text("ALTER TABLE claims RENAME TO claims_gone"))
        engine.dispose()
        failing = client.get("/api/v1/claims", headers=AUTH)
        assert failing.status_code == 500
        answers.append(failing.text)
    out, err = capfd.readouterr()
    logged = caplog.text + out + err
    assert "POST /api/v1/documents" in logged  # the access log was captured
    assert "relation \"claims\" does not exist" in logged  # and the 500's traceback
    assert any(r.exc_info for r in caplog.records)
    for secret in (TOKEN, PASSWORD):
        assert secret not in logged
        assert all(secret not in answer for answer in answers)


def test_security_store_repr_and_errors_mask_the_password(postgres_url: str) -> None:
    url = with_password(postgres_url)
    with Store(url) as store:
        assert PASSWORD not in repr(store) and "***" in repr(store)
    unreachable = make_url(url).set(port=1).render_as_string(hide_password=False)
    with pytest.raises(StoreError) as failed:
        Store(unreachable)
    assert PASSWORD not in str(failed.value) and "***" in str(failed.value)
    assert PASSWORD not in repr(failed.value)


def test_security_failed_app_start_does_not_log_the_password(
        postgres_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """A server that cannot reach its database says so without the password."""
    unreachable = make_url(with_password(postgres_url)).set(port=1).render_as_string(
        hide_password=False)
    with caplog.at_level(logging.DEBUG), pytest.raises(StoreError) as failed:
        create_app(unreachable, token=TOKEN)
    assert PASSWORD not in caplog.text and PASSWORD not in str(failed.value)
    assert TOKEN not in caplog.text
