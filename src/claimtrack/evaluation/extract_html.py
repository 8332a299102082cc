"""Task ``extract-html``: main-text extraction from HTML pages, ours against open extractors.

Data (see ``../shared/data/README.md``): ``extraction/zyte-aeb/html/<id>.html.gz`` and the gold
article bodies in ``extraction/zyte-aeb/ground-truth.json`` (``id -> {"articleBody", "url"}``),
181 pages. Scored with the article-extraction-benchmark shingle metric
(:mod:`claimtrack.evaluation.shingles`).

Systems compared in one run, each also timed (pages per second, one process, after one
warm-up page):

* ``ours`` -- ``claimtrack.stages.html_extract.extract_main_text`` (or the ``extractor`` option,
  any ``(html, url) -> str`` callable or one returning an object with ``.text``);
* ``trafilatura``, ``trafilatura-precision``, ``trafilatura-recall`` -- ``trafilatura.extract``
  with ``include_comments=False`` as the benchmark's ``run_trafilatura.py`` calls it, with
  ``favor_precision`` / ``favor_recall`` for the other two;
* ``readability`` -- readability-lxml's ``Document(html).summary(html_partial=True)``, turned
  into text one line per block element (the benchmark's ``run_readability.py`` uses
  ``html_text.extract_text``, which also separates blocks; both give F1 0.954-0.955 here).

Metrics: ours' precision, recall, F1, bootstrap std, pages/s, F1 on each of
the two halves of the set (every other page in id order: a check that rules chosen on the
whole set hold on either half) and the best baseline F1.
Options: ``extractor``, ``ours`` (default True), ``baselines`` (default True),
``n_bootstrap`` (1000), ``seed`` (0), ``limit`` (first N pages, by id).
"""

from __future__ import annotations

import gzip
import json
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from claimtrack.evaluation.base import (
    EvalReport,
    EvaluationError,
    check_options,
    register_task,
    require_path,
)
from claimtrack.evaluation.shingles import (
    N_BOOTSTRAP,
    SEED,
    ShingleCounts,
    aggregate,
    evaluate_pairs,
    match_shingles,
)

TASK = "extract-html"
Extractor = Callable[[str, "str | None"], Any]
Page = tuple[str, str, str, "str | None"]  # id, html, gold text, url


def _trafilatura(**settings: bool) -> Extractor:
    """``trafilatura.extract`` as the benchmark runs it, with optional precision/recall mode."""
    import trafilatura

    def run(html: str, url: str | None) -> str:
        return trafilatura.extract(html, include_comments=False, **settings) or ""

    return run


def _readability() -> Extractor:
    """Stock readability-lxml, its summary HTML turned into one line per block element."""
    from lxml.html import fragment_fromstring
    from readability import Document

    from claimtrack.stages.html_extract import html_to_lines

    def run(html: str, url: str | None) -> str:
        summary = Document(html).summary(html_partial=True)
        return "\n".join(html_to_lines(fragment_fromstring(summary, create_parent="div")))

    return run


def default_extractor() -> Extractor:
    """The extraction chain of the extract stage."""
    from claimtrack.stages.html_extract import extract_main_text

    return extract_main_text


BASELINES: dict[str, Callable[[], Extractor]] = {
    "trafilatura": _trafilatura,
    "trafilatura-precision": lambda: _trafilatura(favor_precision=True),
    "trafilatura-recall": lambda: _trafilatura(favor_recall=True),
    "readability": _readability,
}


def load_pages(data_dir: Path, limit: int | None = None) -> list[Page]:
    """``(id, html, gold, url)`` for every page with gold, sorted by id."""
    root = require_path(data_dir / "extraction" / "zyte-aeb", "zyte-aeb dataset")
    gold_path = require_path(root / "ground-truth.json", "zyte-aeb ground truth")
    with gold_path.open(encoding="utf-8") as handle:
        records = {str(key): value for key, value in json.load(handle).items()}
    pages: list[Page] = []
    for page_id in sorted(records)[:limit]:
        path = require_path(root / "html" / f"{page_id}.html.gz", "zyte-aeb page")
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            html = handle.read()
        record = records[page_id]
        pages.append((page_id, html, str(record.get("articleBody") or ""), record.get("url")))
    return pages


def run_system(extract: Extractor, pages: list[Page]) -> tuple[list[str], float, Counter[str]]:
    """Texts extracted from ``pages``, pages per second (after one warm-up page), and the
    count of each ``which`` value when the extractor reports one."""
    if pages:
        extract(pages[0][1], pages[0][3])
    texts, which, seconds = [], Counter[str](), 0.0
    for _, html, _, url in pages:
        started = time.perf_counter()
        result = extract(html, url)
        seconds += time.perf_counter() - started
        texts.append(result if isinstance(result, str) else str(getattr(result, "text", "")))
        if hasattr(result, "which"):
            which[str(result.which)] += 1
    return texts, (len(pages) / seconds if seconds else 0.0), which


def half_f1(counts: list[ShingleCounts], parity: int) -> float:
    """Corpus F1 over every other page in id order, from the first (parity 0) or second (1)."""
    return aggregate(counts[parity::2])[2]


@register_task(TASK)
class ExtractHtmlTask:
    """Score our HTML extraction chain and open extractors on the article-extraction benchmark."""

    options = ("extractor", "ours", "baselines", "n_bootstrap", "seed", "limit")

    def run(self, data_dir: Path, options: Mapping[str, Any]) -> EvalReport:
        check_options(TASK, options, self.options)
        limit = options.get("limit")
        pages = load_pages(data_dir, int(limit) if limit is not None else None)
        systems: dict[str, Extractor] = {}
        if options.get("ours", True):
            systems["ours"] = options.get("extractor") or default_extractor()
        if options.get("baselines", True):
            systems.update({name: make() for name, make in BASELINES.items()})
        if not systems:
            raise EvaluationError(f"task {TASK!r}: nothing to score (ours and baselines are off)")

        n_bootstrap = int(options.get("n_bootstrap", N_BOOTSTRAP))
        seed = int(options.get("seed", SEED))
        breakdown: dict[str, dict[str, float]] = {}
        metrics: dict[str, float] = {}
        notes: list[str] = []
        for name, extract in systems.items():
            texts, pages_per_s, which = run_system(extract, pages)
            pairs = [(gold, text) for (_, _, gold, _), text in zip(pages, texts)]
            breakdown[name] = {
                **evaluate_pairs(pairs, n_bootstrap, seed).metrics(),
                "pages_per_s": pages_per_s,
            }
            if name == "ours":
                counts = [match_shingles(gold, text) for gold, text in pairs]
                metrics = {**breakdown[name], "f1_first_half": half_f1(counts, 0),
                           "f1_second_half": half_f1(counts, 1)}
                if which:
                    notes.append("ours' text came from: " + ", ".join(
                        f"{source} {n}" for source, n in which.most_common()))
        baseline_f1 = [row["f1"] for name, row in breakdown.items() if name != "ours"]
        if baseline_f1:
            metrics["best_baseline_f1"] = max(baseline_f1)
        notes.append(
            "metric: article-extraction-benchmark shingles (\\w+ tokens, 4-token multiset "
            f"shingles, F1 of mean P and mean R, bootstrap std over {n_bootstrap} resamples, "
            f"seed {seed}); pages_per_s: one process, after one warm-up page"
        )
        return EvalReport(
            task=TASK,
            dataset=str(data_dir / "extraction" / "zyte-aeb"),
            n_documents=len(pages),
            metrics=metrics,
            breakdown=breakdown,
            notes=notes,
        )
