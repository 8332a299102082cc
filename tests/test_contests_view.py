"""Who contradicts whom: an actor's contests from stored threads, through the Store, the
``claimtrack contests`` command, ``GET /api/v1/contests`` and the web page's Contests view,
on short articles we wrote (two claims Moscow denies, one harvest nobody disputes)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import claimtrack
from claimtrack.cli import EXIT_OK, EXIT_USAGE, main
from claimtrack.model import Document
from claimtrack.readers import raw_from_string
from claimtrack.store.repository import Store
from claimtrack.web.app import create_app

TROOPS = """NATO says Russian troops crossed into Ukraine

BRUSSELS, Aug. 28 - Russian troops have crossed the border into Ukraine and are fighting alongside the separatists, a NATO military officer said on Thursday.

"Russian troops are in Ukraine with artillery and armoured vehicles," Brigadier General Nico Tak told reporters."""

TROOPS_DENIED = """Moscow rejects reports of troops in Ukraine

MOSCOW, Aug. 29 - A senior Russian defence official on Friday rejected Western reports about Russian soldiers fighting in Ukraine.

"There are no Russian troops in Ukraine," the official said. He said the reports were an attempt to justify new sanctions."""

JET = """Estonia says Russian jet violated its airspace

TALLINN, Aug. 27 - A Russian fighter jet violated Estonian airspace near the island of Vaindloo, the Estonian military said on Wednesday.

"The Russian jet entered Estonian airspace without permission," Colonel Riho Terras told reporters."""

JET_DENIED = """Moscow denies airspace violation

MOSCOW, Aug. 28 - The Russian defence ministry denied on Thursday that a Russian fighter jet had violated Estonian airspace.

"Our aircraft did not enter Estonian airspace," a ministry spokesman said."""

HARVEST = """Farmers expect a record harvest

KIEV, Aug. 28 - The farmers' union said on Thursday that the wheat harvest would be the largest in a decade."""

ARTICLES = [("troops.txt", TROOPS, date(2014, 8, 28), "Alliance Wire"),
            ("troops-denied.txt", TROOPS_DENIED, date(2014, 8, 29), "Moscow Daily"),
            ("jet.txt", JET, date(2014, 8, 27), "Baltic Wire"),
            ("jet-denied.txt", JET_DENIED, date(2014, 8, 28), "Moscow Daily"),
            ("harvest.txt", HARVEST, date(2014, 8, 28), "Farm News")]
ITEM_KEYS = {"thread_id", "direction", "actor_side", "proposition", "polarity",
             "opposing_voices", "sides", "actor_sources", "opponents", "first_published",
             "last_published", "evidence"}
EVIDENCE_KEYS = {"role", "side", "source", "country", "sector", "stance", "outlet",
                 "published", "doc_id", "claim_id", "text"}


@pytest.fixture(scope="module")
def docs(pipeline: Any) -> list[Document]:
    raws = [raw_from_string(text, name=name, published=day, outlet=outlet)
            for name, text, day, outlet in ARTICLES]
    return claimtrack.process_many(raws, pipeline)


@pytest.fixture
def url(store_url: str, docs: list[Document]) -> str:
    """The articles saved to a store, on SQLite and on PostgreSQL (see tests/conftest.py)."""
    with Store(store_url) as store:
        for doc in docs:
            store.save(doc)
    return store_url


def contests(url: str, actor: str, **kwargs: Any) -> dict[str, Any]:
    with Store(url) as store:
        return store.contests(actor, **kwargs)


def about_troops(items: list[dict[str, Any]]) -> dict[str, Any]:
    [item] = [i for i in items if "Russian troops" in i["proposition"]]
    return item


def who(sources: list[dict[str, Any]]) -> set[str]:
    """Source names and codes, to look for a name or a code among them."""
    return {x for s in sources for x in (s["source"], s["country"], s["sector"]) if x}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "240"}).invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


# -- the store ---------------------------------------------------------------------------------


def test_contests_view_code_lists_what_the_actor_denies_with_nato_opposite(url: str) -> None:
    found = contests(url, "RUS")
    item = about_troops(found["items"])
    assert item["direction"] == "denies" and item["actor_side"] == "against"
    assert {"Nico Tak", "NATO"} <= who(item["opponents"])
    assert all("RUS" in who([s]) for s in item["actor_sources"])
    assert item["sides"]["for"]["claims"] >= 2 and item["sides"]["against"]["claims"] >= 2
    assert item["opposing_voices"] >= 2
    assert (item["first_published"], item["last_published"]) == ("2014-08-28", "2014-08-29")
    assert set(item) == ITEM_KEYS and all(set(e) == EVIDENCE_KEYS for e in item["evidence"])
    roles = {(e["role"], e["side"]) for e in item["evidence"]}
    assert roles == {("actor", "against"), ("opponent", "for")}
    assert any(e["source"] == "Nico Tak" and e["outlet"] == "Alliance Wire" for e in item["evidence"])


@pytest.mark.parametrize("actor", ["Nico Tak", "nico tak", "NICO"])
def test_contests_view_source_name_lists_the_other_direction(url: str, actor: str) -> None:
    found = contests(url, actor)
    item = about_troops(found["items"])
    assert item["direction"] == "asserts" and item["actor_side"] == "for"
    assert [s["source"] for s in item["actor_sources"]] == ["Nico Tak"]
    assert "RUS" in who(item["opponents"]) and "Nico Tak" not in who(item["opponents"])
    assert found["summary"] == {"actor": actor, "contests": 1, "asserts": 1, "denies": 0,
                                "threads": 1, "opponents": len(item["opponents"])}


@pytest.mark.parametrize("actor", ["farmers", "Xyzzy", "%", "_", "' OR 1=1 --"])
def test_contests_view_actor_without_contests_is_empty(url: str, actor: str) -> None:
    found = contests(url, actor)
    assert found["items"] == []
    assert found["summary"] == {"actor": actor, "contests": 0, "asserts": 0, "denies": 0,
                                "threads": 0, "opponents": 0}


def test_contests_view_most_opposing_voices_then_most_recent_first(url: str) -> None:
    items = contests(url, "RUS")["items"]
    assert {i["direction"] for i in items} == {"denies"}
    assert any("airspace" in i["proposition"] or "jet" in i["proposition"] for i in items)
    keys = [(-i["opposing_voices"], -date.fromisoformat(i["last_published"]).toordinal())
            for i in items]
    assert len(items) >= 2 and keys == sorted(keys)
    assert contests(url, "RUS", limit=1, offset=1)["items"] == items[1:2]


# -- the command -------------------------------------------------------------------------------


def test_contests_view_cli_prints_the_store_result(url: str) -> None:
    code, out, _ = run("contests", "--actor", "RUS", "--json", "--db", url)
    assert code == EXIT_OK and json.loads(out) == contests(url, "RUS")
    code, out, _ = run("contests", "--actor", "RUS", "--db", url)
    assert code == EXIT_OK
    summary, asserts, denies = out.splitlines()[0], out.split("RUS asserts")[1], out.split("RUS denies")[1]
    assert summary.startswith("RUS: asserts 0 propositions that others deny, denies ")
    assert asserts.startswith(", others deny (0):")
    assert "Nico Tak [MIL]" in denies and "Russian troops" in denies and "evidence for" in denies
    code, out, _ = run("contests", "--actor", "Nico Tak", "--limit", "1", "--json", "--db", url)
    assert code == EXIT_OK and [i["direction"] for i in json.loads(out)["items"]] == ["asserts"]
    code, out, _ = run("contests", "--actor", "farmers", "--db", url)
    assert code == EXIT_OK and "asserts 0 propositions that others deny, denies 0" in out


@pytest.mark.parametrize("args", [[], ["--actor", "  "], ["--actor", "RUS", "--limit", "0"]])
def test_contests_view_cli_refuses_bad_usage(args: list[str]) -> None:
    code, _, err = run("contests", *args, "--db", "sqlite://")
    assert code == EXIT_USAGE and "--" in err


# -- the API -----------------------------------------------------------------------------------


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with TestClient(create_app(url, with_pages=False)) as test_client:
        yield test_client


def test_contests_view_api_answers_as_the_cli_and_pages(client: TestClient, url: str) -> None:
    response = client.get("/api/v1/contests", params={"actor": "RUS"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["next_cursor"] is None
    assert {k: body[k] for k in ("actor", "summary", "items")} == contests(url, "RUS")
    walked, cursor = [], None
    while True:
        page = client.get("/api/v1/contests",
                          params={"actor": "RUS", "limit": 1, "cursor": cursor}).json()
        assert page["summary"] == body["summary"] and len(page["items"]) <= 1
        walked += page["items"]
        if not (cursor := page["next_cursor"]):
            break
    assert walked == body["items"]
    other = client.get("/api/v1/contests", params={"actor": "nico tak"}).json()
    assert [i["direction"] for i in other["items"]] == ["asserts"]
    assert "RUS" in who(about_troops(other["items"])["opponents"])
    empty = client.get("/api/v1/contests", params={"actor": "farmers"}).json()
    assert empty["items"] == [] and empty["summary"]["contests"] == 0


@pytest.mark.parametrize(("params", "status"), [
    ({}, 422), ({"actor": ""}, 422), ({"actor": "   "}, 422), ({"actor": "x" * 201}, 422),
    ({"actor": "RUS", "limit": 0}, 422), ({"actor": "RUS", "limit": 501}, 422),
    ({"actor": "RUS", "cursor": "not-a-cursor"}, 400),
])
def test_contests_view_api_refuses_bad_parameters(params: dict[str, Any], status: int) -> None:
    client = TestClient(create_app("sqlite://", with_pages=False))
    response = client.get("/api/v1/contests", params=params)
    assert response.status_code == status
    assert response.json()["error"]["status"] == status


def test_contests_view_api_is_in_the_schema() -> None:
    paths = TestClient(create_app("sqlite://", with_pages=False)).get("/openapi.json").json()["paths"]
    operation = paths["/api/v1/contests"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"actor", "cursor", "limit"}
    assert "422" in operation["responses"] and "400" in operation["responses"]


# -- documentation -----------------------------------------------------------------------------


def test_contests_view_is_documented() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "claimtrack contests --actor" in readme and "`GET contests`" in readme
    assert "Contests" in readme.split("## Web page")[1].split("## ")[0]
    code, out, _ = run("--help")
    assert code == EXIT_OK and "contests" in out
    code, out, _ = run("contests", "--help")
    assert all(option in out for option in ("--actor", "--limit", "--json", "--db"))


# -- the web page ------------------------------------------------------------------------------


def test_contests_view_web_panel_lists_both_directions(docs: list[Document],
                                                       tmp_path: Path) -> None:
    """In a real browser (tests/test_web.py's chromium and server): the actor from the URL or
    the input, the two lists as text, and no script or console error (CSP refusals among
    them)."""
    from playwright.sync_api import expect, sync_playwright

    from tests.test_web import CHROMIUM_ARGS, _chromium, open_view, serving

    url = f"sqlite:///{tmp_path / 'web.db'}"
    with Store(url) as store:
        for doc in docs:
            store.save(doc)
    problems: list[str] = []
    with serving(create_app(url)) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            open_view(page, base, "#/contests/RUS")
            board = page.locator("#contests-board")
            assert page.input_value("#contests-actor") == "RUS"
            assert board.locator(".summary").inner_text().startswith("RUS: asserts 0 propositions")
            expect(board.locator("section[data-direction=asserts] article.contest")).to_have_count(0)
            denies = board.locator("section[data-direction=denies] article.contest")
            assert denies.count() >= 2
            troops = denies.filter(has_text="Russian troops")
            assert "Nico Tak" in troops.locator(".opponents").inner_text()
            assert troops.locator("li[data-role=opponent]").count() >= 1
            page.fill("#contests-actor", "Nico Tak")
            page.press("#contests-actor", "Enter")
            asserts = board.locator("section[data-direction=asserts] article.contest")
            expect(asserts).to_have_count(1)
            assert "RUS" in asserts.locator(".opponents").inner_text()
            assert page.url.endswith("#/contests/Nico%20Tak")
            page.fill("#contests-actor", "farmers")
            page.click("#contests-show")
            expect(board.locator("p.empty")).to_have_count(2)
            assert page.url.endswith("#/contests/farmers")
        finally:
            browser.close()
    assert problems == []
