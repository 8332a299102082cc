"""Task ``threads``: claim threads and their sides on Emergent, headlines read as articles.

Emergent (Ferreira & Vlachos 2016) gives 200 claims, each with the headlines of articles about
it and each headline's stance toward it (for / against / observing). Here every headline is
processed as a short article of its own (outlet = its article id, no boilerplate step, no date)
by the full pipeline, and all of them go into one :class:`~claimtrack.link.threads.ThreadIndex`,
as they would go into a store. The claim ids are never shown to the pipeline. Scores:

* **threads**: B-cubed precision, recall and F1 of the headlines' threads against their claim
  ids. A headline's thread is the thread of its main claim (its thread claim with the most
  proposition words, the earliest on a tie); a headline with no claim that can join a thread
  is a thread of its own.
* **sides**: the side each headline's voice takes on its thread's proposition against its gold
  stance. The headline's voice is its outlet: what the outlet states or denies itself is *for* /
  *against* by commitment and polarity (:func:`~claimtrack.link.threads.side_of`); a denial it
  reports is *against*; an assertion it attributes to somebody else, a hedge, a question or a
  refusal to comment is *observing* (the outlet reports without taking a side).
* **sides in gold threads**: the same, with the threads taken from the claim ids, so the
  part of the side error that belongs to the commitment rules, not to linking.
* **contested**: a claim is gold-contested when it has both for and against headlines; it is
  predicted contested when the thread holding most of its headlines is contested. F1 on the
  contested class, over claims.

``split``: ``dev`` / ``test`` / ``all`` halves by a hash of the claim id, as in task ``stance``.
The link thresholds and the commitment rules were chosen looking at the dev half only.
Options: ``split``, ``limit`` (first N claims), ``documents`` (processed headline Documents in
row order, to score without re-running the pipeline).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from claimtrack.evaluation.base import (
    EvalReport,
    EvaluationError,
    check_options,
    f1_score,
    register_task,
    safe_div,
)
from claimtrack.evaluation.stance import DATA_PATH, rows_in_split, scores
from claimtrack.model import Document, RawDocument

TASK = "threads"


def headline_documents(rows: list[dict[str, str]]) -> list[Document]:
    """Each headline processed as a short article of its own, in row order."""
    from claimtrack.api import process_many

    raws = [RawDocument(name=f"emergent:{r['id']}", content=r["articleHeadline"],
                        format="clean",  # type: ignore[arg-type]  # the headline is the article
                        outlet=f"emergent-{r['articleId']}") for r in rows]
    return process_many(raws)


def main_claim(doc: Document, claims: list[Any]) -> Any | None:
    """The headline's main thread claim: the one with the most proposition words."""
    if not claims:
        return None
    return max(claims, key=lambda c: (len(c.words), -int(c.claim_id.lstrip("C") or 0)))


def outlet_side(claim: Any, thread_polarity: str, reported: bool = True) -> str:
    """The side the headline's outlet takes (see the module docstring). ``reported``: the
    claim is somebody else's speech, by a reporting cue of the hand lexicon or a credit ("...
    - NY Post", "according to"), not a learned frame or a colon after any name."""
    from claimtrack.link.threads import side_of

    side = side_of(claim, thread_polarity)
    own = claim.kind == "narration" or claim.source == claim.outlet
    if side == "for" and not own and claim.stance == "assert" and reported:
        return "observing"
    return side


def is_reported_speech(doc: Document, claim_id: str) -> bool:
    """Whether a claim passes on somebody's speech: "according to", a headline credit, or a
    cue verb of ``cues.tsv`` (stored cues are inflected: "says", "denied")."""
    from claimtrack.stages.stance import cue_stances

    claim = doc.claim(claim_id)
    if claim is None or claim.kind == "narration":
        return False
    if claim.kind == "according_to":
        return True
    words = claim.cue.lower().split()
    if not words:
        return False
    cues = cue_stances()
    word = words[0]
    stems = [word] + [word[: -len(suffix)] + repl for suffix, repl in
                      (("ies", "y"), ("ied", "y"), ("es", "e"), ("ed", "e"), ("s", ""),
                       ("ed", "")) if word.endswith(suffix)]
    return any(stem in cues for stem in stems)


def bcubed(clusters: list[str], gold: list[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering against gold labels."""
    by_cluster: dict[str, list[int]] = defaultdict(list)
    by_gold: dict[str, list[int]] = defaultdict(list)
    for i, (c, g) in enumerate(zip(clusters, gold)):
        by_cluster[c].append(i)
        by_gold[g].append(i)
    precision = recall = 0.0
    for i, (c, g) in enumerate(zip(clusters, gold)):
        same_cluster, same_gold = by_cluster[c], by_gold[g]
        both = sum(1 for j in same_cluster if gold[j] == g)
        precision += both / len(same_cluster)
        recall += both / len(same_gold)
    n = len(clusters)
    p, r = safe_div(precision, n), safe_div(recall, n)
    return p, r, f1_score(p, r)


def sides_in_gold_threads(rows: list[dict[str, str]], docs: list[Document],
                          mains: list[Any]) -> list[str]:
    """The sides the headlines would take if the threads were exactly Emergent's claims: how
    much of the side error is the commitment rules' (a bound no linking can lift)."""
    from claimtrack.link.threads import Thread

    groups: dict[str, list[Any]] = defaultdict(list)
    for row, main in zip(rows, mains):
        if main is not None:
            groups[row["claimId"]].append(main)
    polarity = {claim_id: Thread(claim_id, members).polarity
                for claim_id, members in groups.items()}
    doc_of = {doc.id: doc for doc in docs}
    return ["observing" if main is None else outlet_side(
        main, polarity[row["claimId"]], is_reported_speech(doc_of[main.doc_id], main.claim_id))
        for row, main in zip(rows, mains)]


def score(rows: list[dict[str, str]], docs: list[Document]) -> tuple[dict[str, float], list[str]]:
    """All figures for headlines ``rows`` processed into ``docs`` (same order)."""
    from claimtrack.link.threads import ThreadIndex, thread_claims_of

    index = ThreadIndex()
    doc_of = {doc.id: doc for doc in docs}
    mains = []
    for doc in docs:
        candidates = thread_claims_of(doc)
        index.add(candidates)
        mains.append(main_claim(doc, candidates))
    threads = {t.id: t for t in index.threads(min_size=1)}
    clusters, sides = [], []
    for row, main in zip(rows, mains):
        if main is None:
            clusters.append(f"alone:{row['id']}")
            sides.append("observing")
            continue
        thread = threads[index.thread_id(index.position[main.key])]
        clusters.append(thread.id)
        sides.append(outlet_side(main, thread.polarity, is_reported_speech(doc_of[main.doc_id],
                                                                            main.claim_id)))
    gold_claims = [r["claimId"] for r in rows]
    gold_sides = [r["articleHeadlineStance"].strip().lower() for r in rows]
    precision, recall, f1 = bcubed(clusters, gold_claims)
    side_metrics, _ = scores(gold_sides, sides)
    bound, _ = scores(gold_sides, sides_in_gold_threads(rows, docs, mains))
    by_claim: dict[str, list[int]] = defaultdict(list)
    for i, claim_id in enumerate(gold_claims):
        by_claim[claim_id].append(i)
    tp = fp = fn = 0
    for claim_id, members in by_claim.items():
        gold = {"for", "against"} <= {gold_sides[i] for i in members}
        biggest = Counter(clusters[i] for i in members).most_common()
        top = min((c for c, n in biggest if n == biggest[0][1]))
        predicted = top in threads and threads[top].contested
        tp += gold and predicted
        fp += predicted and not gold
        fn += gold and not predicted
    cp, cr = safe_div(tp, tp + fp), safe_div(tp, tp + fn)
    sizes = Counter(clusters)
    metrics = {
        "bcubed_precision": precision, "bcubed_recall": recall, "bcubed_f1": f1,
        "side_accuracy": side_metrics["accuracy"], "side_macro_f1": side_metrics["macro_f1"],
        "side_accuracy_gold_threads": bound["accuracy"],
        "contested_precision": cp, "contested_recall": cr, "contested_f1": f1_score(cp, cr),
        "n_headlines": len(rows), "n_claims": len(by_claim),
        "n_gold_contested": sum(1 for m in by_claim.values()
                                if {"for", "against"} <= {gold_sides[i] for i in m}),
        "n_threads": len(sizes), "largest_thread": max(sizes.values()) if sizes else 0,
        "no_thread_claim": sum(1 for m in mains if m is None),
    }
    confusion = Counter((g, p) for g, p in zip(gold_sides, sides) if g != p)
    notes = ["side confusion (gold->pred): " + ", ".join(
        f"{g}->{p} {n}" for (g, p), n in sorted(confusion.items()))]
    return metrics, notes


@register_task(TASK)
class ThreadsTask:
    """Score claim threads, sides and contested detection on Emergent headlines."""

    options = ("split", "limit", "documents")

    def run(self, data_dir: Path, options: Mapping[str, Any]) -> EvalReport:
        check_options(TASK, options, self.options)
        split = options.get("split") or "all"
        path = data_dir / DATA_PATH
        rows = rows_in_split(path, split, TASK)
        if options.get("limit") is not None:
            keep = list(dict.fromkeys(r["claimId"] for r in rows))[: int(options["limit"])]
            rows = [r for r in rows if r["claimId"] in set(keep)]
        docs = options.get("documents")
        if docs is None:
            docs = headline_documents(rows)
        elif len(docs) != len(rows):
            raise EvaluationError(f"{len(docs)} documents for {len(rows)} headlines")
        metrics, notes = score(rows, list(docs))
        return EvalReport(task=TASK, dataset=f"emergent headlines as articles ({path})"
                          + ("" if split == "all" else f", {split} half"),
                          n_documents=len(rows), metrics=metrics, notes=notes)
