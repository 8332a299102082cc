"""Benchmark: near-duplicate stories in the BBC corpus, checked against exact brute force.

Groups the 2,225 BBC articles with ``claimtrack.link.stories`` (the code ``claimtrack process``
uses, without a database) and checks it against two independent references:

* exact duplicates: articles whose normalised texts are equal;
* brute force: the exact Jaccard similarity of the shingle sets of every pair of articles
  (2.5 million set intersections), kept when it reaches the same threshold.

It reports recall of the brute-force pairs (found as LSH pairs, and found in one story, which
is what counting claims once needs), the LSH pairs brute force does not confirm, and whether
adding the articles one by one gives the same stories as the batch. Every group of two or
more articles is written to the results file with ids, titles and similarities; ``--sample``
prints groups side by side (title and opening of each member) for checking by hand.

    python bench/stories_bbc.py [--data DIR] [--out FILE] [--sample N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from claimtrack.evaluation.base import default_data_dir
from claimtrack.link.stories import (
    DEFAULT_SETTINGS,
    Article,
    Member,
    Signer,
    StoryIndex,
    StorySettings,
    batch_members,
    candidate_pairs,
    jaccard,
    shingles,
    similar_pairs,
    stories_from_pairs,
)
from claimtrack.model import normalize_text

CORPUS = Path("corpora") / "bbc_news.jsonl"
DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "stories_bbc.json"
OPENING_CHARS = 200
SAMPLE_SEED = 8  # issue 8

Pair = tuple[str, str]


def load_records(path: Path) -> list[dict[str, Any]]:
    """The corpus records {id, category, title, text} in file order."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def group(records: Sequence[dict[str, Any]], settings: StorySettings
          ) -> tuple[list[Member], list[tuple[Member, Member]], list[tuple[Member, Member, float]],
                     dict[str, list[Member]], float]:
    """Sign, pair and group every article with the library's batch path, timed as a whole."""
    started = time.perf_counter()
    articles = [Article(str(r["id"]), r["text"]) for r in records]
    members = batch_members(articles, Signer(settings))
    candidates = candidate_pairs(members, settings)
    confirmed = similar_pairs(members, settings)
    stories = stories_from_pairs(members, confirmed)
    return members, candidates, confirmed, stories, time.perf_counter() - started


def incremental_stories(records: Sequence[dict[str, Any]], settings: StorySettings
                        ) -> tuple[dict[str, list[str]], float]:
    """The stories a StoryIndex builds one article at a time, as doc id lists, timed."""
    started = time.perf_counter()
    index = StoryIndex(settings)
    for r in records:
        index.add(str(r["id"]), r["text"])
    stories = {sid: [m.doc_id for m in ms] for sid, ms in index.stories().items()}
    return stories, time.perf_counter() - started


def brute_force_pairs(records: Sequence[dict[str, Any]], settings: StorySettings
                      ) -> tuple[dict[Pair, float], float]:
    """Every pair of long-enough articles whose exact shingle Jaccard reaches the threshold."""
    started = time.perf_counter()
    sets = [(str(r["id"]), frozenset(hash(s) for s in shingles(r["text"],
                                                               settings.shingle_words)))
            for r in records]
    sets = [(doc_id, s) for doc_id, s in sets if len(s) >= settings.min_shingles]
    found: dict[Pair, float] = {}
    for (a, sa), (b, sb) in combinations(sets, 2):
        shared = len(sa & sb)
        if shared and shared / (len(sa) + len(sb) - shared) >= settings.threshold:
            found[(a, b)] = shared / (len(sa) + len(sb) - shared)
    return found, time.perf_counter() - started


def exact_duplicate_pairs(records: Sequence[dict[str, Any]]) -> set[Pair]:
    """Pairs of articles whose normalised texts are identical."""
    by_text: dict[str, list[str]] = {}
    for r in records:
        by_text.setdefault(normalize_text(r["text"]), []).append(str(r["id"]))
    return {pair for ids in by_text.values() for pair in combinations(ids, 2)}


def same_story(stories: dict[str, list[Member]]) -> dict[str, str]:
    return {m.doc_id: story_id for story_id, members in stories.items() for m in members}


def compare(records: Sequence[dict[str, Any]], settings: StorySettings,
            confirmed: Sequence[tuple[Member, Member, float]],
            stories: dict[str, list[Member]]) -> dict[str, Any]:
    """Recall of brute force and of exact duplicates; LSH pairs brute force rejects."""
    brute, brute_seconds = brute_force_pairs(records, settings)
    exact = exact_duplicate_pairs(records)
    lsh = {(a.doc_id, b.doc_id): score for a, b, score in confirmed}
    story_of = same_story(stories)
    texts = {str(r["id"]): shingles(r["text"], settings.shingle_words) for r in records}
    unconfirmed = sorted((pair for pair in lsh if pair not in brute), key=lambda p: lsh[p])
    missed = sorted((pair for pair in brute if pair not in lsh), key=lambda p: brute[p])
    return {
        "brute_force_seconds": round(brute_seconds, 2),
        "brute_force_pairs": len(brute),
        "exact_duplicate_pairs": len(exact),
        "lsh_confirmed_pairs": len(lsh),
        "brute_force_pairs_found_as_lsh_pairs": len(brute) - len(missed),
        "pair_recall": _ratio(len(brute) - len(missed), len(brute)),
        "brute_force_pairs_in_one_story": sum(story_of[a] == story_of[b] for a, b in brute),
        "story_recall": _ratio(sum(story_of[a] == story_of[b] for a, b in brute), len(brute)),
        "exact_duplicates_in_one_story": sum(story_of[a] == story_of[b] for a, b in exact),
        "lsh_pairs_not_confirmed_by_brute_force": [
            _pair_report(pair, lsh[pair], texts) for pair in unconfirmed],
        "brute_force_pairs_missed_by_lsh": [
            _pair_report(pair, brute[pair], texts, estimate=False) for pair in missed],
    }


def _pair_report(pair: Pair, score: float, texts: dict[str, set[str]],
                 estimate: bool = True) -> dict[str, Any]:
    """A pair with its estimated (LSH) or exact (brute force) similarity and the other one."""
    exact = round(jaccard(texts[pair[0]], texts[pair[1]]), 4)
    key = "estimated" if estimate else "exact"
    return {"pair": list(pair), key: round(score, 4), "exact_jaccard": exact}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def groups_report(stories: dict[str, list[Member]], records: Sequence[dict[str, Any]]
                  ) -> list[dict[str, Any]]:
    """Every story of two or more articles, biggest first, with ids, titles and similarity."""
    titles = {str(r["id"]): r.get("title") for r in records}
    groups = [members for members in stories.values() if len(members) >= 2]
    groups.sort(key=lambda ms: (-len(ms), ms[0].seq))
    return [
        {"story_id": ms[0].doc_id, "size": len(ms),
         "members": [{"id": m.doc_id, "title": titles[m.doc_id], "similarity": m.similarity}
                     for m in ms]}
        for ms in groups
    ]


def print_sample(groups: Sequence[dict[str, Any]], records: Sequence[dict[str, Any]],
                 size: int) -> None:
    """The groups whose members are least alike first (where false merges would show), then
    a seeded random choice of the rest: each member's title and opening."""
    texts = {str(r["id"]): " ".join(r["text"].split()) for r in records}
    by_similarity = sorted(groups, key=lambda g: min(m["similarity"] for m in g["members"]))
    weakest = by_similarity[: size // 2]
    rest = [g for g in groups if g not in weakest]
    chosen = weakest + random.Random(SAMPLE_SEED).sample(rest, min(len(rest), size - len(weakest)))
    for g in chosen:
        print(f"\n=== story {g['story_id']} ({g['size']} articles)")
        for m in g["members"]:
            print(f"  [{m['similarity']:.3f}] {m['id']}: {m['title']}")
            print(f"      {texts[m['id']][:OPENING_CHARS]}")


def run(data_dir: Path, out: Path, sample: int, settings: StorySettings = DEFAULT_SETTINGS,
        check: bool = True) -> dict[str, Any] | None:
    """Group the corpus, compare, write the results; None (and a note) if it is absent."""
    path = data_dir / CORPUS
    if not path.exists():
        print(f"skipped: the BBC corpus is not at {path}", file=sys.stderr)
        return None
    records = load_records(path)
    members, candidates, confirmed, stories, seconds = group(records, settings)
    incremental, incremental_seconds = incremental_stories(records, settings)
    groups = groups_report(stories, records)
    results: dict[str, Any] = {
        "corpus": str(CORPUS),
        "articles": len(records),
        "settings": {"shingle_words": settings.shingle_words, "num_perm": settings.num_perm,
                     "seed": settings.seed, "threshold": settings.threshold,
                     "min_shingles": settings.min_shingles},
        "too_short_to_merge": sum(m.signature.minhash is None for m in members),
        "groups": len(groups),
        "articles_in_groups": sum(g["size"] for g in groups),
        "largest_group": max((g["size"] for g in groups), default=0),
        "seconds": round(seconds, 2),
        "incremental_seconds": round(incremental_seconds, 2),
        "incremental_equals_batch": incremental == {
            sid: [m.doc_id for m in ms] for sid, ms in stories.items()},
        "lsh_candidate_pairs": len(candidates),
    }
    if check:
        results["check"] = compare(records, settings, confirmed, stories)
    results["stories"] = groups
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print_summary(results)
    if sample:
        print_sample(groups, records, sample)
    return results


def _print_summary(results: dict[str, Any]) -> None:
    print(f"{results['groups']} groups of 2+ articles, {results['articles_in_groups']} articles "
          f"in them (largest {results['largest_group']}); {results['too_short_to_merge']} "
          f"articles too short to merge")
    print(f"grouping took {results['seconds']} s (one by one: {results['incremental_seconds']} s, "
          f"same stories: {results['incremental_equals_batch']}); "
          f"{results['lsh_candidate_pairs']} LSH candidate pairs")
    check = results.get("check")
    if check:
        print(f"brute force ({check['brute_force_seconds']} s): {check['brute_force_pairs']} "
              f"pairs at the threshold, {check['exact_duplicate_pairs']} exact-duplicate pairs")
        print(f"LSH confirmed {check['lsh_confirmed_pairs']} pairs; found "
              f"{check['brute_force_pairs_found_as_lsh_pairs']} of the brute-force pairs "
              f"(recall {check['pair_recall']}); {check['brute_force_pairs_in_one_story']} "
              f"of them in one story (recall {check['story_recall']}); "
              f"{check['exact_duplicates_in_one_story']} of {check['exact_duplicate_pairs']} "
              f"exact duplicates in one story")
        print(f"LSH pairs brute force does not confirm: "
              f"{len(check['lsh_pairs_not_confirmed_by_brute_force'])}")


def main(argv: Sequence[str] | None = None) -> dict[str, Any] | None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="data directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON")
    parser.add_argument("--sample", type=int, default=0, help="groups to print side by side")
    parser.add_argument("--no-check", action="store_true", help="skip the brute-force check")
    args = parser.parse_args(argv)
    return run(args.data or default_data_dir(), args.out, args.sample, check=not args.no_check)


if __name__ == "__main__":
    main()
