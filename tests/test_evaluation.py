"""Tests of the evaluation framework: shingle metric, BRAT parsing, attribution scoring, tasks."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest

try:
    import claimtrack.evaluation  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without an installed package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from claimtrack.errors import InputError
from claimtrack.evaluation import base
from claimtrack.evaluation.attribution import (
    AttributionScores,
    PredictedAttribution,
    dice,
    greedy_match,
    list_split,
    significant_chars,
    source_right,
)
from claimtrack.evaluation.base import (
    DatasetMissingError,
    EvalReport,
    EvaluationError,
    UnknownTaskError,
    available_tasks,
    default_data_dir,
    register_task,
    run_task,
)
from claimtrack.evaluation.brat import attribution_kind, gold_attributions, parse_ann
from claimtrack.evaluation.extract_plaintext import (
    c4_keep_line,
    default_cleaner,
    join_kept,
)
from claimtrack.evaluation.pipeline_predictor import (
    PipelinePredictor,
    claims_to_predictions,
    map_offsets,
)
from claimtrack.evaluation.shingles import (
    aggregate,
    document_scores,
    evaluate_pairs,
    match_shingles,
    shingles,
)
from claimtrack.model import Claim, Document, Entity, RawDocument, Span

# --- shingle metric -------------------------------------------------------------------------


def test_identical_texts_score_one() -> None:
    text = "The minister said on Tuesday that the talks would resume next week."
    assert document_scores(text, text) == (1.0, 1.0, 1.0)


def test_disjoint_texts_score_zero() -> None:
    assert document_scores("a b c d e f", "u v w x y z") == (0.0, 0.0, 0.0)


def test_half_overlap_by_hand() -> None:
    # gold shingles: abcd bcde cdef defg; prediction: qabc abcd bcde cder -> 2 of 4 each way
    p, r, f1 = document_scores("a b c d e f g", "q a b c d e r")
    assert (p, r, f1) == (0.5, 0.5, 0.5)
    # prediction is the first half of the gold: P = 2/2, R = 2/4, F1 = 2/3
    p, r, f1 = document_scores("a b c d e f g", "a b c d e")
    assert (p, r) == (1.0, 0.5)
    assert f1 == pytest.approx(2 / 3)


def test_tokens_are_word_runs_and_short_texts_are_one_shingle() -> None:
    assert document_scores("Hello, world! foo bar", "Hello world foo bar") == (1.0, 1.0, 1.0)
    assert shingles("a b") == {("a", "b"): 1}
    assert shingles("  ...  ") == {}


def test_shingles_are_a_multiset() -> None:
    counts = match_shingles(gold="a b c d a b c d", pred="a b c d")
    assert (counts.tp, counts.fp, counts.fn) == (1, 0, 4)


def test_empty_prediction_costs_recall_not_precision() -> None:
    counts = [match_shingles("a b c d e", ""), match_shingles("a b c d e", "a b c d e")]
    assert aggregate(counts) == (1.0, 0.5, pytest.approx(2 / 3))
    assert counts[0].precision is None and counts[0].recall == 0.0
    # both empty: left out of both means; nothing at all predicted: P is vacuously 1
    assert aggregate([match_shingles("", "")]) == (1.0, 1.0, 1.0)
    assert aggregate([match_shingles("a b c d", "")]) == (1.0, 0.0, 0.0)


def test_bootstrap_is_seeded() -> None:
    pairs = [("a b c d e f g", "a b c d e"), ("a b c d e", "a b c d e"), ("a b c d", "w x y z")]
    first = evaluate_pairs(pairs, n_bootstrap=200, seed=3)
    assert first == evaluate_pairs(pairs, n_bootstrap=200, seed=3)
    assert first.f1_std > 0
    assert evaluate_pairs(pairs[:1]).f1_std == 0.0


# --- BRAT parsing and gold attributions ----------------------------------------------------

TEXT = (
    'Smith said "we will win the vote." The plan, according to officials, is dead.\n'
    "It was reported that the deal is off.\n"
)


def _span(piece: str, start: int = 0) -> str:
    begin = TEXT.index(piece, start)
    return f"{begin} {begin + len(piece)}"


def _ann() -> str:
    plan, dead = _span("The plan"), _span("is dead")
    return "\n".join(
        [
            f"T1\tSource {_span('Smith')}\tSmith",
            f"T2\tCue {_span('said')}\tsaid",
            f'T3\tContent {_span(chr(34) + "we will win the vote." + chr(34))}\t"we ..."',
            f"T4\tAttribution {_span('said')}\tsaid",
            "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
            f"T5\tSource {_span('officials')}\tofficials",
            f"T6\tCue {_span('according to')}\taccording to",
            f"T7\tContent {plan};{dead}\tThe plan is dead",
            f"T8\tAttribution {_span('according to')}\taccording to",
            "E2\tAttribution:T8 Cue:T6 Source:T5 Content:T7",
            f"T9\tCue {_span('was reported')}\twas reported",
            f"T10\tContent {_span('the deal is off')}\tthe deal is off",
            f"T11\tAttribution-no-source {_span('was reported')}\twas reported",
            "E3\tAttribution-no-source:T11 Content:T10 Cue:T9",
            f"T12\tDiscuss {_span('is dead.' + chr(10) + 'It')}\tis dead.",
            "It",  # continuation line of a multi-line text field
            "#1\tAnnotatorNotes T3\tcheck this one",
            f"T13\tAttribution-no-source {_span('said')}\tsaid",
            "E4\tAttribution-no-source:T13",  # no content: skipped
        ]
    )


def test_parse_ann_reads_discontinuous_spans_and_events() -> None:
    doc = parse_ann(_ann())
    content = doc.textbounds["T7"]
    assert content.type == "Content"
    assert [TEXT[s:e] for s, e in content.fragments] == ["The plan", "is dead"]
    assert [e.type for e in doc.events] == ["Attribution"] * 2 + ["Attribution-no-source"] * 2
    assert doc.events[1].role_ids("Content") == ["T7"]
    assert doc.skipped_lines == 2  # the continuation line and the note


def test_gold_attributions_kinds_sources_and_skips() -> None:
    gold, skipped = gold_attributions(parse_ann(_ann()), TEXT)
    assert skipped == 1
    assert [g.kind for g in gold] == ["direct", "according_to", "indirect"]
    assert [TEXT[s:e] for s, e in gold[0].source] == ["Smith"]
    assert len(gold[1].content) == 2
    assert gold[2].source == ()


def test_content2_arguments_join_the_content() -> None:
    ann = "T1\tContent 0 5\tSmith\nT2\tContent 11 17\t\"we wi\nE1\tAttribution:T1 Content2:T2"
    ann += " Content:T1"
    (gold,), _ = gold_attributions(parse_ann(ann), TEXT)
    assert gold.content == ((0, 5), (11, 17))


@pytest.mark.parametrize(
    ("content", "cue", "kind"),
    [
        ('"We will win."', "said", "direct"),
        ("\u2018Genocide.\u2019", "called", "direct"),
        ("\u201cWe will win,\u201d he added, \u201cand soon.\u201d", "said", "direct"),
        ("that the plan is \u201cdead.\u201d", "said", "indirect"),
        ("the plan is dead", "According  to", "according_to"),
        ("the plan is dead", "said", "indirect"),
    ],
)
def test_attribution_kind(content: str, cue: str, kind: str) -> None:
    assert attribution_kind(content, cue) == kind


# --- matching and source scoring ----------------------------------------------------------


def test_dice_ignores_spaces_quotes_and_punctuation() -> None:
    text = '"Alpha beta gamma delta."'
    gold = significant_chars(text, [(1, 23)])
    assert dice(gold, significant_chars(text, [(0, 25)])) == 1.0
    assert dice(gold, significant_chars(text, [(7, 23)])) == pytest.approx(28 / 33)  # 14 of 19, 14
    assert dice(frozenset(), frozenset()) == 0.0


def test_greedy_match_is_one_to_one_best_first() -> None:
    text = "alpha beta gamma delta epsilon"
    gold = [significant_chars(text, [(0, 16)]), significant_chars(text, [(6, 22)])]
    pred = [significant_chars(text, [(6, 22)])]
    assert greedy_match(gold, pred) == [(1, 0, 1.0)]
    # "alpha beta" vs "beta gamma delta": Dice 8/23 < 0.5, no match
    assert greedy_match([significant_chars(text, [(0, 10)])], pred) == []


@pytest.mark.parametrize(
    ("gold_source", "pred_source", "right"),
    [
        ("Smith", "Smith", True),
        ("Smith", "Smith said", True),
        ("Smith", "officials", False),
        (None, None, True),
        (None, "officials", False),
        ("Smith", None, False),
        (None, '"', True),  # a prediction of only punctuation counts as no source
    ],
)
def test_source_right(gold_source: str | None, pred_source: str | None, right: bool) -> None:
    def frags(piece: str | None) -> list[tuple[int, int]]:
        return [] if piece is None else [(TEXT.index(piece), TEXT.index(piece) + len(piece))]

    assert source_right(TEXT, frags(gold_source), frags(pred_source)) is right


def _pred(content: str, source: str | None = None) -> PredictedAttribution:
    start = TEXT.index(content)
    src = [] if source is None else [(TEXT.index(source), TEXT.index(source) + len(source))]
    return PredictedAttribution([(start, start + len(content))], src)


def test_attribution_scores_content_end_to_end_and_kinds() -> None:
    gold, _ = gold_attributions(parse_ann(_ann()), TEXT)
    predictions = [
        _pred("we will win the vote", "Smith said"),  # content and source right
        # 13 gold characters in 46: Dice 26/59 < 0.5
        _pred("The plan, according to officials, is dead.\nIt was reported", "officials"),
        _pred("the deal is off.", "It"),  # content right, source wrong (gold has none)
        _pred("Smith"),  # spurious
    ]
    scores = AttributionScores()
    scores.add(TEXT, gold, predictions)
    metrics = scores.metrics()
    assert (metrics["n_gold"], metrics["n_pred"], metrics["n_content_matched"]) == (3, 4, 2)
    assert metrics["content_precision"] == 0.5
    assert metrics["content_recall"] == pytest.approx(2 / 3)
    assert metrics["e2e_precision"] == 0.25
    assert metrics["e2e_recall"] == pytest.approx(1 / 3)
    assert metrics["source_accuracy"] == 0.5
    breakdown = scores.breakdown()
    assert breakdown["direct"] == {
        "n_gold": 1, "content_matched": 1, "content_missed": 0, "source_errors": 0,
        "content_recall": 1.0, "e2e_recall": 1.0,
    }
    assert breakdown["according_to"]["content_recall"] == 0.0
    assert breakdown["according_to"]["content_missed"] == 1
    assert breakdown["indirect"]["e2e_recall"] == 0.0
    assert breakdown["indirect"]["source_errors"] == 1
    assert breakdown["all"] == {
        "n_gold": 3, "content_matched": 2, "content_missed": 1, "source_errors": 1,
        "content_recall": pytest.approx(2 / 3), "e2e_recall": pytest.approx(1 / 3),
    }


@pytest.mark.parametrize(
    ("source_text", "name", "etype", "pronoun", "resolved"),
    [
        ("He", "Alexander Zakharchenko", "PERSON", True, True),
        ("THEY", "Kremlin", "ORG", True, True),
        (" it ", "Ukraine", "GPE", True, True),
        ("We", "a rebel spokesman", "ANON", True, True),  # any type named by more than a pronoun
        ("He", "He", "OTHER", True, False),  # unresolved: the entity is the pronoun itself
        ("she", "She", "PERSON", True, True),  # a PERSON counts as named whatever its name
        ("i", None, None, True, False),  # no source entity
        ("He and she", "He and she", "OTHER", False, True),  # not a whole-pronoun source
        ("Smith", "John Smith", "PERSON", False, True),
        (None, None, None, False, False),  # a predictor that does not say
    ],
)
def test_pronoun_source_and_resolution(
    source_text: str | None, name: str | None, etype: str | None, pronoun: bool, resolved: bool
) -> None:
    prediction = PredictedAttribution([(0, 5)], [], source_text, name, etype)
    assert (prediction.pronoun_source, prediction.resolved_to_name) == (pronoun, resolved)


def test_pronoun_sources_resolved_counts_pronoun_predictions_only() -> None:
    gold, _ = gold_attributions(parse_ann(_ann()), TEXT)
    predictions = [
        PredictedAttribution([(0, 5)], [], "He", "John Smith", "PERSON"),
        PredictedAttribution([(0, 5)], [], "They", "They", "OTHER"),
        PredictedAttribution([(0, 5)], [], "it", "the council", "ORG"),
        PredictedAttribution([(0, 5)], [], "Smith", "John Smith", "PERSON"),
        PredictedAttribution([(0, 5)]),
    ]
    scores = AttributionScores()
    scores.add(TEXT, gold, predictions)
    metrics = scores.metrics()
    assert metrics["n_pronoun_sources"] == 3
    assert metrics["pronoun_sources_resolved"] == pytest.approx(2 / 3)
    assert AttributionScores().metrics()["pronoun_sources_resolved"] == 0.0


# --- registry and report ------------------------------------------------------------------


def test_registry_report_and_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    base._load_builtin_tasks()  # register the built-in tasks in the real registry first
    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))

    @register_task("dummy")
    def dummy(data_dir: Path, options: dict) -> EvalReport:
        return EvalReport("dummy", str(data_dir), 2, {"f1": 0.5, "n": 3}, {"x": {"r": 1.0}})

    assert {"dummy", "extract-plaintext", "attribution"} <= set(available_tasks())
    report = run_task("dummy", tmp_path)
    assert report.seconds > 0
    table = report.format_table()
    assert "f1" in table and "0.500" in table and " 3" in table
    assert json.loads(json.dumps(report.to_dict()))["metrics"] == {"f1": 0.5, "n": 3}
    with pytest.raises(UnknownTaskError, match="dummy"):
        run_task("nope", tmp_path)
    with pytest.raises(DatasetMissingError, match=str(tmp_path / "attribution")):
        run_task("attribution", tmp_path, predict=lambda text: [])
    with pytest.raises(EvaluationError, match="splt"):
        run_task("attribution", tmp_path, splt="dev")


def test_default_data_dir_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(base.DATA_ENV, str(tmp_path))
    assert default_data_dir() == tmp_path
    monkeypatch.delenv(base.DATA_ENV)
    assert default_data_dir().parts[-2:] == ("shared", "data")


# --- end-to-end runs on tiny fake data sets -----------------------------------------------


def _write_extraction(root: Path) -> None:
    pages = {
        "p1": ["Home | News | Sport", "The council voted on Monday to close the old bridge.",
               "Accept all cookies to continue reading this fine page."],
        "p2": ["Subscribe now", "Officials said the new road would open next spring."],
    }
    (root / "extraction" / "plaintext-aeb").mkdir(parents=True)
    (root / "extraction" / "zyte-aeb").mkdir(parents=True)
    with (root / "extraction" / "plaintext-aeb" / "scrapes.jsonl").open("w") as handle:
        for page_id, lines in pages.items():
            handle.write(json.dumps({"id": page_id, "lines": lines}) + "\n")
    gold = {page_id: {"articleBody": lines[1], "url": f"https://x/{page_id}"}
            for page_id, lines in pages.items()}
    (root / "extraction" / "zyte-aeb" / "ground-truth.json").write_text(json.dumps(gold))


def test_extract_plaintext_task_end_to_end(tmp_path: Path) -> None:
    _write_extraction(tmp_path)
    report = run_task("extract-plaintext", tmp_path, cleaner=lambda lines: lines[1], n_bootstrap=50)
    assert report.n_documents == 2
    assert report.metrics["f1"] == 1.0
    assert list(report.breakdown) == ["ours", "keep-everything", "c4-rule"]
    assert report.breakdown["keep-everything"]["recall"] == 1.0
    assert report.breakdown["keep-everything"]["precision"] < 1.0
    assert report.breakdown["c4-rule"]["f1"] == 1.0
    assert "keep-everything" in report.format_table()
    only = run_task("extract-plaintext", tmp_path, ours=False, n_bootstrap=10)
    assert list(only.breakdown) == ["keep-everything", "c4-rule"] and only.metrics == {}


def test_c4_rule_and_keep_flags() -> None:
    assert c4_keep_line("The council voted on Monday to close it.")
    assert not c4_keep_line("Too short.")
    assert not c4_keep_line("Please enable JavaScript to view the comments.")
    assert not c4_keep_line("A line of five words without an end")
    assert join_kept(["a", "b", "c"], [True, False, True]) == "a\nc"
    with pytest.raises(EvaluationError):
        join_kept(["a"], [True, False])


def test_default_cleaner_uses_extract_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("claimtrack.stages.extract")
    fake.clean_plaintext_lines = lambda lines: [len(line) > 4 for line in lines]  # type: ignore
    monkeypatch.setitem(sys.modules, "claimtrack.stages.extract", fake)
    assert default_cleaner()(["Menu", "An article line.", "x"]) == "An article line."


def _write_polnear(root: Path) -> None:
    split = root / "attribution" / "polnear" / "dev"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    (split / "text" / "paper_2016-01-01_a_story.txt").write_text(TEXT)
    (split / "attributions" / "paper_2016-01-01_a_story_a1.ann").write_text(_ann())
    (split / "attributions" / "paper_2016-01-01_a_story_b2.ann").write_text("")  # sorts later
    (split / "text" / "other.txt").write_text("No annotations here.")


def test_attribution_task_end_to_end(tmp_path: Path) -> None:
    _write_polnear(tmp_path)
    texts, unannotated = list_split(tmp_path / "attribution" / "polnear" / "dev")
    assert [(t.name, t.annotator, t.n_annotators) for t in texts] == [
        ("paper_2016-01-01_a_story", "a1", 2)
    ]
    assert unannotated == ["other"]

    def predict(text: str) -> list[PredictedAttribution]:
        return [_pred("we will win the vote", "Smith"), _pred("the deal is off")]

    report = run_task("attribution", tmp_path, split="dev", predict=predict)
    assert report.n_documents == 1
    assert report.metrics["content_precision"] == 1.0
    assert report.metrics["e2e_recall"] == pytest.approx(2 / 3)
    assert report.breakdown["indirect"]["e2e_recall"] == 1.0
    assert report.breakdown["according_to"]["content_missed"] == 1
    assert "content_missed" in report.format_table() and "source_errors" in report.format_table()
    assert any("several annotator" in note for note in report.notes)
    assert any("no source_text" in note for note in report.notes)
    assert report.metrics["n_pronoun_sources"] == 0
    with pytest.raises(EvaluationError, match="split"):
        run_task("attribution", tmp_path, split="test", predict=predict)


def _document(text: str, claims: list[Claim]) -> Document:
    return Document(raw=RawDocument(name="t", content=text), text=text, claims=claims)


def _claim(text: str, content: str, kind: str, source: str | None) -> Claim:
    start = text.index(content)
    span = None if source is None else Span(text.index(source), text.index(source) + len(source))
    return Claim(
        id="c", content=Span(start, start + len(content)), content_text=content, kind=kind,
        stance="assert", source_entity=None, source_text=source or "", source_span=span,
    )


def test_pipeline_predictor_maps_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    import claimtrack.api

    clean = TEXT.strip()  # the pipeline's clean text may differ from the input
    formats: list[str] = []

    def process_many(raws: list[Any], pipeline: object = None) -> list[Document]:
        formats.extend(raw.format for raw in raws)
        if any(raw.content == "bad" for raw in raws):
            raise InputError(raws[-1].name, "no article in it")
        return [_document(clean, [
            _claim(clean, '"we will win the vote."', "direct", "Smith"),
            _claim(clean, "It was reported", "narration", None),
            _claim(clean, "the deal is off", "indirect", None),
        ]) for _ in raws]

    monkeypatch.setattr(claimtrack.api, "process_many", process_many)
    predictor = PipelinePredictor()
    (predictions,) = predictor([TEXT])
    assert [TEXT[s:e] for p in predictions for s, e in p.content] == [
        '"we will win the vote."', "the deal is off"
    ]
    assert predictions[0].source == [(0, 5)] and predictions[1].source == []
    assert predictions[0].source_text == "Smith" and predictions[0].resolved_name is None
    assert predictor.realigned == 1
    assert formats == ["clean"]  # PolNeAR texts are passed as already clean

    predictor = PipelinePredictor()  # a failing batch is rerun one text at a time
    assert predictor([TEXT, "bad"]) == [predictions, []]
    assert len(predictor.failures) == 1 and "no article" in predictor.failures[0]


def test_pipeline_predictor_keeps_the_resolved_source() -> None:
    text = "Ivan Petrov arrived. He said the talks failed. They said nothing."
    he = _claim(text, "the talks failed", "indirect", "He")
    he.source_entity = "E1"
    they = _claim(text, "nothing", "indirect", "They")
    they.source_entity = "E2"
    document = _document(text, [he, they])
    document.entities = [Entity("E1", "Ivan Petrov", "PERSON"), Entity("E2", "They", "OTHER")]
    first, second = claims_to_predictions(document, text)
    assert (first.source_text, first.resolved_name, first.resolved_type) == (
        "He", "Ivan Petrov", "PERSON")
    assert first.pronoun_source and first.resolved_to_name
    assert second.pronoun_source and not second.resolved_to_name


def test_map_offsets_realigns_edited_text() -> None:
    original = "Menu\nSmith said it rained.\nShare this"
    clean = "Smith  said it rained."
    mapped = map_offsets(clean, original)((clean.index("said"), clean.index("said") + 4))
    assert mapped is not None and original[mapped[0] : mapped[1]] == "said"
    assert map_offsets("abc", "xxabcxx")((0, 3)) == (2, 5)


# --- the real data, when present -----------------------------------------------------------

_SHARED = default_data_dir()


@pytest.mark.shared
@pytest.mark.skipif(
    not (_SHARED / "extraction" / "plaintext-aeb" / "scrapes.jsonl").is_file(),
    reason=f"shared data not found at {_SHARED}",
)
def test_plaintext_baselines_on_shared_data() -> None:
    report = run_task("extract-plaintext", _SHARED, ours=False)
    assert report.n_documents == 181
    keep_all = report.breakdown["keep-everything"]["f1"]
    assert 0.6 < keep_all < 0.75
    assert report.breakdown["c4-rule"]["f1"] > keep_all
