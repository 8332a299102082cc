"""The article-extraction-benchmark metric (scrapinghub/article-extraction-benchmark).

This reproduces ``evaluate.py`` of that benchmark, which is what the reference figures in
``../shared/data/README.md`` were measured with (keep-everything on plaintext-aeb: F1 0.683):

* tokens are the ``\\w+`` runs of the text (the README's "split on whitespace" is a
  paraphrase; whitespace splitting keeps punctuation on tokens and gives 0.639 / 0.671);
* shingles are the runs of 4 consecutive tokens, counted as a multiset (a shingle repeated in
  both texts matches as many times as it occurs in both), so per document
  ``P = |pred ∩ gold| / |pred|`` and ``R = |pred ∩ gold| / |gold|`` with multiset sizes;
* a text with fewer than 4 tokens (but at least one) is a single shingle of all its tokens;
  a text without tokens has no shingles;
* corpus precision is the mean of per-document precision over the documents whose prediction
  has shingles, corpus recall the mean of per-document recall over the documents whose gold
  has shingles (so an empty prediction costs recall, not precision; a document with both
  empty is left out of both means). Corpus F1 is the harmonic mean of those two means (not
  the mean of per-document F1s);
* standard deviations are bootstrap estimates: resample documents with replacement
  ``n_bootstrap`` times (1000) and take the sample standard deviation of each metric. The
  benchmark's resampling is unseeded; here it uses ``random.Random(seed)`` (seed 0) so that
  figures are reproducible.

When no document has a non-empty prediction (or gold) the corresponding mean is taken as 1.0
(nothing was predicted, so nothing was predicted wrongly); the benchmark would crash there.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from claimtrack.evaluation.base import f1_score

SHINGLE_SIZE = 4
N_BOOTSTRAP = 1000
SEED = 0

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """The benchmark's tokens: maximal runs of word characters."""
    return _TOKEN_RE.findall(text or "")


def shingles(text: str, n: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    """The multiset of ``n``-token shingles of ``text`` (one short shingle if it is shorter)."""
    tokens = tokenize(text)
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


@dataclass(frozen=True)
class ShingleCounts:
    """Per-document shingle counts: matched, predicted only, gold only."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        """Per-document precision, or None when the prediction has no shingles."""
        predicted = self.tp + self.fp
        return self.tp / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        """Per-document recall, or None when the gold text has no shingles."""
        gold = self.tp + self.fn
        return self.tp / gold if gold else None


def match_shingles(gold: str, pred: str, n: int = SHINGLE_SIZE) -> ShingleCounts:
    """Count matched and unmatched shingles between a gold and a predicted text."""
    gold_shingles = shingles(gold, n)
    pred_shingles = shingles(pred, n)
    tp = sum((gold_shingles & pred_shingles).values())
    return ShingleCounts(
        tp=tp, fp=sum(pred_shingles.values()) - tp, fn=sum(gold_shingles.values()) - tp
    )


def document_scores(gold: str, pred: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of one document, with the corpus rules applied to one document
    (no shingles predicted: P = 1.0; no gold shingles: R = 1.0)."""
    counts = match_shingles(gold, pred)
    return aggregate([counts])


def aggregate(counts: Sequence[ShingleCounts]) -> tuple[float, float, float]:
    """Corpus precision, recall and F1 from per-document counts (see the module docstring)."""
    precisions = [p for c in counts if (p := c.precision) is not None]
    recalls = [r for c in counts if (r := c.recall) is not None]
    precision = statistics.fmean(precisions) if precisions else 1.0
    recall = statistics.fmean(recalls) if recalls else 1.0
    return precision, recall, f1_score(precision, recall)


@dataclass(frozen=True)
class ShingleResult:
    """Corpus-level shingle metrics with bootstrap standard deviations."""

    n_documents: int
    precision: float
    recall: float
    f1: float
    precision_std: float
    recall_std: float
    f1_std: float

    def metrics(self) -> dict[str, float]:
        """The figures as a flat dict for an EvalReport."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "f1_std": self.f1_std,
        }


def bootstrap_std(
    counts: Sequence[ShingleCounts], n_bootstrap: int = N_BOOTSTRAP, seed: int = SEED
) -> tuple[float, float, float]:
    """Bootstrap standard deviations of corpus precision, recall and F1."""
    if len(counts) < 2 or n_bootstrap < 2:
        return 0.0, 0.0, 0.0
    rng = random.Random(seed)
    n = len(counts)
    samples: list[tuple[float, float, float]] = []
    for _ in range(n_bootstrap):
        resample = [counts[rng.randrange(n)] for _ in range(n)]
        samples.append(aggregate(resample))
    p, r, f = zip(*samples)
    return statistics.stdev(p), statistics.stdev(r), statistics.stdev(f)


def evaluate_pairs(
    pairs: Iterable[tuple[str, str]], n_bootstrap: int = N_BOOTSTRAP, seed: int = SEED
) -> ShingleResult:
    """Score ``(gold, prediction)`` text pairs with the benchmark metric."""
    counts = [match_shingles(gold, pred) for gold, pred in pairs]
    precision, recall, f1 = aggregate(counts)
    p_std, r_std, f_std = bootstrap_std(counts, n_bootstrap, seed)
    return ShingleResult(len(counts), precision, recall, f1, p_std, r_std, f_std)
