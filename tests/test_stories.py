"""Near-duplicate articles become one story, in memory, in the store and on the command line.

Every text here is written for these tests (the chain articles are made of generated words).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa

from claimtrack.link.stories import (
    Article,
    Signature,
    Signer,
    StoryIndex,
    StorySettings,
    group_stories,
    jaccard,
    shingles,
)
from claimtrack.model import Document, RawDocument, document_id
from claimtrack.store.repository import Store
from tests.conftest import load_bench

WIRE = (
    "Engineers reopened the Dniester river bridge near the town of Mohyliv on Tuesday after "
    "three weeks of repairs, the regional roads agency said in a statement. Lorries carrying "
    "grain had queued for up to two days at the crossing while one lane was closed. The agency "
    "said the repairs cost about four million hryvnias and were paid for by a European grant. "
    "Drivers will still face a speed limit of thirty kilometres an hour until the spring, when "
    "the road surface on both approaches is due to be replaced. Local traders welcomed the "
    "reopening and said the closure had cut their sales by a third."
)
WIRE_UPDATED = WIRE.replace(
    "Local traders welcomed the reopening and said the closure had cut their sales by a third.",
    "A spokeswoman for the border guards said queues had already begun to shrink by noon.",
)
UNRELATED = (
    "The city orchestra will tour four countries next summer, its director announced on "
    "Friday, playing a programme of new works by young composers alongside two symphonies. "
    "Tickets for the opening concert in the old cathedral go on sale in March. The orchestra "
    "lost a third of its funding last year and the tour is paid for by a private foundation, "
    "which also pays for free seats for students at every concert of the season."
)
SHORT = "Bridge reopens after three weeks of repairs, roads agency says."


def chain_paragraphs(count: int = 6, words: int = 40, seed: int = 3) -> list[str]:
    """Paragraphs of generated words that share no five-word run with each other."""
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(5000)]
    return [" ".join(rng.choice(vocabulary) for _ in range(words)) for _ in range(count)]


def chain_articles() -> list[Article]:
    """A (paragraphs 1-4) and C (3-6) share too little; B (2-5) is close to both, and comes
    last, so it bridges two stories that already exist."""
    p = chain_paragraphs()
    return [Article("a", "\n\n".join(p[0:4])), Article("c", "\n\n".join(p[2:6])),
            Article("x", UNRELATED), Article("b", "\n\n".join(p[1:5]))]


def test_shingles_ignore_case_and_spacing() -> None:
    assert shingles("One two  three\nfour FIVE six", 5) == {
        "one two three four five", "two three four five six"}
    assert shingles("too few words", 5) == set()
    assert jaccard(shingles(WIRE), shingles(WIRE.upper())) == 1.0


def test_wire_copies_with_a_changed_sentence_are_one_story() -> None:
    index = StoryIndex()
    first = index.add("wire-1", WIRE, date(2024, 3, 5), "Agency")
    second = index.add("wire-2", WIRE_UPDATED, date(2024, 3, 5), "Daily Paper")
    assert first == second == "wire-1"  # the story is named by its earliest member
    copy = index.member("wire-2")
    assert copy is not None and copy.outlet == "Daily Paper" and copy.published == date(2024, 3, 5)
    assert 0.6 < copy.similarity < 1.0
    assert [m.doc_id for m in index.members("wire-1")] == ["wire-1", "wire-2"]


def test_an_unrelated_article_is_its_own_story() -> None:
    index = StoryIndex()
    index.add("wire-1", WIRE)
    assert index.add("orchestra", UNRELATED) == "orchestra"
    assert set(index.stories()) == {"wire-1", "orchestra"}


def test_a_very_short_text_is_never_merged() -> None:
    index = StoryIndex()
    assert index.add("short-1", SHORT) == "short-1"
    assert index.add("short-2", SHORT) == "short-2"  # identical, but too short to tell
    assert index.add("wire", SHORT + " " + WIRE) == "wire"
    member = index.member("short-1")
    assert member is not None and member.signature.minhash is None
    assert member.signature.shingle_count < StorySettings().min_shingles
    assert [len(ms) for ms in group_stories([Article("s1", SHORT), Article("s2", SHORT)])
            .values()] == [1, 1]


def test_re_adding_an_article_keeps_its_story() -> None:
    index = StoryIndex()
    index.add("wire-1", WIRE)
    index.add("wire-2", WIRE_UPDATED)
    assert index.add("wire-2", UNRELATED) == "wire-1"  # an id names its text
    assert len(index) == 2


def test_an_article_bridging_two_stories_joins_them_under_the_earliest() -> None:
    index = StoryIndex()
    articles = chain_articles()
    assert [index.add(a.doc_id, a.text) for a in articles[:3]] == ["a", "c", "x"]
    bridge = articles[3]
    assignment = index.assign(bridge.doc_id, index.signer.sign(bridge.text))
    assert assignment.story_id == "a"
    assert [m.doc_id for m in assignment.moved] == ["c"]
    assert [m.doc_id for m in index.members("a")] == ["a", "c", "b"]  # in added order
    moved = index.member("c")
    assert moved is not None and moved.story_id == "a" and moved.similarity < 0.5
    assert "c" not in index.stories()


def test_adding_one_by_one_groups_like_the_batch() -> None:
    articles = chain_articles() + [Article("wire-1", WIRE), Article("orchestra", UNRELATED),
                                   Article("wire-2", WIRE_UPDATED), Article("short", SHORT)]
    index = StoryIndex()
    for article in articles:
        index.add(article.doc_id, article.text)

    def shape(stories: dict) -> dict:  # type: ignore[type-arg]
        return {sid: [(m.doc_id, m.seq, m.similarity) for m in ms] for sid, ms in stories.items()}

    batch = group_stories(articles)
    assert shape(index.stories()) == shape(batch)
    assert [sorted(m.doc_id for m in ms) for ms in batch.values() if len(ms) > 1] == [
        ["a", "b", "c"], ["orchestra", "x"], ["wire-1", "wire-2"]]  # x is the orchestra text


def test_signatures_are_reproducible_and_survive_bytes() -> None:
    first, second = Signer().sign(WIRE), Signer().sign(WIRE)
    data = first.to_bytes()
    assert data is not None and data == second.to_bytes() and len(data) == 128 * 8
    loaded = Signature.from_bytes(data, first.shingle_count)
    assert loaded.similarity(first) == 1.0
    assert Signature.from_bytes(None, 3).to_bytes() is None


# -- the store -------------------------------------------------------------------------------


def stored_doc(text: str, outlet: str, published: date, title: str) -> Document:
    return Document(raw=RawDocument(name=f"{outlet}.txt", content=""), id=document_id(text),
                    text=text, outlet=outlet, title=title, published=published, language="en")


AGENCY = stored_doc(WIRE, "Agency", date(2024, 3, 5), "Bridge reopens")
PAPER = stored_doc(WIRE_UPDATED, "Daily Paper", date(2024, 3, 6), "Bridge reopened")
ORCHESTRA = stored_doc(UNRELATED, "Arts Weekly", date(2024, 3, 1), "Orchestra to tour")


@pytest.fixture
def db(store_url: str) -> str:
    """Each store test runs on SQLite and on PostgreSQL (see tests/conftest.py)."""
    return store_url


@pytest.fixture
def store(db: str) -> Iterator[Store]:
    with Store(db) as s:
        yield s


def test_store_persists_stories_and_a_new_process_adds_to_them(db: str) -> None:
    with Store(db) as first:
        first.save(AGENCY)
        first.save(ORCHESTRA)
        assert first.count("story_members") == first.count("story_signatures") == 2
    with Store(db) as second:  # a new process: the index comes from the stored signatures
        second.save(PAPER)
        story = second.story(PAPER.id[:8])
    assert story is not None and story["story_id"] == AGENCY.id
    assert [(m["doc_id"], m["outlet"]) for m in story["members"]] == [
        (AGENCY.id, "Agency"), (PAPER.id, "Daily Paper")]
    assert story["members"][0]["similarity"] == 1.0 and 0.6 < story["members"][1]["similarity"] < 1
    assert story["title"] == "Bridge reopens" and story["outlets"] == ["Agency", "Daily Paper"]
    assert (story["first_published"], story["last_published"]) == ("2024-03-05", "2024-03-06")


def test_store_lists_stories_biggest_first(store: Store) -> None:
    for doc in (AGENCY, ORCHESTRA, PAPER):
        store.save(doc)
    rows = store.stories()
    assert [(r["story_id"], r["size"]) for r in rows] == [(AGENCY.id, 2), (ORCHESTRA.id, 1)]
    assert rows[0]["outlets"] == ["Agency", "Daily Paper"] and rows[0]["title"] == "Bridge reopens"
    assert rows[1]["first_published"] == rows[1]["last_published"] == "2024-03-01"
    assert [r["story_id"] for r in store.stories(min_size=2)] == [AGENCY.id]
    assert [r["story_id"] for r in store.stories(limit=1, offset=1)] == [ORCHESTRA.id]
    assert store.story("ffffffff") is None


def test_store_resaving_does_not_duplicate_membership(db: str) -> None:
    with Store(db) as store:
        for doc in (AGENCY, PAPER, AGENCY, PAPER):
            store.save(doc)
        before = store.story(AGENCY.id)
    with Store(db) as again:
        again.save(AGENCY)  # the story's first member, re-saved by a new process
        assert again.count("story_members") == again.count("story_signatures") == 2
        assert again.story(AGENCY.id) == before


def test_store_assigns_documents_stored_before_stories(store: Store) -> None:
    store.save(AGENCY)
    with store.engine.begin() as conn:  # as after upgrading a store written before 0008
        conn.execute(sa.text("DELETE FROM story_members"))
        conn.execute(sa.text("DELETE FROM story_signatures"))
    with Store(store.url) as upgraded:
        upgraded.save(PAPER)
        story = upgraded.story(PAPER.id)
        assert story is not None and story["story_id"] == AGENCY.id and story["size"] == 2


def test_store_follows_changed_settings_when_it_reopens(db: str) -> None:
    """Stored rows are what the index computes: a store reopened with other settings signs
    again what was signed another way and rewrites the memberships that changed."""
    with Store(db) as store:
        for doc in (AGENCY, PAPER):
            store.save(doc)

    class StrictStore(Store):
        story_settings = StorySettings(seed=2, threshold=0.99)

    with StrictStore(db) as strict:
        strict.save(ORCHESTRA)
        assert [r["size"] for r in strict.stories()] == [1, 1, 1]
        paper = strict.story(PAPER.id)
        assert paper is not None and paper["story_id"] == PAPER.id
        with strict.engine.connect() as conn:
            schemes = conn.execute(sa.text("SELECT DISTINCT scheme FROM story_signatures"))
            assert schemes.scalars().all() == [StrictStore.story_settings.scheme]


def test_store_signature_is_portable_bytes(store: Store) -> None:
    store.save(AGENCY)
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.text("SELECT scheme, shingles, signature FROM story_signatures")).one()
    assert row.scheme == StorySettings().scheme and row.shingles == len(shingles(WIRE))
    assert isinstance(row.signature, bytes) and len(row.signature) == 1024


# -- the BBC benchmark -----------------------------------------------------------------------



def _load_bench() -> ModuleType:
    return load_bench("stories_bbc")


def test_bench_skips_without_the_corpus(tmp_path: Path) -> None:
    assert _load_bench().run(tmp_path, tmp_path / "out.json", sample=0) is None
    assert not (tmp_path / "out.json").exists()


def test_bench_groups_and_checks_a_small_corpus(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpora" / "bbc_news.jsonl"
    corpus.parent.mkdir()
    records = [("n/1", "Bridge reopens", WIRE), ("n/2", "Orchestra", UNRELATED),
               ("n/3", "Bridge reopened", WIRE_UPDATED), ("n/4", "Bridge reopens", WIRE)]
    corpus.write_text("".join(json.dumps({"id": i, "category": "n", "title": t, "text": x}) + "\n"
                              for i, t, x in records))
    results = _load_bench().run(tmp_path, tmp_path / "out.json", sample=1)
    assert results is not None and results["groups"] == 1 and results["articles_in_groups"] == 3
    check = results["check"]
    assert check["brute_force_pairs"] == 3 and check["exact_duplicate_pairs"] == 1
    assert check["pair_recall"] == 1.0 and check["lsh_pairs_not_confirmed_by_brute_force"] == []
    written = json.loads((tmp_path / "out.json").read_text())
    assert [m["id"] for m in written["stories"][0]["members"]] == ["n/1", "n/3", "n/4"]
    assert "=== story n/1 (3 articles)" in capsys.readouterr().out


def test_events_per_story_counts_a_wire_copy_once(store_url: str, pipeline: Any) -> None:
    """The same agency report in two outlets: two event rows, one per story."""
    import claimtrack
    from claimtrack.readers import raw_from_string
    from claimtrack.store import Store

    text = ("Rebel forces shelled the port of Mariupol on Monday, the Ukrainian military said. "
            "Local officials said the shelling damaged a school and two apartment blocks near "
            "the harbour, and that residents spent the night in basements as the artillery "
            "fire continued until dawn, according to a statement from the city council.")
    raws = [raw_from_string(text, name="a.txt", outlet="Daily A", published=date(2024, 3, 4)),
            raw_from_string(text + " Reporting by our correspondent.", name="b.txt",
                            outlet="Daily B", published=date(2024, 3, 5))]
    store = Store(store_url)
    for doc in claimtrack.process_many(raws, pipeline):
        store.save(doc)
    every = store.events(type="ASSAULT", limit=None)
    once = store.events(type="ASSAULT", limit=None, per_story=True)
    assert len(every) == 2 and every[0]["story_id"] == every[1]["story_id"]
    assert len(once) == 1 and once[0]["copies"] == 2
    assert sorted(once[0]["outlets"]) == ["Daily A", "Daily B"]
    military = store.claims(source="military", limit=None)
    assert len(military) == 2
    [claim] = store.claims(source="military", limit=None, per_story=True)
    assert claim["copies"] == 2 and claim["outlet"] == "Daily A"  # the earliest copy
    store.close()
