"""Task ``geo``: toponym recognition and resolution on GeoWebNews (``geo/geowebnews.xml``).

Data (see ``../shared/data/README.md``): 200 news articles, each ``<article><text>`` with
``<toponyms>`` giving character offsets, a type, and for real places a GeoNames id and / or
coordinates. Following the GeoWebNews paper (Gritta et al. 2019, "A Pragmatic Guide to
Geoparsing Evaluation"), the gold toponyms are the annotations of the eight types that denote
a place (``TOPONYM_TYPES``: literal, metonymic, mixed, coercion, literal / non-literal
modifiers, embedded literal / non-literal); general location expressions ("the lot",
"residents"), non-toponyms, demonym nouns, languages and homonyms are not toponyms.

Scores, all in one run:

* **recognition**, strict span: a predicted toponym is right when its start and end equal a
  gold toponym's. claimtrack's toponyms (``Document.toponyms``: map places' mentions, demonyms,
  place names embedded in other names, unresolved place names) are scored, then the map places'
  mentions alone, then spaCy's GPE/LOC/FAC entities alone (the same parse; the issue quotes F1
  0.749 for the 2018 spaCy model, which the small 3.8 model here does not reach).
* **resolution on gold toponyms**: the places stage's resolver is given the gold spans (each
  other's context) and picks a record for each. Exact GeoNames-id accuracy on gold toponyms
  with an id; on those with coordinates, accuracy within 161 km, mean and median error in km
  (the gold feature itself counts as 0 km: countries and regions are scored by id),
  and AUC of the log error (Gritta et al. 2018: area under the sorted ln(1 + km) curve over
  ln(20039), lower is better). A name the gazetteer does not know ("Royal Street") is placed at
  the town or region named nearest it in its sentence, else the article's focus place
  (``PlacesStage.likely_place``), never given that place's id as its
  own; with no focus either, it counts as wrong, 20,039 km off. The gazetteer-only "most
  populous candidate" baseline is scored on the same toponyms.
* **end to end**: every gold toponym with coordinates counts; it is right when the pipeline
  recognised exactly its span and resolved it within 161 km.

Options: ``limit`` (first N articles); ``split``: ``dev`` / ``test`` keeps the articles whose
id hashes even / odd (as the events task), ``all`` (default) every one. The set has no training
part: the places stage was developed looking at errors on the ``dev`` half only.
"""

from __future__ import annotations

import itertools
import math
import statistics
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claimtrack.evaluation.base import (
    SPLITS,
    EvalReport,
    EvaluationError,
    check_options,
    f1_score,
    in_split,
    register_task,
    require_path,
    safe_div,
)

TASK = "geo"
DATA_PATH = "geo/geowebnews.xml"
TOPONYM_TYPES = frozenset({
    "Literal", "Metonymic", "Mixed", "Coercion", "Literal_Modifier", "Non_Literal_Modifier",
    "Embedded_Literal", "Embedded_Non_Lit",
})
EARTH_HALF_CIRCUMFERENCE_KM = 20039.0
ACC_KM = 161.0
SPACY_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    name: str
    type: str
    geonames_id: int | None
    lat: float | None
    lon: float | None


@dataclass
class GoldArticle:
    id: str
    text: str
    toponyms: list[GoldToponym]


def _float(element: Any, tag: str) -> float | None:
    child = element.find(tag)
    if child is None or not (child.text or "").strip():
        return None
    return float(child.text)


def load_gold(path: Path) -> list[GoldArticle]:
    """The articles and their gold toponyms (only the place-denoting types)."""
    try:
        root = ET.parse(require_path(path, "GeoWebNews XML")).getroot()
    except ET.ParseError as exc:
        raise EvaluationError(f"{path}: not GeoWebNews XML ({exc})") from exc
    articles = []
    for number, node in enumerate(root.findall("article")):
        text = node.findtext("text") or ""
        toponyms = []
        for t in node.find("toponyms") if node.find("toponyms") is not None else []:
            kind = (t.findtext("type") or "").strip()
            if kind not in TOPONYM_TYPES:
                continue
            gid = (t.findtext("geonamesID") or "").strip()
            start, end = int(t.findtext("start") or 0), int(t.findtext("end") or 0)
            toponyms.append(GoldToponym(start, end, text[start:end], kind,
                                        int(gid) if gid.isdigit() else None,
                                        _float(t, "latitude"), _float(t, "longitude")))
        articles.append(GoldArticle(node.get("file", str(number)), text, toponyms))
    return articles


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def distance_km(gold: GoldToponym, record: Any) -> float:
    """How far the chosen record is from the gold place: 0 when it is the gold GeoNames feature
    (a country's or region's representative point may lie far from GeoNames' own point, and
    the data README says to score those by id), the maximum when nothing was chosen."""
    if record is None:
        return EARTH_HALF_CIRCUMFERENCE_KM
    if gold.geonames_id is not None and record.geonames_id == gold.geonames_id:
        return 0.0
    assert gold.lat is not None and gold.lon is not None
    return haversine_km(gold.lat, gold.lon, record.lat, record.lon)


def auc_of_errors(errors_km: list[float]) -> float:
    """Area under the sorted ln(1 + error) curve, scaled to [0, 1] (0 is perfect)."""
    if not errors_km:
        return 0.0
    logs = sorted(math.log(1 + e) / math.log(1 + EARTH_HALF_CIRCUMFERENCE_KM) for e in errors_km)
    if len(logs) == 1:
        return logs[0]
    area = sum((a + b) / 2 for a, b in itertools.pairwise(logs))
    return area / (len(logs) - 1)


@dataclass
class _Resolution:
    """Accumulates resolution results over gold toponyms."""

    id_right: int = 0
    id_total: int = 0
    within: int = 0
    errors: list[float] | None = None

    def add(self, gold: GoldToponym, record: Any, approximate: Any = None) -> None:
        """Score one gold toponym; ``approximate`` (the focus place of an unknown name) counts
        for distance only, never as an exact id."""
        if self.errors is None:
            self.errors = []
        if gold.geonames_id is not None:
            self.id_total += 1
            self.id_right += record is not None and record.geonames_id == gold.geonames_id
        if gold.lat is not None and gold.lon is not None:
            error = distance_km(gold, record if record is not None else approximate)
            self.errors.append(error)
            self.within += error <= ACC_KM

    def metrics(self, prefix: str) -> dict[str, float]:
        errors = self.errors or []
        return {
            f"{prefix}exact_id_acc": safe_div(self.id_right, self.id_total),
            f"{prefix}acc_161km": safe_div(self.within, len(errors)),
            f"{prefix}mean_error_km": statistics.fmean(errors) if errors else 0.0,
            f"{prefix}median_error_km": statistics.median(errors) if errors else 0.0,
            f"{prefix}auc": auc_of_errors(errors),
        }


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p, r = safe_div(tp, n_pred), safe_div(tp, n_gold)
    return p, r, f1_score(p, r)


class _SpacyPlaces:
    """A last stage that notes spaCy's own place entities before the pipeline drops the parse:
    the spaCy-alone baseline is scored on the very parse the places stage saw."""

    name = "spacy_places"
    requires = frozenset({"parse"})
    produces = frozenset({"spacy_places"})

    def __init__(self) -> None:
        self.spans: dict[int, set[tuple[int, int]]] = {}

    def run(self, docs: list[Any]) -> list[Any]:
        for doc in docs:
            self.spans[id(doc)] = {(e.start_char, e.end_char) for e in doc.parse.ents
                                   if e.label_ in SPACY_PLACE_LABELS}
        return docs


def _pipeline() -> tuple[Any, Any, _SpacyPlaces]:
    """The pipeline up to places (no attribution or events: they do not touch places) and the
    places stage itself, for resolving gold spans with the same gazetteer."""
    from claimtrack.pipeline import Pipeline
    from claimtrack.settings import Settings
    from claimtrack.stages.extract import ExtractStage
    from claimtrack.stages.language import LanguageStage
    from claimtrack.stages.nlp import make_nlp_stage
    from claimtrack.stages.places import make_places_stage

    settings = Settings()
    places, spacy_places = make_places_stage(settings), _SpacyPlaces()
    stages = [ExtractStage(max_chars=settings.nlp.max_chars), LanguageStage(),
              make_nlp_stage(settings.nlp.model, settings.nlp.batch_size), places, spacy_places]
    return Pipeline(stages, batch_size=settings.nlp.batch_size), places, spacy_places


@register_task(TASK)
class GeoTask:
    """Score toponym recognition and resolution against GeoWebNews."""

    options = ("limit", "split")

    def run(self, data_dir: Path, options: Mapping[str, Any]) -> EvalReport:
        from claimtrack.readers import raw_from_string

        check_options(TASK, options, self.options)
        path = data_dir / DATA_PATH
        split = options.get("split") or "all"
        if split not in SPLITS:
            raise EvaluationError(f"task {TASK!r}: split must be one of {SPLITS}, not {split!r}")
        articles = [a for a in load_gold(path) if in_split(f"geowebnews-{a.id}", split)]
        if options.get("limit") is not None:
            articles = articles[: int(options["limit"])]
        pipeline, places_stage, spacy_places = _pipeline()
        raws = [raw_from_string(a.text, name=f"<geowebnews {a.id}>", fmt="clean")
                for a in articles]
        outcomes = pipeline.run(raws)

        ours_tp = ours_pred = spacy_tp = spacy_pred = n_gold = map_tp = map_pred = 0
        gold_res, baseline_res = _Resolution(), _Resolution()
        e2e_right = e2e_total = 0
        per_type: Counter[str] = Counter()
        per_type_found: Counter[str] = Counter()
        skipped = []
        for article, outcome in zip(articles, outcomes):
            doc = outcome.document
            if doc is None or id(doc) not in spacy_places.spans or doc.text != article.text:
                skipped.append(article.id)
                continue
            gold_spans = {(t.start, t.end): t for t in article.toponyms}
            n_gold += len(gold_spans)
            predicted = {(t.span.start, t.span.end): t for t in doc.toponyms}
            ours_pred += len(predicted)
            ours_tp += len(predicted.keys() & gold_spans.keys())
            on_map = {(m.span.start, m.span.end) for place in doc.places for m in place.mentions}
            map_pred += len(on_map)
            map_tp += len(on_map & gold_spans.keys())
            spacy_spans = spacy_places.spans[id(doc)]
            spacy_pred += len(spacy_spans)
            spacy_tp += len(spacy_spans & gold_spans.keys())
            for span, gold in gold_spans.items():
                per_type[gold.type] += 1
                per_type_found[gold.type] += span in predicted
            resolvable = [t for t in article.toponyms if t.geonames_id or t.lat is not None]
            records = places_stage.resolve_spans(doc, [(t.start, t.end) for t in resolvable])
            for gold, record in zip(resolvable, records):
                near = places_stage.likely_place(doc, gold.start) if record is None else None
                gold_res.add(gold, record, near)
                candidates = places_stage.gazetteer.candidates(gold.name)
                baseline_res.add(gold, max(candidates, key=lambda r: r.population)
                                 if candidates else None)
                if gold.lat is not None and gold.lon is not None:
                    e2e_total += 1
                    found = predicted.get((gold.start, gold.end))
                    found_id = found.geonames_id or found.within if found is not None else None
                    record = places_stage.gazetteer.get(found_id) if found_id else None
                    e2e_right += record is not None and distance_km(gold, record) <= ACC_KM

        p, r, f = _prf(ours_tp, ours_pred, n_gold)
        sp, sr, sf = _prf(spacy_tp, spacy_pred, n_gold)
        mp, mr, mf = _prf(map_tp, map_pred, n_gold)
        metrics: dict[str, float] = {
            "recognition_precision": p, "recognition_recall": r, "recognition_f1": f,
            "map_places_recognition_precision": mp, "map_places_recognition_recall": mr,
            "map_places_recognition_f1": mf,
            "spacy_recognition_precision": sp, "spacy_recognition_recall": sr,
            "spacy_recognition_f1": sf,
            **gold_res.metrics(""),
            **{k: v for k, v in baseline_res.metrics("most_populous_").items()
               if k.endswith(("exact_id_acc", "acc_161km"))},
            "e2e_acc_161km": safe_div(e2e_right, e2e_total),
            "n_gold_toponyms": n_gold,
            "n_gold_with_id": gold_res.id_total,
            "n_gold_with_coordinates": len(gold_res.errors or []),
            "n_predicted": ours_pred,
        }
        breakdown = {kind: {"n_gold": per_type[kind], "recognised": per_type_found[kind],
                            "recall": safe_div(per_type_found[kind], per_type[kind])}
                     for kind in sorted(per_type, key=lambda k: -per_type[k])}
        notes = [
            "gold toponyms: " + ", ".join(sorted(TOPONYM_TYPES)),
            ("recognition strict span; resolution on gold spans; end to end = recognised "
             "exactly and within 161 km, over gold toponyms with coordinates"),
        ]
        if skipped:
            notes.append(f"{len(skipped)} article(s) not scored (failed or text changed): "
                         f"{skipped[:5]}")
        return EvalReport(task=TASK, dataset=f"geowebnews ({path})"
                          + ("" if split == "all" else f", {split} half"),
                          n_documents=len(articles) - len(skipped), metrics=metrics,
                          breakdown=breakdown, notes=notes)
