"""Task ``events``: PLOVER event coding scored per sentence on the PLOVER / PETR-2 gold sets.

Data (see ``../shared/data/README.md``): ``events/plover_gsr.jsonl`` (set ``plover-gsr``) and
``events/petr2_gsr.jsonl`` (set ``petr2-gsr``, which includes sentences with no event), one
sentence per line as ``{id, text, events: [{event_type, mode, context, actor: [{text,
country, sector}], recipient: [...], location}]}``.

Scoring, per sentence:

* **event types** as multisets: per type, TP = min(gold count, predicted count), FP and FN the
  rest; micro P/R/F1 over all types, macro F1 over the types present in gold, per-type rows
  in the breakdown. Events predicted on sentences without gold events are false positives.
* **confusions**: on sentences whose gold events have exactly one type and whose predictions
  have exactly one, different, type, the (gold, predicted) pairs are counted; the top pairs
  go into the notes.
* **matched events**: gold and predicted events of the same type are paired in order within
  a sentence. On those pairs, actor country accuracy is the share whose gold actor country set
  intersects the predicted one (gold ``JAP`` is ``JPN``; gold ``IGO`` matches any IGO code such
  as EUR, NATO, UNO, G7, OSCE; pairs whose gold actors have no country are skipped); likewise
  actor sector, recipient country and recipient sector. Mode accuracy is measured on pairs
  whose gold event has a mode.
* ``false_event_rate`` (sets with no-event sentences): the share of no-event gold sentences
  that get at least one predicted event.

Gold codes are normalised: PETR-2 CAMEO actor codes (``USAGOV``, ``---LEG``, ``IGOEUREEC``)
are split into a country (the first three letters; ``---`` is none, ``IGO...`` is IGO) and a
sector (the first later three-letter chunk that is a sector code); sectors such as ``CVLalb``
keep their first three letters and ``***`` is none. Gold events without a PLOVER type (CAMEO
codes with no PLOVER mapping) are left out and counted in the notes, and so are records with
empty text (they cannot be predicted).

Options: ``set`` (``plover-gsr`` by default, or ``petr2-gsr``), ``predict`` (``text ->
list[event]``) or ``predict_many`` (``list[text] -> list[list[event]]``), where an event is
anything with ``type``, ``mode``, ``actors`` and ``targets`` (lists of objects with
``country`` and ``sector``), such as :class:`claimtrack.model.Event` or
:class:`PredictedEvent`; ``limit`` (first N sentences); ``split``: ``dev`` or ``test`` keeps the half of the sentences
whose id hashes even or odd (:func:`in_split`), ``all`` (the default) keeps every one. The
gold sets have no training part, so the coder's lexicons were developed looking only at the
``dev`` half; ``test`` is the held-out figure. The default predictor runs the
claimtrack pipeline (its stages up to events, places included) on each sentence as clean text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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

TASK = "events"
#: Set name -> file under the data directory.
SETS: dict[str, str] = {
    "plover-gsr": "events/plover_gsr.jsonl",
    "petr2-gsr": "events/petr2_gsr.jsonl",
    "bbc-dev": "events/bbc_events_dev.jsonl",
}
DEFAULT_SET = "plover-gsr"
#: Codes an actor of an intergovernmental organisation may get; gold ``IGO`` matches any.
IGO_CODES = frozenset({
    "IGO", "EUR", "NATO", "UNO", "G7", "G8", "OSCE", "EU", "UN", "AU", "ASEAN", "APEC", "OPEC",
    "OAS", "OIC", "ARL", "WTO", "IMF", "WBK", "NGO",
})
#: Gold country codes that mean another code.
COUNTRY_ALIASES = {"JAP": "JPN"}
#: Sector codes (PLOVER 2.0 plus the CAMEO roles the PETR-2 set uses).
SECTOR_CODES = frozenset({
    "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK", "AGR", "BUS",
    "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP", "PRE", "REL", "SOC", "HLH",
    "MOS",
})
SECTOR_ALIASES = {"CIV": "CVL"}
N_CONFUSIONS = 8


@dataclass
class PredictedActor:
    """An actor or recipient as a predictor codes it."""

    country: str | None = None
    sector: str | None = None
    text: str | None = None


@dataclass
class PredictedEvent:
    """A predicted event: PLOVER type, mode, actors (sources) and targets (recipients)."""

    type: str
    mode: str | None = None
    actors: list[Any] = field(default_factory=list)
    targets: list[Any] = field(default_factory=list)


@dataclass
class GoldEvent:
    """A gold event with its actor / recipient codes normalised (see the module docstring)."""

    type: str
    mode: str | None = None
    actor_countries: frozenset[str] = frozenset()
    actor_sectors: frozenset[str] = frozenset()
    recipient_countries: frozenset[str] = frozenset()
    recipient_sectors: frozenset[str] = frozenset()
    #: the actors' own words in the sentence, lower-cased; empty when the gold names no actor
    #: ("two women were raped")
    actor_words: frozenset[str] = frozenset()


@dataclass
class GoldSentence:
    id: str
    text: str
    events: list[GoldEvent]
    no_event: bool  # the gold record lists no event at all
    untyped: int = 0  # gold events left out for having no PLOVER type
    #: what the dev/test halves split on: the article (bbc-dev keeps an article's sentences
    #: together, as its README asks) or the sentence itself
    group: str = ""


Predictor = Callable[[str], Sequence[Any]]
BatchPredictor = Callable[[list[str]], Sequence[Sequence[Any]]]


def _clean_code(value: Any) -> str | None:
    if value is None:
        return None
    code = str(value).strip().upper()
    return code or None


def normalise_country(value: Any) -> str | None:
    """A gold or predicted country code: JAP -> JPN, ``IGO...`` -> IGO, ``---`` -> None, and
    composite CAMEO codes cut to their first three letters (``USAGOV`` -> USA)."""
    code = _clean_code(value)
    if code is None or code.startswith("---") or not code[:1].isalpha():
        return None
    if code.startswith("IGO"):
        return "IGO"
    if code in IGO_CODES:
        return code
    code = code[:3]
    return COUNTRY_ALIASES.get(code, code)


def sector_from_code(value: Any) -> str | None:
    """The sector inside a composite CAMEO actor code (``USAGOV`` -> GOV, ``---LEG`` -> LEG)."""
    code = _clean_code(value)
    if code is None or len(code) <= 3:
        return None
    for i in range(3, len(code) - 2, 3):
        chunk = code[i : i + 3]
        if chunk in SECTOR_CODES:
            return chunk
    return None


def normalise_sector(value: Any) -> str | None:
    """A sector code: first three letters upper-cased (``CVLalb`` -> CVL), ``***`` -> None."""
    code = _clean_code(value)
    if code is None or not code[:3].isalpha():
        return None
    code = code[:3]
    return SECTOR_ALIASES.get(code, code)


def is_igo(code: str) -> bool:
    return code in IGO_CODES or code.startswith("IGO")


def countries_agree(gold: Iterable[str], pred: Iterable[str]) -> bool:
    """Whether the gold and predicted country sets share a code (gold IGO: any IGO code)."""
    pred_set = {c for c in (normalise_country(p) for p in pred) if c}
    for g in gold:
        if g == "IGO" and any(is_igo(p) for p in pred_set):
            return True
        if g in pred_set:
            return True
    return False


def _gold_actors(actors: Any) -> tuple[frozenset[str], frozenset[str]]:
    countries, sectors = set(), set()
    for actor in actors or []:
        if not isinstance(actor, Mapping):
            continue
        raw_country = actor.get("country")
        country = normalise_country(raw_country)
        sector = normalise_sector(actor.get("sector")) or sector_from_code(raw_country)
        if country:
            countries.add(country)
        if sector:
            sectors.add(sector)
    return frozenset(countries), frozenset(sectors)


def parse_gold(row: Mapping[str, Any]) -> GoldSentence:
    """One JSON-lines record as a GoldSentence."""
    raw_events = row.get("events") or []
    events, untyped = [], 0
    for raw in raw_events:
        etype = raw.get("event_type")
        if not etype:
            untyped += 1
            continue
        actor_c, actor_s = _gold_actors(raw.get("actor"))
        recip_c, recip_s = _gold_actors(raw.get("recipient"))
        mode = raw.get("mode")
        events.append(GoldEvent(
            type=str(etype).upper(), mode=str(mode).lower() if mode else None,
            actor_countries=actor_c, actor_sectors=actor_s,
            recipient_countries=recip_c, recipient_sectors=recip_s,
            actor_words=frozenset(w for a in raw.get("actor") or [] if isinstance(a, Mapping)
                                  for w in actor_words(str(a.get("text") or ""))),
        ))
    sentence_id = str(row.get("id", ""))
    return GoldSentence(sentence_id, str(row.get("text") or ""), events,
                        no_event=not raw_events, untyped=untyped,
                        group=str(row.get("article_id") or sentence_id))


#: Words that do not tell one actor from another ("the", "its", "Mr").
_ACTOR_STOPWORDS = frozenset({"the", "a", "an", "of", "its", "his", "her", "their", "mr", "mrs",
                              "ms", "dr", "and", "'s", "’s"})


def actor_words(text: str) -> set[str]:
    """An actor mention's distinctive words, lower-cased ("The Tories" -> {"tories"})."""
    return {w for w in re.findall(r"[\w'’-]+", text.lower()) if w not in _ACTOR_STOPWORDS}


def load_gold(path: Path) -> list[GoldSentence]:
    """The sentences of a gold JSON-lines file, in file order."""
    sentences = []
    with require_path(path, "event gold set").open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                sentences.append(parse_gold(json.loads(line)))
            except (json.JSONDecodeError, AttributeError, TypeError) as exc:
                raise EvaluationError(f"{path}:{number}: not an event record ({exc})") from exc
    return sentences


def _pred_codes(actors: Any) -> tuple[set[str], set[str]]:
    countries, sectors = set(), set()
    for actor in actors or []:
        country = normalise_country(getattr(actor, "country", None))
        sector = normalise_sector(getattr(actor, "sector", None))
        if country:
            countries.add(country)
        if sector:
            sectors.add(sector)
    return countries, sectors


@dataclass
class _Accuracy:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.right += ok

    @property
    def value(self) -> float:
        return safe_div(self.right, self.total)


@dataclass
class EventScores:
    """Counts accumulated over sentences; :meth:`metrics` and :meth:`breakdown` report them."""

    n_sentences: int = 0
    n_gold_events: int = 0
    n_pred_events: int = 0
    n_untyped_gold: int = 0
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    gold_types: Counter[str] = field(default_factory=Counter)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    no_event_sentences: int = 0
    no_event_with_pred: int = 0
    matched: int = 0
    actor_country: _Accuracy = field(default_factory=_Accuracy)
    actor_sector: _Accuracy = field(default_factory=_Accuracy)
    recipient_country: _Accuracy = field(default_factory=_Accuracy)
    recipient_sector: _Accuracy = field(default_factory=_Accuracy)
    mode: _Accuracy = field(default_factory=_Accuracy)
    actor_text: _Accuracy = field(default_factory=_Accuracy)

    def add(self, gold: GoldSentence, predicted: Sequence[Any]) -> None:
        """Score one sentence and add its counts."""
        self.n_sentences += 1
        self.n_gold_events += len(gold.events)
        self.n_pred_events += len(predicted)
        self.n_untyped_gold += gold.untyped
        pred_types = [str(getattr(p, "type", "") or "").upper() for p in predicted]
        gold_count = Counter(g.type for g in gold.events)
        pred_count = Counter(pred_types)
        self.gold_types.update(gold_count)
        for etype in gold_count.keys() | pred_count.keys():
            hits = min(gold_count[etype], pred_count[etype])
            self.tp[etype] += hits
            self.fp[etype] += pred_count[etype] - hits
            self.fn[etype] += gold_count[etype] - hits
        if len(gold_count) == 1 and len(pred_count) == 1 and gold_count.keys() != pred_count.keys():
            self.confusions[(next(iter(gold_count)), next(iter(pred_count)))] += 1
        if gold.no_event:
            self.no_event_sentences += 1
            self.no_event_with_pred += bool(predicted)
        # Pair gold and predicted events of one type, in order.
        unused: dict[str, list[Any]] = {}
        for etype, event in zip(pred_types, predicted):
            unused.setdefault(etype, []).append(event)
        for g in gold.events:
            queue = unused.get(g.type)
            if queue:
                self._score_pair(g, queue.pop(0))

    def _score_pair(self, gold: GoldEvent, pred: Any) -> None:
        self.matched += 1
        actor_c, actor_s = _pred_codes(getattr(pred, "actors", None))
        recip_c, recip_s = _pred_codes(getattr(pred, "targets", None))
        if gold.actor_countries:
            self.actor_country.add(countries_agree(gold.actor_countries, actor_c))
        if gold.actor_sectors:
            self.actor_sector.add(not gold.actor_sectors.isdisjoint(actor_s))
        if gold.recipient_countries:
            self.recipient_country.add(countries_agree(gold.recipient_countries, recip_c))
        if gold.recipient_sectors:
            self.recipient_sector.add(not gold.recipient_sectors.isdisjoint(recip_s))
        pred_words = {w for a in getattr(pred, "actors", None) or []
                      for w in actor_words(str(getattr(a, "text", "") or ""))}
        # the actor named by the same words, or no actor where the gold names none
        self.actor_text.add(bool(gold.actor_words & pred_words) if gold.actor_words
                            else not pred_words or _unknown_actor(pred))
        if gold.mode:
            pred_mode = getattr(pred, "mode", None)
            self.mode.add(bool(pred_mode) and str(pred_mode).lower() == gold.mode)

    def type_row(self, etype: str) -> dict[str, float]:
        tp, fp, fn = self.tp[etype], self.fp[etype], self.fn[etype]
        p, r = safe_div(tp, tp + fp), safe_div(tp, tp + fn)
        return {"n_gold": tp + fn, "n_pred": tp + fp, "tp": tp, "precision": p, "recall": r,
                "f1": f1_score(p, r)}

    def metrics(self, with_false_event_rate: bool | None = None) -> dict[str, float]:
        """Micro P/R/F1, macro F1 over gold types, accuracies on matched events, counts."""
        tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        p, r = safe_div(tp, tp + fp), safe_div(tp, tp + fn)
        gold_types = [t for t in self.gold_types if self.gold_types[t]]
        macro = safe_div(sum(self.type_row(t)["f1"] for t in gold_types), len(gold_types))
        metrics: dict[str, float] = {
            "micro_precision": p,
            "micro_recall": r,
            "micro_f1": f1_score(p, r),
            "macro_f1": macro,
            "actor_country_acc": self.actor_country.value,
            "actor_sector_acc": self.actor_sector.value,
            "recipient_country_acc": self.recipient_country.value,
            "recipient_sector_acc": self.recipient_sector.value,
            "mode_acc": self.mode.value,
            "actor_acc": self.actor_text.value,
        }
        if with_false_event_rate or (with_false_event_rate is None and self.no_event_sentences):
            metrics["false_event_rate"] = safe_div(self.no_event_with_pred,
                                                   self.no_event_sentences)
            metrics["n_no_event_sentences"] = self.no_event_sentences
        metrics.update({
            "n_sentences": self.n_sentences,
            "n_gold_events": self.n_gold_events,
            "n_pred_events": self.n_pred_events,
            "n_matched": self.matched,
            "n_actor_country": self.actor_country.total,
            "n_actor_sector": self.actor_sector.total,
            "n_recipient_country": self.recipient_country.total,
            "n_recipient_sector": self.recipient_sector.total,
            "n_mode": self.mode.total,
            "n_actor": self.actor_text.total,
        })
        return metrics

    def breakdown(self) -> dict[str, dict[str, float]]:
        """One row per event type (gold or predicted), gold types by frequency first."""
        types = sorted(self.tp.keys() | self.fp.keys() | self.fn.keys(),
                       key=lambda t: (-self.gold_types[t], t))
        return {t or "(none)": self.type_row(t) for t in types}

    def top_confusions(self, n: int = N_CONFUSIONS) -> list[tuple[tuple[str, str], int]]:
        return sorted(self.confusions.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def _unknown_actor(pred: Any) -> bool:
    """A predicted actor that stands for nobody named ("(unidentified attackers)")."""
    return all(str(getattr(a, "text", "")).startswith("(") for a in getattr(pred, "actors", []))


def _as_predicted(event: Any) -> PredictedEvent:
    return PredictedEvent(type=event.type, mode=event.mode, actors=list(event.actors),
                          targets=list(event.targets))


class PipelineEventPredictor:
    """The default batch predictor: the claimtrack pipeline up to its events stage on each sentence
    as clean text; its ``doc.events``. Falls back to one text at a time when the batch fails;
    texts the pipeline rejects get no events and are listed in ``failures``."""

    def __init__(self, pipeline: Any = None) -> None:
        self.pipeline = pipeline
        self.failures: list[str] = []

    def _pipeline(self) -> Any:
        if self.pipeline is None:
            from claimtrack.api import default_stages
            from claimtrack.pipeline import Pipeline
            from claimtrack.settings import Settings

            settings = Settings()
            stages = default_stages(settings)  # places come before events: actors use them
            names = [getattr(stage, "name", "") for stage in stages]
            if "events" in names:  # nothing after the events stage is needed
                stages = stages[: names.index("events") + 1]
            self.pipeline = Pipeline(stages, batch_size=settings.nlp.batch_size)
        return self.pipeline

    def __call__(self, texts: list[str]) -> list[list[PredictedEvent]]:
        from claimtrack.api import process_many
        from claimtrack.errors import ClaimtrackError
        from claimtrack.readers import raw_from_string

        pipeline = self._pipeline()
        raws = [raw_from_string(t, name=f"<event sentence {i}>", fmt="clean")
                for i, t in enumerate(texts)]
        try:
            documents: list[Any] = list(process_many(raws, pipeline=pipeline))
        except ClaimtrackError:
            documents = []
            for raw in raws:
                try:
                    documents.extend(process_many([raw], pipeline=pipeline))
                except ClaimtrackError as exc:
                    self.failures.append(str(exc))
                    documents.append(None)
        return [[_as_predicted(e) for e in doc.events] if doc is not None else []
                for doc in documents]


@register_task(TASK)
class EventsTask:
    """Score predicted PLOVER events against the PLOVER / PETR-2 gold sentences."""

    options = ("set", "split", "predict", "predict_many", "limit")

    def run(self, data_dir: Path, options: Mapping[str, Any]) -> EvalReport:
        check_options(TASK, options, self.options)
        name = options.get("set") or DEFAULT_SET
        if name not in SETS:
            raise EvaluationError(f"task {TASK!r}: set must be one of {tuple(SETS)}, not {name!r}")
        if options.get("predict") and options.get("predict_many"):
            raise EvaluationError(f"task {TASK!r}: pass predict or predict_many, not both")
        split = options.get("split") or "all"
        if split not in SPLITS:
            raise EvaluationError(f"task {TASK!r}: split must be one of {SPLITS}, not {split!r}")
        path = data_dir / SETS[name]
        sentences = [s for s in load_gold(path) if in_split(s.group, split)]
        empty = [s.id for s in sentences if not s.text.strip()]
        sentences = [s for s in sentences if s.text.strip()]
        if options.get("limit") is not None:
            sentences = sentences[: int(options["limit"])]

        texts = [s.text for s in sentences]
        predict_many: BatchPredictor
        if options.get("predict"):
            predict = options["predict"]
            predict_many = lambda batch: [list(predict(text)) for text in batch]
        else:
            predict_many = options.get("predict_many") or PipelineEventPredictor()
        predictions = list(predict_many(texts)) if texts else []
        if len(predictions) != len(texts):
            raise EvaluationError(
                f"predictor returned {len(predictions)} results for {len(texts)} sentences"
            )

        scores = EventScores()
        for gold, predicted in zip(sentences, predictions):
            scores.add(gold, list(predicted))

        notes = [
            ("types scored as per-sentence multisets (TP = min(gold, pred) per type); macro F1 "
             "over gold types; country/sector/mode accuracy on same-type pairs matched in order"),
        ]
        top = scores.top_confusions()
        if top:
            notes.append("top confusions (gold->pred, single-type sentences): " + ", ".join(
                f"{g}->{p} {n}" for (g, p), n in top))
        else:
            notes.append("no single-type confusions")
        if scores.n_untyped_gold:
            notes.append(f"{scores.n_untyped_gold} gold event(s) without a PLOVER type "
                         "(unmapped CAMEO code) left out")
        if empty:
            notes.append(f"{len(empty)} gold record(s) with empty text skipped: {empty[:3]}")
        failures = getattr(predict_many, "failures", [])
        if failures:
            notes.append(f"{len(failures)} sentence(s) failed in the pipeline: {failures[:3]}")
        return EvalReport(
            task=TASK,
            dataset=f"{name} ({path})" + ("" if split == "all" else f", {split} half"),
            n_documents=scores.n_sentences,
            metrics=scores.metrics(with_false_event_rate=True if name == "petr2-gsr" else None),
            breakdown=scores.breakdown(),
            notes=notes,
        )
