"""The pipeline under fire: odd texts and pages never raise out of ``Pipeline.run``, each
input gives exactly one Outcome, a failure says which document and why, and whatever
succeeds can be saved on both store backends. A per-document time budget keeps one slow
document from hanging a batch.

The time-budget tests use real stages (extract, language) and a small stage of their own
that is slow on purpose for one document; the rest load the full pipeline (slow).
"""

from __future__ import annotations

import json
import signal
import threading
import time
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack.model import Document, RawDocument
from claimtrack.pipeline import Outcome, Pipeline
from claimtrack.readers import raw_from_string, read_jsonl_lines
from claimtrack.settings import Settings
from claimtrack.stages.extract import ExtractStage
from claimtrack.stages.language import LanguageStage
from claimtrack.store.repository import Store
from tests.test_fuzz_readers import ODD_CHARS

SENTENCES = (
    "The mayor said on Tuesday that the bridge over the Dnieper would reopen next month.",
    "Police in Kyiv arrested three protesters, a spokesman told reporters.",
    "\u0627\u0644\u0631\u0626\u064a\u0633 \u0642\u0627\u0644 \u0625\u0646 \u0627\u0644\u062c\u0633\u0631 \u0633\u064a\u0641\u062a\u062d.",
    "\u05d4\u05e9\u05e8 \u05d0\u05de\u05e8 \u05e9\u05d4\u05d2\u05e9\u05e8 \u05d9\u05d9\u05e4\u05ea\u05d7.",
    "Officials denied the report, according to the ministry in Moscow.",
    "\u4e2d\u56fd\u5916\u4ea4\u90e8\u53d1\u8a00\u4eba\u8868\u793a\u53cd\u5bf9\u3002",
)
pieces = st.one_of(st.sampled_from(SENTENCES), st.sampled_from(ODD_CHARS),
                   st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=8),
                   st.sampled_from(["\n", "\n\n", " ", "<p>", "</p>", "<div>", "&#0;", "&#xD800;",
                                    "&nbsp;", "<script>", "<!--", "]]>", "<br/>"]))
odd_articles = st.lists(pieces, min_size=1, max_size=30).map("".join)
page_wrappers = st.sampled_from([
    "{}", "<html><body><p>{}</p></body></html>",
    "<!DOCTYPE html><html><body><article><p>{}</p><p>{}</p></article></body></html>",
    "<p>{}</p><p>{}</p>",
])

#: Inputs made by hand to hurt: deep nesting, huge lines, nothing but invisible characters.
NASTY: list[tuple[str, str, str]] = [
    ("deep divs", "html", "<html><body>" + "<div>" * 100_000 + SENTENCES[0] * 3
     + "</div>" * 100_000 + "</body></html>"),
    ("unclosed divs", "html", "<html><body>" + "<div><p>" * 50_000 + SENTENCES[1]),
    ("deep fragment", "html", "<b>" * 100_000 + SENTENCES[0] + "</b>" * 100_000),
    ("deep inline", "html", "<html><body><p>" + "<span>" * 100_000 + SENTENCES[4] * 3
     + "</p></body></html>"),
    ("one huge word", "text", "a" * 150_000),
    ("one huge line", "text", " ".join([SENTENCES[0]] * 2000)),
    ("many blank lines", "text", "\n" * 100_000 + SENTENCES[0]),
    ("only invisibles", "text", "\u200b\u200d\u200e\u200f\u2060\ufeff" * 1000),
    ("combining pile", "text", SENTENCES[0][:10] + "\u0301" * 10_000 + SENTENCES[0]),
    ("rtl override", "text", "\u202e" + SENTENCES[0] + "\u202c " + SENTENCES[2]),
    ("zwj everywhere", "text", "\u200d".join(SENTENCES[0] + " " + SENTENCES[1])),
    ("nul and controls", "text", SENTENCES[0].replace(" ", "\x00") + "\x1b[31m" + SENTENCES[1]),
    ("lone surrogates", "text", SENTENCES[0].replace("a", "\ud800") + " \udfff " + SENTENCES[1]),
    ("nul in html", "html", f"<html><body><p>{SENTENCES[0]}\x00{SENTENCES[1]}</p></body></html>"),
    ("char refs", "html", "<html><body><p>" + SENTENCES[0] + " &#0; &#xD800; &#x110000; &#65535;"
     " &#1; " + SENTENCES[1] * 2 + "</p></body></html>"),
    ("noncharacters", "html", f"<p>{SENTENCES[0]}\uffff\ufffe{SENTENCES[1]}</p>"),
    ("cdata and comments", "html", "<html><body><!--" * 1000 + "<p><![CDATA[" + SENTENCES[0]
     + "]]></p>" + "</body></html>"),
    ("many paragraphs", "html", "<html><body>" + f"<p>{SENTENCES[1]}</p>" * 3000
     + "</body></html>"),
]

#: The nasty inputs that give a document, saved in the store test (the others fail in the
#: pipeline, or, like 2,000 copies of one claim, would make the test slow without adding to it).
STORED = ("noncharacters", "many blank lines", "combining pile", "rtl override", "zwj everywhere",
          "nul and controls", "lone surrogates", "nul in html", "char refs")


def check_outcomes(outcomes: list[Outcome], raws: list[RawDocument | Outcome]) -> None:
    """One Outcome per input, in order; failures name their document and say why."""
    assert [o.name for o in outcomes] == [r.name for r in raws]
    for outcome in outcomes:
        if outcome.ok:
            assert outcome.document is not None and outcome.document.id
            for text in (outcome.document.text, outcome.document.title, outcome.document.outlet):
                assert text is None or (text.encode("utf-8") and "\x00" not in text)
        else:
            assert outcome.document is None and outcome.error
            assert outcome.error.startswith(outcome.name) and len(outcome.error) > len(outcome.name) + 5


def _run(pipeline: Pipeline, raws: list[RawDocument | Outcome]) -> list[Outcome]:
    outcomes = list(pipeline.run(raws))
    check_outcomes(outcomes, raws)
    return outcomes


@pytest.mark.slow
@settings(max_examples=40, deadline=timedelta(seconds=30),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=odd_articles, wrapper=page_wrappers)
def test_fuzz_pipeline_odd_articles_give_one_outcome_each(pipeline: Pipeline, text: str,
                                                          wrapper: str) -> None:
    raws: list[RawDocument | Outcome] = [
        raw_from_string(text, name="<odd text>", fmt="text"),
        raw_from_string(wrapper.format(text, text), name="<odd page>", fmt="html"),
        raw_from_string(wrapper.format(text, text), name="<odd sniffed>"),
    ]
    _run(pipeline, raws)


@pytest.mark.slow
def test_fuzz_pipeline_nasty_inputs_in_one_batch(pipeline: Pipeline) -> None:
    raws: list[RawDocument | Outcome] = [raw_from_string(content, name=name, fmt=fmt)
                                         for name, fmt, content in NASTY]
    raws.append(raw_from_string(ARTICLE, name="bad url", url="http://[::1/x"))
    raws.append(Outcome("<unreadable>", error="<unreadable>: binary content, not text or HTML"))
    start = time.monotonic()
    outcomes = _run(pipeline, raws)
    by_name = {o.name: o for o in outcomes}
    assert by_name["rtl override"].ok and by_name["nul and controls"].ok, by_name
    assert by_name["lone surrogates"].ok and by_name["nul in html"].ok
    assert by_name["noncharacters"].ok, by_name["noncharacters"]
    assert not by_name["only invisibles"].ok and by_name["bad url"].ok, by_name["bad url"]
    assert time.monotonic() - start < 300


def _jsonl_with_nul_and_surrogate() -> list[bytes]:
    texts = [SENTENCES[0] + "\x00 " + SENTENCES[1], SENTENCES[4] + " \ud800 " + SENTENCES[0],
             "\u202e" + SENTENCES[1] + "\u200d\x0c" + SENTENCES[4]]
    return [json.dumps({"text": t, "title": "T\x00itle \udfff", "outlet": "Out\x00let",
                        "url": f"https://news.example/{n}\x00"}).encode() for n, t in enumerate(texts)]


@pytest.mark.slow
def test_fuzz_pipeline_nul_and_surrogates_reach_the_store_cleaned(
    pipeline: Pipeline, store_url: str,
) -> None:
    """A JSON "\\u0000" or lone "\\ud800" used to pass the readers and fail PostgreSQL's save."""
    raws = list(read_jsonl_lines("odd.jsonl", _jsonl_with_nul_and_surrogate(), 1_000_000))
    outcomes = _run(pipeline, raws)
    docs = [o.document for o in outcomes if o.document is not None]
    assert len(docs) == 3
    with Store(store_url) as store:
        store.save(docs[0])
        assert store.save_many(docs[1:]) == 2


@pytest.mark.slow
def test_fuzz_pipeline_successes_can_be_stored(pipeline: Pipeline, store_url: str) -> None:
    raws: list[RawDocument | Outcome] = [raw_from_string(content, name=name, fmt=fmt)
                                         for name, fmt, content in NASTY if name in STORED]
    raws += [raw_from_string(f"{SENTENCES[0]}{c}{SENTENCES[1]}{c * 3}{SENTENCES[4]}",
                             name=f"<odd {ord(c):04x}>") for c in ODD_CHARS]
    docs = [o.document for o in _run(pipeline, raws) if o.document is not None]
    assert len(docs) > len(ODD_CHARS)
    with Store(store_url) as store:
        assert store.save_many(docs) == len(docs)
        store.save(docs[0])  # saving again replaces


# --- the per-document time budget -------------------------------------------------------------


class Slow:
    """A stage that takes ``seconds`` on documents whose text contains ``marker``; with
    ``spin`` it burns CPU in a Python loop rather than sleeping, and swallows exceptions."""

    name, requires, produces = "slow", frozenset({"text"}), frozenset({"slow"})

    def __init__(self, seconds: float, marker: str = "slow", spin: bool = False) -> None:
        self.seconds, self.marker, self.spin = seconds, marker, spin
        self.calls: list[int] = []

    def run(self, docs: list[Document]) -> list[Document]:
        self.calls.append(len(docs))
        for doc in docs:
            if self.marker in doc.text:
                if self.spin:
                    end = time.monotonic() + self.seconds
                    while time.monotonic() < end:
                        try:
                            sum(range(1000))
                        except Exception:  # noqa: BLE001, S110 - a stage that swallows errors
                            pass
                else:
                    time.sleep(self.seconds)
        return docs


ARTICLE = ("The council said on Tuesday that the bridge would reopen next month after repairs "
           "that took almost a year. Residents had complained about the traffic.")


def _raws(*markers: str) -> list[RawDocument | Outcome]:
    return [RawDocument(f"doc-{i}", f"{ARTICLE} The {marker} work was costly.")
            for i, marker in enumerate(markers)]


def _budget_pipeline(slow: Slow, budget: float, batch_size: int = 8) -> Pipeline:
    return Pipeline([ExtractStage(), LanguageStage(), slow], batch_size=batch_size,
                    time_budget_s=budget)


@pytest.mark.parametrize("spin", [False, True])
def test_fuzz_pipeline_time_budget_fails_only_the_slow_document(spin: bool) -> None:
    slow = Slow(30.0, spin=spin)
    pipeline = _budget_pipeline(slow, budget=0.5)
    before = signal.getsignal(signal.SIGALRM)
    start = time.monotonic()
    outcomes = _run(pipeline, _raws("first", "slow", "third", "fourth"))
    elapsed = time.monotonic() - start
    assert [o.ok for o in outcomes] == [True, False, True, True]
    assert outcomes[1].error == ("doc-1: exceeded the time budget of 0.5 s in stage 'slow' "
                                 "(setting pipeline.time_budget_s)")
    assert elapsed < 5  # the batch (0.5 s), then doc-1 alone (0.5 s), not 30 s
    assert slow.calls == [4, 1, 1, 1, 1]  # interrupted batch, then one by one
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_fuzz_pipeline_time_budget_is_per_document_not_per_batch() -> None:
    """Four documents of 0.2 s each: the batch outlasts a 0.3 s budget and is rerun one by one,
    and then each is within it."""
    slow = Slow(0.2, marker="council")
    outcomes = _run(_budget_pipeline(slow, budget=0.3), _raws("first", "second", "third", "fourth"))
    assert all(o.ok for o in outcomes) and slow.calls == [4, 1, 1, 1, 1]
    slow.calls.clear()
    outcomes = _run(_budget_pipeline(slow, budget=1.5), _raws("first", "second", "third", "fourth"))
    assert all(o.ok for o in outcomes) and slow.calls == [4]


def test_fuzz_pipeline_time_budget_measured_outside_the_main_thread() -> None:
    """Worker threads cannot take signals: the slow document still fails, after its stage."""
    slow = Slow(1.0)
    pipeline = _budget_pipeline(slow, budget=0.4)
    result: list[list[Outcome]] = []
    worker = threading.Thread(target=lambda: result.append(_run(pipeline, _raws("first", "slow", "third"))))
    worker.start()
    worker.join(timeout=30)
    [outcomes] = result
    assert [o.ok for o in outcomes] == [True, False, True]
    assert "exceeded the time budget of 0.4 s in stage 'slow'" in (outcomes[1].error or "")


def test_fuzz_pipeline_time_budget_zero_turns_it_off() -> None:
    slow = Slow(0.3)
    outcomes = _run(_budget_pipeline(slow, budget=0), _raws("slow"))
    assert outcomes[0].ok and slow.calls == [1]


@pytest.mark.slow
def test_fuzz_pipeline_time_budget_is_a_setting() -> None:
    from claimtrack.api import build_pipeline

    assert Settings().pipeline.time_budget_s == 60.0
    assert ("pipeline.time_budget_s", 60.0) in [(n, d) for n, d, _ in Settings().describe()]
    settings = Settings()
    settings.pipeline.time_budget_s = 7.5
    assert build_pipeline(settings).timer.budget_s == 7.5
