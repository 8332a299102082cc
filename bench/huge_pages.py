"""Benchmark: huge HTML pages in one batch with normal articles, and extraction accuracy.

Two parts (issue 21, item 2):

(batch) ``claimtrack process`` on one directory: 10 BBC articles wrapped in ordinary HTML, two
    generated 20 MB single-line pages and a 50 MB page. Target: the whole run ends within
    3 minutes, the 10 are stored, the big pages finish or fail with a clear reason. The pages:
    - ``huge-nested-20mb.html``: a BBC article in the middle of 20 MB of markup on one line
      (nested ``div``/``span`` wrappers with a menu word each, ``table`` grids of numbers,
      inline ``script`` blobs, ``svg`` icons and ``data:`` images, as page builders emit);
    - ``huge-deep-20mb.html``: another article amid ``div`` elements nested 100 levels deep;
    - ``huge-text-20mb.html``: the same article amid 20 MB of tables full of text (visible
      text far beyond any article within the 200,000-character text limit);
    - ``huge-50mb.html``: the nested page at 50 MB, over the 32 MB input limit.
    Each run is a separate ``claimtrack process`` into a fresh SQLite store (the model and the
    gazetteer load take about 10 s of the time); ``--code`` runs another checkout's ``src``
    (e.g. the code before the change) for a before/after, killed at ``--timeout`` seconds.
(pages) each generated page alone, in this process: the extractor chain on a 2 MB cut of
    it (before this change every page went through the chain whole), and the bounded path on
    the whole 20 MB page (pruning, then the streaming path), with the seconds of each.
(accuracy) HTML extraction before (the extractor chain on the raw page, as before this change)
    and after (the bounded path: pruned when over 1 MB) on the same pages in the same run:
    zyte-aeb (shingle F1, as ``claimtrack eval extract-html``) and trafilatura-eval-dev
    (snippet precision/recall/F1 as in trafilatura's comparison script).

    python bench/huge_pages.py [--parts batch,pages,accuracy] [--code DIR/src] [--timeout 180]
        [--out bench/results/huge_pages.json]
"""

from __future__ import annotations

import argparse
import gzip
import html as htmlmod
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("CLAIMTRACK_DATA", ROOT.parent / "shared" / "data"))
BBC = DATA / "corpora" / "bbc_news.jsonl"
#: The ``claimtrack`` command, run by this interpreter (so ``--code`` can change its sources).
CLAIMTRACK = [sys.executable, "-c", ("import sys; from claimtrack.cli import main; "
              "sys.argv[0] = 'claimtrack'; main()")]


def bbc_articles(n: int) -> list[dict[str, str]]:
    out = []
    with BBC.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["category"] in ("politics", "business", "tech"):
                out.append(record)
            if len(out) == n:
                break
    return out


def article_page(record: dict[str, str], filler: str = "", target: int = 0) -> str:
    """A BBC article as a news page; with ``filler``, wrapped in ``target`` chars of it."""
    title = htmlmod.escape(record["title"])
    paragraphs = record["text"].split("\n\n")[1:]
    body = "".join(f"<p>{htmlmod.escape(p.strip())}</p>" for p in paragraphs if p.strip())
    head = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title} - BBC News</title>"
            f"<meta property='og:title' content='{title}'></head><body>"
            "<header><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>")
    article = f"<main><article><h1>{title}</h1>{body}</article></main>"
    tail = "<footer><p>Copyright BBC. All rights reserved.</p></footer></body></html>"
    if not filler:
        return f"{head}\n{article}\n{tail}"
    reps = max(0, (target - len(head) - len(article) - len(tail)) // len(filler))
    return head + filler * (reps // 2) + article + filler * (reps - reps // 2) + tail


def nested_filler() -> str:
    """About 2 KB of markup that page builders emit, little of it text."""
    wrappers = "".join('<div class="col"><div class="cell"><span class="in">' for _ in range(6))
    closers = "</span></div></div>" * 6
    grid = "<table>" + "<tr><td>1</td><td>2</td><td>3</td></tr>" * 5 + "</table>"
    icon = '<svg viewBox="0 0 24 24"><path d="' + "M1 1L2 2" * 20 + '"/></svg>'
    image = '<img alt="" src="data:image/png;base64,' + "iVBORw0KGgo" * 60 + '">'
    script = "<script>window.__s=" + json.dumps({"k": "v" * 300}) + ";</script>"
    return f"{wrappers}<a href='/x'>Menu</a>{closers}{grid}{icon}{image}{script}"


def deep_filler() -> str:
    """About 2 KB of ``div`` nested 100 deep, twice (around a menu word, then around "x")."""
    return '<div class="d">' * 100 + "<span>Menu</span>" + "</div>" * 100 + (
        "<div>" * 100 + "x" + "</div>" * 100)


def text_filler(records: list[dict[str, str]]) -> str:
    """Tables full of text: other articles' sentences, cell by cell."""
    cells = [s.strip() for r in records for s in r["text"].split(". ")[1:20] if s.strip()]
    rows = "".join(f"<tr><td>{htmlmod.escape(c)}.</td></tr>" for c in cells)
    return f"<table>{rows}</table>"


def write_batch(folder: Path) -> dict[str, int]:
    records = bbc_articles(15)
    sizes = {}
    for i, record in enumerate(records[:10]):
        path = folder / f"article-{i:02d}.html"
        path.write_text(article_page(record), encoding="utf-8")
    pages = {
        "huge-nested-20mb.html": article_page(records[10], nested_filler(), 20_000_000),
        "huge-text-20mb.html": article_page(records[11], text_filler(records[12:]), 20_000_000),
        "huge-deep-20mb.html": article_page(records[14], deep_filler(), 20_000_000),
        "huge-50mb.html": article_page(records[13], nested_filler(), 50_000_000),
    }
    for name, page in pages.items():
        (folder / name).write_text(page, encoding="utf-8")
    for path in sorted(folder.iterdir()):
        sizes[path.name] = path.stat().st_size
    return sizes


def run_batch(code: str | None, timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="huge-pages-") as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        sizes = write_batch(folder)
        db = f"sqlite:///{Path(tmp) / 'store.db'}"
        env = dict(os.environ)
        if code:
            env["PYTHONPATH"] = code
        command = [*CLAIMTRACK, "process", str(folder), "--db", db]
        started = time.monotonic()
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = child.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, 9)
            out, err = child.communicate()
            timed_out = True
        seconds = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        stored = []
        if not timed_out:
            listing = subprocess.run(
                [*CLAIMTRACK, "documents", "--db", db, "--json",
                 "--limit", "100"], env=env, capture_output=True, text=True, check=False)
            try:
                stored = sorted(Path(d["input_name"]).name
                                for d in json.loads(listing.stdout)["items"])
            except (ValueError, KeyError):
                stored = [listing.stdout[-300:], listing.stderr[-300:]]
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        return {"code": code or "this checkout", "seconds": round(seconds, 1),
                "timed_out": timed_out, "exit_code": None if timed_out else child.returncode,
                "peak_rss_mb_of_largest_child": round(peak_mb), "inputs": sizes,
                "stored": len(stored), "stored_inputs": stored, "errors": errors,
                "stdout_tail": out[-500:]}


def run_pages() -> dict[str, Any]:
    from claimtrack.stages.html_bounds import VisibleTextTooLong
    from claimtrack.stages.html_extract import bounded_page, extract_main_text, extract_with_chain

    records = bbc_articles(15)
    fillers = {"nested": (records[10], nested_filler()), "deep": (records[14], deep_filler()),
               "text": (records[11], text_filler(records[12:]))}
    out: dict[str, Any] = {}
    for name, (record, filler) in fillers.items():
        row: dict[str, Any] = {}
        small = article_page(record, filler, 2_000_000)
        started = time.perf_counter()
        extract_with_chain(small)
        row["chain_2mb_s"] = round(time.perf_counter() - started, 1)
        page = article_page(record, filler, 20_000_000)
        started = time.perf_counter()
        pruned = bounded_page(page)
        row["prune_20mb_s"] = round(time.perf_counter() - started, 2)
        row["pruned_mb"] = round(len(pruned) / 1e6, 1)
        started = time.perf_counter()
        try:
            result = extract_main_text(page)
            gold = [p.strip() for p in record["text"].split("\n\n")[1:] if p.strip()]
            row["outcome"] = (f"{result.which}: article "
                              f"{'found exactly' if list(result.paragraphs) == gold else 'differs'}")
        except VisibleTextTooLong as exc:
            row["outcome"] = f"fails: {exc}"
        row["bounded_20mb_s"] = round(time.perf_counter() - started, 1)
        out[name] = row
    return out


# --- accuracy ------------------------------------------------------------------------------


def trafilatura_eval_pages() -> list[tuple[str, dict[str, Any]]]:
    root = DATA / "extraction" / "trafilatura-eval-dev"
    with (root / "evaldata_dev.json").open(encoding="utf-8") as handle:
        gold = json.load(handle)
    pages = []
    for url, record in sorted(gold.items()):
        path = root / "pages" / f"{record['file']}.gz"
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as handle:
                pages.append((url, {**record, "html": handle.read()}))
    return pages


def snippet_scores(pages: list[tuple[str, dict[str, Any]]], extract: Any) -> dict[str, float]:
    tp = fn = fp = tn = 0
    started = time.perf_counter()
    for url, record in pages:
        text = " ".join(extract(record["html"], url).paragraphs)
        for snippet in record.get("with", []):
            tp, fn = (tp + 1, fn) if snippet in text else (tp, fn + 1)
        for snippet in record.get("without", []):
            fp, tn = (fp + 1, tn) if snippet in text else (fp, tn + 1)
    seconds = time.perf_counter() - started
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return {"precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4),
            "accuracy": round((tp + tn) / (tp + tn + fp + fn), 4),
            "pages_per_s": round(len(pages) / seconds, 1)}


def run_accuracy() -> dict[str, Any]:
    from claimtrack.evaluation.extract_html import ExtractHtmlTask
    from claimtrack.stages.html_bounds import PRUNE_ABOVE_CHARS
    from claimtrack.stages.html_extract import extract_main_text, extract_with_chain

    systems = {"before (chain on the raw page)": extract_with_chain,
               "after (bounded: pruned over 1 MB)": extract_main_text}
    zyte = {}
    for name, extract in systems.items():
        report = ExtractHtmlTask().run(DATA, {"extractor": extract, "baselines": False})
        zyte[name] = {k: round(v, 4) for k, v in report.metrics.items()}
    pages = trafilatura_eval_pages()
    traf = {name: snippet_scores(pages, extract) for name, extract in systems.items()}
    big = sum(len(record["html"]) > PRUNE_ABOVE_CHARS for _, record in pages)
    return {"zyte-aeb (181 pages)": zyte,
            f"trafilatura-eval-dev ({len(pages)} pages, {big} over 1 MB)": traf}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="batch,accuracy")
    parser.add_argument("--code", help="PYTHONPATH for the batch run (another checkout's src)")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results: dict[str, Any] = {}
    if "batch" in args.parts:
        results["batch"] = run_batch(args.code, args.timeout)
        print(json.dumps(results["batch"], indent=1))
    if "pages" in args.parts:
        results["pages"] = run_pages()
        print(json.dumps(results["pages"], indent=1))
    if "accuracy" in args.parts:
        results["accuracy"] = run_accuracy()
        print(json.dumps(results["accuracy"], indent=1))
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
