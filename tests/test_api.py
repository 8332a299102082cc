"""The REST API through FastAPI's in-process client, on a real SQLite store holding short
articles (written for these tests) run through the real pipeline."""

from __future__ import annotations

import base64
import json
import logging
import re
import sqlite3
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from claimtrack.readers import raw_from_string
from claimtrack.store.repository import Store
from claimtrack.web.app import create_app

pytestmark = pytest.mark.slow

TOKEN = "s3cret-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
KHARKIV = ("Ukrainian military officials said on Monday that Russian troops shelled residential "
           "areas of Kharkiv overnight, killing three civilians.\n\n"
           "The Russian defence ministry denied that its forces had attacked civilian targets in "
           "Kharkiv.\n\n"
           "\"We saw the rockets fall on our street,\" said Olena Petrenko, a teacher who lives "
           "in the city.")
ARTICLES: list[dict[str, Any]] = [
    {"outlet": "Kyiv Daily", "published": date(2024, 3, 4), "title": "Shelling hits Kharkiv",
     "text": KHARKIV},
    {"outlet": "Wire Reprint Service", "published": date(2024, 3, 5),
     "title": "Shelling hits Kharkiv, officials say",
     "text": KHARKIV + "\n\nThe report was first carried by Kyiv Daily."},
    {"outlet": "Moscow Evening", "published": date(2024, 3, 6), "title": "Ministry rejects claims",
     "text": "Russia's defence ministry on Wednesday denied that Russian troops shelled "
             "residential areas of Kharkiv.\n\n"
             "A ministry spokesman said the army struck only military depots near Belgorod."},
    {"outlet": "Pacific Tribune", "published": date(2024, 5, 20), "title": "Fiji cyclone aid",
     "text": "Fiji's prime minister said on Tuesday that the government would send emergency "
             "aid to Suva after the cyclone.\n\n"
             "Police in Suva arrested two men accused of looting shops, a spokesperson said."},
    {"outlet": "Andes Post", "published": date(2024, 4, 10), "title": "Floods in Lima",
     "text": "Peru's president said the army would evacuate families from flooded districts of "
             "Lima.\n\n"
             "Opposition lawmakers accused the government of ignoring warnings about the floods."},
]
CODES = {"type", "actor_country", "actor_sector", "target_country", "target_sector", "country"}
INJECTIONS = ["' OR 1=1 --", "\" OR \"\"=\"", "%", "_", "x'; DROP TABLE documents; --",
              "1) UNION SELECT id FROM documents --"]


@pytest.fixture(scope="module")
def store_url(tmp_path_factory: pytest.TempPathFactory, pipeline: Any) -> str:
    """A store holding ARTICLES, processed once for the whole module."""
    url = f"sqlite:///{tmp_path_factory.mktemp('api') / 'api.db'}"
    raws = [raw_from_string(a["text"], name=a["outlet"], published=a["published"],
                            title=a["title"], outlet=a["outlet"], fmt="text") for a in ARTICLES]
    with Store(url) as store:
        for outcome in pipeline.run(raws):
            assert outcome.document is not None, outcome.error
            store.save(outcome.document)
    return url


@pytest.fixture(scope="module")
def client(store_url: str, pipeline: Any) -> Iterator[TestClient]:
    with TestClient(create_app(store_url, token=TOKEN, pipeline=pipeline,
                               with_pages=False)) as test_client:
        yield test_client


def items(client: TestClient, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a list endpoint, in one page of the maximum size."""
    response = client.get(f"/api/v1/{path}", params={**params, "limit": 500})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["next_cursor"] is None
    return list(page["items"])


def doc_id(client: TestClient, outlet: str) -> str:
    return next(d["id"] for d in items(client, "documents") if d["outlet"] == outlet)


def key(path: str, item: dict[str, Any]) -> str:
    """What identifies an item of each list."""
    return {"documents": lambda: item["id"], "claims": lambda: f"{item['doc_id']}:{item['id']}",
            "events": lambda: f"{item['doc_id']}:{item['id']}",
            "places": lambda: str(item["geonames_id"]), "stories": lambda: item["story_id"],
            "threads": lambda: item["thread_id"]}[path]()


# -- documents -----------------------------------------------------------------------------

def test_api_documents_lists_every_stored_article(client: TestClient) -> None:
    found = items(client, "documents")
    assert sorted(d["outlet"] for d in found) == sorted(a["outlet"] for a in ARTICLES)
    assert all(d["claims"] >= 1 for d in found)


def test_api_document_by_prefix_is_the_stored_document(client: TestClient,
                                                       store_url: str) -> None:
    """One document is what ``claimtrack show --json`` prints: the Document's JSON form."""
    full = doc_id(client, "Pacific Tribune")
    response = client.get(f"/api/v1/documents/{full[:8]}")
    assert response.status_code == 200
    body = response.json()
    with Store(store_url) as store:
        stored = store.get(full)
    assert stored is not None
    assert body == json.loads(json.dumps(stored.to_dict(), default=str))
    assert "Suva" in body["text"]
    for field in ("claims", "events", "places", "toponyms", "timerefs", "entities", "dropped"):
        assert field in body
    assert {p["name"] for p in body["places"]} >= {"Suva"}


# -- filters -------------------------------------------------------------------------------

def _low(value: Any) -> str:
    return (value or "").lower()


def _parties(item: dict[str, Any], role: str, field: str, code: str) -> bool:
    return any(p.get(field) == code for p in item[role])


def _in_box(item: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    if item["lat"] is None:
        return False
    min_lon, min_lat, max_lon, max_lat = box
    lon_ok = (min_lon <= item["lon"] <= max_lon if min_lon <= max_lon
              else item["lon"] >= min_lon or item["lon"] <= max_lon)
    return min_lat <= item["lat"] <= max_lat and lon_ok


Predicate = Callable[[dict[str, Any]], bool]
FILTERS: list[tuple[str, dict[str, str], Predicate]] = [
    ("claims", {"source": "DEFENCE ministry"},
     lambda c: "defence ministry" in _low(c["source_name"]) + _low(c["source_text"])),
    ("claims", {"stance": "deny"}, lambda c: c["stance"] == "deny"),
    ("claims", {"kind": "direct"}, lambda c: c["kind"] == "direct"),
    ("claims", {"outlet": "andes"}, lambda c: c["outlet"] == "Andes Post"),
    ("claims", {"q": "KHARKIV"}, lambda c: "kharkiv" in _low(c["content_text"])),
    ("claims", {"from": "2024-04-01"}, lambda c: c["published"] >= "2024-04-01"),
    ("claims", {"to": "2024-03-05"}, lambda c: c["published"] <= "2024-03-05"),
    ("events", {"type": "assault"}, lambda e: e["type"] == "ASSAULT"),
    ("events", {"stance": "deny"}, lambda e: e["stance"] == "deny"),
    ("events", {"status": "denied"}, lambda e: e["status"] == "denied"),
    ("events", {"status": "asserted"}, lambda e: e["status"] == "asserted"),
    ("events", {"status": ["denied", "hedged"]}, lambda e: e["status"] in {"denied", "hedged"}),
    ("events", {"source": "ministry"}, lambda e: "ministry" in _low(e["source_name"])),
    ("events", {"actor_country": "fji"}, lambda e: _parties(e, "actors", "country", "FJI")),
    ("events", {"actor_sector": "MIL"}, lambda e: _parties(e, "actors", "sector", "MIL")),
    ("events", {"target_country": "UKR"}, lambda e: _parties(e, "targets", "country", "UKR")),
    ("events", {"target_sector": "CVL"}, lambda e: _parties(e, "targets", "sector", "CVL")),
    ("events", {"place": "kharkiv"}, lambda e: e["place_name"] == "Kharkiv"),
    ("events", {"bbox": "30,45,40,55"}, lambda e: _in_box(e, (30, 45, 40, 55))),
    ("events", {"bbox": "170,-25,-170,-10"}, lambda e: _in_box(e, (170, -25, -170, -10))),
    ("events", {"outlet": "PACIFIC"}, lambda e: e["outlet"] == "Pacific Tribune"),
    ("events", {"from": "2024-03-06", "to": "2024-04-30"},
     lambda e: "2024-03-06" <= e["published"] <= "2024-04-30"),
    ("places", {"place": "lim"}, lambda p: "lim" in p["name"].lower()),
    ("places", {"country": "pe"}, lambda p: p["country"] == "PE"),
    ("places", {"bbox": "-80,-15,-70,-10"}, lambda p: _in_box(p, (-80, -15, -70, -10))),
    ("documents", {"outlet": "daily"}, lambda d: d["outlet"] == "Kyiv Daily"),
    ("documents", {"from": "2024-04-01"}, lambda d: d["published"] >= "2024-04-01"),
    ("documents", {"q": "hits kharkiv"}, lambda d: "hits kharkiv" in d["title"].lower()),
    ("threads", {"contested": "true"}, lambda t: t["contested"]),
    ("stories", {"min_size": "2"}, lambda s: s["size"] >= 2),
]


@pytest.mark.parametrize(("path", "params", "keep"), FILTERS,
                         ids=[f"{p}-{'&'.join(f'{k}={v}' for k, v in q.items())}"
                              for p, q, _ in FILTERS])
def test_api_filter_keeps_exactly_the_matching_items(client: TestClient, path: str,
                                                     params: dict[str, str],
                                                     keep: Predicate) -> None:
    """Each filter returns the items of the unfiltered list that match it, and filters
    something out (else the case proves nothing)."""
    check_filter(client, path, params, keep)


def check_filter(client: TestClient, path: str, params: dict[str, str],
                 keep: Predicate) -> None:
    every = items(client, path, **({"min_size": 1} if path in {"stories", "threads"} else {}))
    expected = {key(path, i) for i in every if keep(i)}
    got = {key(path, i) for i in items(client, path, **params)}
    assert got == expected
    assert expected and len(expected) < len(every)


def test_api_text_search_covers_document_text(client: TestClient) -> None:
    """``q`` on documents looks into the text as well as the title."""
    found = items(client, "documents", q="ROCKETS fall")
    assert {d["outlet"] for d in found} == {"Kyiv Daily", "Wire Reprint Service"}


def test_api_filters_by_document_prefix(client: TestClient) -> None:
    full = doc_id(client, "Andes Post")
    for path in ("claims", "events", "places"):
        found = items(client, path, doc=full[:6])
        assert found
        if path != "places":
            assert {i["doc_id"] for i in found} == {full}
    assert {p["name"] for p in items(client, "places", doc=full[:6])} >= {"Lima"}


def test_api_places_filtered_by_outlet_count_only_its_documents(client: TestClient) -> None:
    found = items(client, "places", outlet="Moscow Evening")
    assert {p["name"] for p in found} >= {"Kharkiv", "Belgorod"}
    assert "Lima" not in {p["name"] for p in found}
    assert all(p["doc_count"] == 1 for p in found)


def test_api_contested_thread_and_its_sides(client: TestClient) -> None:
    contested = items(client, "threads", contested="true")
    assert contested
    thread = client.get(f"/api/v1/threads/{contested[0]['thread_id']}").json()
    assert set(thread["sides"]) >= {"for", "against"}
    assert thread["thread_id"] == contested[0]["thread_id"]


def test_api_story_groups_the_reprint(client: TestClient) -> None:
    reprint = doc_id(client, "Wire Reprint Service")
    story = client.get(f"/api/v1/stories/{reprint[:10]}").json()
    assert {m["outlet"] for m in story["members"]} == {"Kyiv Daily", "Wire Reprint Service"}
    assert client.get(f"/api/v1/stories/{story['story_id']}").json()["size"] == 2


# -- pagination ----------------------------------------------------------------------------

PAGED = [("documents", {}), ("claims", {}), ("claims", {"per_story": "true"}), ("events", {}),
         ("places", {}), ("stories", {}), ("threads", {"min_size": 1})]


@pytest.mark.parametrize(("path", "params"), PAGED)
@pytest.mark.parametrize("limit", [1, 3])
def test_api_pages_walk_every_item_once(client: TestClient, path: str, params: dict[str, Any],
                                        limit: int) -> None:
    """Following next_cursor visits every item exactly once, in the one-page order."""
    check_walk(client, path, params, limit)


def check_walk(client: TestClient, path: str, params: dict[str, Any], limit: int) -> None:
    whole = [key(path, i) for i in items(client, path, **params)]
    walked, cursor, pages = [], None, 0
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"/api/v1/{path}", params=query).json()
        assert len(page["items"]) <= limit
        walked += [key(path, i) for i in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert walked == whole
    assert len(set(walked)) == len(walked)
    assert pages == max(1, -(-len(whole) // limit))


@pytest.mark.parametrize("cursor", ["not-a-cursor", "eyJvZmZzZXQiOiAtMX0", "W10", "e30", "%%%"])
def test_api_rejects_a_forged_cursor(client: TestClient, cursor: str) -> None:
    response = client.get("/api/v1/claims", params={"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("invalid cursor")


def _forged(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


@pytest.mark.parametrize(("path", "data"), [
    ("claims", {"after": [1, 2, 3]}), ("claims", {"after": ["not a date", "x", "C1"]}),
    ("claims", {"after": ["2024-03-04", "x"]}), ("documents", {"after": ["yesterday", "x"]}),
    ("places", {"after": ["2024-03-04", "x", "C1"]}), ("events", {"offset": 1, "after": []}),
    ("claims", {"offset": True}), ("threads", {"offset": "2"}),
])
def test_api_rejects_a_forged_position(client: TestClient, path: str, data: Any) -> None:
    response = client.get(f"/api/v1/{path}", params={"cursor": _forged(data)})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["status"] == 400


def test_api_keyset_pages_ignore_articles_stored_meanwhile(tmp_path: Path,
                                                          pipeline: Any) -> None:
    """An article stored while a client walks the pages sorts first (newest); keyset cursors
    neither repeat the row it pushes down nor skip one, as an offset would."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    raws = [raw_from_string(a["text"], name=a["outlet"], published=a["published"],
                            outlet=a["outlet"], fmt="text") for a in ARTICLES[2:]]
    late = raw_from_string("Police in Odesa arrested two men accused of looting shops, a "
                           "spokesperson said on Friday.",
                           name="late", published=date(2030, 1, 1), outlet="Late", fmt="text")
    with Store(url) as store:
        for outcome in pipeline.run([*raws, late]):
            assert outcome.document is not None
            if outcome.name != "late":
                store.save(outcome.document)
            else:
                newest = outcome.document
        client = TestClient(create_app(url, with_pages=False))
        before = {path: [key(path, i) for i in items(client, path)]
                  for path in ("documents", "claims", "events")}
        firsts = {path: client.get(f"/api/v1/{path}", params={"limit": 1}).json()
                  for path in before}
        store.save(newest)
        for path, first in firsts.items():
            walked, cursor = [key(path, i) for i in first["items"]], first["next_cursor"]
            while cursor:
                page = client.get(f"/api/v1/{path}", params={"limit": 1, "cursor": cursor}).json()
                walked += [key(path, i) for i in page["items"]]
                cursor = page["next_cursor"]
            assert walked == before[path], path
            assert len(items(client, path)) > len(before[path]), path


# -- errors --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/api/v1/nothing-here", "/api/v1/documents/ffffffffffff", "/api/v1/stories/ffffffffffff",
    "/api/v1/threads/no-such-thread", "/api/v1/threads/ffffffff:C1",
])
def test_api_not_found_is_json(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


@pytest.mark.parametrize(("path", "params"), [
    ("claims", {"limit": 0}), ("claims", {"limit": 501}), ("claims", {"stance": "maybe"}),
    ("events", {"from": "yesterday"}), ("events", {"bbox": "1,2,3"}),
    ("events", {"status": "refuted"}), ("events", {"status": ["denied", "DENIED"]}),
    ("places", {"bbox": "10,80,20,70"}), ("places", {"bbox": "nan,0,1,1"}),
    ("threads", {"min_size": 0}),
])
def test_api_invalid_parameters_are_422_json(client: TestClient, path: str,
                                             params: dict[str, Any]) -> None:
    response = client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["status"] == 422 and error["message"]


def test_api_events_carry_status_and_reporting_source(client: TestClient) -> None:
    every = items(client, "events")
    assert every and all(e["status"] in {"asserted", "denied", "hedged", "hypothetical",
                                         "negated"} and "reported_by" in e for e in every)
    denied = items(client, "events", status="denied")
    assert denied and all(e["reported_by"] and e["stance"] == "deny" for e in denied)


def test_api_border_post_denial_is_a_denied_event(tmp_path: Path, pipeline: Any) -> None:
    """examples/border_post.txt: the rebel command's denial reports an ASSAULT that the API
    lists under status=denied, with who denies it, and never under status=asserted."""
    from tests.conftest import EXAMPLES

    url = f"sqlite:///{tmp_path / 'border.db'}"
    text = (EXAMPLES / "border_post.txt").read_text(encoding="utf-8")
    (outcome,) = pipeline.run([raw_from_string(text, name="border_post.txt",
                                               published=date(2024, 3, 5))])
    assert outcome.document is not None, outcome.error
    with Store(url) as store:
        store.save(outcome.document)
    with TestClient(create_app(url, with_pages=False)) as border:
        (denied,) = items(border, "events", status="denied")
        assert (denied["type"], denied["trigger_text"], denied["reported_by"]) == (
            "ASSAULT", "attacking", "rebel command")
        asserted = items(border, "events", status="asserted")
        assert asserted and "attacking" not in {e["trigger_text"] for e in asserted}
        both = items(border, "events", status=["asserted", "denied"])
        assert len(both) == len(asserted) + 1 == len(items(border, "events"))
        doc = border.get(f"/api/v1/documents/{outcome.document.id}").json()
        attacking = next(e for e in doc["events"] if e["trigger_text"] == "attacking")
        assert (attacking["status"], attacking["reported_by"]) == ("denied", "rebel command")
        kharkiv = next(p for p in items(border, "places") if p["name"] == "Kharkiv")
        assert kharkiv["asserted_event_count"] <= kharkiv["event_count"]


def test_api_openapi_declares_the_event_status_filter(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/events"]["get"]
    status = next(p for p in operation["parameters"] if p["name"] == "status")
    assert status["in"] == "query"
    schema = status["schema"]["anyOf"][0]
    assert schema["type"] == "array"
    assert schema["items"]["enum"] == ["asserted", "denied", "hedged", "hypothetical",
                                       "negated"]


def test_api_ambiguous_or_short_reference_is_400(client: TestClient) -> None:
    response = client.get("/api/v1/documents/ab")
    assert response.status_code == 400
    assert "too short" in response.json()["error"]["message"]


TEXT_FILTERS = [("documents", "outlet"), ("documents", "q"), ("claims", "source"),
                ("claims", "outlet"), ("claims", "q"), ("claims", "doc"), ("events", "type"),
                ("events", "source"), ("events", "actor_country"), ("events", "actor_sector"),
                ("events", "target_country"), ("events", "target_sector"), ("events", "place"),
                ("events", "outlet"), ("events", "doc"), ("places", "place"),
                ("places", "country"), ("places", "outlet"), ("places", "doc"),
                ("threads", "actor"), ("threads", "place")]


@pytest.mark.parametrize(("path", "param"), TEXT_FILTERS)
def test_api_injection_attempts_match_nothing(client: TestClient, store_url: str, path: str,
                                              param: str) -> None:
    """SQL fragments and LIKE wildcards are matched as literal text: no rows, no error, and
    the store is intact afterwards."""
    for attempt in INJECTIONS:
        response = client.get(f"/api/v1/{path}", params={param: attempt})
        if param == "doc" and len(attempt) < 4:  # too short for an id prefix
            assert response.status_code == 400
            continue
        if param in CODES and len(attempt) > 16:  # codes are short: a long one is invalid
            assert response.status_code == 422
            continue
        if param == "type":  # not a PLOVER event type: refused with the valid ones
            assert response.status_code == 400, (attempt, response.text)
            continue
        assert response.status_code == 200, (attempt, response.text)
        assert response.json()["items"] == [], attempt
    with Store(store_url) as store:
        assert store.count("documents") == len(ARTICLES)


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_api_injection_in_path_and_enums_is_refused(client: TestClient, attempt: str) -> None:
    for path in ("documents", "stories", "threads"):
        assert client.get(f"/api/v1/{path}/{attempt}").status_code in {400, 404}
    for param in ("stance", "kind", "from", "bbox"):
        assert client.get("/api/v1/claims" if param == "kind" else "/api/v1/events",
                          params={param: attempt}).status_code == 422


def test_api_store_failure_is_a_logged_generic_500(tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    """A store whose documents table is gone answers 500 with a generic message; the
    traceback goes to the log, never to the client."""
    db = tmp_path / "damaged.db"
    app = create_app(f"sqlite:///{db}", with_pages=False)
    with sqlite3.connect(db) as damage:
        damage.execute("ALTER TABLE documents RENAME TO documents_lost")
    with caplog.at_level(logging.ERROR, logger="claimtrack.web"):
        response = TestClient(app).get("/api/v1/documents")
    assert response.status_code == 500
    assert response.json() == {"error": {"status": 500, "message":
                                         "internal server error; the server log has the details"}}
    assert "no such table" in caplog.text


# -- tokens and writes ---------------------------------------------------------------------

def test_api_writes_refused_when_no_token_is_configured(store_url: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMTRACK_API_TOKEN", raising=False)
    client = TestClient(create_app(store_url, with_pages=False))
    for headers in ({}, AUTH, {"Authorization": "Bearer "}):
        response = client.post("/api/v1/documents", json={"text": "Hello."}, headers=headers)
        assert response.status_code == 403
        assert "no" in response.json()["error"]["message"] and "token" in response.text


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
    {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer tökén".encode()},
])
def test_api_writes_need_the_right_token(client: TestClient,
                                         headers: dict[str, str | bytes]) -> None:
    response = client.post("/api/v1/documents", json={"text": "Hello."}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert TOKEN not in response.text


def test_api_token_comes_from_the_environment(store_url: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """CLAIMTRACK_API_TOKEN enables writes; a body missing both text and html is then a
    per-article error, which shows the token was accepted."""
    monkeypatch.setenv("CLAIMTRACK_API_TOKEN", "from-env")
    client = TestClient(create_app(store_url, with_pages=False))
    response = client.post("/api/v1/documents", json={"title": "no text"},
                           headers={"Authorization": "Bearer from-env"})
    assert response.status_code == 200
    assert response.json()["errors"][0]["index"] == 0


def test_api_reads_need_the_token_when_the_setting_says_so(
        store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMTRACK_API_READ_TOKEN_REQUIRED", "1")
    client = TestClient(create_app(store_url, token=TOKEN, with_pages=False))
    assert client.get("/api/v1/claims").status_code == 401
    assert client.get("/api/v1/claims", headers={"Authorization": "Bearer no"}).status_code == 401
    assert client.get("/api/v1/claims", headers=AUTH).status_code == 200
    unset = TestClient(create_app(store_url, with_pages=False))
    assert unset.get("/api/v1/claims", headers=AUTH).status_code == 403


def test_api_submit_processes_and_stores_each_article(tmp_path: Path, pipeline: Any) -> None:
    """The list form: good articles (text and HTML) are stored and readable, a bad one gets
    an error entry naming its position, and the rest go on."""
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'w.db'}", token=TOKEN,
                                   pipeline=pipeline, with_pages=False))
    body = [
        {"text": "The mayor of Odesa said on Friday that the port reopened after repairs.",
         "outlet": "Black Sea News", "published": "2024-06-07", "title": "Port reopens"},
        {"title": "nothing to process"},
        {"html": "<html><body><article><h1>Rain</h1><p>Officials in Nairobi said heavy rain "
                 "flooded several roads on Sunday.</p></article></body></html>",
         "url": "https://example.org/rain"},
    ]
    response = client.post("/api/v1/documents", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    result = response.json()
    assert [s["index"] for s in result["stored"]] == [0, 2]
    assert [e["index"] for e in result["errors"]] == [1]
    assert "text" in result["errors"][0]["message"]
    odesa = client.get(f"/api/v1/documents/{result['stored'][0]['id']}").json()
    assert odesa["outlet"] == "Black Sea News" and odesa["published"] == "2024-06-07"
    assert odesa["claims"]
    assert len(items(client, "documents")) == 2
    single = client.post("/api/v1/documents", json=body[0], headers=AUTH).json()
    assert single["stored"][0]["id"] == result["stored"][0]["id"]  # idempotent by content


def test_api_submit_rejects_unknown_fields_and_bad_dates(client: TestClient) -> None:
    for body in ({"text": "x", "published": "someday"}, {"text": "x", "colour": "red"}, [],
                 "just a string"):
        response = client.post("/api/v1/documents", json=body, headers=AUTH)
        assert response.status_code == 422, body
        assert response.json()["error"]["details"]


# -- request size --------------------------------------------------------------------------

@pytest.fixture()
def small_client(store_url: str) -> TestClient:
    return TestClient(create_app(store_url, token=TOKEN, max_body_bytes=1_000, with_pages=False))


def test_api_body_over_the_limit_is_413(small_client: TestClient) -> None:
    response = small_client.post("/api/v1/documents", json={"text": "x" * 2_000}, headers=AUTH)
    assert response.status_code == 413
    assert response.json()["error"]["status"] == 413


def test_api_streamed_body_over_the_limit_is_413(small_client: TestClient) -> None:
    """Without Content-Length (chunked), the bytes are counted as they arrive."""
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(20):
            yield b"y" * 100
        yield b'"}'

    response = small_client.post("/api/v1/documents", content=chunks(),
                                 headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["message"].startswith("request body exceeds")


def test_api_body_under_the_limit_passes(small_client: TestClient) -> None:
    response = small_client.post("/api/v1/documents", json={"title": "t"}, headers=AUTH)
    assert response.status_code == 200


# -- schema --------------------------------------------------------------------------------

def test_api_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert set(paths) >= {"/api/v1/documents", "/api/v1/documents/{doc}", "/api/v1/claims",
                          "/api/v1/events", "/api/v1/places", "/api/v1/stories",
                          "/api/v1/stories/{story}", "/api/v1/threads",
                          "/api/v1/threads/{thread}"}
    assert "post" in paths["/api/v1/documents"]
    assert client.get("/api/v1/docs").status_code == 200


def test_api_served_beside_the_web_pages(store_url: str) -> None:
    """The default app also mounts the HTML pages; the API and its JSON errors are unchanged."""
    client = TestClient(create_app(store_url))
    assert client.get("/api/v1/claims", params={"stance": "deny"}).json()["items"]
    response = client.get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json() == {"error": {"status": 404, "message": "Not Found"}}


def test_api_serve_command_is_documented() -> None:
    from click.testing import CliRunner

    from claimtrack.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--db", "--token"):
        assert option in result.output


def test_api_on_postgresql(postgres_url: str, pipeline: Any) -> None:
    """The same filters, pages and injection attempts on a real PostgreSQL store: the query
    layer's SQL is portable."""
    raws = [raw_from_string(a["text"], name=a["outlet"], published=a["published"],
                            title=a["title"], outlet=a["outlet"], fmt="text") for a in ARTICLES]
    with Store(postgres_url) as store:
        for outcome in pipeline.run(raws):
            assert outcome.document is not None, outcome.error
            store.save(outcome.document)
    with TestClient(create_app(postgres_url, with_pages=False)) as client:
        for path, params, keep in FILTERS:
            check_filter(client, path, params, keep)
        for path, params in PAGED:
            check_walk(client, path, params, 2)
        for path, param in TEXT_FILTERS:
            for attempt in INJECTIONS[:2]:
                response = client.get(f"/api/v1/{path}", params={param: attempt})
                assert response.status_code in {200, 400, 422}, response.text
                assert response.status_code != 200 or response.json()["items"] == []
                assert response.status_code != 400 or param == "type"


# -- strict parameters ---------------------------------------------------------------------

@pytest.mark.parametrize(("path", "params", "unknown", "valid"), [
    ("claims", {"stances": "deny"}, "stances", "stance"),
    ("events", {"palce": "Kharkiv", "type": "ASSAULT"}, "palce", "place"),
    ("places", {"name": "Kharkiv"}, "name", "place"),
    ("threads", {"contested": "true", "actors": "RUS"}, "actors", "actor"),
    ("documents", {"limit": 5, "outlets": "Kyiv Daily"}, "outlets", "outlet"),
    ("contests", {"actor": "RUS", "q": "x"}, "q", "actor"),
    ("summary", {"limit": 3}, "limit", "top"),
])
def test_api_unknown_query_parameter_is_400_listing_the_valid_ones(
        client: TestClient, path: str, params: dict[str, Any], unknown: str, valid: str) -> None:
    response = client.get(f"/api/v1/{path}", params=params)
    assert response.status_code == 400, response.text
    message = response.json()["error"]["message"]
    assert f"unknown query parameter {unknown};" in message
    assert valid in message.split("valid parameters: ")[1].split(", ")


def test_api_every_route_refuses_undeclared_query_parameters(client: TestClient) -> None:
    """Routes of every module (those added later included) get the check, not a chosen few:
    each operation of the OpenAPI schema is called with a parameter none declares."""
    checked = 0
    for template, operations in client.get("/openapi.json").json()["paths"].items():
        path = re.sub(r"\{[^}]+\}", "ffffffff", template)
        for method in operations:
            response = client.request(method.upper(), path,
                                      params={"no_such_parameter": "1"}, headers=AUTH)
            assert response.status_code == 400, (method, template, response.text)
            assert "no_such_parameter" in response.json()["error"]["message"]
            checked += 1
    assert checked >= 10


@pytest.mark.parametrize("value", ["BOMBING", "bombing", "ASSAULTS"])
def test_api_unknown_event_type_is_400_with_the_plover_types(client: TestClient,
                                                              value: str) -> None:
    response = client.get("/api/v1/events", params={"type": value})
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert repr(value) in message and "ASSAULT" in message and "PROTEST" in message


def test_api_event_type_is_any_case(client: TestClient) -> None:
    assert items(client, "events", type="assault") == items(client, "events", type="ASSAULT")


@pytest.mark.parametrize("path", ["documents", "claims", "events", "places", "threads"])
def test_api_from_after_to_is_400(client: TestClient, path: str) -> None:
    response = client.get(f"/api/v1/{path}", params={"from": "2024-05-01", "to": "2024-03-01"})
    assert response.status_code == 400, response.text
    assert "is after to" in response.json()["error"]["message"]
    same_day = client.get(f"/api/v1/{path}", params={"from": "2024-03-04", "to": "2024-03-04"})
    assert same_day.status_code == 200


@pytest.mark.parametrize("body", [b'{"text": "x",', b"not json", b'[{"text": "x"}'])
def test_api_malformed_json_body_is_a_plain_400(client: TestClient, body: bytes) -> None:
    response = client.post("/api/v1/documents", content=body,
                           headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"].startswith("the request body is not valid JSON: ")
    assert "\n" not in error["message"] and "details" not in error
