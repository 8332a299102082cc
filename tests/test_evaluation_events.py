"""The ``events`` evaluation task: scoring on hand-made gold with injected predictors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimtrack.evaluation import run_task
from claimtrack.evaluation.base import DatasetMissingError, EvaluationError
from claimtrack.evaluation.events import (
    EventScores,
    PredictedActor,
    PredictedEvent,
    normalise_country,
    parse_gold,
    sector_from_code,
)
from claimtrack.model import EventActor

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _actor(country: str | None = None, sector: str | None = None) -> dict[str, str | None]:
    return {"text": None, "country": country, "sector": sector}


def _gold_event(etype: str | None, actor: list | None = None, recipient: list | None = None,
                mode: str | None = None) -> dict:
    return {"event_type": etype, "mode": mode, "context": None, "actor": actor or [],
            "recipient": recipient or [], "location": None}


def _write(tmp_path: Path, name: str, rows: list[dict]) -> Path:
    events = tmp_path / "events"
    events.mkdir(exist_ok=True)
    (events / name).write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return tmp_path


ROWS = [
    # s1: 2 AGREE gold, 1 AGREE + 1 ACCUSE predicted -> AGREE tp1 fn1, ACCUSE fp1
    {"id": "s1", "text": "one", "events": [
        _gold_event("AGREE", [_actor("HUN", "GOV")], [_actor("ROU")]),
        _gold_event("AGREE", [_actor("ROU", "GOV")]),
    ]},
    # s2: ASSAULT gold, REJECT predicted -> confusion ASSAULT->REJECT
    {"id": "s2", "text": "two", "events": [_gold_event("ASSAULT", [_actor("ISR", "MIL")])]},
    # s3: PROTEST gold with mode, PROTEST predicted with the same mode
    {"id": "s3", "text": "three", "events": [
        _gold_event("PROTEST", [_actor(None, "CVL")], mode="demo-org"),
    ]},
]

PREDICTIONS = {
    "one": [
        PredictedEvent("AGREE", actors=[EventActor("Hungarian", country="HUN", sector="GOV")],
                       targets=[EventActor("Bucharest", country="FRA")]),
        PredictedEvent("ACCUSE"),
    ],
    "two": [PredictedEvent("REJECT", actors=[PredictedActor("ISR")])],
    "three": [PredictedEvent("PROTEST", mode="demo-org",
                             actors=[PredictedActor(None, "CVL")])],
}


def test_micro_macro_per_type_and_confusions(tmp_path: Path) -> None:
    root = _write(tmp_path, "plover_gsr.jsonl", ROWS)
    report = run_task("events", root, set="plover-gsr", predict=lambda t: PREDICTIONS[t])
    m = report.metrics
    # gold 4 events, predicted 4, TP = AGREE 1 + PROTEST 1 = 2
    assert m["n_sentences"] == 3 and m["n_gold_events"] == 4 and m["n_pred_events"] == 4
    assert m["micro_precision"] == pytest.approx(0.5)
    assert m["micro_recall"] == pytest.approx(0.5)
    assert m["micro_f1"] == pytest.approx(0.5)
    # macro over gold types: AGREE P1 R.5 F 2/3, ASSAULT 0, PROTEST 1
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0 + 1) / 3)
    assert report.breakdown["AGREE"]["recall"] == pytest.approx(0.5)
    assert report.breakdown["ACCUSE"]["n_pred"] == 1 and report.breakdown["ACCUSE"]["f1"] == 0
    # matched: s1 AGREE #1 and s3 PROTEST
    assert m["n_matched"] == 2
    assert m["actor_country_acc"] == pytest.approx(1.0) and m["n_actor_country"] == 1
    assert m["actor_sector_acc"] == pytest.approx(1.0) and m["n_actor_sector"] == 2
    assert m["recipient_country_acc"] == 0.0 and m["n_recipient_country"] == 1
    assert m["mode_acc"] == 1.0 and m["n_mode"] == 1
    assert "false_event_rate" not in m  # no no-event sentence in this set
    assert any("ASSAULT->REJECT 1" in note for note in report.notes)
    assert "micro_f1" in report.format_table()


def _scores(gold_row: dict, predicted: list[PredictedEvent]) -> EventScores:
    scores = EventScores()
    scores.add(parse_gold(gold_row), predicted)
    return scores


def test_igo_matches_any_igo_code() -> None:
    row = {"id": "x", "text": "t", "events": [_gold_event("AGREE", [_actor("IGO")])]}
    for code in ("EUR", "NATO", "UNO", "G7", "OSCE", "IGOEUREEC"):
        m = _scores(row, [PredictedEvent("AGREE", actors=[PredictedActor(code)])]).metrics()
        assert m["actor_country_acc"] == 1.0, code
    m = _scores(row, [PredictedEvent("AGREE", actors=[PredictedActor("USA")])]).metrics()
    assert m["actor_country_acc"] == 0.0 and m["n_actor_country"] == 1


def test_jap_is_japan_and_actors_without_country_are_skipped() -> None:
    row = {"id": "x", "text": "t", "events": [
        _gold_event("AGREE", [_actor("IGO")], [_actor("JAP")]),
        _gold_event("AGREE", [_actor(None, "GOV")]),
    ]}
    pred = [PredictedEvent("AGREE", actors=[PredictedActor("EUR")],
                           targets=[PredictedActor("JPN")]),
            PredictedEvent("AGREE", actors=[PredictedActor("USA", "GOV")])]
    m = _scores(row, pred).metrics()
    assert m["recipient_country_acc"] == 1.0 and m["n_recipient_country"] == 1
    assert m["n_actor_country"] == 1  # the second gold event has no actor country
    assert m["actor_sector_acc"] == 1.0 and m["n_actor_sector"] == 1


def test_composite_cameo_codes() -> None:
    assert normalise_country("USAGOV") == "USA"
    assert normalise_country("---LEG") is None
    assert normalise_country("JAP") == "JPN"
    assert normalise_country("IGOEUREEC") == "IGO"
    assert sector_from_code("USAGOV") == "GOV"
    assert sector_from_code("---LEG") == "LEG"
    assert sector_from_code("PSEGZA") is None
    gold = parse_gold({"id": "x", "text": "t", "events": [
        _gold_event("ACCUSE", [_actor("USAGOV")], [_actor("---REB")]),
        _gold_event(None, [_actor("USA")]),
    ]})
    assert gold.untyped == 1 and len(gold.events) == 1
    event = gold.events[0]
    assert event.actor_countries == {"USA"} and event.actor_sectors == {"GOV"}
    assert event.recipient_countries == frozenset() and event.recipient_sectors == {"REB"}


def test_false_event_rate_and_false_positives(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": "quiet one", "events": []},
        {"id": "b", "text": "quiet two", "events": []},
        {"id": "c", "text": "loud", "events": [_gold_event("CONSULT", [_actor("USAGOV")])]},
    ]
    preds = {"quiet one": [PredictedEvent("ASSAULT"), PredictedEvent("ASSAULT")],
             "quiet two": [],
             "loud": [PredictedEvent("CONSULT", actors=[PredictedActor("USA", "GOV")])]}
    root = _write(tmp_path, "petr2_gsr.jsonl", rows)
    report = run_task("events", root, set="petr2-gsr",
                      predict_many=lambda texts: [preds[t] for t in texts])
    m = report.metrics
    assert m["false_event_rate"] == pytest.approx(0.5)
    assert m["n_no_event_sentences"] == 2
    assert report.breakdown["ASSAULT"]["n_pred"] == 2 and report.breakdown["ASSAULT"]["tp"] == 0
    assert m["micro_precision"] == pytest.approx(1 / 3) and m["micro_recall"] == 1.0
    assert m["actor_country_acc"] == 1.0 and m["actor_sector_acc"] == 1.0
    # petr2-gsr always reports the rate, even with no no-event sentence in a limited run
    limited = run_task("events", root, set="petr2-gsr", limit=0, predict=lambda t: [])
    assert limited.metrics["false_event_rate"] == 0.0


def test_missing_data_and_bad_options(tmp_path: Path) -> None:
    with pytest.raises(DatasetMissingError):
        run_task("events", tmp_path, set="plover-gsr", predict=lambda t: [])
    with pytest.raises(EvaluationError):
        run_task("events", tmp_path, set="nope", predict=lambda t: [])
    with pytest.raises(EvaluationError):
        run_task("events", tmp_path, bogus=1)


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.skipif(not (SHARED_DATA / "events" / "plover_gsr.jsonl").exists(),
                    reason=f"shared data not found at {SHARED_DATA}")
def test_real_pipeline_on_plover_gsr() -> None:
    report = run_task("events", SHARED_DATA, set="plover-gsr", limit=20)
    assert report.n_documents == 20
    for key in ("micro_precision", "micro_recall", "micro_f1", "macro_f1",
                "actor_country_acc", "actor_sector_acc", "recipient_country_acc",
                "recipient_sector_acc", "mode_acc", "n_sentences", "n_gold_events",
                "n_pred_events"):
        assert key in report.metrics
    assert report.metrics["n_sentences"] == 20
    assert report.breakdown


def test_empty_text_records_are_skipped(tmp_path: Path) -> None:
    rows = [{"id": "e", "text": "  ", "events": [_gold_event("ASSAULT")]},
            {"id": "f", "text": "t", "events": [_gold_event("ASSAULT")]}]
    root = _write(tmp_path, "plover_gsr.jsonl", rows)
    report = run_task("events", root, predict=lambda t: [PredictedEvent("ASSAULT")])
    assert report.n_documents == 1 and report.metrics["micro_f1"] == 1.0
    assert any("empty text" in note for note in report.notes)
