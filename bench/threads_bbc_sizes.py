"""Do threads chain into topic clusters on everyday news? Thread sizes on a slice of BBC.

Run: ``python bench/threads_bbc_sizes.py [--start 1000] [--count 300]``. Processes BBC articles
``start`` .. ``start+count`` (``../shared/data/corpora/bbc_news.jsonl``; one date for all, as
the corpus has none, so the 90-day window splits nothing: a worst case) and prints the number
of threads of two or more claims, the ten largest and how many are contested. Exits 4 when
the corpus is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "corpora" / "bbc_news.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=1000)
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is absent", file=sys.stderr)
        return 4
    from claimtrack.api import process_many
    from claimtrack.link.threads import ThreadIndex
    from claimtrack.model import RawDocument

    rows = [json.loads(line) for line in CORPUS.open(encoding="utf-8")]
    rows = rows[args.start:args.start + args.count]
    docs = process_many([RawDocument(name=r["id"], content=f"{r['title']}\n\n{r['text']}",
                                     format="clean", outlet="BBC",  # type: ignore[arg-type]
                                     published=date(2005, 1, 1)) for r in rows])
    index = ThreadIndex()
    for doc in docs:
        index.add_document(doc)
    threads = index.threads()
    sizes = sorted((len(t.claims) for t in threads), reverse=True)
    print(json.dumps({"articles": len(docs), "threads_of_two_or_more": len(threads),
                      "largest": sizes[:10], "contested": sum(t.contested for t in threads)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
