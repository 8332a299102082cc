"""Claim threads in the store: linked at save time, continued by a new process, listed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

import claimtrack
from claimtrack.link.threads import default_embedder, embedding_text, thread_claims_of
from claimtrack.model import Document
from claimtrack.readers import raw_from_string
from claimtrack.store.repository import Store
from claimtrack.store.schema import thread_aliases
from tests.test_threads import ASSERTION, DENIAL, WEATHER

KYIV = """Kyiv says Russian troops are fighting in Ukraine

KIEV, Aug. 29 - Russian troops are fighting inside Ukraine alongside the separatists, a Ukrainian military spokesman said on Friday.

"Russian troops are in Ukraine and they are attacking our positions near the border," Andriy Lysenko told reporters."""


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> Any:
        self.texts.extend(texts)
        return default_embedder().embed(texts)


class NoEmbedder:
    def embed(self, texts: Sequence[str]) -> Any:
        raise AssertionError(f"embedded {list(texts)}")


def processed(pipeline: Any, *texts: tuple[str, str, date]) -> list[Document]:
    raws = [raw_from_string(text, name=name, published=day) for name, text, day in texts]
    return claimtrack.process_many(raws, pipeline)


@pytest.fixture
def url(store_url: str) -> str:
    """Each test runs on SQLite and on PostgreSQL (see tests/conftest.py)."""
    return store_url


@pytest.fixture
def docs(pipeline: Any) -> list[Document]:
    return processed(pipeline, ("deny.txt", DENIAL, date(2014, 8, 29)),
                     ("nato.txt", ASSERTION, date(2014, 8, 28)),
                     ("weather.txt", WEATHER, date(2014, 8, 28)),
                     ("kyiv.txt", KYIV, date(2014, 8, 29)))


def test_threads_store_lists_the_contested_thread_first(url: str, docs: list[Document]) -> None:
    deny, nato, weather, _ = docs
    with Store(url) as store:
        for doc in (deny, nato, weather):
            store.save(doc)
        first = store.threads(min_size=1)[0]
        # named after its earliest member by publication date: NATO's, saved second; the
        # denial's thread merged into it and its old id still resolves
        assert first["contested"] and first["thread_id"].startswith(nato.id)
        with store.engine.connect() as conn:
            aliases = conn.execute(select(thread_aliases)).all()
        assert aliases and all(store.thread(old)["thread_id"] == first["thread_id"]
                               for old, new in aliases if new == first["thread_id"])
        assert "Nico Tak" in first["asserting"]
        assert any("official" in s for s in first["denying"])
        assert first["stances"]["assert"] >= 1 and first["stances"]["deny"] >= 1
        assert first["first_published"] == "2014-08-28"
        assert first["last_published"] == "2014-08-29"
        [contested] = store.threads(contested_only=True)
        assert contested == first
        shown = store.thread(first["thread_id"])
        assert shown is not None and list(shown["sides"])[:2] == ["for", "against"]
        assert all(c["span"][0] < c["span"][1] for side in shown["sides"].values() for c in side)
        members = {c["doc_id"] for side in shown["sides"].values() for c in side}
        assert members == {deny.id, nato.id}  # the weather stays out
        # filters: who (a name or a code), where, when
        assert store.threads(actor="nico tak") == [first]
        assert store.threads(actor="RUS") == [first]
        assert store.threads(actor="Forecasters", contested_only=True) == []
        assert store.threads(place="ukrain") == [first]
        assert store.threads(place="Kent", contested_only=True) == []
        assert store.threads(date_from=date(2014, 8, 29)) == [first]
        assert store.threads(date_to=date(2014, 8, 1)) == []
        # any member's doc:claim (with a document-id prefix) finds the thread
        claim = shown["sides"]["against"][0]
        assert store.thread(f"{claim['doc_id'][:8]}:{claim['claim_id']}") == shown
        assert store.thread("ffffffff:C1") is None


def test_threads_store_a_new_process_continues_the_threads(url: str,
                                                           docs: list[Document]) -> None:
    deny, nato, _, kyiv = docs
    with Store(url) as store:
        store.save(nato)
        store.save(deny)
        [before] = store.threads(contested_only=True)
    second = Store(url)  # a new process: its index comes from the stored vectors
    second.thread_embedder = counting = CountingEmbedder()
    try:
        second.save(kyiv)
        assert len(counting.texts) == len(thread_claims_of(kyiv))  # only the new article's claims
        assert sorted(counting.texts) == sorted(embedding_text(c) for c in thread_claims_of(kyiv))
        [after] = second.threads(contested_only=True)
        assert after["thread_id"] == before["thread_id"]
        assert after["size"] > before["size"]
        shown = second.thread(after["thread_id"])
        assert shown is not None
        assert any(c["doc_id"] == kyiv.id for c in shown["sides"]["for"])
    finally:
        second.close()


def test_threads_store_resaving_keeps_one_thread(url: str, docs: list[Document]) -> None:
    deny, nato, _, _ = docs
    with Store(url) as store:
        for doc in (nato, deny, deny, nato):
            store.save(doc)
        [thread] = store.threads(contested_only=True)
        assert store.count("thread_members") == store.count("claim_vectors")
        assert {c["doc_id"] for side in store.thread(thread["thread_id"])["sides"].values()
                for c in side} == {deny.id, nato.id}
    with Store(url) as again:  # a new process re-saving a document rebuilds its threads
        again.save(deny)
        [rebuilt] = again.threads(contested_only=True)
        assert rebuilt["size"] == thread["size"]
        assert again.count("thread_members") == again.count("claim_vectors")
    with Store(url) as third:  # and its stored thread ids are those a replay finds
        third.save(docs[2])
        assert third.threads(contested_only=True) == [rebuilt]


def test_threads_store_documents_without_claims_load_no_embedder(url: str,
                                                                  docs: list[Document]) -> None:
    with Store(url) as store:
        store.thread_embedder = NoEmbedder()
        store.save(replace(docs[2], claims=[], events=[]))
        assert store.count("thread_members") == 0
        assert store.threads(min_size=1) == []
