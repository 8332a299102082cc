"""Readers for WARC, RSS/Atom, CSV/TSV and undeclared charsets: pages in, everything else counted
or failed with one line naming the input. Every file here is written by the test itself."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from claimtrack.model import RawDocument
from claimtrack.pipeline import Outcome
from claimtrack.readers import ReadStats, read_inputs

PAGE = (
    "<html><body><p>The harbour board said on Monday that the ferry would run again.</p>"
    "</body></html>"
)
RUSSIAN = (
    "В понедельник городской совет объявил, что мост через реку откроют в следующем месяце. "
    "Ремонт шёл почти год, и жители жаловались на пробки. Мэр сказал, что работы завершены."
)
FRENCH = (
    "Le conseil municipal a annoncé mardi que le pont rouvrira le mois prochain. Les travaux "
    "ont duré près d'un an, et les habitants se sont plaints des embouteillages."
)


def _read(*paths: str, **kwargs: object) -> list[RawDocument | Outcome]:
    return list(read_inputs(list(paths), **kwargs))  # type: ignore[arg-type]


def _errors(items: list[RawDocument | Outcome]) -> list[str]:
    return [i.error for i in items if isinstance(i, Outcome) and i.error]


# --- WARC ------------------------------------------------------------------------------------


def warc_record(
    record_type: str, uri: str, block: bytes, record_id: str,
    content_type: str = "application/http; msgtype=response",
) -> bytes:
    """One WARC/1.0 record, written byte by byte as the spec lays it out."""
    head = (
        f"WARC/1.0\r\nWARC-Type: {record_type}\r\nWARC-Record-ID: <urn:uuid:{record_id}>\r\n"
        f"WARC-Date: 2024-03-01T10:00:00Z\r\nWARC-Target-URI: {uri}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    return head.encode("ascii") + block + b"\r\n\r\n"


def http_response(body: bytes, content_type: str, status: str = "200 OK", *extra: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii") + body


def chunked(data: bytes, size: int = 40) -> bytes:
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def crawl_records() -> list[bytes]:
    """A small crawl: four pages worth reading, and four records that are not articles."""
    russian_page = f"<html><body><p>{RUSSIAN}</p></body></html>".encode("cp1251")
    zipped = gzip.compress(PAGE.replace("ferry", "night ferry").encode())
    return [
        warc_record("warcinfo", "", b"software: handwritten\r\n", "info",
                    "application/warc-fields"),
        warc_record("response", "https://port.example/ferry",
                    http_response(PAGE.encode(), "text/html; charset=utf-8"), "page-1"),
        warc_record("request", "https://port.example/ferry",
                    b"GET /ferry HTTP/1.1\r\nHost: port.example\r\n\r\n", "req-1",
                    "application/http; msgtype=request"),
        warc_record("response", "https://city.example/most",
                    http_response(russian_page, 'text/html; charset="windows-1251"'), "page-2"),
        warc_record("response", "https://port.example/night",
                    http_response(chunked(zipped), "text/html", "200 OK",
                                  "Transfer-Encoding: chunked", "Content-Encoding: gzip"),
                    "page-3"),
        warc_record("response", "https://port.example/logo.png",
                    http_response(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"), "img-1"),
        warc_record("response", "https://port.example/robots.txt",
                    http_response(b"User-agent: *\nDisallow: /private\n", "text/plain"), "robots"),
        warc_record("response", "https://port.example/old",
                    http_response(b"<html><body>Moved</body></html>", "text/html", "301 Moved",
                                  "Location: /ferry"), "redirect"),
        warc_record("resource", "file:///notes/briefing.txt",
                    b"The board will meet again on Friday.", "note-1", "text/plain"),
    ]


def write_warc(path: Path, records: list[bytes]) -> Path:
    """Plain WARC, or gzip-compressed one member per record (as crawlers write .warc.gz)."""
    if path.name.endswith(".gz"):
        path.write_bytes(b"".join(gzip.compress(r) for r in records))
    else:
        path.write_bytes(b"".join(records))
    return path


@pytest.mark.parametrize("filename", ["crawl.warc", "crawl.warc.gz"])
def test_readers_warc_reads_pages_and_counts_the_rest(tmp_path: Path, filename: str) -> None:
    path = write_warc(tmp_path / filename, crawl_records())
    stats = ReadStats()
    items = _read(str(path), stats=stats)
    assert all(isinstance(i, RawDocument) for i in items), _errors(items)
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert [(d.name, d.url, d.format) for d in docs] == [
        (f"{path}#urn:uuid:page-1", "https://port.example/ferry", "html"),
        (f"{path}#urn:uuid:page-2", "https://city.example/most", "html"),
        (f"{path}#urn:uuid:page-3", "https://port.example/night", "html"),
        (f"{path}#urn:uuid:note-1", "file:///notes/briefing.txt", "text"),
    ]
    assert docs[0].content == PAGE
    assert RUSSIAN in docs[1].content  # decoded with the charset from the HTTP header
    assert "the night ferry would run again" in docs[2].content  # de-chunked and gunzipped
    assert docs[3].content == "The board will meet again on Friday."
    assert all(d.published is None for d in docs)  # WARC-Date is the crawl date, not publication
    assert stats.skipped == {"image/png": 1, "robots.txt": 1, "HTTP 301": 1}


@pytest.mark.parametrize(
    ("label", "html", "declared"),
    [
        ("meta charset",
         f'<html><head><meta charset="koi8-r"></head><body><p>{RUSSIAN}</p></body></html>',
         "koi8-r"),
        ("nothing declared", f"<html><body><p>{RUSSIAN}</p></body></html>", None),
    ],
)
def test_readers_warc_charset_from_meta_or_detection(
    tmp_path: Path, label: str, html: str, declared: str | None,
) -> None:
    body = html.encode(declared or "cp1251")
    path = write_warc(tmp_path / "ru.warc", [
        warc_record("response", "https://city.example/x", http_response(body, "text/html"), "ru"),
    ])
    [doc] = _read(str(path))
    assert isinstance(doc, RawDocument) and RUSSIAN in doc.content, label


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),  # an alias fastwarc does not know by itself
        ("deflate", zlib.compress),
        ("gzip", lambda body: body),  # archives that stored the body decoded but kept the header
    ],
    ids=["gzip", "x-gzip", "deflate", "mislabelled-plain"],
)
def test_readers_warc_undoes_content_encoding(
    tmp_path: Path, encoding: str, encode: Callable[[bytes], bytes],
) -> None:
    body = encode(PAGE.encode())
    path = write_warc(tmp_path / "enc.warc", [warc_record(
        "response", "https://port.example/ferry",
        http_response(body, "text/html", "200 OK", f"Content-Encoding: {encoding}"), "enc",
    )])
    [doc] = _read(str(path))
    assert isinstance(doc, RawDocument) and doc.content == PAGE


def test_readers_warc_undecodable_encoding_fails_alone(tmp_path: Path) -> None:
    garbled = _raw_deflate(PAGE.encode()) * 3  # compressed, but not gzip
    path = write_warc(tmp_path / "enc.warc", [
        warc_record("response", "https://port.example/x", http_response(
            garbled, "text/html", "200 OK", "Content-Encoding: gzip"), "bad"),
        warc_record("response", "https://port.example/ferry",
                    http_response(PAGE.encode(), "text/html"), "ok"),
    ])
    items = _read(str(path))
    assert [type(i).__name__ for i in items] == ["Outcome", "RawDocument"]
    assert _errors(items)[0].startswith(f"{path}#urn:uuid:bad: cannot undo HTTP encoding")


def _offsets(records: list[bytes], compressed: bool) -> list[int]:
    sizes = [len(gzip.compress(r)) if compressed else len(r) for r in records]
    return [sum(sizes[:i]) for i in range(len(records))]


@pytest.mark.parametrize(
    ("compressed", "cut", "reason"),
    [
        (False, 60, "truncated WARC record at offset {second} (record header is incomplete)"),
        (False, -60, "truncated WARC record at offset {second} ("),  # inside the body
        (True, -60, "truncated WARC record at offset {second} ("),
        # so little of the gzip member is left that no header line survives: fastwarc ends
        # quietly, and the end-of-file check reports it
        (True, 60, "truncated WARC: the file ends inside a record after the one at offset {first}"),
    ],
    ids=["warc-header", "warc-body", "warc.gz-body", "warc.gz-header"],
)
def test_readers_warc_truncated_yields_good_records_then_one_error(
    tmp_path: Path, compressed: bool, cut: int, reason: str,
) -> None:
    crawl = crawl_records()
    records = [crawl[1], crawl[3]]
    if compressed:
        data = gzip.compress(records[0]) + gzip.compress(records[1])[:cut]
    else:
        data = records[0] + records[1][:cut]
    path = tmp_path / ("cut.warc.gz" if compressed else "cut.warc")
    path.write_bytes(data)
    items = _read(str(path))
    assert [type(i).__name__ for i in items] == ["RawDocument", "Outcome"]
    assert isinstance(items[0], RawDocument) and items[0].content == PAGE
    [error] = _errors(items)
    first, second = _offsets(records, compressed)
    assert error.startswith(f"{path}: ") and reason.format(first=first, second=second) in error
    assert "\n" not in error


def test_readers_warc_cut_inside_first_header_line_is_reported(tmp_path: Path) -> None:
    records = crawl_records()[:2]
    path = tmp_path / "cut.warc"
    # fastwarc ends quietly when the file stops inside a record's first header line
    path.write_bytes(records[0] + records[1] + b"WARC/1.0\r\nWARC-Ty")
    items = _read(str(path))
    assert [type(i).__name__ for i in items] == ["RawDocument", "Outcome"]
    offset = _offsets(records, compressed=False)[1]  # the page record, after warcinfo
    assert f"ends inside a record after the one at offset {offset}" in _errors(items)[0]


def test_readers_warc_corrupt_middle_stops_after_last_good_record(tmp_path: Path) -> None:
    records = crawl_records()
    path = tmp_path / "bad.warc"
    path.write_bytes(records[0] + records[1] + b"this is not a WARC record\r\n\r\n" + records[3])
    items = _read(str(path))
    assert [type(i).__name__ for i in items] == ["RawDocument", "Outcome"]
    offset = _offsets(records, compressed=False)[1]  # the page record, after warcinfo
    assert f"corrupt WARC, reading stopped after the record at offset {offset}" in _errors(items)[0]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "no WARC response or resource records"), (b"WARC/1.0\r\nWARC-", "no WARC response"),
     (b"\x1f\x8b\x08\x00 not really gzip at all", "corrupt WARC")],
)
def test_readers_warc_unreadable_file_gives_one_line_error(
    tmp_path: Path, content: bytes, reason: str,
) -> None:
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(content)
    [outcome] = _read(str(path))
    assert isinstance(outcome, Outcome) and outcome.error is not None
    assert outcome.error.startswith(f"{path}: ") and reason in outcome.error
    assert "\n" not in outcome.error


def test_readers_warc_size_limit_applies_per_record(tmp_path: Path) -> None:
    big = f"<html><body><p>{'The ferry ran late again. ' * 200}</p></body></html>".encode()
    path = write_warc(tmp_path / "big.warc", [
        warc_record("response", "https://port.example/big", http_response(big, "text/html"), "big"),
        warc_record("response", "https://port.example/ferry",
                    http_response(PAGE.encode(), "text/html"), "ok"),
    ])
    limit = len(big) - 1
    assert path.stat().st_size > limit  # the file is over the limit; each page is judged alone
    items = _read(str(path), max_bytes=limit)
    assert [type(i).__name__ for i in items] == ["Outcome", "RawDocument"]
    assert items[0].name == f"{path}#urn:uuid:big" and "too large" in (_errors(items)[0])


def test_readers_warc_found_in_directory_and_sniffed_without_suffix(tmp_path: Path) -> None:
    write_warc(tmp_path / "a.warc.gz", crawl_records()[:2])
    write_warc(tmp_path / "b.gz", crawl_records()[:2])  # not a WARC name: not picked up
    (tmp_path / "export").write_bytes(b"".join(crawl_records()[:2]))  # no suffix: sniffed
    names = [i.name for i in _read(str(tmp_path))]
    assert names == [
        f"{tmp_path / 'a.warc.gz'}#urn:uuid:page-1", f"{tmp_path / 'export'}#urn:uuid:page-1",
    ]


# --- RSS and Atom ----------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Riverside Gazette</title><link>https://gazette.example/</link>
<item><title>Bridge to reopen</title><link>https://gazette.example/bridge</link>
<pubDate>Tue, 05 Mar 2024 23:30:00 -0500</pubDate><description>Short summary.</description>
<content:encoded><![CDATA[<p>The council said the bridge would reopen in April.</p>]]>
</content:encoded></item>
<item><title>Market day moved</title><link>https://gazette.example/market</link>
<description>&lt;p&gt;Traders said the market would move to Thursday.&lt;/p&gt;</description></item>
<item><title>Photo of the week</title><link>https://gazette.example/photo</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Hill Post</title><id>urn:hill</id>
<updated>2024-04-03T01:00:00+05:00</updated>
<entry><title>Voters back the new school</title><id>urn:hill:1</id>
<link href="https://hill.example/school"/><updated>2024-04-03T01:00:00+05:00</updated>
<content type="html">&lt;p&gt;Officials said turnout was high.&lt;/p&gt;</content></entry>
<entry><title>Road works</title><id>urn:hill:2</id><link href="https://hill.example/road"/>
<published>2024-04-01T09:00:00Z</published><updated>2024-04-02T09:00:00Z</updated>
<content type="text">Crews said the road would close at night.</content></entry>
</feed>"""


@pytest.mark.parametrize(
    ("filename", "feed", "expected"),
    [
        # dates are the outlet's local dates: 23:30 -05:00 on March 5 is March 6 in UTC
        ("news.rss", RSS, [
            ("#1", "Bridge to reopen", date(2024, 3, 5), "html", "<p>The council said the bridge"),
            ("#2", "Market day moved", None, "html", "<p>Traders said the market"),
        ]),
        ("news.atom", ATOM, [
            ("#1", "Voters back the new school", date(2024, 4, 3), "html", "<p>Officials said"),
            ("#2", "Road works", date(2024, 4, 1), "text", "Crews said the road"),
        ]),
        ("feed.xml", ATOM, [
            ("#1", "Voters back the new school", date(2024, 4, 3), "html", "<p>Officials said"),
            ("#2", "Road works", date(2024, 4, 1), "text", "Crews said the road"),
        ]),
    ],
)
def test_readers_feed_entries_become_documents(
    tmp_path: Path, filename: str, feed: str,
    expected: list[tuple[str, str, date | None, str, str]],
) -> None:
    path = tmp_path / filename
    path.write_text(feed, encoding="utf-8")
    docs = [i for i in _read(str(path)) if isinstance(i, RawDocument)]
    outlet = "Riverside Gazette" if feed is RSS else "Hill Post"
    assert [(d.name, d.title, d.published, d.format) for d in docs] == [
        (f"{path}{suffix}", title, published, fmt) for suffix, title, published, fmt, _ in expected
    ]
    assert all(d.outlet == outlet and d.url and d.url.startswith("https://") for d in docs)
    for doc, (*_, start) in zip(docs, expected, strict=True):
        assert doc.content.startswith(start)


def test_readers_feed_entry_without_content_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "news.rss"
    path.write_text(RSS, encoding="utf-8")
    items = _read(str(path))
    assert [type(i).__name__ for i in items] == ["RawDocument", "RawDocument", "Outcome"]
    assert _errors(items) == [f"{path}#3: feed entry has no content"]


def test_readers_feed_entry_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "news.atom"
    path.write_text(ATOM, encoding="utf-8")
    items = _read(str(path), max_bytes=40)  # entry 1 has 39 bytes of content, entry 2 has 41
    assert [type(i).__name__ for i in items] == ["RawDocument", "Outcome"]
    assert _errors(items)[0].startswith(f"{path}#2: too large")


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("page.xml", f'<?xml version="1.0"?><html><body>{PAGE}</body></html>', "RawDocument"),
        ("latest", RSS, "RawDocument"),  # no suffix: sniffed as a feed
        ("news.rss", "<html><body><p>Not a feed at all.</p></body></html>", "Outcome"),
    ],
)
def test_readers_feed_detection(tmp_path: Path, filename: str, content: str, expected: str) -> None:
    path = tmp_path / filename
    path.write_text(content, encoding="utf-8")
    items = _read(str(path))
    assert type(items[0]).__name__ == expected
    if filename == "latest":
        assert [i.name for i in items][:2] == [f"{path}#1", f"{path}#2"]
    if expected == "Outcome":
        assert _errors(items) == [f"{path}: not an RSS or Atom feed"]


# --- CSV and TSV -----------------------------------------------------------------------------


def test_readers_csv_with_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "\ufeffid,body,link,paper,day\n"
        '1,"The mayor said the library would open on Sundays.",https://a.example/1,'
        'Valley News,2023-11-02\n'
        '2,,https://a.example/2,Valley News,2023-11-03\n'
        '3,"Residents said, at a long meeting,\nthat parking was the problem.",,'
        'Valley News,not a date\n'
        '4,"<html><body><p>The school board said fees would rise.</p></body></html>",,,\n',
        encoding="utf-8",
    )
    columns = {"text": "body", "url": "link", "outlet": "paper", "published": "day"}
    items = _read(str(path), columns=columns)
    assert [(type(i).__name__, i.name) for i in items] == [
        ("RawDocument", f"{path}:2"), ("Outcome", f"{path}:3"), ("Outcome", f"{path}:4"),
        ("RawDocument", f"{path}:5"),
    ]
    first, last = items[0], items[3]
    assert isinstance(first, RawDocument) and first.url == "https://a.example/1"
    assert (first.outlet, first.published) == ("Valley News", date(2023, 11, 2))
    assert first.format == "text"
    assert isinstance(last, RawDocument) and last.format == "html" and last.url is None
    assert _errors(items) == [
        f"{path}:3: row has no text (column 'body' is empty)",
        f"{path}:4: published date 'not a date' is not an ISO date (YYYY-MM-DD)",
    ]


@pytest.mark.parametrize(
    ("filename", "sep"), [("articles.tsv", "\t"), ("articles.csv", ",")],
)
def test_readers_csv_default_columns(tmp_path: Path, filename: str, sep: str) -> None:
    path = tmp_path / filename
    rows = [["Headline", "Content", "Source", "Date", "URL"],
            ["Dam repaired", "Engineers said the dam was safe.", "Lake Courier", "2022-06-30", "https://l.example/d"]]
    path.write_text("\n".join(sep.join(r) for r in rows) + "\n", encoding="utf-8")
    [doc] = _read(str(path))
    assert isinstance(doc, RawDocument)
    assert (doc.name, doc.title, doc.content, doc.outlet, doc.published, doc.url) == (
        f"{path}:2", "Dam repaired", "Engineers said the dam was safe.", "Lake Courier",
        date(2022, 6, 30), "https://l.example/d",
    )


@pytest.mark.parametrize(
    ("content", "columns", "reason"),
    [
        ("id,notes\n1,hello\n", None, "no article column"),
        ("id,body\n1,hello\n", {"text": "article"},
         "column 'article' (for text) is not in the header"),
        ("", None, "empty input"),
    ],
)
def test_readers_csv_unusable_header_gives_one_error(
    tmp_path: Path, content: str, columns: dict[str, str] | None, reason: str,
) -> None:
    path = tmp_path / "x.csv"
    path.write_text(content, encoding="utf-8")
    [outcome] = _read(str(path), columns=columns)
    assert isinstance(outcome, Outcome) and outcome.error is not None
    assert outcome.error.startswith(f"{path}: ") and reason in outcome.error


def test_readers_csv_bad_bytes_stop_after_the_good_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"text\nThe port said ships were late.\nCaf\xe9 owners said prices rose.\n")
    items = _read(str(path))
    assert [type(i).__name__ for i in items] == ["RawDocument", "Outcome"]
    assert _errors(items)[0].startswith(f"{path}: line 3: not valid UTF-8 (byte 0xe9 at column 4)")


def test_readers_csv_size_limit_applies_per_row(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    long_text = " ".join(["The port said ships were late."] * 40)
    path.write_text(f"text\n{long_text}\nThe port reopened.\n", encoding="utf-8")
    items = _read(str(path), max_bytes=len(long_text) - 1)
    assert [type(i).__name__ for i in items] == ["Outcome", "RawDocument"]
    assert _errors(items)[0].startswith(f"{path}:2: too large")


@pytest.mark.parametrize("columns", [{"body": "text"}, {"url": "link"}])
def test_readers_csv_bad_mapping_is_a_caller_error(columns: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="columns"):
        read_inputs(["x.csv"], columns=columns)


# --- charset detection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(RUSSIAN, "cp1251"), (RUSSIAN, "koi8-r"), (FRENCH, "cp1252")],
)
def test_readers_detects_charset_of_undeclared_page(
    tmp_path: Path, text: str, encoding: str,
) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(f"<html><body><p>{text}</p></body></html>".encode(encoding))
    [doc] = _read(str(path))
    assert isinstance(doc, RawDocument) and text in doc.content


@pytest.mark.parametrize(
    "content",
    [
        "Мэр сказал, что мост откроют.".encode("cp1251"),  # one short sentence: too little evidence
        # not binary, but no language in any code page
        b"Totals: \x81\x8d\x8f\x90\x9d and \xff\xfe\x80\x81 again \x9d\x8f.",
    ],
)
def test_readers_undetectable_charset_stays_an_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "page.txt"
    path.write_bytes(content)
    [outcome] = _read(str(path))
    assert isinstance(outcome, Outcome) and outcome.error is not None
    assert outcome.error.startswith(f"{path}: not valid UTF-8")
    assert "no charset declared or detected" in outcome.error
