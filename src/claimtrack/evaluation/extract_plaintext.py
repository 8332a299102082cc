"""Task ``extract-plaintext``: boilerplate removal from plain-text page scrapes.

Data (see ``../shared/data/README.md``): ``extraction/plaintext-aeb/scrapes.jsonl`` holds one
page per line as ``{"id", "lines"}`` (the page's full text, one line per block, menus and
calls to action included); the gold article bodies are ``extraction/zyte-aeb/ground-truth.json``
(``id -> {"articleBody", "url"}``). Scored with the article-extraction-benchmark shingle metric
(:mod:`claimtrack.evaluation.shingles`).

Systems compared in one table:

* ``ours`` -- the cleaner under test, ``clean(lines) -> str``. The default wraps
  ``claimtrack.stages.extract.clean_plaintext_lines(lines) -> list[bool]`` (True = keep) and
  joins the kept lines with newlines; it is imported only when the task runs.
* ``keep-everything`` -- the whole page.
* ``c4-rule`` -- a C4-style line filter (:func:`c4_rule`).

Options: ``cleaner`` (a ``clean`` callable), ``ours`` (bool, default True; False runs the
baselines only), ``baselines`` (bool, default True), ``site_context`` (bool, default True: our
cleaner drops lines repeated across pages of the same site, the pages grouped by URL host), ``n_bootstrap`` (1000), ``seed`` (0),
``limit`` (score only the first N pages, for quick checks).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from claimtrack.evaluation.base import (
    EvalReport,
    EvaluationError,
    check_options,
    register_task,
    require_path,
)
from claimtrack.evaluation.shingles import N_BOOTSTRAP, SEED, evaluate_pairs

TASK = "extract-plaintext"
Cleaner = Callable[[list[str]], str]

#: Line endings the C4-style rule accepts as the end of a sentence.
TERMINAL_PUNCTUATION: tuple[str, ...] = (".", "!", "?", '"', "\u201d", "'", "\u2019")
#: Lines containing any of these (case-insensitive) are dropped by the C4-style rule.
C4_BLOCKLIST: tuple[str, ...] = ("javascript", "cookie", "lorem ipsum", "{")
C4_MIN_WORDS = 5


def keep_everything(lines: list[str]) -> str:
    """Baseline: the whole page."""
    return "\n".join(lines)


def c4_keep_line(line: str) -> bool:
    """The C4-style line rule: a line of at least 5 words that ends in terminal punctuation
    (``. ! ?`` or a closing quote) and contains none of :data:`C4_BLOCKLIST`."""
    stripped = line.strip()
    lowered = stripped.lower()
    if any(blocked in lowered for blocked in C4_BLOCKLIST):
        return False
    return stripped.endswith(TERMINAL_PUNCTUATION) and len(stripped.split()) >= C4_MIN_WORDS


def c4_rule(lines: list[str]) -> str:
    """Baseline: the lines that pass :func:`c4_keep_line`, joined with newlines."""
    return "\n".join(line for line in lines if c4_keep_line(line))


def join_kept(lines: Sequence[str], keep: Sequence[bool]) -> str:
    """Join the lines whose flag is True; the flags must be one per line."""
    if len(keep) != len(lines):
        raise EvaluationError(
            f"cleaner returned {len(keep)} keep flags for {len(lines)} lines; expected one each"
        )
    return "\n".join(line for line, flag in zip(lines, keep) if flag)


def default_cleaner() -> Cleaner:
    """``clean_plaintext_lines`` from the extract stage, adapted to ``lines -> text``."""
    try:
        from claimtrack.stages.extract import clean_plaintext_lines
    except ImportError as exc:
        raise EvaluationError(
            "the extract stage's cleaner is not available (claimtrack.stages.extract."
            f"clean_plaintext_lines: {exc}); run with ours=False to score the baselines only"
        ) from exc

    def clean(lines: list[str]) -> str:
        return join_kept(lines, clean_plaintext_lines(list(lines)))

    return clean


def _per_page(clean: Cleaner) -> Callable[[str, list[str]], str]:
    return lambda page_id, lines: clean(lines)


def load_scrapes(path: Path) -> list[tuple[str, list[str]]]:
    """``(id, lines)`` per page of ``scrapes.jsonl``, in file order."""
    pages: list[tuple[str, list[str]]] = []
    with require_path(path, "plaintext-aeb scrapes").open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                pages.append((str(row["id"]), [str(x) for x in row["lines"]]))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                message = f"{path}:{number}: not an {{id, lines}} record ({exc})"
                raise EvaluationError(message) from exc
    return pages


def site_cleaner(pages: Sequence[tuple[str, list[str]]], urls: Mapping[str, str]) -> Callable[[str, list[str]], str]:
    """Our cleaner with CCNet-style site context: the pages are grouped by the host of their
    URL (as a crawler knows it), and lines repeated across a site's pages are dropped."""
    from urllib.parse import urlparse

    from claimtrack.stages.boilerplate import clean_plaintext_lines, site_repeated_lines

    by_site: dict[str, list[tuple[str, list[str]]]] = {}
    for page_id, lines in pages:
        host = urlparse(urls.get(page_id, "")).hostname or page_id
        by_site.setdefault(host.removeprefix("www."), []).append((page_id, lines))
    repeats: dict[str, frozenset[str]] = {}
    for group in by_site.values():
        for (page_id, _), lines in zip(group, site_repeated_lines([ls for _, ls in group]), strict=True):
            repeats[page_id] = lines

    def clean(page_id: str, lines: list[str]) -> str:
        return join_kept(lines, clean_plaintext_lines(list(lines), repeats.get(page_id, frozenset())))

    return clean


def load_urls(path: Path) -> dict[str, str]:
    """``id -> url`` from the zyte-aeb ``ground-truth.json``."""
    with require_path(path, "zyte-aeb ground truth").open(encoding="utf-8") as handle:
        data = json.load(handle)
    return {str(key): str(value.get("url") or "") for key, value in data.items()}


def load_ground_truth(path: Path) -> dict[str, str]:
    """``id -> articleBody`` from the zyte-aeb ``ground-truth.json``."""
    with require_path(path, "zyte-aeb ground truth").open(encoding="utf-8") as handle:
        data = json.load(handle)
    return {str(key): str(value.get("articleBody") or "") for key, value in data.items()}


@register_task(TASK)
class ExtractPlaintextTask:
    """Score a plain-text boilerplate cleaner against the article-extraction benchmark."""

    options = ("cleaner", "ours", "baselines", "site_context", "n_bootstrap", "seed", "limit")

    def run(self, data_dir: Path, options: Mapping[str, Any]) -> EvalReport:
        check_options(TASK, options, self.options)
        scrapes_path = data_dir / "extraction" / "plaintext-aeb" / "scrapes.jsonl"
        gold_path = data_dir / "extraction" / "zyte-aeb" / "ground-truth.json"
        require_path(data_dir / "extraction" / "plaintext-aeb", "plaintext-aeb dataset")
        pages = load_scrapes(scrapes_path)
        gold = load_ground_truth(gold_path)
        limit = options.get("limit")
        if limit is not None:
            pages = pages[: int(limit)]
        notes: list[str] = []
        missing = [page_id for page_id, _ in pages if page_id not in gold]
        if missing:
            notes.append(f"{len(missing)} page(s) without gold were skipped: {missing[:3]}")
            pages = [(page_id, lines) for page_id, lines in pages if page_id in gold]

        systems: dict[str, Callable[[str, list[str]], str]] = {}
        if options.get("ours", True):
            cleaner = options.get("cleaner")
            if cleaner is not None:
                systems["ours"] = _per_page(cleaner)
            elif options.get("site_context", True):
                systems["ours"] = site_cleaner(pages, load_urls(gold_path))
                notes.append("ours: lines repeated across pages of the same site dropped "
                             "(site_context=True; pages grouped by URL host)")
            else:
                systems["ours"] = _per_page(default_cleaner())
        if options.get("baselines", True):
            systems["keep-everything"] = _per_page(keep_everything)
            systems["c4-rule"] = _per_page(c4_rule)
        if not systems:
            raise EvaluationError(f"task {TASK!r}: nothing to score (ours and baselines are off)")

        n_bootstrap = int(options.get("n_bootstrap", N_BOOTSTRAP))
        seed = int(options.get("seed", SEED))
        breakdown: dict[str, dict[str, float]] = {}
        for name, clean in systems.items():
            pairs = [(gold[page_id], clean(page_id, list(lines))) for page_id, lines in pages]
            breakdown[name] = evaluate_pairs(pairs, n_bootstrap, seed).metrics()

        metrics = dict(breakdown["ours"]) if "ours" in breakdown else {}
        if "ours" not in breakdown:
            notes.append("ours not run (ours=False): baselines only")
        notes.append(
            "metric: article-extraction-benchmark shingles (\\w+ tokens, 4-token multiset "
            f"shingles, F1 of mean P and mean R, bootstrap std over {n_bootstrap} resamples, "
            f"seed {seed})"
        )
        return EvalReport(
            task=TASK,
            dataset=str(scrapes_path.parent),
            n_documents=len(pages),
            metrics=metrics,
            breakdown=breakdown,
            notes=notes,
        )
