"""Extraction: boilerplate lines go (and are kept for audit), the article, headline and caption stay."""

from __future__ import annotations

import pytest

from claimtrack.errors import InputError
from claimtrack.model import Document, RawDocument
from claimtrack.stages.boilerplate import classify_lines
from claimtrack.stages.extract import ExtractStage

PAGE = """Support Our Newsroom!

Floods Force Thousands From Homes in River Valley

Rescue workers carry an elderly woman through flood water in the town of Kerrow on Sunday.

Floods forced more than 4,000 people from their homes on Sunday, the regional emergency service said.

"The water rose faster than anyone expected," said the service's director, Maria Osei.

Evacuations

Officials said the river would peak on Tuesday.

Sign up for our daily newsletter

Dear readers,

We rely on your generosity. Please support us so that we can keep our reporting free for you.

Read more"""


def _extract(content: str, fmt: str = "text") -> Document:
    doc = Document(raw=RawDocument("page", content, format=fmt))  # type: ignore[arg-type]
    ExtractStage().run([doc])
    return doc


def test_extract_plaintext_keeps_article_and_drops_calls_to_action() -> None:
    doc = _extract(PAGE)
    assert doc.title == "Floods Force Thousands From Homes in River Valley"
    for kept in ("Rescue workers carry", "Floods forced more", "The water rose", "Evacuations",
                 "would peak on Tuesday"):
        assert kept in doc.text
    for gone in ("Support Our", "newsletter", "Dear readers", "generosity", "Read more"):
        assert gone not in doc.text
    assert {d.text for d in doc.dropped} >= {"Support Our Newsroom!", "Read more", "Dear readers,"}
    assert all(PAGE[d.raw_start : d.raw_end] == d.text for d in doc.dropped)
    assert doc.id and len(doc.paragraphs) == 6


@pytest.mark.parametrize(
    ("line", "keep"),
    [
        ("Troops withdrew from the town on Friday after a week of heavy fighting, officials said.", True),
        ("Remind me later.", False),
        ("Subscribers agree to the Privacy Policy", False),
        ("• Troops will leave the city by Friday, officials said.", True),
        ("By supporting us, you help keep our journalism independent and free for everyone.", False),
    ],
)
def test_extract_line_classifier_cases(line: str, keep: bool) -> None:
    article = "The minister resigned on Monday after a long dispute over the budget with parliament."
    verdicts = classify_lines([article, line, article])
    assert verdicts[1].keep is keep


def test_extract_menu_above_the_article_is_dropped() -> None:
    article = "The minister resigned on Monday after a long dispute over the budget with parliament."
    lines = ["• Home", "• World", "• Business", "Budget Row Topples Minister", article, article]
    assert [v.keep for v in classify_lines(lines)] == [False, False, False, True, True, True]


def test_extract_html_uses_trafilatura_metadata() -> None:
    body = "<p>" + "Negotiators met in the capital on Wednesday to discuss a ceasefire plan. " * 6 + "</p>"
    html = (f"<html><head><title>Talks resume</title><meta property='og:site_name' content='Example News'>"
            f"<meta name='author' content='Ada Moreno; Ben Okafor'>"
            f"</head><body><nav>Home | World</nav><article>{body}</article></body></html>")
    doc = _extract(html, "html")
    assert "Negotiators met" in doc.text and "Home | World" not in doc.text
    assert doc.title == "Talks resume" and doc.outlet == "Example News"
    assert doc.authors == ["Ada Moreno", "Ben Okafor"]


def test_extract_html_without_article_is_an_input_error() -> None:
    with pytest.raises(InputError, match="page: no article text found"):
        _extract("<html><head><title>x</title></head><body><nav>Home</nav></body></html>", "html")


@pytest.mark.parametrize(("byline", "authors"), [
    ("By Ada Moreno and Ben Okafor", ["Ada Moreno", "Ben Okafor"]),
    ("Ada Moreno; Ben Okafor", ["Ada Moreno", "Ben Okafor"]),
    (None, []),
])
def test_extract_split_authors(byline: str | None, authors: list[str]) -> None:
    from claimtrack.stages.extract import split_authors

    assert split_authors(byline) == authors


def test_extract_feed_entry_fragment_is_taken_whole() -> None:
    doc = _extract("<p>The council said the bridge would reopen in April.</p><ul><li>Cost: 2 million</li>"
                   "</ul><script>track()</script>", "html")
    assert doc.text == "The council said the bridge would reopen in April.\n\nCost: 2 million"


def test_extract_line_classifier_counts_words_in_unspaced_scripts() -> None:
    japanese = "市議会は月曜日、川にかかる橋を来月再開すると発表し、住民は渋滞が解消されると期待している。"
    verdicts = classify_lines(["ホーム", japanese, japanese + "工事はほぼ一年続いた。"])
    assert [v.keep for v in verdicts] == [False, True, True]


ARTICLE_A = "The port authority said on Monday that the new ferry terminal would open in June."
ARTICLE_B = "Farmers in the valley said the late frost had destroyed most of the apricot harvest."
TEMPLATE = ["Valley Gazette", "Weather: Sunny spells and light winds are expected across the region today.",
            "Top story: Council approves the budget for the new library after a long debate."]


def test_extract_site_repeated_lines_drops_template_not_article() -> None:
    from claimtrack.stages.boilerplate import site_repeated_lines

    page_a = [*TEMPLATE, ARTICLE_A, ARTICLE_A.replace("June", "July and August")]
    page_b = [*TEMPLATE, ARTICLE_B, ARTICLE_B.replace("apricot", "cherry")]
    repeats_a, repeats_b = site_repeated_lines([page_a, page_b])
    assert repeats_a == repeats_b == frozenset(" ".join(t.casefold().split()) for t in TEMPLATE)
    update = [*TEMPLATE, ARTICLE_A, ARTICLE_A.replace("June", "July and August"), ARTICLE_B]
    assert site_repeated_lines([page_a, update]) == [frozenset(), frozenset()]  # one article


def test_extract_stage_compares_pages_of_one_site_in_a_batch() -> None:
    def page(article: str, url: str) -> Document:
        text = "\n\n".join([*TEMPLATE, article, article.replace("said", "said again")])
        return Document(raw=RawDocument(url, text, url=url))

    docs = [page(ARTICLE_A, "https://gazette.example/a"), page(ARTICLE_B, "https://gazette.example/b")]
    ExtractStage().run(docs)
    for doc in docs:
        assert "Weather" not in doc.text and "Top story" not in doc.text
        assert any(d.reason == "repeats on other pages of the site" for d in doc.dropped)
    [alone] = [page(ARTICLE_A, "https://gazette.example/a")]
    ExtractStage().run([alone])
    assert "Top story" in alone.text  # a single page has no site context
