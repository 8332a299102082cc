"""Stories and threads do not depend on the order articles arrive in, in one run or many.

200 BBC articles plus the seed are stored in three different orders and in two split runs
(two Store objects, as two processes would be); each store's stories (as sets of documents)
and threads (members and ids) must be equal. Adding an unrelated article never removes a claim
from a thread. Reads ../shared (skipped when absent).
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from claimtrack.model import Document, RawDocument
from claimtrack.store.repository import Store
from claimtrack.store.schema import story_members, thread_members
from tests.conftest import SEED, SHARED, requires_shared

BBC = SHARED / "data" / "corpora" / "bbc_news.jsonl"
N_ARTICLES = 200


@pytest.fixture(scope="module")
def corpus(pipeline: Any) -> list[Document]:
    from claimtrack.api import process_many
    from claimtrack.readers import read_inputs

    rows = [json.loads(line) for line in BBC.read_text("utf-8").splitlines()[:N_ARTICLES]]
    start = date(2005, 1, 3)
    raws = [RawDocument(name=r["id"], content=f"{r['title']}\n\n{r['text']}", format="clean",  # type: ignore[arg-type]
                        outlet="BBC", published=start + timedelta(days=i % 120))
            for i, r in enumerate(rows)]
    [seed] = read_inputs([str(SEED)], published=date(2014, 8, 28))
    return process_many([*raws, seed], pipeline)


def snapshot(url: str) -> tuple[frozenset[frozenset[str]], frozenset[tuple[str, frozenset[str]]]]:
    """Stories as a partition of documents; threads as (id, members) pairs."""
    with Store(url) as store, store.engine.connect() as conn:
        stories: dict[str, set[str]] = {}
        for story_id, doc_id in conn.execute(select(story_members.c.story_id,
                                                    story_members.c.doc_id)):
            stories.setdefault(story_id, set()).add(doc_id)
        threads: dict[str, set[str]] = {}
        for thread_id, doc_id, claim_id in conn.execute(select(
                thread_members.c.thread_id, thread_members.c.doc_id, thread_members.c.claim_id)):
            threads.setdefault(thread_id, set()).add(f"{doc_id}:{claim_id}")
    return (frozenset(frozenset(s) for s in stories.values()),
            frozenset((t, frozenset(m)) for t, m in threads.items()))


@pytest.mark.slow
@requires_shared(BBC)
@requires_shared(SEED)
def test_determinism_orders_and_split_runs_agree(corpus: list[Document], tmp_path: Path) -> None:
    orders = [list(corpus), list(reversed(corpus))]
    shuffled = list(corpus)
    random.Random(16).shuffle(shuffled)
    orders.append(shuffled)
    results = []
    for n, order in enumerate(orders):
        url = f"sqlite:///{tmp_path / f'order{n}.db'}"
        with Store(url) as store:
            for doc in order:
                store.save(doc)
        results.append(snapshot(url))
    for n, order in enumerate([shuffled, list(reversed(shuffled))]):  # two runs, two processes
        url = f"sqlite:///{tmp_path / f'split{n}.db'}"
        half = len(order) // 2
        with Store(url) as first:
            for doc in order[:half]:
                first.save(doc)
        with Store(url) as second:
            second.save_many(order[half:])
        results.append(snapshot(url))
    stories, threads = results[0]
    assert len([t for t in threads if len(t[1]) > 1]) >= 10
    for other_stories, other_threads in results[1:]:
        assert other_stories == stories
        assert other_threads == threads


@pytest.mark.slow
@requires_shared(BBC)
@requires_shared(SEED)
def test_determinism_an_unrelated_article_removes_no_claim(corpus: list[Document],
                                                           tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'grow.db'}"
    *bbc, seed = corpus
    with Store(url) as store:
        store.save(seed)
        for doc in bbc[:100]:
            store.save(doc)
    _, before = snapshot(url)
    with Store(url) as store:
        for doc in bbc[100:]:
            store.save(doc)
    _, after = snapshot(url)
    after_members = [m for _, m in after]
    for _thread_id, members in before:
        assert any(members <= grown for grown in after_members)
    seed_threads = {t: m for t, m in before if any(k.startswith(seed.id) for k in m)}
    for thread_id, members in seed_threads.items():  # 2005 news touches no 2014 thread
        assert (thread_id, members) in after
