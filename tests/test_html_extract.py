"""HTML main-text extraction: the article stays, navigation, comments and related links go."""

from __future__ import annotations

import pytest

from claimtrack.evaluation import default_data_dir, run_task
from claimtrack.model import Document, RawDocument
from claimtrack.stages import html_extract
from claimtrack.stages.extract import ExtractStage
from claimtrack.stages.html_extract import extract_main_text, html_to_lines, vote

ARTICLE = [
    (
        "Floods forced more than 4,000 people from their homes in the river valley on Sunday, "
        "the regional emergency service said, after three days of heavy rain."
    ),
    (
        "\u201cThe water rose faster than anyone expected,\u201d said the service's director, "
        "Maria Osei, who asked residents of low-lying streets to leave before nightfall."
    ),
    (
        "Officials said the river would peak on Tuesday, and that schools in Kerrow and two "
        "neighbouring towns would stay closed until the end of the week."
    ),
    (
        "The national weather office said more rain was likely on Monday, although it expected "
        "the worst of the storm to move east by the evening."
    ),
]
NAV = ["Home", "World", "Business", "Sport"]
RELATED = ["Storm closes ports along the coast", "Ten pictures of the week", "Markets fall again"]
COMMENT = "Great reporting, thanks for keeping us informed about the flooding in our town!"
FOOTER = "Copyright 2024 Valley Herald. All rights reserved. Terms of use and privacy policy."


def _page(article: list[str] = ARTICLE) -> str:
    """A news page: menu, headline, byline, article, related links, comments and a footer."""
    paragraphs = "".join(f"<p>{text}</p>" for text in article)
    nav = "".join(f'<li><a href="/{item.lower()}">{item}</a></li>' for item in NAV)
    related = "".join(
        f'<li><a href="/story/{i}">{title}</a></li>' for i, title in enumerate(RELATED)
    )
    return f"""<!DOCTYPE html><html lang="en"><head>
<title>Floods force thousands from homes</title>
<meta property="og:site_name" content="Valley Herald">
<meta name="author" content="Anna Berg">
<meta property="article:published_time" content="2024-03-10T08:00:00Z">
</head><body>
<header><nav class="menu"><ul>{nav}</ul></nav></header>
<main><article class="story">
<h1>Floods force thousands from homes</h1>
<p class="byline">By Anna Berg</p>
<div class="story-body">{paragraphs}</div>
</article>
<aside class="related"><h3>Related stories</h3><ul>{related}</ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>{COMMENT}</p></div></section>
</main>
<footer class="site-footer"><p>{FOOTER}</p></footer>
</body></html>"""


def test_html_extract_keeps_article_and_drops_boilerplate() -> None:
    result = extract_main_text(_page(), "https://valleyherald.example/floods")
    for paragraph in ARTICLE:
        assert paragraph in result.paragraphs
    for boilerplate in [*NAV, *RELATED, COMMENT, FOOTER, "Related stories", "Comments"]:
        assert boilerplate not in result.text
    assert result.which == "vote"
    assert result.candidates_used == ("trafilatura", "readability")


def test_html_extract_reads_metadata() -> None:
    result = extract_main_text(_page(), "https://valleyherald.example/floods")
    assert result.title == "Floods force thousands from homes"
    assert result.sitename == "Valley Herald"
    assert result.author == "Anna Berg"
    assert result.date == "2024-03-10"


def test_html_extract_drops_the_headline_from_the_body() -> None:
    result = extract_main_text(_page(), None)
    assert result.title == "Floods force thousands from homes"
    assert result.title not in result.paragraphs


def test_html_extract_uses_trafilatura_when_readability_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(html_extract, "readability_lines", lambda tree: [])
    result = extract_main_text(_page(), None)
    assert result.which == "trafilatura" and result.candidates_used == ("trafilatura",)
    assert all(paragraph in result.paragraphs for paragraph in ARTICLE)


def test_html_extract_uses_readability_when_trafilatura_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(html_extract, "trafilatura_extract", lambda tree, url: ([], {}))
    result = extract_main_text(_page(), None)
    assert result.which == "readability" and result.candidates_used == ("readability",)
    assert all(paragraph in result.paragraphs for paragraph in ARTICLE)
    assert COMMENT not in result.text and FOOTER not in result.text


def test_html_extract_without_a_page_finds_nothing() -> None:
    result = extract_main_text("", None)
    assert result.paragraphs == () and result.which == "none"


LONG_PROSE = (  # longer than html_extract.PROSE_CHARS
    "The council said the new bridge would open in the spring, two years later than planned, "
    "because the contractor had to rebuild the foundations after the river changed course "
    "during the winter storms, and that the old ferry would keep running until then."
)


@pytest.mark.parametrize(
    ("proposed", "second", "expected", "which"),
    [
        # a line only trafilatura keeps (a newsletter box) goes
        (ARTICLE[:2] + ["Sign up for our morning newsletter today"], ARTICLE[:2], ARTICLE[:2],
         "vote"),
        # long prose only readability found is added where it stands in the article
        (ARTICLE[:1] + ARTICLE[2:3], ARTICLE[:1] + [LONG_PROSE] + ARTICLE[2:3],
         ARTICLE[:1] + [LONG_PROSE] + ARTICLE[2:3], "vote"),
        # a short readability-only line (a photo caption) is not added
        (ARTICLE[:2], ARTICLE[:1] + ["Photo: Anna Berg"] + ARTICLE[1:2], ARTICLE[:2], "vote"),
        # the two extractors chose different parts of the page: trafilatura alone
        (ARTICLE[:2], [LONG_PROSE], ARTICLE[:2], "trafilatura"),
        # readability kept one block, a small part of trafilatura's article: trafilatura alone
        (ARTICLE, ARTICLE[:1], ARTICLE, "trafilatura"),
        # a line that repeats the headline goes
        (["Floods force thousands"] + ARTICLE[:2], ARTICLE[:2], ARTICLE[:2], "vote"),
        ([], ARTICLE[:2], ARTICLE[:2], "readability"),
        ([], [], [], "none"),
    ],
)
def test_html_extract_vote(
    proposed: list[str], second: list[str], expected: list[str], which: str
) -> None:
    assert vote(proposed, second, "Floods force thousands") == (expected, which)


def test_html_extract_html_to_lines_breaks_at_blocks_only() -> None:
    from lxml.html import fragment_fromstring

    html = "<div><p>One <b>bold</b> line</p><ul><li>first</li><li>second</li></ul>tail<br>end</div>"
    assert html_to_lines(fragment_fromstring(html)) == ["One bold line", "first", "second",
                                                        "tail", "end"]


def test_html_extract_stage_uses_the_chain() -> None:
    doc = Document(raw=RawDocument("page", _page(), format="html"))  # type: ignore[arg-type]
    ExtractStage().run([doc])
    assert doc.text.startswith(ARTICLE[0])
    assert COMMENT not in doc.text and "Storm closes ports" not in doc.text
    assert doc.title == "Floods force thousands from homes" and doc.outlet == "Valley Herald"
    assert doc.published is not None and doc.published.isoformat() == "2024-03-10"


_ZYTE = default_data_dir() / "extraction" / "zyte-aeb"


@pytest.mark.shared
@pytest.mark.skipif(not (_ZYTE / "ground-truth.json").is_file(), reason=f"{_ZYTE} is absent")
def test_html_extract_beats_every_baseline_on_zyte_aeb() -> None:
    report = run_task("extract-html", default_data_dir(), n_bootstrap=10)
    assert report.n_documents == 181
    baselines = {name: row["f1"] for name, row in report.breakdown.items() if name != "ours"}
    assert set(baselines) == {"trafilatura", "trafilatura-precision", "trafilatura-recall",
                              "readability"}
    assert report.metrics["f1"] >= max(baselines.values())
