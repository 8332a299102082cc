"""Read check: denials, negative assertions, event statuses and claim threads on BBC articles.

Processes a seeded sample of BBC articles (``../shared/data/corpora/bbc_news.jsonl``, JSON
lines {id, category, title, text}) with ``claimtrack.api.process_many`` and writes, for reading
by hand, a seeded sample of what the system produced:

* ``deny``: claims whose stance is ``deny`` (all of them if fewer than asked for);
* ``neg_assert``: claims asserted with negative polarity (should not be denials);
* ``event``: events whose status is not ``asserted``, then ``asserted`` ones;
* ``thread``: the largest claim threads and every contested one, over a ThreadIndex of the
  sampled articles, with each member's source, stance, polarity, side and text.

Each record carries the article id, the sentence the item is in, and the system's output. The
verdicts read from this file are in ``results/propositions_verdicts.jsonl`` and the summary in
``results/propositions_read_check.md``. Every article is dated 2005-01-01 (the corpus has no
dates; the BBC articles are from 2004-2005), so the thread window never separates them.

    python bench/read_check_propositions.py [--data DIR] [--articles 300] [--out FILE]

Exits with code 4 (and a message) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

CORPUS = Path("corpora") / "bbc_news.jsonl"
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "propositions_sample.jsonl"
SEED = 20250101
PUBLISHED = date(2005, 1, 1)
N_ARTICLES = 300
N_DENY = 40
N_NEG_ASSERT = 30
N_EVENTS_OTHER = 30
N_EVENTS_ASSERTED = 20
N_LARGEST_THREADS = 15


def load_records(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def sentence_of(doc: Any, index: int) -> str:
    if 0 <= index < len(doc.sentences):
        return doc.sentences[index].text(doc.text).strip()
    return ""


def sentence_index_at(doc: Any, offset: int) -> int:
    for i, span in enumerate(doc.sentences):
        if span.start <= offset < span.end:
            return i
    return -1


def claim_output(doc: Any, claim: Any) -> dict[str, Any]:
    return {
        "claim_id": claim.id, "kind": claim.kind, "stance": claim.stance,
        "polarity": claim.polarity, "source": doc.source_name(claim),
        "source_text": claim.source_text, "cue": claim.cue, "content": claim.content_text,
        "parent": claim.parent, "proposition": claim.proposition,
    }


def event_output(doc: Any, event: Any) -> dict[str, Any]:
    reporter = doc.claim(event.claim)
    return {
        "event_id": event.id, "type": event.type, "trigger": event.trigger_text,
        "status": event.status, "negated": event.negated, "hypothetical": event.hypothetical,
        "mode": event.mode, "proposed": event.proposed, "reported_by": event.reported_by,
        "actors": [a.text for a in event.actors], "targets": [t.text for t in event.targets],
        "reporting_claim": None if reporter is None else {
            "stance": reporter.stance, "polarity": reporter.polarity, "kind": reporter.kind,
            "cue": reporter.cue, "content": reporter.content_text},
    }


def pick(items: list[Any], n: int, rng: random.Random) -> list[Any]:
    return list(items) if len(items) <= n else rng.sample(items, n)


def sample_items(docs: Sequence[Any], names: dict[str, str], categories: dict[str, str],
                 rng: random.Random) -> list[dict[str, Any]]:
    """The claim and event records, in a fixed order for a fixed seed."""
    denials, negatives, other_events, asserted_events = [], [], [], []
    for doc in docs:
        for claim in doc.claims:
            if claim.stance == "deny":
                denials.append((doc, claim))
            elif claim.stance == "assert" and claim.polarity == "negative":
                negatives.append((doc, claim))
        for event in doc.events:
            (asserted_events if event.status == "asserted" else other_events).append((doc, event))
    out = []

    def base(prefix: str, i: int, doc: Any, sentence: int) -> dict[str, Any]:
        return {"item": f"{prefix}-{i:02d}", "category": prefix, "article": names[doc.id],
                "article_category": categories[names[doc.id]], "sentence_index": sentence,
                "sentence": sentence_of(doc, sentence)}

    for prefix, pool, n in (("deny", denials, N_DENY), ("neg_assert", negatives, N_NEG_ASSERT)):
        for i, (doc, claim) in enumerate(pick(pool, n, rng), 1):
            out.append({**base(prefix, i, doc, claim.sentence), "output": claim_output(doc, claim)})
    events = [("event_other", e) for e in pick(other_events, N_EVENTS_OTHER, rng)]
    events += [("event_asserted", e) for e in pick(asserted_events, N_EVENTS_ASSERTED, rng)]
    for i, (prefix, (doc, event)) in enumerate(events, 1):
        record = base("event", i, doc, sentence_index_at(doc, event.trigger.start))
        record["stratum"] = prefix
        out.append({**record, "output": event_output(doc, event)})
    totals = {"deny": len(denials), "neg_assert": len(negatives),
              "events_not_asserted": len(other_events), "events_asserted": len(asserted_events)}
    return [{"item": "meta", "totals_in_sample": totals}] + out


def thread_items(docs: Sequence[Any], names: dict[str, str]) -> list[dict[str, Any]]:
    """The largest threads and every contested one, each member with its side."""
    from claimtrack.link.threads import ThreadIndex, side_of

    index = ThreadIndex()
    for doc in docs:
        index.add_document(doc)
    threads = index.threads(min_size=2)
    by_id = {doc.id: doc for doc in docs}
    largest = sorted(threads, key=lambda t: (-len(t.claims), t.id))[:N_LARGEST_THREADS]
    contested = [t for t in threads if t.contested]
    chosen = list({t.id: t for t in largest + contested}.values())
    out = []
    for i, thread in enumerate(chosen, 1):
        polarity = thread.polarity
        members = []
        for c in sorted(thread.claims, key=lambda c: c.order):
            doc = by_id[c.doc_id]
            members.append({
                "article": names[c.doc_id], "claim_id": c.claim_id, "source": c.source,
                "voice": c.voice, "kind": c.kind, "stance": c.stance, "polarity": c.polarity,
                "side": side_of(c, polarity), "text": c.text,
                "sentence": sentence_of(doc, c.sentence)})
        out.append({
            "item": f"thread-{i:02d}", "category": "thread", "thread_id": thread.id,
            "size": len(thread.claims), "contested": thread.contested,
            "in_largest": thread in largest, "polarity": polarity,
            "proposition": thread.proposition,
            "sides": {side: len(cs) for side, cs in thread.sides().items()},
            "members": members,
        })
    return [{"item": "meta-threads", "threads_2plus": len(threads),
             "claims_indexed": len(index.claims), "contested": len(contested)}] + out


def run(data_dir: Path, n_articles: int, out: Path) -> list[dict[str, Any]] | None:
    path = data_dir / CORPUS
    if not path.exists():
        print(f"skipped: the BBC corpus is not at {path}", file=sys.stderr)
        return None
    from claimtrack.api import process_many
    from claimtrack.model import RawDocument

    records = load_records(path)
    rng = random.Random(SEED)
    chosen = sorted(rng.sample(records, min(n_articles, len(records))), key=lambda r: r["id"])
    raws = [RawDocument(name=str(r["id"]), content=f"{r['title']}\n\n{r['text']}",
                        format="clean", published=PUBLISHED)  # type: ignore[arg-type]
            for r in chosen]
    docs = process_many(raws)
    names = {doc.id: doc.name for doc in docs}
    categories = {str(r["id"]): r["category"] for r in chosen}
    items = sample_items(docs, names, categories, rng)
    items[0].update({"seed": SEED, "articles": len(docs), "published": PUBLISHED.isoformat(),
                     "corpus": str(CORPUS), "article_ids": [doc.name for doc in docs]})
    items += thread_items(docs, names)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    meta, threads_meta = items[0], next(i for i in items if i["item"] == "meta-threads")
    print(f"{len(docs)} articles; in them: {meta['totals_in_sample']}; "
          f"threads of 2+: {threads_meta['threads_2plus']}, contested: {threads_meta['contested']}")
    print(f"written: {out} ({len(items)} records)")
    return items


def main(argv: Sequence[str] | None = None) -> list[dict[str, Any]] | None:
    from claimtrack.evaluation.base import default_data_dir

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="data directory")
    parser.add_argument("--articles", type=int, default=N_ARTICLES, help="articles to sample")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="sample JSONL")
    args = parser.parse_args(argv)
    return run(args.data or default_data_dir(), args.articles, args.out)


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 4)
