"""Benchmark: how fast claimtrack runs, against the bare spaCy parse, on one machine and on Spark.

Three measurements, each a ratio taken within one run of this script (the machines are shared
and noisy, so absolute figures move; ratios measured side by side move much less):

(a) in process: the full pipeline against a bare ``nlp.pipe`` of the same texts with the same
    model, alternating A B A B and keeping the best of each (``attribution_overhead.py``);
    articles/s, words/s, time per stage and peak memory. Target: pipeline >= 0.85 x bare
    parse, peak RSS <= 1.5 GB.
(b) worker scaling: ``claimtrack batch --engine local`` with 1 and then 2 worker processes on
    the same chunks, timed after every worker has built its pipeline. Target: 2 workers >=
    1.7 x one worker. Peak RSS is each worker's own.
(c) Spark local mode: ``claimtrack batch`` on ``local[1]`` and ``local[2]``, timed after the
    JVM has started and every Python worker has built its pipeline (a warm-up job of one tiny
    chunk per core). Target: local[2] >= 1.6 x local[1].

Both scaling parts write Parquet to a temporary directory and run the per-document step only
(stories and threads are whole-corpus steps, measured by threads_scale.py and stories_bbc.py).

    python bench/throughput.py [--parts abc] [--limit N] [--spark-limit N] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attribution_overhead as inprocess

from claimtrack.batch.chunks import Chunk, plan_chunks
from claimtrack.batch.job import (
    DEFAULT_MAX_BYTES,
    pool_task,
    run_spark,
    spark_session,
    worker_pipeline,
)
from claimtrack.batch.output import BatchOutput
from claimtrack.errors import ClaimtrackError
from claimtrack.evaluation.base import default_data_dir

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "throughput.json"
TARGETS = {"pipeline_vs_bare": 0.85, "peak_rss_mb": 1536, "workers_2_vs_1": 1.7,
           "spark_2_vs_1": 1.6}
CHUNKS_PER_CORE = 6  # enough chunks that two workers finish close together


def write_corpus(articles: Sequence[tuple[str, str]], path: Path) -> Path:
    """The articles as the JSONL a batch job reads."""
    with path.open("w", encoding="utf-8") as handle:
        for name, text in articles:
            handle.write(json.dumps({"id": name, "text": text}) + "\n")
    return path


def even_chunks(path: Path, count: int) -> list[Chunk]:
    """About ``count`` chunks of the file."""
    return plan_chunks([str(path)], chunk_bytes=max(1, path.stat().st_size // count))[0]


def time_workers(workers: int, chunks: Sequence[Chunk]) -> dict[str, Any]:
    """(b) one run of the chunks on a pool of ``workers`` processes, pipelines built first."""
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as out, context.Pool(workers, worker_pipeline) as pool:
        # each worker builds its pipeline when it starts; a sleep per worker waits for that
        pool.map(time.sleep, [0.5] * (workers * 2), chunksize=1)
        started = time.perf_counter()
        results = pool.map(pool_task, [(c, out, DEFAULT_MAX_BYTES) for c in chunks], chunksize=1)
        seconds = time.perf_counter() - started
    failed = [r.failed for r in results if r.failed]
    if failed:
        raise ClaimtrackError(f"benchmark chunks failed: {failed[:3]}")
    documents = sum(r.documents for r in results)
    return {"workers": workers, "seconds": seconds, "documents": documents,
            "articles_per_s": documents / seconds,
            "worker_peak_rss_mb": max(r.peak_rss_mb for r in results)}


def time_spark(master: str, cores: int, chunks: Sequence[Chunk],
               warmup: Sequence[Chunk]) -> dict[str, Any]:
    """(c) one Spark session: warm-up job, then the timed job on the chunks."""
    session = spark_session(master, app_name=f"claimtrack bench {master}")
    try:
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            run_spark(list(warmup[:cores]), BatchOutput(Path(out) / "warmup"), session)
            warm_seconds = time.perf_counter() - started
            started = time.perf_counter()
            results = run_spark(list(chunks), BatchOutput(Path(out) / "run"), session)
            seconds = time.perf_counter() - started
    finally:
        session.stop()
    failed = [r.failed for r in results if r.failed]
    if failed:
        raise ClaimtrackError(f"benchmark chunks failed: {failed[:3]}")
    documents = sum(r.documents for r in results)
    return {"master": master, "seconds": seconds, "documents": documents,
            "articles_per_s": documents / seconds, "warmup_seconds": warm_seconds,
            "worker_peak_rss_mb": max(r.peak_rss_mb for r in results)}


def run(parts: str, articles: Sequence[tuple[str, str]],
        spark_articles: Sequence[tuple[str, str]], rounds: int) -> dict[str, Any]:
    results: dict[str, Any] = {
        "benchmark": "throughput", "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "targets": TARGETS, "cpu_count": multiprocessing.cpu_count(),
    }
    if "a" in parts:
        a = inprocess.run_benchmark(articles)
        ratio = a["pipeline"]["articles_per_s"] / a["bare_parse"]["articles_per_s"]
        results["a_in_process"] = {
            "n_articles": a["n_articles"], "n_words": a["n_words"],
            "bare_parse": {k: a["bare_parse"][k] for k in ("articles_per_s", "words_per_s")},
            "pipeline": {k: a["pipeline"][k] for k in ("articles_per_s", "words_per_s",
                                                        "stages_best_seconds")},
            "pipeline_vs_bare": ratio, "peak_rss_mb": a["memory_peak_rss_mb"]["after_all_runs"],
            "meets": bool(ratio >= TARGETS["pipeline_vs_bare"]
                          and a["memory_peak_rss_mb"]["after_all_runs"] <= TARGETS["peak_rss_mb"]),
        }
    with tempfile.TemporaryDirectory() as folder:
        if "b" in parts:
            corpus = write_corpus(articles, Path(folder) / "workers.jsonl")
            chunks = even_chunks(corpus, 2 * CHUNKS_PER_CORE)
            runs = [time_workers(n, chunks) for _ in range(rounds) for n in (1, 2)]
            best = {n: max((r for r in runs if r["workers"] == n),
                           key=lambda r: r["articles_per_s"]) for n in (1, 2)}
            ratio = best[2]["articles_per_s"] / best[1]["articles_per_s"]
            results["b_workers"] = {"runs": runs, "chunks": len(chunks), "best": best,
                                    "workers_2_vs_1": ratio,
                                    "meets": bool(ratio >= TARGETS["workers_2_vs_1"])}
        if "c" in parts:
            corpus = write_corpus(spark_articles, Path(folder) / "spark.jsonl")
            chunks = even_chunks(corpus, 2 * CHUNKS_PER_CORE)
            warmup = write_corpus(spark_articles[:4], Path(folder) / "warmup.jsonl")
            warm_chunks = even_chunks(warmup, 2)
            runs = [time_spark(f"local[{n}]", n, chunks, warm_chunks)
                    for _ in range(rounds) for n in (1, 2)]
            best = {m: max((r for r in runs if r["master"] == m),
                           key=lambda r: r["articles_per_s"]) for m in ("local[1]", "local[2]")}
            ratio = best["local[2]"]["articles_per_s"] / best["local[1]"]["articles_per_s"]
            results["c_spark"] = {"runs": runs, "chunks": len(chunks), "best": best,
                                  "spark_2_vs_1": ratio,
                                  "meets": bool(ratio >= TARGETS["spark_2_vs_1"])}
    return results


def summary(results: dict[str, Any]) -> str:
    lines = []
    if "a_in_process" in results:
        a = results["a_in_process"]
        lines.append(
            f"(a) {a['n_articles']} articles: pipeline {a['pipeline']['articles_per_s']:.1f} "
            f"articles/s ({a['pipeline']['words_per_s']:,.0f} words/s), bare parse "
            f"{a['bare_parse']['articles_per_s']:.1f} ({a['bare_parse']['words_per_s']:,.0f}); "
            f"ratio {a['pipeline_vs_bare']:.2f} (target >= {TARGETS['pipeline_vs_bare']}), "
            f"peak RSS {a['peak_rss_mb']:,.0f} MB (target <= {TARGETS['peak_rss_mb']}): "
            f"{'met' if a['meets'] else 'NOT met'}")
    if "b_workers" in results:
        b = results["b_workers"]
        one, two = b["best"][1], b["best"][2]
        lines.append(
            f"(b) {one['documents']} articles, {b['chunks']} chunks: 1 worker "
            f"{one['articles_per_s']:.1f} articles/s, 2 workers {two['articles_per_s']:.1f}; "
            f"ratio {b['workers_2_vs_1']:.2f} (target >= {TARGETS['workers_2_vs_1']}): "
            f"{'met' if b['meets'] else 'NOT met'}; worker peak RSS "
            f"{max(one['worker_peak_rss_mb'], two['worker_peak_rss_mb']):,.0f} MB")
    if "c_spark" in results:
        c = results["c_spark"]
        one, two = c["best"]["local[1]"], c["best"]["local[2]"]
        lines.append(
            f"(c) {one['documents']} articles, {c['chunks']} chunks: Spark local[1] "
            f"{one['articles_per_s']:.1f} articles/s, local[2] {two['articles_per_s']:.1f}; "
            f"ratio {c['spark_2_vs_1']:.2f} (target >= {TARGETS['spark_2_vs_1']}): "
            f"{'met' if c['meets'] else 'NOT met'}")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="Shared data directory (default: ../shared/data or $CLAIMTRACK_DATA).")
    parser.add_argument("--parts", default="abc", help="Which measurements: any of a, b, c.")
    parser.add_argument("--limit", type=int, default=500, help="Articles for (a) and (b).")
    parser.add_argument("--spark-limit", type=int, default=2000, help="Articles for (c).")
    parser.add_argument("--rounds", type=int, default=1, help="Runs of (b) and (c) per setting.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Where to write the JSON.")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    data = args.data or default_data_dir()
    articles = inprocess.load_articles(data, max(args.limit, args.spark_limit))
    results = run(args.parts, articles[:args.limit], articles[:args.spark_limit], args.rounds)
    results["corpus"] = str(data / inprocess.CORPUS)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(summary(results))
    print(f"written: {args.out}")
    return results


if __name__ == "__main__":
    try:
        main()
    except ClaimtrackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(4)
