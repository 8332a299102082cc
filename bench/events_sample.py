"""Events sample: 100 coded events drawn at random from the BBC corpus, for judging by reading.

Issue 18 asks for the share of events, drawn at random from the 2,225 BBC articles, that are
real PLOVER events of the coded type with the right actor. This script draws that sample:

1. shuffles the whole corpus (``../shared/data/corpora/bbc_news.jsonl``, every category) with
   ``random.Random(SEED)``;
2. processes the shuffled articles with the real pipeline (``claimtrack.api.process_many``) in
   batches of ``BATCH`` until at least ``MIN_ARTICLES`` articles are processed and the pool holds
   at least ``N_EVENTS`` events;
3. draws ``N_EVENTS`` events from the pool with the same generator, and writes one JSON line per
   event: its key (``article:event id``), the article's category, the event's type, mode,
   status, actors and targets (text, country, sector), trigger, the sentence holding the trigger
   and the sentence before it (for pronouns).

Options for a fresh draw: ``--seed`` picks another shuffle, ``--exclude`` leaves out the articles
of earlier sample files (their ``meta`` lists them) and those of bbc-dev's labelled sentences,
so a new check judges articles no rule was chosen on; ``--shown-as-fact`` draws only events the product shows as having happened (status
asserted or hedged), leaving out those it flags as negated, hypothetical or denied.

The first line is a ``meta`` record (seed, articles processed with their ids, pool size). The
output is deterministic: the same corpus and code give the same file. The verdicts read from it
are in ``results/events_read_check.jsonl`` and the summary in ``results/events_read_check.md``.

    python bench/events_sample.py [--out FILE] [--seed N] [--exclude SAMPLE ...] [--shown-as-fact]

Exits with code 4 (and a message) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpora" / "bbc_news.jsonl"
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "events_sample.jsonl"
SEED = 20261203
N_EVENTS = 100
MIN_ARTICLES = 400
BATCH = 100


def sentence_at(doc: Any, offset: int) -> tuple[str, str]:
    """The sentence holding ``offset`` and the one before it ("" when none)."""
    for i, span in enumerate(doc.sentences):
        if span.start <= offset < span.end:
            before = doc.sentences[i - 1].text(doc.text).strip() if i > 0 else ""
            return span.text(doc.text).strip(), before
    return "", ""


def actor_out(actor: Any) -> dict[str, Any]:
    return {"text": actor.text, "country": actor.country, "sector": actor.sector}


def event_record(row: dict[str, Any], doc: Any, event: Any) -> dict[str, Any]:
    sentence, before = sentence_at(doc, event.trigger.start)
    return {
        "key": f"{row['id']}:{event.id}", "article": row["id"], "category": row["category"],
        "title": row["title"], "event_id": event.id, "type": event.type, "mode": event.mode,
        "status": event.status, "negated": event.negated, "hypothetical": event.hypothetical,
        "actors": [actor_out(a) for a in event.actors],
        "targets": [actor_out(t) for t in event.targets],
        "trigger": event.trigger_text, "trigger_span": [event.trigger.start, event.trigger.end],
        "reported_by": event.reported_by, "sentence": sentence, "context_before": before,
    }


SHOWN_AS_FACT = frozenset({"asserted", "hedged"})


def article_text(row: dict[str, Any]) -> str:
    """The article as a user would feed it: its text, which in this corpus already starts with
    the title line (the first three samples prepended the title again, so a headline's events
    were drawn twice)."""
    text = str(row["text"])
    return text if text.lstrip().startswith(str(row["title"]).strip()) else f"{row['title']}\n\n{text}"


GOLD = CORPUS.parents[1] / "events" / "bbc_events_dev.jsonl"


def gold_articles() -> set[str]:
    """The BBC articles bbc-dev's labelled sentences come from (the coder's tuning set)."""
    if not GOLD.exists():
        return set()
    with GOLD.open(encoding="utf-8") as handle:
        return {str(json.loads(line)["article_id"]) for line in handle if line.strip()}


def excluded_articles(paths: Sequence[Path]) -> set[str]:
    """The article ids listed in the ``meta`` lines of earlier sample files."""
    out: set[str] = set()
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                item = json.loads(line)
                if item.get("item") == "meta":
                    out.update(item.get("article_ids", []))
    return out


def run(out: Path, seed: int = SEED, exclude: Sequence[Path] = (),
        shown_as_fact: bool = False) -> list[dict[str, Any]] | None:
    if not CORPUS.exists():
        print(f"skipped: the BBC corpus is not at {CORPUS}", file=sys.stderr)
        return None
    from claimtrack.api import process_many
    from claimtrack.model import RawDocument

    with CORPUS.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    rows.sort(key=lambda r: str(r["id"]))
    left_out = excluded_articles(exclude) | (gold_articles() if exclude else set())
    rows = [r for r in rows if str(r["id"]) not in left_out]
    rng = random.Random(seed)
    order = rows[:]
    rng.shuffle(order)
    pool: list[dict[str, Any]] = []
    done: list[str] = []
    for start in range(0, len(order), BATCH):
        if len(done) >= MIN_ARTICLES and len(pool) >= N_EVENTS:
            break
        batch = order[start:start + BATCH]
        raws = [RawDocument(name=str(r["id"]), content=article_text(r), format="clean",
                            outlet="BBC")  # type: ignore[arg-type]
                for r in batch]
        for row, doc in zip(batch, process_many(raws)):
            done.append(str(row["id"]))
            pool.extend(event_record(row, doc, event) for event in doc.events
                        if not shown_as_fact or event.status in SHOWN_AS_FACT)
    chosen = rng.sample(pool, min(N_EVENTS, len(pool)))
    meta = {"item": "meta", "seed": seed, "corpus": "shared/data/corpora/bbc_news.jsonl",
            "excluded_articles": len(left_out), "shown_as_fact_only": shown_as_fact,
            "articles_processed": len(done), "events_in_pool": len(pool),
            "events_sampled": len(chosen), "article_ids": done}
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for item in [meta, *chosen]:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"{len(done)} articles, {len(pool)} events; {len(chosen)} sampled; written: {out}")
    return chosen


def main(argv: Sequence[str] | None = None) -> list[dict[str, Any]] | None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="sample JSONL")
    parser.add_argument("--seed", type=int, default=SEED, help="shuffle seed")
    parser.add_argument("--exclude", type=Path, nargs="*", default=[],
                        help="earlier sample files whose articles are left out")
    parser.add_argument("--shown-as-fact", action="store_true",
                        help="draw only events with status asserted or hedged")
    args = parser.parse_args(argv)
    return run(args.out, args.seed, args.exclude, args.shown_as_fact)


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 4)
