"""Task ``attribution``: who said what, scored on PolNeAR (BRAT standoff).

Data: ``attribution/polnear/<split>/text/<name>.txt`` and
``attribution/polnear/<split>/attributions/<name>_<annotator>.ann`` (split ``train`` or
``dev``). Some texts were annotated by several annotators; the file whose annotator id sorts
first is used, so the gold set is deterministic and each text counts once.

Scoring (as ``../shared/data/README.md`` suggests):

* a span's *significant characters* are its character offsets whose character is neither
  whitespace nor punctuation (Unicode category P*, which covers all quote marks);
* a predicted content matches a gold content when the Dice overlap of their significant
  character sets is >= 0.5; matching is 1:1 and greedy, highest Dice first (ties: earlier gold,
  then earlier prediction);
* the source of a matched pair is right when the predicted source shares a significant
  character with the gold source; when the gold attribution has no source
  (``Attribution-no-source``) it is right only if the prediction has no source either;
* content P/R/F1 count matched contents; end-to-end P/R/F1 count matched contents whose
  source is right; recall is also broken down by gold kind (direct / indirect /
  according_to, see :func:`claimtrack.evaluation.brat.attribution_kind`), with each kind's
  content misses and source errors;
* ``pronoun_sources_resolved``: among predictions whose whole source text is a personal
  pronoun ("He said"), the share whose source entity is a name rather than the pronoun itself.
  It reads only the predictions: the scoring above compares source spans, so it cannot tell
  a "He" resolved to Zakharchenko from one left unresolved.

Options: ``split`` (``dev`` by default), ``predict`` (``text -> list[PredictedAttribution]``)
or ``predict_many`` (``list[text] -> list[list[PredictedAttribution]]``), ``limit`` (first N
texts), ``threshold`` (Dice, 0.5). The default predictor runs the claimtrack pipeline
(:class:`claimtrack.evaluation.pipeline_predictor.PipelinePredictor`).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimtrack.evaluation.base import (
    EvalReport,
    EvaluationError,
    check_options,
    f1_score,
    register_task,
    require_path,
    safe_div,
)
from claimtrack.evaluation.brat import KINDS, GoldAttribution, gold_attributions, parse_ann

TASK = "attribution"
SPLITS: tuple[str, ...] = ("train", "dev")
DICE_THRESHOLD = 0.5
Fragment = tuple[int, int]


#: Personal pronouns that, as a whole source text, need resolving to say who is speaking.
PRONOUNS = frozenset({"he", "she", "they", "it", "him", "her", "them", "his", "its", "their",
                      "we", "i"})
#: Entity types that are names whatever their canonical name looks like.
NAMED_TYPES = frozenset({"PERSON", "ORG", "GPE"})


@dataclass
class PredictedAttribution:
    """A predicted attribution: content fragments and source fragments (empty: no source).

    The optional fields describe the source as the system resolved it, so that pronoun
    resolution ("He said" -> Zakharchenko) can be scored; predictors that do not know them
    leave them None and are simply not counted in ``pronoun_sources_resolved``.
    """

    content: list[Fragment]
    source: list[Fragment] = field(default_factory=list)
    source_text: str | None = None  # the source as written at the claim ("He")
    resolved_name: str | None = None  # the canonical name of the source entity
    resolved_type: str | None = None  # that entity's type (PERSON, ORG, GPE, ANON, OTHER ...)

    @property
    def pronoun_source(self) -> bool:
        """Whether the whole source text is a personal pronoun (case-insensitive)."""
        return self.source_text is not None and self.source_text.strip().lower() in PRONOUNS

    @property
    def resolved_to_name(self) -> bool:
        """Whether the source entity is a name: a PERSON, ORG or GPE, or of any other type
        whose name is not itself a pronoun (an unresolved "He" becomes an entity named "He")."""
        if self.resolved_name is None:
            return False
        return (self.resolved_type in NAMED_TYPES
                or self.resolved_name.strip().lower() not in PRONOUNS)


Predictor = Callable[[str], list[PredictedAttribution]]
BatchPredictor = Callable[[list[str]], list[list[PredictedAttribution]]]


def _significant(char: str) -> bool:
    return not char.isspace() and not unicodedata.category(char).startswith("P")


def significant_chars(text: str, fragments: Sequence[Fragment]) -> frozenset[int]:
    """Offsets in the fragments whose character is not whitespace, a quote or punctuation."""
    return frozenset(
        i
        for start, end in fragments
        for i in range(max(0, start), min(end, len(text)))
        if _significant(text[i])
    )


def dice(a: frozenset[int], b: frozenset[int]) -> float:
    """Dice coefficient of two offset sets (0.0 when both are empty)."""
    return safe_div(2 * len(a & b), len(a) + len(b))


def greedy_match(
    gold: Sequence[frozenset[int]],
    pred: Sequence[frozenset[int]],
    threshold: float = DICE_THRESHOLD,
) -> list[tuple[int, int, float]]:
    """1:1 matching of gold to predicted spans, best Dice first; ``(gold i, pred j, dice)``."""
    candidates = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if g and p and not g.isdisjoint(p):
                score = dice(g, p)
                if score >= threshold:
                    candidates.append((-score, i, j))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matches = []
    for negative, i, j in candidates:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            matches.append((i, j, -negative))
    return sorted(matches)


def source_right(
    text: str, gold_source: Sequence[Fragment], pred_source: Sequence[Fragment]
) -> bool:
    """Whether a predicted source agrees with the gold one (see the module docstring)."""
    gold_chars = significant_chars(text, gold_source)
    pred_chars = significant_chars(text, pred_source)
    if not gold_chars:
        return not pred_chars
    return not gold_chars.isdisjoint(pred_chars)


@dataclass
class AttributionScores:
    """Counts accumulated over documents; :meth:`metrics` and :meth:`breakdown` report them."""

    n_documents: int = 0
    n_gold: int = 0
    n_pred: int = 0
    content_matched: int = 0
    e2e_matched: int = 0
    pronoun_sources: int = 0
    pronoun_sources_resolved: int = 0
    gold_by_kind: Counter[str] = field(default_factory=Counter)
    content_by_kind: Counter[str] = field(default_factory=Counter)
    e2e_by_kind: Counter[str] = field(default_factory=Counter)

    def add(
        self,
        text: str,
        gold: Sequence[GoldAttribution],
        pred: Sequence[PredictedAttribution],
        threshold: float = DICE_THRESHOLD,
    ) -> None:
        """Score one document and add its counts."""
        self.n_documents += 1
        self.n_gold += len(gold)
        self.n_pred += len(pred)
        self.gold_by_kind.update(g.kind for g in gold)
        pronouns = [p for p in pred if p.pronoun_source]
        self.pronoun_sources += len(pronouns)
        self.pronoun_sources_resolved += sum(p.resolved_to_name for p in pronouns)
        gold_sets = [significant_chars(text, g.content) for g in gold]
        pred_sets = [significant_chars(text, p.content) for p in pred]
        for i, j, _ in greedy_match(gold_sets, pred_sets, threshold):
            kind = gold[i].kind
            self.content_matched += 1
            self.content_by_kind[kind] += 1
            if source_right(text, gold[i].source, pred[j].source):
                self.e2e_matched += 1
                self.e2e_by_kind[kind] += 1

    def metrics(self) -> dict[str, float]:
        """Content and end-to-end P/R/F1, source accuracy on matched contents, the share of
        predicted pronoun sources resolved to a name, counts."""
        cp = safe_div(self.content_matched, self.n_pred)
        cr = safe_div(self.content_matched, self.n_gold)
        ep = safe_div(self.e2e_matched, self.n_pred)
        er = safe_div(self.e2e_matched, self.n_gold)
        return {
            "content_precision": cp,
            "content_recall": cr,
            "content_f1": f1_score(cp, cr),
            "e2e_precision": ep,
            "e2e_recall": er,
            "e2e_f1": f1_score(ep, er),
            "source_accuracy": safe_div(self.e2e_matched, self.content_matched),
            "pronoun_sources_resolved": safe_div(
                self.pronoun_sources_resolved, self.pronoun_sources
            ),
            "n_pronoun_sources": self.pronoun_sources,
            "n_gold": self.n_gold,
            "n_pred": self.n_pred,
            "n_content_matched": self.content_matched,
            "n_e2e_matched": self.e2e_matched,
        }

    def breakdown(self) -> dict[str, dict[str, float]]:
        """Recall and errors by gold kind, plus an ``all`` row.

        Every gold attribution is exactly one of: a content miss (no prediction matched its
        content), a source error (content matched, source wrong) or an end-to-end hit, so
        ``content_missed + source_errors + e2e hits = n_gold`` and the table says which of the
        two kinds of error costs each kind its recall.
        """
        kinds = list(KINDS) + sorted(set(self.gold_by_kind) - set(KINDS))
        rows = {kind: _error_row(self.gold_by_kind[kind], self.content_by_kind[kind],
                                 self.e2e_by_kind[kind]) for kind in kinds}
        rows["all"] = _error_row(self.n_gold, self.content_matched, self.e2e_matched)
        return rows


def _error_row(n_gold: int, content: int, e2e: int) -> dict[str, float]:
    return {
        "n_gold": n_gold,
        "content_matched": content,
        "content_missed": n_gold - content,
        "source_errors": content - e2e,
        "content_recall": safe_div(content, n_gold),
        "e2e_recall": safe_div(e2e, n_gold),
    }


@dataclass(frozen=True)
class PolnearText:
    """One text of a split with the annotation file chosen for it."""

    name: str
    text_path: Path
    ann_path: Path
    annotator: str
    n_annotators: int


def read_text(path: Path) -> str:
    """Read a text file without newline translation, so BRAT offsets stay valid."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def list_split(split_dir: Path) -> tuple[list[PolnearText], list[str]]:
    """The texts of a split with their chosen ``.ann`` file, and the names of texts that have
    no annotation file. ``<name>_<annotator>.ann`` is split at its last underscore."""
    text_dir = require_path(split_dir / "text", "PolNeAR text folder")
    ann_dir = require_path(split_dir / "attributions", "PolNeAR attributions folder")
    by_name: dict[str, list[tuple[str, Path]]] = {}
    for ann in ann_dir.glob("*.ann"):
        name, _, annotator = ann.stem.rpartition("_")
        by_name.setdefault(name, []).append((annotator, ann))
    texts, unannotated = [], []
    for text_path in sorted(text_dir.glob("*.txt")):
        candidates = sorted(by_name.get(text_path.stem, []))
        if not candidates:
            unannotated.append(text_path.stem)
            continue
        annotator, ann = candidates[0]
        texts.append(PolnearText(text_path.stem, text_path, ann, annotator, len(candidates)))
    return texts, unannotated


@register_task(TASK)
class AttributionTask:
    """Score predicted attributions (content and source) against PolNeAR."""

    options = ("split", "predict", "predict_many", "limit", "threshold", "rules_only")

    def run(self, data_dir: Path, options: Mapping[str, Any]) -> EvalReport:
        check_options(TASK, options, self.options)
        split = options.get("split") or "dev"
        if split not in SPLITS:
            raise EvaluationError(f"task {TASK!r}: split must be one of {SPLITS}, not {split!r}")
        if options.get("predict") and options.get("predict_many"):
            raise EvaluationError(f"task {TASK!r}: pass predict or predict_many, not both")
        threshold = float(options.get("threshold", DICE_THRESHOLD))
        split_dir = require_path(data_dir / "attribution" / "polnear" / split, "PolNeAR split")
        texts, unannotated = list_split(split_dir)
        if options.get("limit") is not None:
            texts = texts[: int(options["limit"])]

        contents = [read_text(t.text_path) for t in texts]
        predict_many: BatchPredictor
        if options.get("predict"):
            predict = options["predict"]
            predict_many = lambda batch: [predict(text) for text in batch]
        else:
            from claimtrack.evaluation.pipeline_predictor import PipelinePredictor

            pipeline = None
            if options.get("rules_only"):
                from claimtrack.api import build_pipeline
                from claimtrack.settings import Settings

                settings = Settings()
                settings.attribution.learned_cues = False
                pipeline = build_pipeline(settings)
            predict_many = options.get("predict_many") or PipelinePredictor(pipeline=pipeline)
        predictions = predict_many(contents) if contents else []
        if len(predictions) != len(contents):
            raise EvaluationError(
                f"predictor returned {len(predictions)} results for {len(contents)} texts"
            )

        scores = AttributionScores()
        skipped_events = 0
        for item, text, predicted in zip(texts, contents, predictions):
            gold, skipped = gold_attributions(parse_ann(read_text(item.ann_path)), text)
            skipped_events += skipped
            scores.add(text, gold, predicted, threshold)

        notes = [
            f"content match: Dice >= {threshold} on non-space, non-punctuation characters, "
            "greedy 1:1; source right if it overlaps the gold source (no gold source: right "
            "only if none predicted)",
        ]
        multi = sum(t.n_annotators > 1 for t in texts)
        if multi:
            notes.append(f"{multi} text(s) have several annotator files; used the first id")
        if unannotated:
            notes.append(f"{len(unannotated)} text(s) without annotations were skipped")
        if skipped_events:
            notes.append(f"{skipped_events} gold attribution event(s) without content skipped")
        if not any(p.source_text is not None for batch in predictions for p in batch):
            notes.append("the predictor gives no source_text: pronoun_sources_resolved not measured")
        failures = getattr(predict_many, "failures", [])
        if failures:
            notes.append(f"{len(failures)} text(s) failed in the pipeline: {failures[:3]}")
        realigned = getattr(predict_many, "realigned", 0)
        if realigned:
            notes.append(f"{realigned} document(s) had a different clean text; spans realigned")
        return EvalReport(
            task=TASK,
            dataset=str(split_dir),
            n_documents=scores.n_documents,
            metrics=scores.metrics(),
            breakdown=scores.breakdown(),
            notes=notes,
        )
