"""The store summary (``Store.summary``, ``claimtrack summary``, ``GET /api/v1/summary``) on
short articles written for these tests, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from claimtrack.model import Document
from claimtrack.store.repository import Store
from claimtrack.web.app import create_app
from tests.conftest import processed_articles

pytestmark = pytest.mark.slow

ARTICLES = [  # (outlet, published, text)
    ("Kyiv Daily", date(2014, 8, 25),
     ("Ukrainian officials said on Monday that Russian troops shelled Novoazovsk overnight.\n\n"
     "The Russian defence ministry denied that Russian troops shelled Novoazovsk.")),
    ("Kyiv Daily", date(2014, 8, 27),
     ("Ukrainian officials said on Wednesday that rebels attacked Mariupol.\n\n"
     "Ukrainian officials said the army shelled rebel positions near Donetsk.")),
    ("Ankara Wire", date(2014, 9, 2),
     "Turkey's foreign ministry said on Tuesday that it would send aid to Mariupol."),
    ("Ankara Wire", None,
     "Police in Ankara said they arrested two men on Friday."),
]
KEYS = ["documents", "claims", "events", "by_outlet", "by_month", "top_sources", "contested",
        "top_places"]


@pytest.fixture(scope="module")
def documents(pipeline: Any) -> list[Document]:
    return processed_articles(pipeline, ARTICLES)


@pytest.fixture
def store(store_url: str, documents: list[Document]) -> Any:
    with Store(store_url) as opened:
        for doc in documents:
            opened.save(doc)
        yield opened


def test_summary_counts_articles_by_outlet_and_month(store: Store,
                                                     documents: list[Document]) -> None:
    found = store.summary()
    assert list(found) == KEYS
    assert found["documents"] == 4
    assert found["claims"] == sum(len(d.claims) for d in documents)
    assert found["events"] == sum(len(d.events) for d in documents)
    assert found["by_outlet"] == [{"outlet": "Ankara Wire", "documents": 2},
                                  {"outlet": "Kyiv Daily", "documents": 2}]
    assert found["by_month"] == [{"month": "2014-08", "documents": 2},
                                 {"month": "2014-09", "documents": 1}]


def test_summary_ranks_sources_places_and_contested_propositions(store: Store) -> None:
    found = store.summary()
    assert found["top_sources"][0] == {"source": "Ukrainian officials", "claims": 3}
    assert [s["claims"] for s in found["top_sources"]] == sorted(
        (s["claims"] for s in found["top_sources"]), reverse=True)
    places = {p["name"]: p for p in found["top_places"]}
    assert places["Novoazovs'k"]["geonames_id"] == 699675
    assert places["Novoazovs'k"]["country"] == "UA"
    assert all(p["events"] >= 1 for p in found["top_places"])
    [contested] = found["contested"]
    assert "shelled Novoazovsk" in contested["proposition"]
    assert contested["for"] >= 1 and contested["against"] >= 1
    assert set(contested) == {"thread_id", "proposition", "for", "against"}


@pytest.mark.parametrize("top", [1, 2])
def test_summary_top_caps_every_list(store: Store, top: int) -> None:
    found = store.summary(top=top)
    for key in KEYS[3:]:
        assert len(found[key]) <= top
    assert found["by_month"][-1]["month"] == "2014-09"  # the most recent months are kept
    with pytest.raises(ValueError, match="top"):
        store.summary(top=0)


def test_summary_of_an_empty_store(store_url: str) -> None:
    with Store(store_url) as empty:
        assert empty.summary() == {"documents": 0, "claims": 0, "events": 0, "by_outlet": [],
                                   "by_month": [], "top_sources": [], "contested": [],
                                   "top_places": []}


@pytest.mark.parametrize("backend", ["sqlite"])
def test_summary_cli_and_rest_print_the_store_summary(backend: str, tmp_path: Any,
                                                      documents: list[Document]) -> None:
    from claimtrack.cli import main

    url = f"sqlite:///{tmp_path / 'summary.db'}"
    with Store(url) as store:
        for doc in documents:
            store.save(doc)
        expected = json.loads(json.dumps(store.summary(top=3)))
    result = CliRunner().invoke(main, ["summary", "--json", "--top", "3", "--db", url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == expected
    table = CliRunner().invoke(main, ["summary", "--db", url])
    assert table.exit_code == 0, table.output
    assert table.output.startswith("4 documents, ")
    for heading in ("Articles by outlet", "Articles by month", "Top sources",
                    "Most contested propositions", "Places with most events"):
        assert heading in table.output
    with TestClient(create_app(url, with_pages=False)) as client:
        response = client.get("/api/v1/summary", params={"top": 3})
        assert response.status_code == 200, response.text
        assert response.json() == expected
        assert client.get("/api/v1/summary", params={"top": 0}).status_code == 422
