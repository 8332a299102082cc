"""Stored documents: full-text search ranked by relevance with a snippet, listing with totals,
and deleting an article with its records, stories and threads relinked.

Tests taking ``store_url`` run on SQLite and on a real PostgreSQL server (tests/conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from fastapi.testclient import TestClient

from claimtrack.cli import main
from claimtrack.model import Claim, Document, RawDocument, Span, document_id
from claimtrack.store.check import check_store
from claimtrack.store.engine import WRITE, alembic_config, migrate, open_engine
from claimtrack.store.fulltext import fts5_query, query_words
from claimtrack.store.repository import Store
from claimtrack.store.schema import story_members, thread_aliases, thread_members
from claimtrack.web.app import create_app

TOKEN = "documents-test-token"


class SameVector:
    """Every proposition embeds alike: whether claims link is up to the dates and words."""

    def embed(self, texts: Sequence[str]) -> Any:
        vector = np.ones(8, dtype=np.float32) / np.sqrt(8)
        return np.tile(vector, (len(texts), 1))


def article(name: str, text: str, *, title: str | None = None, day: date | None = None,
            outlet: str = "Example News", claim: str | None = None,
            proposition: str = "") -> Document:
    """A stored article; with ``claim`` (a part of ``text``), one claim by officials."""
    claims = []
    if claim is not None:
        start = text.index(claim)
        cue = text.index("said")
        claims.append(Claim("c1", Span(start, start + len(claim)), claim, "indirect", "assert",
                            None, "officials", Span(cue - 10, cue - 1), "said",
                            Span(cue, cue + 4), proposition=proposition))
    return Document(raw=RawDocument(name=name, content=text), id=document_id(text), text=text,
                    title=title, outlet=outlet, published=day, language="en",
                    paragraphs=[Span(0, len(text))], claims=claims)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with Store(store_url) as s:
        s.thread_embedder = SameVector()
        yield s


# -- search ----------------------------------------------------------------------------------

FLOOD_THRICE = ("The flood reached the old mill. By noon the flood had closed the road, "
                "and residents said the flood was the worst in years.")
FLOOD_ONCE = ("The council met to discuss the budget for the coming year. Roads, schools and "
              "parks were on the agenda, and one member raised the spring flood briefly.")
OTHER_TEXTS = ("A new bakery opened on the main square this week.",
               "The orchestra will tour three cities in the autumn.",
               "Farmers expect a good harvest after a mild summer.")


def _searchable(store: Store) -> None:
    store.save(article("once.txt", FLOOD_ONCE, title="Council meeting", day=date(2024, 4, 2)))
    store.save(article("thrice.txt", FLOOD_THRICE, title="Water rises", day=date(2024, 4, 1),
                       outlet="River Post"))
    for i, text in enumerate(OTHER_TEXTS):
        store.save(article(f"other{i}.txt", text, title=f"Other {i}", day=date(2024, 4, 3)))


def test_documents_search_ranks_by_relevance_with_snippet(store: Store) -> None:
    _searchable(store)
    found = store.documents(q="flood")
    assert [row["title"] for row in found] == ["Water rises", "Council meeting"]
    assert found[0]["score"] > found[1]["score"]
    assert all("«flood»" in row["snippet"].lower() for row in found)
    assert store.count_documents(q="flood") == 2
    assert store.documents(q="floods")[0]["title"] == "Water rises"  # stemmed
    assert [r["title"] for r in store.documents(q="flood", outlet="river")] == ["Water rises"]
    assert [r["title"] for r in store.documents(q="flood", date_from=date(2024, 4, 2))] == [
        "Council meeting"]
    assert [r["title"] for r in store.documents(q="flood", limit=1, offset=1)] == [
        "Council meeting"]
    assert store.documents(q="flood bakery") == []  # every word


def test_documents_without_q_keep_their_order_and_count(store: Store) -> None:
    _searchable(store)
    listed = store.documents()
    assert len(listed) == 5 and "snippet" not in listed[0]
    assert listed[0]["title"] == "Other 2"  # most recently processed first
    assert store.count_documents() == 5 and store.count_documents(outlet="river") == 1


BOTH = ["Water rises", "Council meeting"]


@pytest.mark.parametrize(("q", "expected"), [
    ('"flood', BOTH), ('flood"', BOTH), ("flood*", BOTH), ("*", []), ("-flood", BOTH),
    ("flood -mill", ["Water rises"]), ("NEAR(flood mill)", []), ("flood NEAR/2 mill", []),
    ("(flood", BOTH), ("flood)", BOTH), ("((", []), ("flood AND", BOTH),
    ("flood OR bakery", []), ("NOT", []), ("title:flood", []), ("flood^", BOTH),
    ("'flood'", BOTH), ("%", []), ("_", []), ("\\", []), ("\x00flood", BOTH),
    ("flood\u200bmill", ["Water rises"]), ("", None), ("   ", None),
])
def test_documents_search_syntax_characters_are_plain_text(store: Store, q: str,
                                                           expected: list[str] | None) -> None:
    """Every word is a plain term, all required; punctuation is no operator; a blank query is
    no filter. PostgreSQL drops English stop words ("and", "or", "not") and FTS5 keeps them:
    the cases are chosen so that both engines agree ("and" is in both articles)."""
    _searchable(store)
    found = [row["title"] for row in store.documents(q=q)]  # never an error
    assert store.count_documents(q=q) == len(found)
    assert found == (expected if expected is not None else [r["title"]
                                                            for r in store.documents()])


@pytest.mark.parametrize(("q", "expected"), [
    ("flood", '"flood"'), ('say "no" now', '"say" "no" "now"'), ("NEAR(a b)", '"NEAR" "a" "b"'),
    ("Kyiv's", '"Kyiv" "s"'), ("-*()", ""),
])
def test_documents_fts5_query_quotes_every_word(q: str, expected: str) -> None:
    assert fts5_query(query_words(q)) == expected


def test_documents_resaving_does_not_duplicate_search_rows(store: Store) -> None:
    doc = article("thrice.txt", FLOOD_THRICE, title="Water rises")
    for _ in range(3):
        store.save(doc)
    store.save_many([doc, doc])
    assert store.count_documents(q="flood") == 1
    assert len(store.documents(q="flood mill")) == 1
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM documents_fts").scalar() == 1
            conn.exec_driver_sql(  # FTS5 checks its index against the documents table
                "INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")


def test_documents_migration_0011_indexes_stored_documents(store_url: str) -> None:
    """A store written at 0010 (today's rows, the search objects dropped) finds its documents
    after the upgrade to 0011."""
    from alembic import command

    with Store(store_url) as current:
        _searchable(current)
    engine = open_engine(store_url)
    try:
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            command.downgrade(alembic_config(conn), "0010")
            names = set(sa.inspect(conn).get_table_names())
            assert "documents_fts" not in names
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("documents")}
            assert "ix_documents_fulltext" not in indexes
        migrate(engine)
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                indexes = {i["name"] for i in sa.inspect(conn).get_indexes("documents")}
                assert "ix_documents_fulltext" in indexes
    finally:
        engine.dispose()
    with Store(store_url) as upgraded:
        assert [r["title"] for r in upgraded.documents(q="flood")] == [
            "Water rises", "Council meeting"]
        upgraded.save(article("bakery.txt", "The flood spared the bakery.", title="Spared"))
        assert upgraded.count_documents(q="flood") == 3


# -- delete ----------------------------------------------------------------------------------

#: Twelve sentences; A holds 1-8, B 3-10 and C 5-12 (each with the claim sentence), so A and B
#: are one story, B and C too, and A and C alone are not (Jaccard about 0.6 against 0.35).
SENTENCES = [
    "The ferry from the island was cancelled early on Monday morning.",
    "Passengers waited in the harbour cafe for news of a later boat.",
    "Storm warnings had been issued for the whole coast since the weekend.",
    "The harbour master closed the port to all but emergency traffic.",
    "Fishing boats stayed tied up along the northern quay all day long.",
    "Shops in the old town put sandbags in front of their doors.",
    "Schools were told to send pupils home before the afternoon tide.",
    "A lifeboat crew rescued two walkers cut off by the rising water.",
    "Power lines came down in three villages on the western headland.",
    "Engineers worked through the night to restore electricity to homes.",
    "The mayor thanked volunteers who handed out blankets and hot soup.",
    "Forecasters expect calmer weather to return by the end of the week.",
]
CLAIM_SENTENCE = "Officials said rebels shelled the airport near Kharkiv."
CLAIM = "rebels shelled the airport near Kharkiv"
PROPOSITION = "airport kharkiv rebel ~shell"


def _chain(name: str, first: int, day: date) -> Document:
    """Sentences first..first+7 with the claim sentence after the sixth of all twelve."""
    parts = SENTENCES[first:first + 8]
    parts.insert(6 - first if first < 6 else 0, CLAIM_SENTENCE)
    return article(name, " ".join(parts), title=f"Storm ({name})", day=day, claim=CLAIM,
                   proposition=PROPOSITION)


# 59 days apart: A-B and B-C claims are within the 90-day window, A-C (118 days) are not
A = _chain("a", 0, date(2014, 1, 1))
B = _chain("b", 2, date(2014, 3, 1))
C = _chain("c", 4, date(2014, 4, 28))


def _links(store: Store) -> dict[str, Any]:
    """Every document's story and similarity, every claim's thread; the aliases."""
    with store.engine.connect() as conn:
        stories = {r.doc_id: (r.story_id, round(r.similarity, 6))
                   for r in conn.execute(sa.select(story_members))}
        threads = {(r.doc_id, r.claim_id): r.thread_id
                   for r in conn.execute(sa.select(thread_members))}
        aliases = sorted(tuple(r) for r in conn.execute(sa.select(thread_aliases)))
    return {"stories": stories, "threads": threads, "aliases": aliases}


def _fresh(request: pytest.FixtureRequest, store_url: str, tmp_path: Any) -> Store:
    """A second, empty store on the same engine as ``store_url``."""
    if store_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.database()
        request.addfinalizer(lambda: server.drop(url))
    fresh = Store(url)
    fresh.thread_embedder = SameVector()
    request.addfinalizer(fresh.close)
    return fresh


def test_documents_delete_splits_story_and_thread_as_if_never_stored(
        store: Store, store_url: str, request: pytest.FixtureRequest, tmp_path: Any) -> None:
    for doc in (A, B, C):
        store.save(doc)
    together = _links(store)
    assert set(together["stories"].values()) == {(A.id, 1.0), *(
        (A.id, s) for _, s in together["stories"].values())}
    assert {v[0] for v in together["stories"].values()} == {A.id}  # B links A and C
    assert set(together["threads"].values()) == {f"{A.id}:c1"}

    deleted = store.delete(B.id[:8])
    assert deleted is not None and deleted["id"] == B.id and deleted["claims"] == 1
    assert deleted["story"] == {"other_articles": 2, "now_stories": 2}
    assert deleted["threads"] == {"was_in": 1, "other_claims": 2, "now_threads": 2}
    assert store.get(B.id) is None and store.count_documents(q="storm") == 2

    fresh = _fresh(request, store_url, tmp_path)
    fresh.save(A)
    fresh.save(C)
    assert _links(store) == _links(fresh)
    assert _links(store)["threads"] == {(A.id, "c1"): f"{A.id}:c1", (C.id, "c1"): f"{C.id}:c1"}
    assert store.stories() == fresh.stories()
    assert store.threads(min_size=1) == fresh.threads(min_size=1)
    assert store.thread(f"{C.id}:c1") is not None  # its own thread again, not A's
    assert check_store(store).problems == []
    with store.engine.connect() as conn:  # nothing of B is left in any table
        for table in ("claims", "story_members", "story_signatures", "thread_members",
                      "claim_vectors"):
            assert conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE doc_id = :d"),
                                {"d": B.id}).scalar() == 0

    store.save(B)  # the live store's indexes were rebuilt: B links A and C again
    fresh.save(B)
    assert _links(store)["stories"] == _links(fresh)["stories"]
    assert set(_links(store)["threads"].values()) == {f"{A.id}:c1"}


def test_documents_delete_by_another_store_is_seen_at_the_next_save(store_url: str) -> None:
    """A Store that built its indexes before another process deleted a document rebuilds
    them at its next save instead of linking through the deleted article."""
    with Store(store_url) as first, Store(store_url) as second:
        first.thread_embedder = second.thread_embedder = SameVector()
        first.save(A)
        first.save(B)
        second.save(C)  # second's indexes hold A, B and C, all linked
        assert first.delete(B.id) is not None
        other = article("bakery.txt", " ".join(OTHER_TEXTS), title="Bakery")
        second.save(other)
        links = _links(second)
        assert links["stories"][A.id][0] == A.id and links["stories"][C.id][0] == C.id
        assert links["threads"] == {(A.id, "c1"): f"{A.id}:c1", (C.id, "c1"): f"{C.id}:c1"}


def test_documents_delete_unknown_returns_none(store: Store) -> None:
    store.save(A)
    assert store.delete("0" * 32) is None
    assert store.count_documents() == 1


# -- CLI -------------------------------------------------------------------------------------

def test_documents_cli_lists_searches_and_deletes(store: Store) -> None:
    _searchable(store)
    runner = CliRunner()
    db = ["--db", store.url]
    listed = runner.invoke(main, ["documents", *db, "--limit", "2"])
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert lines[0].split("\t")[:4] == ["article", "published", "outlet", "title"]
    assert len(lines) == 3 and "2 of 5 rows" in listed.stderr
    found = runner.invoke(main, ["documents", *db, "--q", "flood", "--json"])
    assert found.exit_code == 0, found.output
    page = json.loads(found.stdout)
    assert page["total"] == 2 and [r["title"] for r in page["items"]] == [
        "Water rises", "Council meeting"]
    searched = runner.invoke(main, ["documents", *db, "--q", 'flood" (*'])
    assert searched.exit_code == 0 and "«flood»" in searched.stdout
    target = page["items"][1]["id"]
    gone = runner.invoke(main, ["documents", "delete", target[:6], *db])
    assert gone.exit_code == 0, gone.output
    assert gone.stdout.startswith(f"deleted {target[:12]} (Example News, 2024-04-02) "
                                  '"Council meeting": 0 claims')
    assert store.count_documents(q="flood") == 1
    missing = runner.invoke(main, ["documents", "delete", target, *db])
    assert missing.exit_code == 2 and "no stored document matches" in missing.stderr


# -- API -------------------------------------------------------------------------------------

def test_documents_api_search_and_delete(store: Store) -> None:
    _searchable(store)
    with TestClient(create_app(store.url, token=TOKEN, with_pages=False)) as client:
        page = client.get("/api/v1/documents", params={"q": "flood", "limit": 1}).json()
        assert [r["title"] for r in page["items"]] == ["Water rises"]
        assert "«flood»" in page["items"][0]["snippet"].lower()
        second = client.get("/api/v1/documents", params={"q": "flood", "limit": 1,
                                                         "cursor": page["next_cursor"]}).json()
        assert [r["title"] for r in second["items"]] == ["Council meeting"]
        assert second["next_cursor"] is None
        assert client.get("/api/v1/documents", params={"q": '"(NEAR*'}).status_code == 200
        doc_id = page["items"][0]["id"]
        assert client.delete(f"/api/v1/documents/{doc_id}").status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        deleted = client.delete(f"/api/v1/documents/{doc_id[:8]}", headers=auth)
        assert deleted.status_code == 200 and deleted.json()["id"] == doc_id
        assert client.get(f"/api/v1/documents/{doc_id}").status_code == 404
        missing = client.delete(f"/api/v1/documents/{doc_id}", headers=auth)
        assert missing.status_code == 404
        assert "no stored document" in missing.json()["error"]["message"]
    with TestClient(create_app(store.url, with_pages=False)) as closed:
        assert closed.delete(f"/api/v1/documents/{doc_id}").status_code == 403
