"""Several writers on one store at once: nothing lost, nothing stored twice, `check` passes.

Writers are real ``claimtrack process`` processes started together on one store (SQLite in WAL
mode, where a writer takes BEGIN IMMEDIATE and waits out the others with busy_timeout; on
PostgreSQL, an advisory lock), each with articles of its own and articles every writer also
has. Then the web API: concurrent submissions and reads through a real uvicorn server. Each
stored article is compared with what one sequential run stores. Rerun with::

    pytest -m slow tests/test_concurrency.py
"""

from __future__ import annotations

import multiprocessing
import random
import socket
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from claimtrack.store.check import check_store
from claimtrack.store.repository import Store
from tests.test_crash_safety import (
    ENV,
    article,
    assert_whole,
    cli,
    run,
    stored_documents,
    write_articles,
)

WRITERS = 4
OWN = 6  # articles only one writer has
SHARED = range(100, 106)  # articles every writer has (same text: same document id)


def writer_inputs(folder: Path) -> list[Path]:
    return [write_articles(folder / f"writer-{k}.jsonl", [*range(k * OWN, (k + 1) * OWN), *SHARED])
            for k in range(WRITERS)]


@pytest.fixture(scope="module")
def sequential(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], dict[str, Any], str]:
    """The writers' inputs, what one process storing them all in turn stores, and where."""
    folder = tmp_path_factory.mktemp("writers")
    inputs = writer_inputs(folder)
    url = f"sqlite:///{folder / 'sequential.db'}"
    done = run(cli("process", *map(str, inputs), "--db", url))
    assert done.returncode == 0, done.stderr[-2000:]
    docs = stored_documents(url)
    assert len(docs) == WRITERS * OWN + len(SHARED)
    return inputs, docs, url


@pytest.mark.slow
def test_concurrency_writer_processes_lose_and_duplicate_nothing(
        store_url: str, sequential: tuple[list[Path], dict[str, Any], str]) -> None:
    inputs, docs, _ = sequential
    Store(store_url).close()  # migrate once up front, as a deployment does
    jobs = [subprocess.Popen(cli("process", str(path), "--db", store_url), env=ENV, text=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for path in inputs]
    outputs = [job.communicate(timeout=600)[1] for job in jobs]
    for job, err in zip(jobs, outputs, strict=True):
        assert job.returncode == 0, err[-2000:]
        assert "database is locked" not in err
    # a shared article keeps the input name of whichever writer saved it last
    assert assert_whole(store_url, docs, same_input=False) == len(docs)
    with Store(store_url) as store:
        assert store.count("claims") == sum(len(d.claims) for d in docs.values())
        assert store.count("events") == sum(len(d.events) for d in docs.values())
        stories = Counter(row["story_id"] for row in _story_rows(store))
    assert sum(stories.values()) == len(docs)  # every article in exactly one story
    checked = run(cli("check", "--db", store_url))
    assert checked.returncode == 0, checked.stdout


def save_storm(job: tuple[str, str, int]) -> int:
    """One writer process of the storm: read the reference articles and save them all into
    the store at ``url`` twice, one by one in a shuffled order and then with save_many in
    batches of five; how many saves it made."""
    reference_url, url, seed = job
    source = stored_documents(reference_url)
    docs = list(source.values())
    random.Random(seed).shuffle(docs)
    with Store(url) as store:
        for doc in docs:
            store.save(doc)
        saved = store.save_many(docs, batch_size=5)
    return len(docs) + saved


@pytest.mark.slow
def test_concurrency_save_storm_from_spawned_processes(
        store_url: str, sequential: tuple[list[Path], dict[str, Any], str]) -> None:
    """No pipeline in between: saves back to back, the most contention writers can make."""
    _, docs, reference_url = sequential
    Store(store_url).close()
    context = multiprocessing.get_context("spawn")
    with context.Pool(WRITERS) as pool:
        saves = pool.map(save_storm, [(reference_url, store_url, k) for k in range(WRITERS)])
    assert saves == [2 * len(docs)] * WRITERS
    assert assert_whole(store_url, docs) == len(docs)
    with Store(store_url) as store:
        assert store.count("claims") == sum(len(d.claims) for d in docs.values())


def _story_rows(store: Store) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from claimtrack.store.schema import story_members

    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(story_members)).mappings()]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


TOKEN = "concurrency-test-token-0123456789"


@pytest.mark.slow
def test_concurrency_api_writes_and_reads_in_parallel(
        store_url: str, pipeline: Any, sequential: tuple[list[Path], dict[str, Any], str]) -> None:
    import uvicorn

    from claimtrack.web.app import create_app

    inputs, docs, _ = sequential
    app = create_app(store_url, token=TOKEN, pipeline=pipeline, with_pages=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           ws="none", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    # each article is posted by two threads at once (overlapping writes), in batches of three,
    # round after round until a `claimtrack process` writing all of them into the same store
    # from another process is done; readers list everything meanwhile
    indexes = [*range(WRITERS * OWN), *SHARED]
    batches = [indexes[i:i + 3] for i in range(0, len(indexes), 3)] * 2
    statuses: list[int] = []
    stored_ids: Counter[str] = Counter()
    lock = threading.Lock()
    writing = threading.Event()

    def post(batch: list[int]) -> None:
        with httpx.Client(timeout=120) as client:
            response = client.post(f"{base}/documents", json=[article(i) for i in batch],
                                   headers={"Authorization": f"Bearer {TOKEN}"})
        with lock:
            statuses.append(response.status_code)
            if response.status_code == 200:
                assert not response.json()["errors"], response.json()["errors"]
                stored_ids.update(s["id"] for s in response.json()["stored"])

    def read() -> None:
        paths = ["/claims", "/events", "/places", "/documents", "/stories", "/threads"]
        with httpx.Client(timeout=120) as client:
            i = 0
            while writing.is_set() or i < 12:
                response = client.get(base + paths[i % len(paths)])
                with lock:
                    statuses.append(response.status_code)
                i += 1

    rounds = 0
    writing.set()
    with subprocess.Popen(cli("process", *map(str, inputs), "--db", store_url), env=ENV,
                          text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as writer:
        try:
            with ThreadPoolExecutor(max_workers=8) as pool:
                readers = [pool.submit(read) for _ in range(2)]
                while rounds < 2 or (writer.poll() is None and rounds < 5):
                    for future in [pool.submit(post, b) for b in batches]:
                        future.result()
                    rounds += 1
                writing.clear()
                for future in readers:
                    future.result()
        finally:
            writing.clear()
            server.should_exit = True
            thread.join(timeout=30)
            _, err = writer.communicate(timeout=300)
    assert writer.returncode == 0, err[-2000:]
    print(f"API: {rounds} rounds of {len(batches)} POSTs, responses {dict(Counter(statuses))}")
    assert not [s for s in statuses if s >= 500], Counter(statuses)
    assert set(statuses) == {200}, Counter(statuses)
    assert stored_ids == Counter({i: 2 * rounds for i in docs})  # each article, every time
    by_text = {d.text: d for d in docs.values()}
    reference = {by_text[article(i)["text"]].id: by_text[article(i)["text"]] for i in indexes}
    assert assert_whole(store_url, reference, same_input=False) == len(reference)
    with Store(store_url) as store:
        report = check_store(store)
    assert report.ok, report.problems
