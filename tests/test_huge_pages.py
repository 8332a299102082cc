"""Huge HTML pages are bounded (issue 21, item 2): pruned before the extractors, read by a
streaming path when still too big, extracted in a child process the time budget stops, and
never extracted twice. Figures for 20 MB and 50 MB pages: bench/huge_pages.py."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from claimtrack.model import Document, RawDocument
from claimtrack.pipeline import Outcome, Pipeline
from claimtrack.readers import read_inputs
from claimtrack.stages.extract import ExtractStage
from claimtrack.stages.html_bounds import FULL_EXTRACTION_MAX_CHARS, prune_html
from claimtrack.stages.html_extract import extract_main_text

PARAGRAPHS = [
    ("The city council voted on Tuesday to close the old harbour bridge for repairs that "
    "engineers say will take at least eighteen months and cost more than forty million pounds."),
    ("Residents of the northern districts, who cross the bridge every day to reach the hospital "
    "and the main railway station, said the council had not explained how traffic would cope."),
    ("The council leader said a temporary ferry service would start in the spring and that "
    "buses would be rerouted over the motorway bridge to the east of the city centre."),
]
TITLE = "Harbour bridge to close for eighteen months"
#: Nested markup with a little menu text, as a page builder's wrappers make it.
NESTED = ('<div class="w"><div class="x"><div class="y"><span><a href="/s">Menu</a></span>'
          "</div></div></div>")


def _page(markup_chars: int, unit: str = NESTED, head: str = "") -> str:
    """An article wrapped in about ``markup_chars`` of markup, on one line."""
    article = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    half = markup_chars // len(unit) // 2
    return (f"<!DOCTYPE html><html><head><title>{TITLE}</title>{head}</head><body>"
            f"{unit * half}<article><h1>{TITLE}</h1>{article}</article>{unit * half}"
            "</body></html>")


def _normal(name: str) -> RawDocument:
    return RawDocument(name, _page(2_000), format="html")


class CountingExtract(ExtractStage):
    """The real extract stage, counting how often each document is extracted."""

    def __init__(self) -> None:
        super().__init__()
        self.extracted: dict[str, int] = {}

    def _extract(self, doc: Document, site_repeats: frozenset[str] = frozenset()) -> None:
        self.extracted[doc.name] = self.extracted.get(doc.name, 0) + 1
        super()._extract(doc, site_repeats)


def _run(pipeline: Pipeline, raws: list[RawDocument]) -> list[Outcome]:
    return list(pipeline.run(raws))


def _live_children() -> list[str]:
    """Process ids of this process's children that still exist (Linux)."""
    children = []
    for task in Path("/proc/self/task").glob("*/children"):
        children += task.read_text().split()
    return children


@pytest.fixture(scope="module")
def big_page() -> str:
    """3 MB of nested markup around the article: over the worker threshold, under the
    streaming one, and slow (seconds) for trafilatura and readability."""
    return _page(3_000_000)


@pytest.mark.parametrize("in_thread", [False, True])
def test_huge_pages_big_page_stopped_at_the_budget_and_extracted_once(big_page: str,
                                                                      in_thread: bool) -> None:
    stage = CountingExtract()
    children_before = set(_live_children())  # a session's PostgreSQL server or Spark JVM
    pipeline = Pipeline([stage], batch_size=8, time_budget_s=1.5)
    raws = [_normal("before"), RawDocument("big", big_page, format="html"), _normal("after")]
    result: list[list[Outcome]] = []
    if in_thread:  # no signals there: the child is stopped by its own timeout
        worker = threading.Thread(target=lambda: result.append(_run(pipeline, raws)))
        worker.start()
        worker.join(timeout=120)
    else:
        result.append(_run(pipeline, raws))
    [outcomes] = result
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error == ("big: exceeded the time budget of 1.5 s in stage 'extract' "
                                 "(setting pipeline.time_budget_s)")
    assert outcomes[0].document.text.split("\n\n") == PARAGRAPHS
    assert stage.extracted == {"before": 1, "big": 1, "after": 1}
    assert set(_live_children()) - children_before == set()  # the child extracting the big
    # page was stopped


def test_huge_pages_big_page_finishes_within_a_sufficient_budget(big_page: str) -> None:
    stage = CountingExtract()
    [outcome] = _run(Pipeline([stage], time_budget_s=300), [RawDocument("big", big_page,
                                                                        format="html")])
    assert outcome.ok, outcome.error
    assert outcome.document.text.split("\n\n") == PARAGRAPHS
    assert stage.extracted == {"big": 1}


def test_huge_pages_page_beyond_the_extractors_takes_the_streaming_path() -> None:
    html = _page(FULL_EXTRACTION_MAX_CHARS + 1_000_000)
    result = extract_main_text(html)
    assert result.which == "streaming"
    assert list(result.paragraphs) == PARAGRAPHS
    assert result.title == TITLE


def test_huge_pages_streaming_path_in_the_pipeline() -> None:
    html = _page(FULL_EXTRACTION_MAX_CHARS + 1_000_000)
    [outcome] = _run(Pipeline([ExtractStage()], time_budget_s=60),
                     [RawDocument("huge", html, format="html")])
    assert outcome.ok, outcome.error
    assert outcome.document.title == TITLE
    assert outcome.document.text.split("\n\n") == PARAGRAPHS


def test_huge_pages_streaming_path_stops_at_the_budget() -> None:
    """The streaming path runs in this process, in Python callbacks between 1 MB parser
    chunks, so the budget's alarm stops it."""
    html = _page(10_000_000)
    stage = CountingExtract()
    [outcome] = _run(Pipeline([stage], time_budget_s=0.1), [RawDocument("huge", html,
                                                                        format="html")])
    assert outcome.error == ("huge: exceeded the time budget of 0.1 s in stage 'extract' "
                             "(setting pipeline.time_budget_s)")
    assert stage.extracted == {"huge": 1}


def test_huge_pages_too_much_visible_text_fails_early_with_the_reason() -> None:
    prose = "<p>" + " ".join(PARAGRAPHS) + "</p>"
    html = _page(FULL_EXTRACTION_MAX_CHARS + 1_000_000, unit=prose)
    [outcome] = _run(Pipeline([ExtractStage(max_chars=200_000)], time_budget_s=60),
                     [RawDocument("wall", html, format="html")])
    assert not outcome.ok
    assert outcome.error.startswith("wall: the page has over 1,000,")
    assert "characters of visible text, more than the 1,000,000" in outcome.error
    assert outcome.error.endswith("(setting nlp.max_chars; the page is 5.0 MB)")


def test_huge_pages_prunable_bulk_goes_before_the_extractors() -> None:
    """Megabytes of scripts, styles, SVG and inline images: after pruning an ordinary page."""
    bulk = ("<script>var state = '" + "x" * 100_000 + "';</script><style>.a{color:red}</style>"
            '<svg><path d="' + "M0 0" * 10_000 + '"/></svg><!-- ' + "c" * 10_000 + " -->"
            '<img src="data:image/png;base64,' + "A" * 50_000 + '">')
    html = _page(0, head=bulk * 20)
    assert len(html) > 3_000_000
    assert len(prune_html(html)) < 10_000
    result = extract_main_text(html)
    assert list(result.paragraphs) == PARAGRAPHS and result.which != "streaming"


@pytest.mark.parametrize(("html", "pruned"), [
    ("a<!-- note -->b", "ab"),
    ("a<script>x = '</p>';</script>b", "ab"),
    ("a<SCRIPT type=module>x</Script >b", "ab"),
    ("a<style>p{}</style><svg><g/></svg><noscript>on</noscript><template>t</template>b", "ab"),
    ('a<script type="application/ld+json">{"headline": "H"}</script>b',
     'a<script type="application/ld+json">{"headline": "H"}</script>b'),
    ("a<script>never closed <p>text</p>", "a"),
    ("a<!-- never closed", "a"),
    ("a<scripts>kept</scripts>b", "a<scripts>kept</scripts>b"),
    ('<img src="' + "d" * 2_000 + '" alt="short">', '<img src="" alt="short">'),
    ("<p title='" + "t" * 2_000 + "'>text</p>", '<p title="">text</p>'),
])
def test_huge_pages_prune_html(html: str, pruned: str) -> None:
    assert prune_html(html) == pruned


def test_huge_pages_oversized_file_rejected_before_reading(tmp_path: Path) -> None:
    """A 50 MB page is over the 32 MB input limit: refused from its size, unread."""
    path = tmp_path / "huge.html"
    with path.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: nothing is written, nothing could be read cheaply
    [item] = read_inputs([str(path)])
    assert isinstance(item, Outcome)
    assert item.error == (f"{path}: too large: 50.0 MB exceeds the 32.0 MB limit "
                          "(setting reader.max_bytes)")
