"""Linking speed of the thread index against an earlier version of it, in one run.

Run: ``python bench/threads_compare.py --old PATH/TO/old/threads.py [--target 100000]``
(for issue 16 the old file was ``src/claimtrack/threads.py`` at commit 39409fd:
``git show 39409fd:src/claimtrack/threads.py > /tmp/threads_old.py``). The BBC corpus
(``../shared/data/corpora/bbc_news.jsonl``) runs through the pipeline once; each index then
gets the claims it would take from those documents, copied a year apart until it holds
``--target`` claims, as ``bench/threads_scale.py`` does. Embedding and linking are timed in CPU
seconds of this process (other work on the machine does not count), old and new alternating
twice; the ratio is new claims/s over old claims/s. Writes ``bench/results/threads_compare.json``.
Exits 4 when the corpus is absent.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import pickle
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results" / "threads_compare.json"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpora" / "bbc_news.jsonl"


def documents(n_articles: int, cache: Path | None) -> list[Any]:
    if cache and cache.exists():
        return pickle.loads(cache.read_bytes())
    import claimtrack
    from claimtrack.readers import raw_from_string

    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")][:n_articles]
    raws = [raw_from_string(f"{r['title']}\n\n{r['text']}", name=f"bbc-{r['id']}",
                            published=date(2005, 1, 1)) for r in rows]
    docs = claimtrack.process_many(raws)
    if cache:
        cache.write_bytes(pickle.dumps(docs))
    return docs


def run(index: Any, base: list[Any], target: int) -> dict[str, Any]:
    """Add ``target`` claims (copies of ``base`` a year apart) in batches of 1,000."""
    started_cpu, started = time.process_time(), time.perf_counter()
    added, copy = 0, 0
    while added < target:
        batch = [dataclasses.replace(c, doc_id=f"{c.doc_id}-{copy}",
                                     published=date(2005 + copy, 1, 1))
                 for c in base][: target - added]
        for start in range(0, len(batch), 1000):
            index.add(batch[start:start + 1000])
        added += len(batch)
        copy += 1
    cpu = time.process_time() - started_cpu
    return {"claims": added, "cpu_seconds": round(cpu, 2),
            "wall_seconds": round(time.perf_counter() - started, 2),
            "claims_per_cpu_second": round(added / cpu),
            "threads_of_two_or_more": len(index.threads())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="the earlier threads.py")
    parser.add_argument("--articles", type=int, default=2225)
    parser.add_argument("--target", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, help="pickle of the processed documents")
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent", file=sys.stderr)
        return 4
    spec = importlib.util.spec_from_file_location("threads_old", args.old)
    assert spec and spec.loader
    old = importlib.util.module_from_spec(spec)
    sys.modules["threads_old"] = old  # dataclasses look their module up while decorating
    spec.loader.exec_module(old)
    from claimtrack.link.threads import ThreadIndex, default_embedder, thread_claims_of

    docs = documents(args.articles, args.cache)
    base_new = [c for d in docs for c in thread_claims_of(d)]
    base_old = [c for d in docs for c in old.claims_of(d)]
    embedder = default_embedder()
    result: dict[str, Any] = {"articles": len(docs), "target": args.target, "runs": []}
    for _round in range(2):
        result["runs"].append({
            "old": run(old.ThreadIndex(embedder), base_old, args.target),
            "new": run(ThreadIndex(embedder), base_new, args.target),
        })
        print(json.dumps(result["runs"][-1]), flush=True)
    best_old = max(r["old"]["claims_per_cpu_second"] for r in result["runs"])
    best_new = max(r["new"]["claims_per_cpu_second"] for r in result["runs"])
    result["ratio_new_over_old"] = round(best_new / best_old, 3)
    print(f"new / old claims per CPU second: {result['ratio_new_over_old']}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
