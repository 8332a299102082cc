"""How the claim-thread index scales: claims from the BBC corpus, copied to reach a target count.

Run: ``python bench/threads_scale.py [--articles N] [--target 100000]``. The pipeline runs on
the first N BBC articles (``../shared/data/corpora/bbc_news.jsonl``); their claims are then
added to a :class:`claimtrack.link.threads.ThreadIndex` again and again, each copy dated a year
after the last, until the index holds ``--target`` claims. The copies stress what grows with
the index (blocking postings, vectors, union-find) while the 90-day window keeps a copy from
linking to the claims it copies, as a year of news would. Prints claims per second at each
10% of the way and the totals, and writes ``bench/results/threads_scale.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from datetime import date
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results" / "threads_scale.json"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpora" / "bbc_news.jsonl"


def bbc_claims(n_articles: int) -> list:
    import claimtrack
    from claimtrack.link.threads import thread_claims_of
    from claimtrack.readers import raw_from_string

    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")][:n_articles]
    raws = [raw_from_string(f"{r['title']}\n\n{r['text']}", name=f"bbc-{r['id']}",
                            published=date(2005, 1, 1)) for r in rows]
    claims = []
    for doc in claimtrack.process_many(raws):
        claims.extend(thread_claims_of(doc))
    return claims


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2225)
    parser.add_argument("--target", type=int, default=100_000)
    parser.add_argument("--cache", type=Path, help="Pickle of the BBC claims: read it if it "
                        "exists, else write it after the pipeline ran (saves minutes on reruns).")
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent")
        return {}
    import pickle

    from claimtrack.link.threads import ThreadIndex, default_embedder

    started = time.perf_counter()
    if args.cache and args.cache.exists():
        base = pickle.loads(args.cache.read_bytes())
    else:
        base = bbc_claims(args.articles)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(base))
    pipeline_seconds = time.perf_counter() - started
    index = ThreadIndex(default_embedder())
    progress, copy, added = [], 0, 0
    started = time.perf_counter()
    while added < args.target:
        shifted = date(2005 + copy, 1, 1)
        batch = [dataclasses.replace(c, doc_id=f"{c.doc_id}-{copy}", published=shifted)
                 for c in base][: args.target - added]
        for start in range(0, len(batch), 1000):
            index.add(batch[start:start + 1000])
            added += len(batch[start:start + 1000])
            if added % (args.target // 10) < 1000:
                elapsed = time.perf_counter() - started
                progress.append({"claims": added, "seconds": round(elapsed, 1),
                                 "claims_per_second": round(added / elapsed)})
                print(progress[-1], flush=True)
        copy += 1
    seconds = time.perf_counter() - started
    threads = index.threads()
    result = {
        "articles": args.articles, "claims_per_copy": len(base), "copies": copy,
        "claims": added, "pipeline_seconds": round(pipeline_seconds, 1),
        "index_seconds": round(seconds, 1), "claims_per_second": round(added / seconds),
        "threads_of_two_or_more": len(threads),
        "contested_threads": sum(t.contested for t in threads),
        "progress": progress,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "progress"}, indent=2))
    return result


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
