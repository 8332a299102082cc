"""The attribution-overhead benchmark runs end to end on five short articles written here."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import load_bench

ARTICLES = [
    ("Council closes bridge", (
        "The city council voted on Monday to close the old bridge. \"It is no longer safe,\" "
        "said Mayor Anna Weber. She said repairs would take a year.")),
    ("Talks resume", (
        "Negotiators from both sides met in Geneva on Tuesday. According to a diplomat, the "
        "talks will resume next week. The foreign ministry declined to comment.")),
    ("Army denies shelling", (
        "The army denied shelling the village overnight. Residents said three houses were "
        "destroyed. \"We heard explosions all night,\" one woman said.")),
    ("Profits rise", (
        "Profits at the carmaker rose 12% in the last quarter, the company said. Its chief "
        "executive, John Miller, said demand in Asia had been strong.")),
    ("Storm warning", (
        "Forecasters warned that a storm would reach the coast by Friday. The coastguard urged "
        "fishermen to stay in port. Schools will close, officials said.")),
]


def _load_bench() -> ModuleType:
    return load_bench("attribution_overhead")


def test_article_text_prepends_a_missing_title() -> None:
    bench = _load_bench()
    assert bench.article_text({"title": "T", "text": "Body."}) == "T\n\nBody."
    assert bench.article_text({"title": "T", "text": "T\n\nBody."}) == "T\n\nBody."


@pytest.mark.slow
def test_bench_attribution_overhead_writes_results(
    tmp_path: Path, pipeline: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpora" / "bbc_news.jsonl"
    corpus.parent.mkdir()
    corpus.write_text("".join(
        json.dumps({"id": f"test/{i}", "category": "test", "title": title, "text": text}) + "\n"
        for i, (title, text) in enumerate(ARTICLES)
    ) + json.dumps({"id": "extra", "title": "Beyond the limit", "text": "Not read."}) + "\n")
    out = tmp_path / "results" / "overhead.json"

    results = _load_bench().main(
        ["--data", str(tmp_path), "--limit", "5", "--out", str(out)], pipeline=pipeline
    )

    written = json.loads(out.read_text())
    assert written["n_articles"] == 5 == results["n_articles"]
    assert {"bare_parse", "pipeline", "overhead", "memory_peak_rss_mb", "machine"} <= set(written)
    assert len(written["bare_parse"]["runs"]) == len(written["pipeline"]["runs"]) == 2
    for part in ("bare_parse", "pipeline"):
        assert {"best_seconds", "articles_per_s", "words_per_s", "peak_rss_mb"} <= set(written[part])
        assert written[part]["best_seconds"] > 0
    stages = written["pipeline"]["stages_best_seconds"]
    assert {"extract", "nlp", "actors", "attribution"} <= set(stages)
    assert all(run["ok"] == 5 and run["claims"] > 0 for run in written["pipeline"]["runs"])
    overhead = written["overhead"]
    assert overhead["ratio_to_nlp_stage"] == pytest.approx(
        (stages["actors"] + stages["attribution"]) / stages["nlp"])
    assert isinstance(overhead["meets_criterion"], bool)
    assert "actors + attribution" in capsys.readouterr().out


def _corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpora" / "bbc_news.jsonl"
    corpus.parent.mkdir(exist_ok=True)
    corpus.write_text("".join(
        json.dumps({"id": f"test/{i}", "title": title, "text": text}) + "\n"
        for i, (title, text) in enumerate(ARTICLES * 2)))
    return tmp_path


@pytest.mark.slow
def test_bench_throughput_measures_worker_scaling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "throughput.json"
    results = load_bench("throughput").main(
        ["--data", str(_corpus(tmp_path)), "--parts", "b", "--limit", "10", "--out", str(out)])
    written = json.loads(out.read_text())
    assert written["b_workers"]["workers_2_vs_1"] == results["b_workers"]["workers_2_vs_1"] > 0
    best = written["b_workers"]["best"]
    assert best["1"]["documents"] == best["2"]["documents"] == 10
    assert 0 < best["2"]["worker_peak_rss_mb"] < 4096
    assert "(b) 10 articles" in capsys.readouterr().out
