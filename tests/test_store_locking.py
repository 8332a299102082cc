"""Busy stores: readers never wait for a writer, a writer links claims before it takes the
write lock, waits for the lock a bounded time and says so, and a writer that raced another
stores the same threads as one that did not. Real SQLite files and a real PostgreSQL server
(``store_url`` runs each test on both), real ``claimtrack`` processes.

The lock is held from outside by a real transaction (SQLite's BEGIN IMMEDIATE, PostgreSQL's
advisory lock: what a writer mid-save holds). Lock holds are read from ``Store.lock_holds``:
the claims the link rule compared while the lock was held, never a duration.
"""

from __future__ import annotations

import random
import signal
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from claimtrack.errors import StoreError
from claimtrack.link.threads import ThreadClaim, ThreadIndex
from claimtrack.model import Document
from claimtrack.store.check import check_store
from claimtrack.store.engine import WRITE, migrate, open_engine
from claimtrack.store.repository import Store
from claimtrack.store.schema import thread_aliases, thread_members
from tests.test_crash_safety import ENV, cli, write_articles
from tests.test_store import doc_border
from tests.test_threads import ASSERTION, DENIAL, WEATHER
from tests.test_threads_store import KYIV, processed


@contextmanager
def write_lock_held(url: str) -> Iterator[None]:
    """The store's write lock, taken as a writer takes it and held until the block ends."""
    engine = open_engine(url)
    try:
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            conn.execute(select(1))
            yield
    finally:
        engine.dispose()


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=False, env={**ENV, **env}, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def docs(pipeline: Any) -> list[Document]:
    return processed(pipeline, ("deny.txt", DENIAL, date(2014, 8, 29)),
                     ("nato.txt", ASSERTION, date(2014, 8, 28)),
                     ("weather.txt", WEATHER, date(2014, 8, 28)),
                     ("kyiv.txt", KYIV, date(2014, 8, 29)))


def threads_of(url: str) -> tuple[frozenset[tuple[str, frozenset[str]]], frozenset[Any]]:
    """Threads as (id, members) pairs, and the thread aliases."""
    with Store(url) as store, store.engine.connect() as conn:
        threads: dict[str, set[str]] = {}
        for thread_id, doc_id, claim_id in conn.execute(select(
                thread_members.c.thread_id, thread_members.c.doc_id, thread_members.c.claim_id)):
            threads.setdefault(thread_id, set()).add(f"{doc_id}:{claim_id}")
        aliases = frozenset(tuple(r) for r in conn.execute(select(thread_aliases)))
    return frozenset((t, frozenset(m)) for t, m in threads.items()), aliases


def test_store_locking_readers_do_not_wait_for_a_writer(store_url: str) -> None:
    """claims and check answer while a writer holds the lock (they used to migrate at open,
    under the lock, and exit 4 "database is locked" after 30 s, or wait for ever on
    PostgreSQL)."""
    with Store(store_url) as store:
        store.save(doc_border())
    with write_lock_held(store_url):
        for command in (["claims", "--json"], ["check"], ["threads"], ["documents"]):
            done = _run(cli(*command, "--db", store_url), CLAIMTRACK_LOCK_WAIT="60")
            assert done.returncode == 0, (command, done.stderr)


def test_store_locking_a_run_that_cannot_get_the_lock_exits_4_saying_so(
        store_url: str) -> None:
    engine = open_engine(store_url)
    migrate(engine, "0011")  # an older schema: process and migrate must take the lock
    engine.dispose()
    with write_lock_held(store_url):
        done = _run(cli("migrate", "--db", store_url), CLAIMTRACK_LOCK_WAIT="1")
    assert done.returncode == 4, done.stderr
    assert "is busy" in done.stderr and "CLAIMTRACK_LOCK_WAIT" in done.stderr
    assert "Traceback" not in done.stderr


def test_store_locking_a_save_waits_a_bounded_time_and_the_next_relinks_before_the_lock(
        store_url: str, docs: list[Document], monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that cannot get the lock fails with a clear message and stores nothing; the
    next save rebuilds the thread index it dropped before taking the lock, not under it."""
    monkeypatch.setenv("CLAIMTRACK_LOCK_WAIT", "1")
    store = Store(store_url)
    store.save(docs[0])
    with write_lock_held(store_url), pytest.raises(StoreError, match="is busy"):
        store.save(docs[1])
    assert store.resolve(docs[1].id) is None
    compared = store._threads.comparisons
    store.save(docs[1])
    assert store._threads.comparisons > compared  # the index was rebuilt and linked ...
    assert store.lock_holds[-1].comparisons == 0  # ... before the lock was taken
    assert check_store(store).ok
    store.close()


def test_store_locking_claims_are_linked_before_the_lock(store_url: str,
                                                        docs: list[Document]) -> None:
    with Store(store_url) as store:
        for doc in docs:
            store.save(doc)
        store.save_many(docs[:2])  # re-saved: the index is rebuilt, still before the lock
        assert store._threads.comparisons > 0
        assert [h.comparisons for h in store.lock_holds] == [0] * (len(docs) + 1)
        contested = store.threads(contested_only=True)
        assert contested and contested[0]["size"] >= 2
        assert check_store(store).ok


class Interleaved(Store):
    """A Store that runs ``meanwhile`` once, after it linked its claims against a snapshot
    and before it takes the write lock: another writer's commit lands in between."""

    meanwhile: Callable[[], None] | None = None

    @contextmanager
    def _snapshot(self) -> Iterator[Any]:
        with super()._snapshot() as conn:
            yield conn
        if self.meanwhile is not None:
            action, self.meanwhile = self.meanwhile, None
            action()


@pytest.mark.parametrize("race", ["adds", "resaves-ours", "deletes", "resaves-other"])
def test_store_locking_a_writer_that_raced_another_stores_the_same_threads(
        store_url: str, tmp_path: Path, docs: list[Document], race: str) -> None:
    """Another writer commits between this writer's linking and its lock: the stored threads
    equal those of the same saves made one after the other, and check is clean."""
    deny, nato, weather, kyiv = docs
    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    ours, theirs = Interleaved(store_url), Store(store_url)
    ours.save(weather)
    if race in ("deletes", "resaves-other"):
        theirs.save(deny)
    with Store(reference) as serial:
        serial.save(weather)
        if race in ("deletes", "resaves-other"):
            serial.save(deny)
        if race == "adds":
            serial.save(nato)
            serial.save(kyiv)
        elif race == "resaves-ours":
            serial.save(kyiv)
            serial.save(kyiv)
        elif race == "deletes":
            serial.delete(deny.id)
            serial.save(kyiv)
        else:
            serial.save(deny)
            serial.save(kyiv)
    other = {"adds": lambda: theirs.save(nato), "resaves-ours": lambda: theirs.save(kyiv),
             "deletes": lambda: theirs.delete(deny.id),
             "resaves-other": lambda: theirs.save(deny)}[race]
    ours.meanwhile = other
    ours.save(kyiv)
    assert ours.meanwhile is None
    assert threads_of(store_url)[0] == threads_of(reference)[0]
    assert check_store(ours).ok
    ours.close()
    theirs.close()


def _claim(doc: str, n: int, words: tuple[str, ...], published: date,
           stance: str = "assert") -> ThreadClaim:
    keys = frozenset(words) | {f"pred:{words[0]}"}
    return ThreadClaim(doc_id=doc, claim_id=f"c{n}", text=" ".join(words), stance=stance,
                       source="Ministry", published=published, keys=keys)


def test_store_locking_identical_claims_of_one_document_are_compared_once() -> None:
    """2,000 copies of one claim in one article: linked to the matching claim of another
    article, all in its thread, with a handful of comparisons instead of ~2 million."""
    words = ("shelled", "border", "post", "rebels")
    vector = np.ones(8, dtype=np.float32) / np.sqrt(8)
    day = date(2014, 8, 28)
    copies = [_claim("a" * 32, i, words, day) for i in range(2000)]
    index = ThreadIndex()
    index.add_with_vectors(copies, [vector] * len(copies))
    index.add_with_vectors([_claim("b" * 32, 0, words, day)], [vector])
    assert index.comparisons <= 10
    [thread] = index.threads()
    assert len(thread.claims) == 2001


@pytest.mark.parametrize("seed", range(6))
def test_store_locking_twins_give_the_threads_comparing_every_claim_gives(seed: int) -> None:
    """Random claims with many exact repeats in one article, added in random calls: thread ids
    and reported renames equal those of the index comparing every claim (dedup=False)."""
    rng = random.Random(seed)
    vocab = ["troops", "border", "shelled", "post", "ferry", "bridge", "closed", "port"]
    prototypes = [rng.random() for _ in range(3)]
    vectors = {p: np.array([1.0, p, 0.3], dtype=np.float32) / np.linalg.norm([1.0, p, 0.3])
               for p in prototypes}
    claims, claim_vectors = [], []
    for n in range(160):
        doc = f"{rng.randrange(6):032x}"
        if claims and rng.random() < 0.5:  # a repeat of an earlier claim of some document
            base = rng.choice(claims)
            twin = ThreadClaim(doc_id=base.doc_id, claim_id=f"r{n}", text=base.text,
                               stance=base.stance, source=base.source,
                               published=base.published, keys=base.keys,
                               polarity=base.polarity)
            claims.append(twin)
            claim_vectors.append(claim_vectors[claims.index(base)])
            continue
        words = tuple(rng.sample(vocab, 3))
        stance = rng.choice(["assert", "deny"])
        claims.append(_claim(doc, n, words, date(2014, 8, 1) + timedelta(days=rng.randrange(200)),
                             stance))
        claim_vectors.append(vectors[rng.choice(prototypes)])
    cuts = sorted(rng.sample(range(1, len(claims)), 8))
    results = []
    for dedup in (True, False):
        index, renamed, ids = ThreadIndex(dedup=dedup), [], []
        for lo, hi in zip([0, *cuts], [*cuts, len(claims)]):
            ids.extend(index.add_with_vectors(claims[lo:hi], claim_vectors[lo:hi], renamed))
        final = [index.thread_id(i) for i in range(len(claims))]
        results.append((ids, renamed, final, index.comparisons))
    assert results[0][:3] == results[1][:3]
    assert results[0][3] < results[1][3]


def test_store_locking_ctrl_c_exits_130_and_leaves_the_store_whole(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    inputs = write_articles(tmp_path / "articles.jsonl", range(400))
    with subprocess.Popen(cli("process", str(inputs), "--db", url), env=ENV, text=True,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as job:
        assert job.stderr is not None
        while (line := job.stderr.readline()) and not line.startswith("stored "):
            pass
        job.send_signal(signal.SIGINT)
        rest = job.stderr.read()
        job.wait(timeout=120)
    assert job.returncode == 130, rest
    assert "interrupted" in rest and "Aborted" not in rest and "Traceback" not in rest
    with Store(url) as store:
        assert check_store(store).ok


def test_store_locking_threads_saving_through_one_store_give_the_serial_threads(
        store_url: str, tmp_path: Path, docs: list[Document]) -> None:
    """Saves from several threads of one process (the API's workers) share one Store, whose
    indexes are linked into before the database lock: they still get the serial threads."""
    from concurrent.futures import ThreadPoolExecutor

    reference = f"sqlite:///{tmp_path / 'reference.db'}"
    with Store(reference) as serial:
        for doc in docs:
            serial.save(doc)
    with Store(store_url) as shared, ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(shared.save, [*docs, *docs]))
        assert check_store(shared).ok
    assert {members for _, members in threads_of(store_url)[0]} == {
        members for _, members in threads_of(reference)[0]}
