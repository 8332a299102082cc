"""Busy stores (issue 21, items 1 and 5): how long a save holds the write lock, and three
writers at once with readers, on SQLite and PostgreSQL.

    python bench/store_under_load.py lock-holds --db URL [--articles 300]
    (--db postgres-temp: a throwaway PostgreSQL server, started as tests/pg_server.py does)
        BBC articles saved one by one into an empty store, then one article of 2,000
        identical claims: the write lock's hold per saved document (Store.lock_holds, from
        the lock taken to the commit), p50/p99/max, and the whole save's time.

    python bench/store_under_load.py three-way --db URL [--bulk 300 --process 40 --api 30]
        A bulk load (`claimtrack batch ... --load-db`, the batch output made beforehand),
        `claimtrack process` and API POSTs to `claimtrack serve` at once into one store, while
        a reader lists claims every 0.2 s (in process and over HTTP) and runs `claimtrack
        claims --limit 1` now and then. Reports exit codes, POST statuses, read latencies,
        whether every article is stored exactly once and `claimtrack check`.

Both write a JSON report (--out). BBC articles from ../shared/data/corpora/bbc_news.jsonl, as
in bench/stories_bbc.py; dates spread over 120 days so threads can form.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BBC = ROOT.parent / "shared" / "data" / "corpora" / "bbc_news.jsonl"
TOKEN = "bench-token-store-under-load"
REPEATED = ("Rebels shelled the border post near Kharkiv on Monday, the defence ministry said. ")


def bbc_rows(start: int, count: int) -> list[dict[str, Any]]:
    """BBC articles as `process` reads JSONL: text (title first), date, outlet, url."""
    rows = [json.loads(line) for line in BBC.read_text("utf-8").splitlines()]
    first = date(2005, 1, 3)
    return [{"text": f"{r['title']}\n\n{r['text']}",
             "published": (first + timedelta(days=i % 120)).isoformat(), "outlet": "BBC",
             "url": f"https://bbc.example/{r['id']}"}
            for i, r in enumerate(rows[start:start + count], start)]


def quantiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"n": len(ordered), "p50": round(at(0.50), 4), "p99": round(at(0.99), 4),
            "max": round(ordered[-1], 4), "mean": round(statistics.fmean(ordered), 4)}


def lock_holds(url: str, articles: int) -> dict[str, Any]:
    from claimtrack.api import build_pipeline, process_many
    from claimtrack.model import RawDocument
    from claimtrack.settings import Settings
    from claimtrack.store.repository import Store

    settings = Settings()
    settings.pipeline.time_budget_s = 3600  # the 2,000-sentence article takes minutes
    pipeline = build_pipeline(settings)
    raws = [RawDocument(name=r["url"], content=r["text"], format="clean", outlet="BBC",  # type: ignore[arg-type]
                        published=date.fromisoformat(r["published"]))
            for r in bbc_rows(0, articles)]
    docs = process_many(raws, pipeline)
    store = Store(url)
    saves = []
    for doc in docs:
        started = time.perf_counter()
        store.save(doc)
        saves.append(time.perf_counter() - started)
    bbc = [h.seconds for h in store.lock_holds]
    compared_under_lock = sum(h.comparisons for h in store.lock_holds)
    [big] = process_many([RawDocument(name="repeated", content=REPEATED * 2000, format="clean",  # type: ignore[arg-type]
                                      outlet="Test", published=date(2005, 2, 1))], pipeline)
    started = time.perf_counter()
    store.save(big)
    big_save = time.perf_counter() - started
    report = {
        "url": url.split("@")[-1], "articles": len(docs),
        "claims": sum(len(d.claims) for d in docs),
        "lock_hold_per_document_s": quantiles(bbc),
        "whole_save_s": quantiles(saves),
        "claims_compared_under_the_lock": compared_under_lock,
        "claims_compared_in_all": store._threads.comparisons,
        "identical_claims_document": {
            "claims": len(big.claims), "lock_hold_s": round(store.lock_holds[-1].seconds, 4),
            "whole_save_s": round(big_save, 3),
            "compared_under_the_lock": store.lock_holds[-1].comparisons},
    }
    store.close()
    return report


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "claimtrack.cli", *args]


def three_way(url: str, bulk: int, process: int, api: int, work: Path) -> dict[str, Any]:
    import httpx

    from claimtrack.store.repository import Store

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CLAIMTRACK_API_TOKEN": TOKEN}
    bulk_rows, process_rows = bbc_rows(0, bulk), bbc_rows(bulk, process)
    api_rows = bbc_rows(bulk + process, api)
    for name, rows in (("bulk", bulk_rows), ("process", process_rows)):
        (work / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out = work / "batch-out"
    made = subprocess.run(_cli("batch", str(work / "bulk.jsonl"), "--out", str(out), "--engine",
                               "local", "--workers", "1", "--no-cross"),
                          env=env, capture_output=True, text=True, check=False)
    if made.returncode != 0:
        raise SystemExit(f"batch output failed: {made.stderr[-2000:]}")
    subprocess.run(_cli("migrate", "--db", url), env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(_cli("serve", "--port", str(port), "--db", url), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/claims?limit=1", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    reads: dict[str, list[float]] = {"store": [], "http": [], "cli": []}
    read_errors: list[str] = []
    loading = threading.Event()
    loading.set()

    def reader() -> None:
        store = Store(url, migrate=False)
        with httpx.Client(timeout=60) as client:
            i = 0
            while loading.is_set():
                started = time.perf_counter()
                store.claims(limit=1)
                reads["store"].append(time.perf_counter() - started)
                started = time.perf_counter()
                status = client.get(f"{base}/claims?limit=1").status_code
                reads["http"].append(time.perf_counter() - started)
                if status != 200:
                    read_errors.append(f"GET {status}")
                if i % 10 == 0:
                    started = time.perf_counter()
                    done = subprocess.run(_cli("claims", "--limit", "1", "--db", url), env=env,
                                          capture_output=True, text=True, check=False)
                    reads["cli"].append(time.perf_counter() - started)
                    if done.returncode != 0:
                        read_errors.append(f"claims exit {done.returncode}: {done.stderr[-300:]}")
                i += 1
                time.sleep(0.2)
        store.close()

    statuses: list[int] = []

    def post(rows: list[dict[str, Any]]) -> None:
        with httpx.Client(timeout=600) as client:
            response = client.post(f"{base}/documents", json=rows,
                                   headers={"Authorization": f"Bearer {TOKEN}"})
        statuses.append(response.status_code)

    started = time.perf_counter()
    read_thread = threading.Thread(target=reader)
    read_thread.start()
    loader = subprocess.Popen(_cli("batch", str(work / "bulk.jsonl"), "--out", str(out),
                                   "--engine", "local", "--no-cross", "--load-db", url),
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
    processor = subprocess.Popen(_cli("process", str(work / "process.jsonl"), "--db", url),
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 text=True)
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(post, [api_rows[i:i + 3] for i in range(0, len(api_rows), 3)]))
    _, loader_err = loader.communicate()
    _, processor_err = processor.communicate()
    took = time.perf_counter() - started
    loading.clear()
    read_thread.join()
    server.terminate()
    server.wait(timeout=60)
    check = subprocess.run(_cli("check", "--json", "--db", url), env=env, capture_output=True,
                           text=True, check=False)
    with Store(url, migrate=False) as store:
        stored = store.count("documents")
        ids = {row["id"] for row in store.documents(limit=None)}
    expected = len({r["text"] for r in bulk_rows + process_rows + api_rows})
    return {
        "url": url.split("@")[-1], "seconds": round(took, 1),
        "bulk_load_exit": loader.returncode, "process_exit": processor.returncode,
        "post_statuses": {str(s): statuses.count(s) for s in sorted(set(statuses))},
        "articles_expected": expected, "documents_stored": stored, "distinct_ids": len(ids),
        "check_exit": check.returncode,
        "check_problems": json.loads(check.stdout).get("problems", []) if check.stdout else None,
        "reads_store_s": quantiles(reads["store"]), "reads_http_s": quantiles(reads["http"]),
        "reads_cli_wall_s": quantiles(reads["cli"]), "read_errors": read_errors[:10],
        "loader_stderr_tail": loader_err[-600:] if loader.returncode else "",
        "process_stderr_tail": processor_err[-600:] if processor.returncode else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["lock-holds", "three-way"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--bulk", type=int, default=300)
    parser.add_argument("--process", type=int, default=40)
    parser.add_argument("--api", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    server = None
    if args.db == "postgres-temp":  # a throwaway server, as the tests start one
        sys.path.insert(0, str(ROOT))
        from tests.pg_server import PostgresServer, find_bin_dir

        bin_dir = find_bin_dir()
        if bin_dir is None:
            raise SystemExit("PostgreSQL binaries not found")
        server = PostgresServer.start(bin_dir)
        args.db = server.database()
    try:
        if args.mode == "lock-holds":
            report = lock_holds(args.db, args.articles)
        else:
            with tempfile.TemporaryDirectory() as work:
                report = three_way(args.db, args.bulk, args.process, args.api, Path(work))
    finally:
        if server is not None:
            server.stop()
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", "utf-8")


if __name__ == "__main__":
    main()
