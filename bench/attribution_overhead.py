"""Benchmark: what actors + attribution add to the spaCy parse, measured in one run on the same texts.

The issue's criterion is that actors + attribution cost at most 15% of the parse. This script
times, on the same articles in the same process:

* A, the bare parse: ``load_model()`` from ``claimtrack.stages.nlp`` and ``nlp.pipe`` with
  batch size 64, i.e. what any spaCy user pays;
* B, the full pipeline from ``claimtrack.api.build_pipeline()`` with every stage timed from
  the outside (the stages are swapped for timing proxies; stage code is untouched).

Model loading and first-call costs are excluded by a warm-up on a few texts. The machine is
shared and noisy, so A and B run alternately twice (A B A B) and the best of each is reported
(per stage: each stage's best). Memory is the process peak RSS (``ru_maxrss``; tracemalloc
slows spaCy down too much): it only grows, so it is recorded after each run, and the value
after the first bare parse is the peak of the model plus that parse, before the pipeline,
its gazetteer and its documents exist.

    python bench/attribution_overhead.py [--data DIR] [--limit N] [--out FILE]
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import resource
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimtrack.errors import ClaimtrackError
from claimtrack.evaluation.base import default_data_dir, require_path
from claimtrack.model import RawDocument

CORPUS = Path("corpora") / "bbc_news.jsonl"
DEFAULT_LIMIT = 500
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "attribution_overhead.json"
BATCH_SIZE = 64  # as the nlp stage (settings.nlp.batch_size), so A and B parse alike
ROUNDS = 2  # A B A B
WARMUP_TEXTS = 8
OVERHEAD_STAGES = ("actors", "attribution")
CRITERION = 0.15  # the issue: actors + attribution add at most 15% to the parse


def article_text(record: dict[str, Any]) -> str:
    """The article as the benchmark parses it: the title as first paragraph, then the text.

    The BBC texts already start with their title, so it is prepended only when missing.
    """
    title, text = (record.get("title") or "").strip(), record.get("text") or ""
    if not title or text.lstrip().startswith(title):
        return text
    return f"{title}\n\n{text}"


def load_articles(data_dir: Path, limit: int) -> list[tuple[str, str]]:
    """The first ``limit`` articles of the corpus as (id, text)."""
    path = require_path(data_dir / CORPUS, "BBC news corpus")
    articles = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if len(articles) >= limit:
                break
            if line.strip():
                record = json.loads(line)
                articles.append((str(record.get("id", len(articles))), article_text(record)))
    return articles


class TimedStage:
    """A stand-in for a pipeline stage that adds up the wall time of its ``run``.

    It exposes the stage's name, requires and produces (so the pipeline treats it as the stage)
    and forwards any other attribute, e.g. ``language_specific``.
    """

    def __init__(self, stage: Any) -> None:
        self.stage = stage
        self.name: str = stage.name
        self.requires: frozenset[str] = stage.requires
        self.produces: frozenset[str] = stage.produces
        self.seconds = 0.0
        self.calls = 0

    def __getattr__(self, attr: str) -> Any:
        if attr == "stage":  # not set yet (copying): do not recurse
            raise AttributeError(attr)
        return getattr(self.stage, attr)

    def run(self, docs: list[Any]) -> list[Any]:
        started = time.perf_counter()
        try:
            return self.stage.run(docs)
        finally:
            self.seconds += time.perf_counter() - started
            self.calls += 1


def peak_rss_mb() -> float:
    """The process's peak resident set size so far, in MB (ru_maxrss: KB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def time_bare_parse(nlp: Any, texts: Sequence[str]) -> dict[str, Any]:
    """A: parse every text with ``nlp.pipe``, keeping nothing but a token count."""
    gc.collect()
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=BATCH_SIZE))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "tokens": tokens, "peak_rss_mb": peak_rss_mb()}


def raw_documents(articles: Sequence[tuple[str, str]]) -> list[RawDocument]:
    """Fresh inputs for one pipeline run; ``clean`` keeps the text as it is."""
    return [RawDocument(name, text, format="clean") for name, text in articles]  # type: ignore[arg-type]


def time_pipeline(pipeline: Any, articles: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """B: run the pipeline with every stage timed; count outcomes and claims as a sanity check."""
    original = pipeline.stages
    timed = [TimedStage(stage) for stage in original]
    pipeline.stages = timed
    ok = failed = claims = sourced = 0
    errors: list[str] = []
    try:
        inputs = raw_documents(articles)
        gc.collect()
        started = time.perf_counter()
        for outcome in pipeline.run(inputs):
            if outcome.document is None:
                failed += 1
                errors.append(outcome.error or outcome.name)
                continue
            ok += 1
            claims += len(outcome.document.claims)
            sourced += sum(c.kind != "narration" for c in outcome.document.claims)
        seconds = time.perf_counter() - started
    finally:
        pipeline.stages = original
    return {
        "seconds": seconds,
        "stages": {t.name: t.seconds for t in timed},
        "ok": ok, "failed": failed, "errors": errors[:5],
        "claims": claims, "attributed_claims": sourced,
        "ratio": overhead_ratio({t.name: t.seconds for t in timed}),
        "peak_rss_mb": peak_rss_mb(),
    }


def overhead_ratio(stages: dict[str, float]) -> float:
    """(actors + attribution time) / nlp stage time."""
    nlp = stages.get("nlp", 0.0)
    return sum(stages.get(name, 0.0) for name in OVERHEAD_STAGES) / nlp if nlp else float("nan")


def run_benchmark(articles: Sequence[tuple[str, str]], pipeline: Any = None) -> dict[str, Any]:
    """Warm up, run A B A B, and summarise the best of each."""
    from claimtrack.stages.nlp import load_model

    texts = [text for _, text in articles]
    n_words = sum(len(text.split()) for text in texts)
    nlp = load_model()
    list(nlp.pipe(texts[:WARMUP_TEXTS], batch_size=BATCH_SIZE))
    memory = {"model_loaded": peak_rss_mb()}
    bare = [time_bare_parse(nlp, texts)]
    memory["after_first_bare_parse"] = bare[0]["peak_rss_mb"]
    if pipeline is None:
        from claimtrack.api import build_pipeline

        pipeline = build_pipeline()
    list(pipeline.run(raw_documents(articles[:WARMUP_TEXTS])))
    memory["pipeline_built"] = peak_rss_mb()
    runs = [time_pipeline(pipeline, articles)]
    for _ in range(ROUNDS - 1):
        bare.append(time_bare_parse(nlp, texts))
        runs.append(time_pipeline(pipeline, articles))
    memory["after_all_runs"] = peak_rss_mb()

    best_bare = min(r["seconds"] for r in bare)
    best_run = min(r["seconds"] for r in runs)
    stage_best = {name: min(r["stages"][name] for r in runs) for name in runs[0]["stages"]}
    overhead = sum(stage_best.get(name, 0.0) for name in OVERHEAD_STAGES)
    ratio = overhead_ratio(stage_best)
    return {
        "benchmark": "attribution_overhead",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(),
                    "spacy": _version("spacy"), "model": nlp.meta.get("name"),
                    "model_version": nlp.meta.get("version"), "pipes": list(nlp.pipe_names)},
        "n_articles": len(texts), "n_words": n_words, "n_chars": sum(map(len, texts)),
        "batch_size": BATCH_SIZE, "order": "AB" * ROUNDS, "best_of": ROUNDS,
        "bare_parse": {
            "runs": bare, "best_seconds": best_bare,
            "articles_per_s": len(texts) / best_bare, "words_per_s": n_words / best_bare,
            "peak_rss_mb": memory["after_first_bare_parse"],
        },
        "pipeline": {
            "runs": runs, "best_seconds": best_run,
            "articles_per_s": len(texts) / best_run, "words_per_s": n_words / best_run,
            "stages_best_seconds": stage_best,
            "peak_rss_mb": memory["after_all_runs"],
        },
        "overhead": {
            "stages": list(OVERHEAD_STAGES),
            "seconds": overhead, "nlp_stage_seconds": stage_best.get("nlp", 0.0),
            "ratio_to_nlp_stage": ratio,
            "ratio_by_run": [r["ratio"] for r in runs],
            "ratio_to_bare_parse": overhead / best_bare,
            "criterion": CRITERION, "meets_criterion": bool(ratio <= CRITERION),
        },
        "memory_peak_rss_mb": memory,
        "memory_note": "process peak RSS (ru_maxrss), monotonic: each value is the peak of "
                       "everything the process did up to that point, not of one run",
    }


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def format_results(results: dict[str, Any]) -> str:
    """A plain-text table of the results."""
    bare, pipe, over = results["bare_parse"], results["pipeline"], results["overhead"]
    rows = [["bare spaCy parse (nlp.pipe)", bare["best_seconds"], bare["articles_per_s"],
             bare["words_per_s"], bare["peak_rss_mb"], None],
            ["claimtrack pipeline", pipe["best_seconds"], pipe["articles_per_s"],
             pipe["words_per_s"], pipe["peak_rss_mb"], None]]
    total = sum(pipe["stages_best_seconds"].values()) or 1.0
    for name, seconds in pipe["stages_best_seconds"].items():
        rows.append([f"  {name}", seconds, None, None, None, 100 * seconds / total])
    header = ["", "seconds", "articles/s", "words/s", "peak RSS MB", "% of stages"]
    formats = ["{}", "{:.2f}", "{:.1f}", "{:,.0f}", "{:,.0f}", "{:.1f}"]
    cells = [[f.format(v) if v is not None else "" for f, v in zip(formats, row)] for row in rows]
    widths = [max(len(r[i]) for r in [header, *cells]) for i in range(len(header))]

    def render(row: list[str]) -> str:
        rest = [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        return "  ".join([row[0].ljust(widths[0]), *rest]).rstrip()

    first = pipe["runs"][0]
    by_run = ", ".join(f"{r:.1%}" for r in over["ratio_by_run"])
    verdict = "met" if over["meets_criterion"] else "NOT met"
    summary = (
        f"actors + attribution: {over['seconds']:.2f} s = {over['ratio_to_nlp_stage']:.1%} of the "
        f"nlp stage ({over['nlp_stage_seconds']:.2f} s; by run: {by_run}), "
        f"{over['ratio_to_bare_parse']:.1%} of the bare parse; criterion "
        f"<= {over['criterion']:.0%}: {verdict}"
    )
    heading = (
        f"{results['n_articles']} articles, {results['n_words']:,} words, batch "
        f"{results['batch_size']}, runs {results['order']}, best of {results['best_of']}"
    )
    counts = (
        f"pipeline per run: {first['ok']} ok, {first['failed']} failed, {first['claims']:,} "
        f"claims ({first['attributed_claims']:,} not narration)"
    )
    memory = (
        "peak RSS is the process's (ru_maxrss): bare parse = after the first parse, before the "
        "pipeline was built; pipeline = after all runs"
    )
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([heading, "", render(header), rule, *map(render, cells), "", summary,
                      counts, memory])


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="Shared data directory (default: ../shared/data or $CLAIMTRACK_DATA).")
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT, help="First N articles.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Where to write the JSON.")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None, pipeline: Any = None) -> dict[str, Any]:
    """Run the benchmark, write the JSON, print the table; ``pipeline`` reuses a built one."""
    args = parse_args(argv)
    articles = load_articles(args.data or default_data_dir(), args.limit)
    results = run_benchmark(articles, pipeline)
    results["corpus"] = str((args.data or default_data_dir()) / CORPUS)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(format_results(results))
    print(f"written: {args.out}")
    return results


if __name__ == "__main__":
    try:
        main()
    except ClaimtrackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(4)
