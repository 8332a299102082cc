"""The store keeps what the pipeline found, replaces it atomically, and answers filtered queries.

Tests taking ``store`` or ``store_url`` run once on SQLite and once on a real PostgreSQL
server (tests/conftest.py): the same suite must pass on both engines.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from claimtrack.errors import StoreError
from claimtrack.model import (
    Claim,
    Document,
    DroppedSpan,
    Entity,
    Event,
    EventActor,
    Mention,
    Place,
    RawDocument,
    Span,
    TimeRef,
    Toponym,
    document_id,
)
from claimtrack.stages.propositions import event_frames
from claimtrack.store.check import check_store
from claimtrack.store.engine import migrate, open_engine
from claimtrack.store.fulltext import is_fulltext_object
from claimtrack.store.repository import Store
from claimtrack.store.rows import document_rows
from claimtrack.store.schema import metadata

UKRAINE = Place(690791, "Ukraine", "A", "PCLI", "UA", None, 49.0, 32.0)
NOVOAZOVSK = Place(699841, "Novoazovsk", "P", "PPL", "UA", "Donetsk", 47.11, 38.08)
MARIUPOL = Place(701822, "Mariupol", "P", "PPLA2", "UA", "Donetsk", 47.09, 37.54)


def _span(text: str, part: str, start: int = 0) -> Span:
    """The span of the first ``part`` in ``text`` at or after ``start``."""
    i = text.index(part, start)
    return Span(i, i + len(part))


def _mention(text: str, part: str, kind: str = "name") -> Mention:
    return Mention(_span(text, part), part, kind)  # type: ignore[arg-type]


def _place(place: Place, text: str, *parts: str) -> Place:
    return replace(place, mentions=[_mention(text, p) for p in parts])


def doc_border(published: date | None = date(2014, 8, 28)) -> Document:
    """Kyiv says troops crossed; Lavrov denies it. Every model type is filled in."""
    text = (
        "Ukraine said Russian troops crossed the border near Novoazovsk. "
        '"No Russian soldiers are in Ukraine," Sergei Lavrov said on Thursday.'
    )
    first_end = text.index(".") + 1
    ukraine_place = _place(UKRAINE, text, "Ukraine")
    ukraine_place.mentions.append(Mention(_span(text, "Ukraine", 20), "Ukraine"))
    return Document(
        raw=RawDocument(name="border.txt", content="raw bytes are not stored"),
        id=document_id(text),
        text=text,
        url="https://example.org/border",
        outlet="Example News",
        title="Troops cross border, Kyiv says",
        published=published,
        language="en",
        paragraphs=[Span(0, len(text))],
        sentences=[Span(0, first_end), Span(first_end + 1, len(text))],
        dropped=[DroppedSpan(0, 13, "Advertisement", "boilerplate")],
        entities=[
            Entity("e1", "Ukraine", "GPE", [_mention(text, "Ukraine")], None, "UKR", "GOV", 690791),
            Entity(
                "e2", "Sergei Lavrov", "PERSON", [_mention(text, "Sergei Lavrov")],
                "foreign minister", "RUS", "GOV",
            ),
        ],
        claims=[
            Claim(
                "c1", _span(text, "Russian troops crossed the border near Novoazovsk"),
                "Russian troops crossed the border near Novoazovsk", "indirect", "assert",
                "e1", "Ukraine", _span(text, "Ukraine"), "said", _span(text, "said"),
                None, 0, 0.9,
            ),
            Claim(
                "c2", _span(text, "No Russian soldiers are in Ukraine"),
                "No Russian soldiers are in Ukraine", "direct", "deny", "e2", "Sergei Lavrov",
                _span(text, "Sergei Lavrov"), "said", _span(text, "said", 60), None, 1,
            ),
        ],
        events=[
            Event(
                "v1", "ASSAULT", _span(text, "crossed"), "crossed", "c1", "invade", ["border"],
                [EventActor("Russian troops", None, "RUS", "MIL")],
                [EventActor("Ukraine", "e1", "UKR", "GOV")], False, False, 699841, "2014-08-28",
                reported_by="Ukraine",
            ),
            Event(
                "v2", "MOBILIZE", _span(text, "are in"), "are in", "c2",
                actors=[EventActor("Russian soldiers", None, "RUS", "MIL")], negated=True,
                place=690791, status="denied", reported_by="Sergei Lavrov",
            ),
        ],
        places=[ukraine_place, _place(NOVOAZOVSK, text, "Novoazovsk")],
        toponyms=[
            Toponym(_span(text, "Russian"), "Russian", "demonym", 2017370),
            Toponym(_span(text, "Novoazovsk"), "Novoazovsk", "place", 699841),
        ],
        timerefs=[
            TimeRef(_span(text, "on Thursday"), "on Thursday", "2014-08-28", "day", "2014-08-28")
        ],
    )


def doc_shelling() -> Document:
    """An anonymous-source claim (no entity) and a denial by a state; published a week later."""
    text = "Ukrainian officials said Russian forces shelled Mariupol. Russia denied the report."
    return Document(
        raw=RawDocument(name="shelling.html", content="<p>...</p>", format="html"),
        id=document_id(text),
        text=text,
        title="Mariupol shelled",
        published=date(2014, 9, 5),
        language="en",
        entities=[Entity("e1", "Russia", "GPE", [_mention(text, "Russia")], country="RUS")],
        claims=[
            Claim(
                "c1", _span(text, "Russian forces shelled Mariupol"),
                "Russian forces shelled Mariupol", "indirect", "assert", None,
                "Ukrainian officials", _span(text, "Ukrainian officials"), "said",
            ),
            Claim(
                "c2", _span(text, "the report"), "the report", "narration", "deny", "e1",
                "Russia", _span(text, "Russia", 40), "denied", parent="c1", sentence=1,
            ),
        ],
        events=[Event("v1", "ASSAULT", _span(text, "shelled"), "shelled", "c1", place=701822)],
        places=[_place(MARIUPOL, text, "Mariupol"), replace(UKRAINE, mentions=[])],
    )


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store(store_url)
    yield s
    s.close()


@pytest.fixture
def filled(store: Store) -> Store:
    store.save(doc_border())
    store.save(doc_shelling())
    return store


def _counts(store: Store) -> dict[str, int]:
    """Rows per table, but store_state (store-wide counters, not records of articles)."""
    return {name: store.count(name) for name in metadata.tables if name != "store_state"}


def test_store_round_trip_equals_saved_document(store: Store) -> None:
    for doc in (doc_border(), doc_shelling(), doc_border(published=None)):
        store.save(doc)
        loaded = store.get(doc.id)
        assert loaded is not None
        assert loaded.to_dict() == doc.to_dict()
        assert loaded.name == doc.name and loaded.raw.content == ""


def test_store_resave_replaces_records(store: Store) -> None:
    doc = doc_border()
    store.save(doc)
    before = _counts(store)
    doc.claims[1].content_text = "No Russian soldiers are there"
    store.save(doc)
    assert _counts(store) == before
    loaded = store.get(doc.id)
    assert loaded is not None and loaded.claims[1].content_text == "No Russian soldiers are there"
    assert [c["content_text"] for c in store.claims(stance="deny")] == [
        "No Russian soldiers are there"
    ]
    doc.claims, doc.events = doc.claims[:1], []
    store.save(doc)
    assert store.count("claims") == 1 and store.count("events") == 0
    assert store.count("documents") == 1


def test_store_failed_save_keeps_previous_records(store: Store) -> None:
    doc = doc_border()
    store.save(doc)
    before = _counts(store)
    broken = copy.deepcopy(doc)
    broken.title = "changed"
    broken.claims.append(broken.claims[0])  # duplicate key: fails after delete + inserts began
    with pytest.raises(StoreError, match="border.txt: could not save"):
        store.save(broken)
    assert _counts(store) == before
    loaded = store.get(doc.id)
    assert loaded is not None and loaded.to_dict() == doc.to_dict()


def test_store_failure_after_delete_rolls_back(store: Store) -> None:
    doc = doc_border()
    store.save(doc)
    seen: list[str] = []

    def fail_on_events(conn, cursor, statement, params, context, executemany):
        seen.append(statement.split()[0])
        if statement.startswith("INSERT INTO events"):
            raise RuntimeError("disk on fire")

    sa.event.listen(store.engine, "before_cursor_execute", fail_on_events)
    try:
        with pytest.raises(RuntimeError, match="disk on fire"):
            store.save(replace(doc, title="changed"))
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", fail_on_events)
    assert "DELETE" in seen and seen.count("INSERT") >= 3  # it really got that far
    loaded = store.get(doc.id)
    assert loaded is not None and loaded.to_dict() == doc.to_dict()


def test_store_get_by_prefix_and_ambiguous_prefix(store: Store) -> None:
    first = replace(doc_border(), id="abcd1" + "0" * 27)
    second = replace(doc_shelling(), id="abcd2" + "0" * 27)
    store.save(first)
    store.save(second)
    found = store.get("abcd1")
    assert found is not None and found.id == first.id
    assert store.get(second.id) is not None and store.get("abcd2000").title == "Mariupol shelled"
    with pytest.raises(StoreError, match="'abcd' is ambiguous.*abcd1.*abcd2"):
        store.get("abcd")
    with pytest.raises(StoreError, match="too short"):
        store.get("abc")
    assert store.get("ffff") is None
    assert store.get("ABCD1") is None  # ids are case-sensitive on every engine
    assert store.get("abcd%") is None  # no wildcards


def test_store_latest_and_documents_summary(store: Store) -> None:
    assert store.latest() is None and store.documents() == []
    store.save(doc_shelling())
    store.save(doc_border())
    latest = store.latest()
    assert latest is not None and latest.id == doc_border().id
    rows = store.documents()
    assert [r["id"] for r in rows] == [doc_border().id, doc_shelling().id]
    assert rows[0]["published"] == "2014-08-28" and rows[0]["claims"] == 2
    assert rows[0]["places"] == 2 and rows[0]["timerefs"] == 1
    assert rows[0]["processed_at"].endswith("+00:00")
    assert [r["id"] for r in store.documents(limit=1, offset=1)] == [doc_shelling().id]


def test_store_claims_filters(filled: Store) -> None:
    def texts(**filters: object) -> list[str]:
        return [c["content_text"] for c in filled.claims(**filters)]  # type: ignore[arg-type]

    assert len(texts()) == 4
    assert texts(source="lavrov") == ["No Russian soldiers are in Ukraine"]
    assert texts(source="UKRAINIAN OFF") == ["Russian forces shelled Mariupol"]  # source_text
    assert texts(stance="deny") == ["the report", "No Russian soldiers are in Ukraine"]
    assert texts(kind="narration") == ["the report"]
    assert texts(date_from=date(2014, 9, 1)) == ["Russian forces shelled Mariupol", "the report"]
    assert texts(date_to=date(2014, 8, 28), stance="assert") == [
        "Russian troops crossed the border near Novoazovsk"
    ]
    assert texts(date_from=date(2014, 8, 29), date_to=date(2014, 9, 4)) == []
    assert texts(doc_id=doc_border().id[:6]) == [
        "Russian troops crossed the border near Novoazovsk", "No Russian soldiers are in Ukraine"
    ]
    assert texts(source="%") == [] and texts(limit=1, offset=1) == ["the report"]
    row = filled.claims(source="Lavrov")[0]
    assert row["doc_id"] == doc_border().id and row["title"] == "Troops cross border, Kyiv says"
    assert row["published"] == "2014-08-28" and row["source_name"] == "Sergei Lavrov"
    assert row["cue_start"] is not None and row["confidence"] == 1.0
    unresolved = filled.claims(source="officials")[0]
    assert unresolved["source_entity"] is None
    assert unresolved["source_name"] == "Ukrainian officials"
    with pytest.raises(StoreError, match="unknown stance 'denies'"):
        filled.claims(stance="denies")


def test_store_source_filter_folds_unicode_case(store: Store) -> None:
    doc = doc_border()
    doc.entities[1].name = "Łukasz Żółw"
    store.save(doc)
    assert [c["source_name"] for c in store.claims(source="łUKASZ żÓŁW")] == ["Łukasz Żółw"]


def test_store_events_filters(filled: Store) -> None:
    def ids(**filters: object) -> list[tuple[str, str]]:
        found = filled.events(**filters)  # type: ignore[arg-type]
        return [(e["doc_id"][:4], e["id"]) for e in found]

    border, shelling = doc_border().id[:4], doc_shelling().id[:4]
    assert ids() == [(shelling, "v1"), (border, "v1"), (border, "v2")]
    assert ids(type="assault") == [(shelling, "v1"), (border, "v1")]
    assert ids(stance="deny") == [(border, "v2")]
    assert ids(source="ukrainian") == [(shelling, "v1")]
    assert ids(source="ukraine", date_to=date(2014, 8, 31)) == [(border, "v1")]
    assert ids(doc_id=border, type="ASSAULT") == [(border, "v1")]
    assert ids(actor_country="rus", actor_sector="MIL") == [(border, "v1"), (border, "v2")]
    assert ids(target_country="UKR", place="novo") == [(border, "v1")]
    assert ids(reported_by=[("assert", "UKR", "GOV")]) == [(border, "v1")]
    assert ids(reported_by=[("deny", "RUS", None)]) == [(border, "v2")]
    assert ids(reported_by=[("assert", "UKR", None), ("deny", "RUS", None)]) == []
    denied = filled.events(stance="deny")[0]
    assert denied["source_name"] == "Sergei Lavrov" and denied["negated"] is True
    assert denied["place_name"] == "Ukraine" and denied["claim_text"].startswith("No Russian")
    assault = filled.events(doc_id=border, type="ASSAULT")[0]
    assert assault["actors"] == [
        {"text": "Russian troops", "entity": None, "country": "RUS", "sector": "MIL"}
    ]
    assert assault["context"] == ["border"] and assault["date"] == "2014-08-28"
    assert (assault["lat"], assault["lon"], assault["place_country"]) == (47.11, 38.08, "UA")


@pytest.mark.parametrize(("status", "expected"), [
    ("denied", [("border", "v2")]),
    ("asserted", [("shelling", "v1"), ("border", "v1")]),
    (["asserted", "denied"], [("shelling", "v1"), ("border", "v1"), ("border", "v2")]),
    ("hedged, denied", [("border", "v2")]),
    ("hypothetical", []),
])
def test_store_events_filter_by_status(filled: Store, status: str | list[str],
                                       expected: list[tuple[str, str]]) -> None:
    docs = {doc_border().id: "border", doc_shelling().id: "shelling"}
    found = filled.events(status=status)
    assert [(docs[e["doc_id"]], e["id"]) for e in found] == expected


def test_store_event_rows_carry_status_and_reporting_source(filled: Store) -> None:
    rows = {(e["doc_id"], e["id"]): e for e in filled.events()}
    denied = rows[(doc_border().id, "v2")]
    assert (denied["status"], denied["reported_by"]) == ("denied", "Sergei Lavrov")
    asserted = rows[(doc_border().id, "v1")]
    assert (asserted["status"], asserted["reported_by"]) == ("asserted", "Ukraine")
    with pytest.raises(StoreError, match="unknown status 'refuted'; expected one of: asserted"):
        filled.events(status="refuted")
    with pytest.raises(StoreError, match="no event status given"):
        filled.events(status=[])


def test_store_places_count_asserted_events_apart(store: Store) -> None:
    """A place where an event is only denied has events reported there, none asserted."""
    store.save(doc_border())
    store.save(doc_kharkiv())
    rows = {r["name"]: (r["event_count"], r["asserted_event_count"]) for r in store.places()}
    assert rows["Ukraine"] == (1, 0)  # Lavrov denies the troops are in Ukraine
    assert rows["Novoazovsk"] == (1, 1)
    assert rows["Kharkiv"] == (2, 1)  # shells hit it; the army denies anything happened


def test_store_places_aggregate_over_documents(filled: Store) -> None:
    rows = filled.places()
    assert [r["name"] for r in rows] == ["Ukraine", "Novoazovsk", "Mariupol"]
    ukraine = rows[0]
    assert ukraine["geonames_id"] == 690791 and ukraine["doc_count"] == 2
    assert ukraine["mention_count"] == 2 and (ukraine["lat"], ukraine["lon"]) == (49.0, 32.0)
    assert [r["name"] for r in filled.places(name="mari")] == ["Mariupol"]
    assert [r["name"] for r in filled.places(country="ua", limit=1)] == ["Ukraine"]
    assert filled.places(country="RU") == []
    by_doc = filled.places(doc_id=doc_shelling().id)
    assert [(r["name"], r["doc_count"], r["mention_count"]) for r in by_doc] == [
        ("Mariupol", 1, 1), ("Ukraine", 1, 0)
    ]
    september = filled.places(date_from=date(2014, 9, 1))
    assert {r["name"] for r in september} == {"Mariupol", "Ukraine"}


def test_store_places_count_events_and_claims_in_matching_documents(filled: Store) -> None:
    def counts(**filters: object) -> dict[str, tuple[int, int]]:
        found = filled.places(**filters)  # type: ignore[arg-type]
        return {r["name"]: (r["event_count"], r["claim_count"]) for r in found}

    # Ukraine: Lavrov's denial "No Russian soldiers are in Ukraine" and the event it reports;
    # "Ukraine said" names the source, outside any claim's content
    assert counts() == {"Ukraine": (1, 1), "Novoazovsk": (1, 1), "Mariupol": (1, 1)}
    # the shelling article lists Ukraine with no mention, event or claim of its own
    assert counts(date_from=date(2014, 9, 1)) == {"Mariupol": (1, 1), "Ukraine": (0, 0)}
    assert counts(doc_id=doc_shelling().id[:6]) == {"Mariupol": (1, 1), "Ukraine": (0, 0)}
    assert counts(country="UA", name="novo") == {"Novoazovsk": (1, 1)}


def doc_kharkiv() -> Document:
    """Kharkiv is named twice in one claim and once in another; Izium once; Kyiv in no claim."""
    text = (
        "Officials said shells hit Kharkiv and the Kharkiv airport overnight. "
        '"Nothing happened in Kharkiv or Izium," the army said. Kyiv did not comment.'
    )
    kharkiv = Place(706483, "Kharkiv", "P", "PPLA", "UA", "Kharkiv", 49.98, 36.25)
    izium = Place(707308, "Izium", "P", "PPL", "UA", "Kharkiv", 49.21, 37.26)
    kyiv = Place(703448, "Kyiv", "P", "PPLC", "UA", "Kyiv City", 50.45, 30.52)
    kharkiv_mentions = [Mention(Span(m.start(), m.end()), "Kharkiv")
                        for m in re.finditer("Kharkiv", text)]
    first = "shells hit Kharkiv and the Kharkiv airport"
    second = "Nothing happened in Kharkiv or Izium"
    return Document(
        raw=RawDocument(name="kharkiv.txt", content=""),
        id=document_id(text),
        text=text,
        published=date(2024, 3, 5),
        claims=[
            Claim("c1", _span(text, first), first, "indirect", "assert", None, "Officials",
                  _span(text, "Officials"), "said"),
            Claim("c2", _span(text, second), second, "direct", "deny", None, "the army",
                  _span(text, "the army"), "said", sentence=1),
        ],
        events=[
            Event("v1", "ASSAULT", _span(text, "hit"), "hit", "c1", place=706483),
            Event("v2", "ASSAULT", _span(text, "happened"), "happened", "c2", negated=True,
                  place=706483, status="denied", reported_by="the army"),
        ],
        places=[replace(kharkiv, mentions=kharkiv_mentions), _place(izium, text, "Izium"),
                _place(kyiv, text, "Kyiv")],
    )


def test_store_places_count_each_claim_once_however_often_it_names_the_place(store: Store) -> None:
    store.save(doc_kharkiv())
    rows = {r["name"]: r for r in store.places()}
    kharkiv, izium, kyiv = rows["Kharkiv"], rows["Izium"], rows["Kyiv"]
    assert (kharkiv["mention_count"], kharkiv["claim_count"], kharkiv["event_count"]) == (3, 2, 2)
    assert (izium["mention_count"], izium["claim_count"], izium["event_count"]) == (1, 1, 0)
    assert (kyiv["mention_count"], kyiv["claim_count"], kyiv["event_count"]) == (1, 0, 0)
    assert store.count("place_mentions") == 5
    store.save(doc_kharkiv())  # re-saving replaces the mention rows instead of adding to them
    assert store.count("place_mentions") == 5 and store.places()[0]["claim_count"] == 2


def test_store_rejects_bad_arguments(store: Store) -> None:
    with pytest.raises(StoreError, match="no table 'claim'"):
        store.count("claim")
    with pytest.raises(StoreError, match="empty.txt: document has no id"):
        store.save(Document(raw=RawDocument("empty.txt", "")))


def test_store_sqlite_enforces_foreign_keys_and_uses_wal(tmp_path: Path) -> None:
    filled = Store(f"sqlite:///{tmp_path / 'store.db'}")
    filled.save(doc_border())
    filled.save(doc_shelling())
    with filled.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    with filled.engine.begin() as conn:  # ON DELETE CASCADE backs up the explicit deletes
        conn.execute(sa.delete(metadata.tables["documents"]))
    assert all(n == 0 for n in _counts(filled).values())


def test_store_reopens_and_creates_parent_directories(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a' / 'b' / 'claims.db'}"
    with Store(url) as first:
        first.save(doc_border())
    with Store(url) as second:
        assert second.count("claims") == 2
        with second.engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        assert version == "0012"


def test_store_deleting_a_document_cascades_to_every_table(filled: Store) -> None:
    """ON DELETE CASCADE backs up save()'s explicit deletes on both engines."""
    assert filled.count("story_members") == 2 and filled.count("place_mentions") > 0
    with filled.engine.begin() as conn:
        conn.execute(sa.delete(metadata.tables["documents"]))
    assert all(n == 0 for n in _counts(filled).values())


def test_store_upgrades_a_0001_database_keeping_its_documents(store_url: str) -> None:
    url = store_url
    engine = open_engine(url)
    migrate(engine, "0001")
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO documents (id, text, input_name, paragraphs, sentences, dropped, processed_at)"
            " VALUES ('abcd1234', 'Old text.', 'old.txt', '[]', '[]', '[]', '2020-01-01 00:00:00')"))
    engine.dispose()
    with Store(url) as store:
        old = store.get("abcd1234")
        assert old is not None and old.text == "Old text." and old.status == "analysed"


def test_store_migration_0006_backfills_place_mentions(store_url: str, tmp_path: Path) -> None:
    """A store written before 0006 has places but no place_mentions; upgrading fills them in
    from the places' JSON, so claim counts come out as if the articles were saved today (in
    a SQLite store, so PostgreSQL's upgraded counts are also checked against SQLite's)."""
    url = store_url
    engine = open_engine(url)
    try:  # disposed even on failure: a pooled psycopg connection left to the garbage
        # collector warns (an error here) in whichever later test happens to collect it
        migrate(engine, "0005")
        with engine.begin() as conn:
            inspector = sa.inspect(conn)
            for doc in (doc_border(), doc_kharkiv()):
                for table, table_rows in document_rows(doc, datetime(2024, 3, 6)).items():
                    if table.name not in {"place_mentions", "toponyms"} and table_rows:
                        # columns added by later migrations (0010's claims.polarity, ...)
                        # are not in a 0005 store: write the rows as a 0005 store held them
                        old = {c["name"] for c in inspector.get_columns(table.name)}
                        conn.execute(sa.insert(table), [
                            {k: v for k, v in row.items() if k in old} for row in table_rows])
            assert "place_mentions" not in inspector.get_table_names()
    finally:
        engine.dispose()
    with Store(url) as upgraded:
        assert upgraded.count("place_mentions") == 3 + 5
        with upgraded.engine.connect() as conn:
            novoazovsk = conn.execute(sa.text(
                "SELECT start_offset, end_offset FROM place_mentions WHERE geonames_id = 699841"
            )).one()
        text = doc_border().text
        assert text[novoazovsk.start_offset:novoazovsk.end_offset] == "Novoazovsk"
        backfilled = upgraded.places()
    with Store(f"sqlite:///{tmp_path / 'fresh.db'}") as fresh:
        fresh.save(doc_border())
        fresh.save(doc_kharkiv())
        assert backfilled == fresh.places()


def test_store_migration_0010_backfills_commitments_and_clears_threads(store_url: str) -> None:
    """A store at 0009 (written today, then downgraded): a negated statement stored as
    ``deny`` ("No Russian soldiers are in Ukraine," Lavrov said) becomes a negative assertion
    and its event ``negated``; a denial by a denial cue stays one; every event gets its claim's
    source. Thread members and claim vectors of the old rule go, so the upgraded store checks
    clean, and processing an article again threads its claims."""
    from alembic import command

    from claimtrack.store.engine import WRITE, alembic_config

    with Store(store_url) as current:
        for doc in (doc_border(), doc_shelling()):
            current.save(_with_propositions(doc))
        assert current.count("thread_members") == current.count("claim_vectors") == 3
    engine = open_engine(store_url)
    try:
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            command.downgrade(alembic_config(conn), "0009")
            assert "polarity" not in {c["name"] for c in sa.inspect(conn).get_columns("claims")}
    finally:
        engine.dispose()
    border, shelling = doc_border().id, doc_shelling().id
    with Store(store_url) as upgraded:
        with upgraded.engine.connect() as conn:
            claims = conn.execute(sa.text(
                "SELECT doc_id, id, stance, polarity, proposition FROM claims")).all()
            events = conn.execute(sa.text(
                "SELECT doc_id, id, status, reported_by FROM events")).all()
        assert sorted(map(tuple, claims)) == sorted([
            (border, "c1", "assert", "positive", ""), (border, "c2", "assert", "negative", ""),
            (shelling, "c1", "assert", "positive", ""), (shelling, "c2", "deny", "positive", "")])
        assert sorted(map(tuple, events)) == sorted([
            (border, "v1", "asserted", "Ukraine"), (border, "v2", "negated", "Sergei Lavrov"),
            (shelling, "v1", "asserted", "Ukrainian officials")])
        assert upgraded.count("thread_members") == upgraded.count("claim_vectors") == 0
        assert check_store(upgraded).problems == []
        upgraded.save(_with_propositions(doc_border()))
        assert upgraded.count("thread_members") == upgraded.count("claim_vectors") == 2
        assert [t["size"] for t in upgraded.threads()] == [2]
        assert check_store(upgraded).problems == []


def test_store_default_url_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv("CLAIMTRACK_DATABASE_URL", url)
    with Store() as store:
        assert store.url == url
    assert (tmp_path / "env.db").exists()


def test_store_bad_url_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open the store") as error:
        Store("nosuchdialect://user:secret@host/db")
    assert "secret" not in str(error.value)


# what PostgreSQL reports for a declared type that it stores under another name
_PG_SPELLING = {"FLOAT": "DOUBLE PRECISION"}


def test_store_migrated_schema_matches_metadata(store_url: str) -> None:
    engine = open_engine(store_url)
    try:
        migrate(engine)
        inspector = sa.inspect(engine)
        # full-text search objects are engine-specific, outside metadata (store/fulltext.py)
        tables = {t for t in inspector.get_table_names() if not is_fulltext_object(t)}
        assert tables == set(metadata.tables) | {"alembic_version"}
        dialect = engine.dialect
        spelling = _PG_SPELLING if dialect.name == "postgresql" else {}
        for table in metadata.sorted_tables:
            reflected = [
                (c["name"], c["type"].compile(dialect), c["nullable"])
                for c in inspector.get_columns(table.name)
            ]
            declared = [
                (c.name, spelling.get(t := c.type.compile(dialect), t), c.nullable)
                for c in table.columns
            ]
            assert reflected == declared, table.name
            pk = inspector.get_pk_constraint(table.name)
            assert pk["constrained_columns"] == [c.name for c in table.primary_key.columns]
            assert pk["name"] == table.primary_key.name
            fks = {
                (tuple(fk["constrained_columns"]), fk["referred_table"],
                 tuple(fk["referred_columns"]), fk["options"].get("ondelete"))
                for fk in inspector.get_foreign_keys(table.name)
            }
            assert fks == {
                (tuple(fk.parent.name for fk in c.elements), c.referred_table.name,
                 tuple(fk.column.name for fk in c.elements), c.ondelete)
                for c in table.foreign_key_constraints
            }, table.name
            indexes = {
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(table.name) if not is_fulltext_object(i["name"])
            }
            assert indexes == {
                (i.name, tuple(c.name for c in i.columns), bool(i.unique)) for i in table.indexes
            }, table.name
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "include_name": lambda name, _type, _parent: not is_fulltext_object(name)})
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


# -- PostgreSQL URLs and bulk loading --------------------------------------------------------


@pytest.mark.parametrize(("url", "driver"), [
    ("postgresql://u:p@db.example/claims", "postgresql+psycopg"),
    ("postgres://u@db.example:5433/claims", "postgresql+psycopg"),  # Heroku-style scheme
    ("postgresql+psycopg://db.example/claims", "postgresql+psycopg"),
    ("postgresql+psycopg2://db.example/claims", "postgresql+psycopg2"),  # an explicit choice
    ("sqlite:///claims.db", "sqlite"),
])
def test_store_postgresql_urls_use_psycopg_3(url: str, driver: str) -> None:
    from claimtrack.store.engine import normalize_url

    parsed = normalize_url(url)
    assert parsed.drivername == driver
    assert parsed.database in ("claims", "claims.db")


def test_store_opens_a_plain_postgres_url(postgres_url: str) -> None:
    heroku_style = postgres_url.replace("postgresql://", "postgres://", 1)
    with Store(heroku_style) as store:
        assert store.engine.dialect.driver == "psycopg"
        store.save(doc_border())
        assert store.count("claims") == 2


def _other_url(store_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A second empty store on the same engine as ``store_url``."""
    if store_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'other.db'}"
    server = request.getfixturevalue("postgres_server")
    url = server.database()
    request.addfinalizer(lambda: server.drop(url))
    return url


def _table_rows(store: Store) -> dict[str, list[dict[str, object]]]:
    """Every stored row of every table, in key order; processed_at is the time of saving."""
    dump = {}
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            stmt = sa.select(table).order_by(*table.primary_key.columns)
            dump[table.name] = [{k: v for k, v in row.items() if k != "processed_at"}
                                for row in conn.execute(stmt).mappings()]
    return dump


#: Proposition words (stages/propositions.py) of the claims of the documents above, so that
#: they join threads: claims with no proposition stay out of them. The "report" narration has
#: too few words to join one.
_PROPOSITION_WORDS = {
    ("border.txt", "c1"): "border ~cross novoazovsk russian troop",
    ("border.txt", "c2"): "russian soldier ukraine",
    ("shelling.html", "c1"): "force mariupol russian ~shell",
    ("shelling.html", "c2"): "report",
    ("kharkiv.txt", "c1"): "airport kharkiv shell ~hit",
    ("kharkiv.txt", "c2"): "~happen izium kharkiv nothing",
}


def _with_propositions(doc: Document) -> Document:
    """``doc`` with the propositions the propositions stage would give its claims."""
    frames = event_frames(doc)
    for claim in doc.claims:
        words = _PROPOSITION_WORDS[(doc.name, claim.id)]
        claim.proposition = " ".join([*frames.get(claim.id, []), "|", words]).strip(" |")
    return doc


def _bulk_docs() -> list[Document]:
    """Articles with every model type, near-duplicates that form a story, and one article
    given twice with different content (the second replaces the first, as with save()); the
    claims have propositions, so they join threads (the border article's two claims form one)."""
    from tests.test_stories import AGENCY, ORCHESTRA, PAPER

    return [_with_propositions(doc_border()), AGENCY, _with_propositions(doc_shelling()),
            ORCHESTRA, _with_propositions(doc_kharkiv()), PAPER,
            _with_propositions(doc_border(published=None))]


def test_store_save_many_stores_what_save_stores(store_url: str, tmp_path: Path,
                                                 request: pytest.FixtureRequest) -> None:
    """COPY (PostgreSQL) or batched INSERT (SQLite) gives row for row what saving one by one
    gives: documents, children, stories and threads, with the same ids and order."""
    docs = _bulk_docs()
    with Store(store_url) as one_by_one:
        for doc in docs:
            one_by_one.save(doc)
        expected = _table_rows(one_by_one)
        latest = one_by_one.latest()
    with Store(_other_url(store_url, request, tmp_path)) as bulk:
        assert bulk.save_many(iter(docs), batch_size=2) == len(docs)
        assert _table_rows(bulk) == expected
        assert bulk.latest() == latest  # processed_at keeps the order they came in
        for doc in docs[1:]:
            loaded = bulk.get(doc.id)
            assert loaded is not None and loaded.to_dict() == doc.to_dict()
        assert bulk.stories()[0]["size"] == 2 and bulk.count("thread_members") == 5
        assert [(t["size"], t["contested"]) for t in bulk.threads()] == [(2, True)]
        assert bulk.save_many(docs[-3:]) == 3  # re-loading replaces, as save() does
        again = _table_rows(bulk)
        assert {name: len(rows) for name, rows in again.items()} == {
            name: len(rows) for name, rows in expected.items()}
        assert again["documents"] == expected["documents"]
    assert sum(len(rows) for rows in expected.values()) > 40  # it compared something


def test_store_save_many_failed_batch_keeps_earlier_batches_and_old_records(
        store: Store) -> None:
    border, shelling, kharkiv = doc_border(), doc_shelling(), doc_kharkiv()
    store.save(kharkiv)
    broken = copy.deepcopy(kharkiv)
    broken.title = "changed"
    broken.claims.append(broken.claims[0])  # duplicate key: fails inside the COPY or INSERT
    from tests.test_stories import AGENCY

    with pytest.raises(StoreError, match="batch of 2 documents from shelling.html to kharkiv"):
        store.save_many([border, AGENCY, shelling, broken], batch_size=2)
    assert store.get(border.id) is not None  # the first batch committed
    assert store.get(shelling.id) is None  # the failed batch left nothing of its own
    kept = store.get(kharkiv.id)
    assert kept is not None and kept.to_dict() == kharkiv.to_dict()
    store.save_many([shelling])  # and the store works on: its indexes were rebuilt
    assert store.count("story_members") == 4
    with pytest.raises(StoreError, match="batch size must be at least 1"):
        store.save_many([border], batch_size=0)


def test_store_writers_wait_for_each_other(store_url: str) -> None:
    """A save waits while another writer's transaction is open (SQLite: BEGIN IMMEDIATE;
    PostgreSQL: the advisory lock), so the story and thread indexes never miss a row."""
    import threading

    from claimtrack.store.engine import WRITE

    with Store(store_url) as holder, Store(store_url) as waiter:
        saved = threading.Event()
        writer = threading.Thread(target=lambda: (waiter.save(doc_border()), saved.set()))
        with holder.engine.connect().execution_options(**WRITE) as conn, conn.begin():
            conn.execute(sa.text("SELECT 1"))  # SQLite: BEGIN IMMEDIATE already ran
            writer.start()
            assert not saved.wait(1.0)  # blocked behind the open write transaction
        writer.join(timeout=30)
        assert saved.is_set() and holder.count("claims") == 2


@pytest.mark.parametrize(("ci", "outcome"), [("", "1 skipped"), ("true", "1 error")])
def test_store_postgresql_tests_skip_without_a_server_but_never_on_ci(
        tmp_path: Path, ci: str, outcome: str) -> None:
    """No PostgreSQL binaries and no server URL: a developer's run skips the PostgreSQL
    variants and says why; a CI run (CI=true) fails instead of passing on SQLite alone."""
    import os
    import subprocess
    import sys

    test = tmp_path / "test_needs_postgres.py"
    test.write_text("def test_uses_postgres(postgres_url):\n    assert postgres_url\n")
    env = {**os.environ, "CI": ci, "CLAIMTRACK_TEST_POSTGRES_BIN": str(tmp_path / "none")}
    env.pop("CLAIMTRACK_TEST_POSTGRES_URL", None)
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-rs", "-q",
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(test)],
        cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)
    summary = done.stdout.strip().splitlines()[-1]
    assert outcome in summary, done.stdout
    assert "PostgreSQL not found" in done.stdout
    assert ("CI is set" in done.stdout) == bool(ci)
    assert (done.returncode == 0) == (not ci)
