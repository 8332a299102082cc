"""Readers under fire: arbitrary bytes, truncated files, huge lines, deep nesting and every
Unicode oddity. Whatever comes in, a reader never raises: each input becomes RawDocuments
that any store can hold, or Outcomes whose one-line error names the input.

Example counts are bounded (``max_examples``) so the file runs in seconds; the deadline
catches a reader that hangs on one input. fuzz/fuzz_readers.py runs the same checks
coverage-guided with atheris.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimtrack.errors import InputError
from claimtrack.model import RawDocument
from claimtrack.pipeline import Outcome
from claimtrack.readers import ReadStats, raw_from_string, read_inputs, read_jsonl_lines
from claimtrack.readers.decode import clean_text, decode
from claimtrack.readers.feed import parse_feed, read_feed
from claimtrack.readers.warc import read_warc
from tests.test_readers_formats import PAGE, crawl_records, write_warc

SUFFIXES = ("", ".txt", ".html", ".jsonl", ".warc", ".warc.gz", ".rss", ".xml", ".csv", ".tsv",
            ".parquet")
#: Characters that have broken text pipelines: bidi marks and overrides, zero-width joiners
#: and spaces, combining marks, a lone surrogate, NUL and other controls, BOMs, line and
#: paragraph separators, noncharacters, a character outside the BMP.
ODD_CHARS = (
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # LRM RLM overrides
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space, ZWNJ, ZWJ, word joiner, BOM
    "\u0301\u0308\u0489\u20dd"  # combining marks
    "\ud800\udbff\udc00\udfff"  # surrogates, paired only by chance
    "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\x9f\u2028\u2029\ufffe\uffff"
    "\U0001f469\u200d\U0001f52c\u0627\u05d0\u4e2d"  # emoji ZWJ sequence, Arabic, Hebrew, CJK
)
odd_text = st.text(alphabet=st.one_of(st.sampled_from(ODD_CHARS), st.characters(codec=None,
                                      exclude_categories=())), max_size=300)
#: Byte strings that are not what they claim: overlong and surrogate UTF-8, stray
#: continuation bytes, a BOM then cp1252, UTF-16 without a BOM, NULs.
ODD_BYTES = (
    b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\x80", b"\xbf\xbf",
    b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"caf\xe9", b"\x00",
    "\u0627\u0644\u200f".encode(), "na\u00efve".encode("utf-16-le"), b"\r", b"\n\n",
)
odd_bytes = st.lists(st.one_of(st.sampled_from(ODD_BYTES), st.binary(max_size=40)),
                     max_size=20).map(b"".join)

FAST = settings(max_examples=150, deadline=timedelta(seconds=5),
                suppress_health_check=[HealthCheck.too_slow])


@contextmanager
def written(content: bytes, suffix: str) -> Iterator[Path]:
    """``content`` in a file with ``suffix`` in a fresh directory (hypothesis runs many
    examples per test, so pytest's per-test ``tmp_path`` would be shared)."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"input{suffix}"
        path.write_bytes(content)
        yield path


def storable(text: str | None) -> bool:
    """What PostgreSQL and SQLite both accept: valid UTF-8, no NUL."""
    if text is None:
        return True
    text.encode("utf-8")  # raises on a lone surrogate
    return "\x00" not in text


def check_items(items: list[RawDocument | Outcome], name: str) -> None:
    """The reader contract: documents that can be stored, errors that name the input."""
    for item in items:
        if isinstance(item, RawDocument):
            assert item.name.startswith(name)
            assert isinstance(item.content, str) and item.content.strip()
            for value in (item.content, item.url, item.title, item.outlet):
                assert storable(value), item
        else:
            assert isinstance(item, Outcome) and not item.ok and item.document is None
            assert item.error and item.error.startswith(name), item
            assert "\n" not in item.error, item.error


def read_file(content: bytes, suffix: str, max_bytes: int = 32_000_000) -> list[RawDocument | Outcome]:
    with written(content, suffix) as path:
        stats = ReadStats()
        items = list(read_inputs([str(path)], max_bytes=max_bytes, stats=stats))
        check_items(items, str(path))
        # every input is reported: an item, or a WARC's records skipped on purpose and counted
        assert items or stats.total_skipped
        return items


# --- arbitrary bytes, every reader ---------------------------------------------------------


@FAST
@given(content=st.one_of(st.binary(max_size=3000), odd_bytes), suffix=st.sampled_from(SUFFIXES))
def test_fuzz_readers_any_bytes_any_suffix(content: bytes, suffix: str) -> None:
    read_file(content, suffix)


#: Starts that send a file down one reader's path, so the random rest reaches its parser.
HEADS = (
    b"WARC/1.0\r\n", b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 40\r\n\r\n",
    b"\x1f\x8b\x08\x00", b"<?xml version='1.0'?><rss version='2.0'><channel><item><description>",
    b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><content type='html'>",
    b"<!DOCTYPE html><html><head><meta charset='", b"PAR1", b'{"text": "', b"text,url\n",
    b"\xef\xbb\xbf", b"\xff\xfe",
)


@FAST
@given(head=st.sampled_from(HEADS), rest=st.one_of(st.binary(max_size=2000), odd_bytes),
       suffix=st.sampled_from(SUFFIXES))
def test_fuzz_readers_format_heads_with_random_rest(head: bytes, rest: bytes, suffix: str) -> None:
    read_file(head + rest, suffix)


@FAST
@given(lines=st.lists(st.one_of(st.binary(max_size=200), odd_bytes), max_size=10))
def test_fuzz_readers_jsonl_random_lines_fail_alone(lines: list[bytes]) -> None:
    lines = [line.replace(b"\n", b" ") for line in lines]
    handle = io.BytesIO(b"\n".join(lines) + b"\n")
    items = list(read_jsonl_lines("in.jsonl", handle, 1_000_000))
    check_items(items, "in.jsonl")
    assert len(items) == sum(1 for line in lines if line.strip())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | odd_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(odd_text, inner, max_size=3),
    max_leaves=10,
)
records = st.fixed_dictionaries(
    {}, optional={"text": st.one_of(odd_text, json_values), "html": st.one_of(odd_text, json_values),
                  "url": json_values, "title": json_values, "outlet": json_values,
                  "published": st.one_of(json_values, st.dates().map(str))},
)


@FAST
@given(record=records, ensure_ascii=st.booleans())
def test_fuzz_readers_jsonl_records_with_odd_unicode(record: dict[str, object],
                                                     ensure_ascii: bool) -> None:
    # ensure_ascii writes a lone surrogate as "\ud800" and NUL as "\u0000": valid JSON
    line = json.dumps(record, ensure_ascii=ensure_ascii).encode("utf-8", "surrogatepass")
    [item] = read_jsonl_lines("in.jsonl", [line], 1_000_000)
    check_items([item], "in.jsonl:1")
    if isinstance(item, RawDocument):  # cleaning keeps offsets ("\ud800\udc00" is one char)
        loaded = json.loads(line)
        html = clean_text(loaded["html"]) if isinstance(loaded.get("html"), str) else None
        text = html if html and html.strip() else loaded.get("text")
        assert len(item.content) == len(text)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b'{"text": "The mayor said \\u0000 the bridge would reopen."}', None),
        (b'{"text": "The mayor said \\ud800 the bridge would reopen."}', None),
        (b'{"text": "Half a pair \\udc00\\ud800 then NUL\\u0000", "title": "t\\u0000"}', None),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"text": "x", "n": ' + b"9" * 5000 + b"}", "not readable JSON"),
        (b'{"text": "\xc0\xaf overlong"}', "not valid UTF-8"),
        (b'{"text": "\xed\xa0\x80 CESU surrogate"}', "not valid UTF-8"),
        (b'{"text": "   "}', "no non-empty 'text'"),
        (b'{"text": "ok", "published": "2024-13-45"}', "not an ISO date"),
        (b'{"text": "ok", "published": {"a": [1]}}', "not an ISO date"),
    ],
)
def test_fuzz_readers_jsonl_nasty_lines(line: bytes, reason: str | None) -> None:
    [item] = read_jsonl_lines("in.jsonl", [line], 1_000_000)
    check_items([item], "in.jsonl:1")
    if reason is None:
        assert isinstance(item, RawDocument) and "reopen" in item.content or "NUL" in item.content
    else:
        assert isinstance(item, Outcome) and reason in (item.error or "")


def test_fuzz_readers_jsonl_nul_becomes_space_and_keeps_length() -> None:
    [item] = read_jsonl_lines("in.jsonl", [b'{"text": "a\\u0000b\\ud800c\\u000cd"}'], 100)
    assert isinstance(item, RawDocument) and item.content == "a b\ufffdc\nd"


# --- text, decoding, strings -----------------------------------------------------------------


CHARSETS = st.one_of(st.none(), st.sampled_from([
    "utf-8", "UTF-16", "utf-32", "windows-1251", "ISO-8859-1", "koi8-r", "shift_jis", "undefined",
    "idna", "punycode", "unicode_escape", "raw-unicode-escape", "rot13", "base64", "zlib",
    "charmap", "utf-7", "x-user-defined", "", " ", "\x00", "utf-8\x00",
]), st.text(max_size=12))


@FAST
@given(data=st.one_of(st.binary(max_size=2000), odd_bytes), fmt=st.sampled_from(["text", "html"]),
       charset=CHARSETS)
def test_fuzz_readers_decode_returns_storable_text_or_input_error(
    data: bytes, fmt: str, charset: str | None,
) -> None:
    try:
        text = decode("doc", data, fmt, charset)
    except InputError as exc:
        assert str(exc).startswith("doc") and "\n" not in str(exc)
        return
    assert storable(text)


@FAST
@given(charset=CHARSETS)
def test_fuzz_readers_declared_charset_never_raises(charset: str | None) -> None:
    page = f'<html><head><meta charset="{charset}"></head><body>caf\xe9 cr\xe8me</body></html>'
    read_file(page.encode("latin-1", "replace"), ".html")


@FAST
@given(content=odd_text, fmt=st.sampled_from([None, "text", "html", "clean"]))
def test_fuzz_readers_raw_from_string_is_storable(content: str, fmt: str | None) -> None:
    raw = raw_from_string(content, title=content, url=content, outlet=content, fmt=fmt)
    assert storable(raw.content) and storable(raw.title) and len(raw.content) == len(content)
    assert clean_text(raw.content) == raw.content


@FAST
@given(text=odd_text, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32",
                                                "cp1252", "cp1251", "gb18030"]))
def test_fuzz_readers_text_in_any_encoding(text: str, encoding: str) -> None:
    data = text.encode(encoding, "replace") if "utf" not in encoding else text.encode(
        encoding, "surrogatepass")
    items = read_file(data, ".txt")
    [item] = items
    if isinstance(item, RawDocument) and encoding in ("utf-16", "utf-32"):
        assert len(item.content) == len(text)  # a BOM says which UTF


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("\ufeffThe council met.".encode("utf-16-le"), "RawDocument"),  # no BOM bytes: NULs
        ("The council met.".encode("utf-16"), "RawDocument"),
        ("The council met.".encode("utf-32"), "RawDocument"),
        (b"\xff\xfeT\x00h\x00\x00\xd8", "Outcome"),  # UTF-16 with a lone surrogate
        (b"The council \xc0\xaf met.", "Outcome"),  # overlong "/"
        ("Le conseil s'est r\u00e9uni. ".encode() + "Caf\u00e9 cr\u00e8me.".encode("cp1252"),
         "Outcome"),  # mixed UTF-8 and cp1252, too short to detect
        (b"The council\x00met.", "Outcome"),  # NUL in a file: binary
        ("\u202eThe council met.\u200f\u200d".encode(), "RawDocument"),
    ],
)
def test_fuzz_readers_unicode_oddities_in_files(content: bytes, expected: str) -> None:
    [item] = read_file(content, ".txt")
    assert type(item).__name__ == expected


# --- truncations -----------------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["crawl.warc", "crawl.warc.gz"])
def test_fuzz_readers_warc_cut_anywhere(tmp_path: Path, filename: str) -> None:
    """A WARC cut at every 7th byte: the whole records before the cut, then errors, no raise."""
    records = crawl_records()
    whole = write_warc(tmp_path / filename, records).read_bytes()
    full = [i for i in read_warc(tmp_path / filename, 1_000_000) if isinstance(i, RawDocument)]
    sizes = [len(gzip.compress(r)) if filename.endswith(".gz") else len(r) for r in records]
    boundaries = {sum(sizes[:n]) for n in range(len(sizes) + 1)}  # a cut here leaves a WARC
    cut_path = tmp_path / f"cut-{filename}"
    for cut in range(0, len(whole), 7):
        cut_path.write_bytes(whole[:cut])
        items = list(read_warc(cut_path, 1_000_000))
        check_items(items, str(cut_path))
        docs = [i for i in items if isinstance(i, RawDocument)]
        assert len(docs) <= len(full)
        assert [d.content for d in docs] == [d.content for d in full[: len(docs)]]
        # a cut in the blank lines ending a record loses nothing and need not be reported
        lost = whole[cut:min(b for b in boundaries if b >= cut)]
        assert not lost.strip(b"\r\n") or (items and isinstance(items[-1], Outcome)), cut


def test_fuzz_readers_jsonl_cut_anywhere(tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"Article {n}: the mayor said \u200f\u0627 \ud800 the bridge "
                                 "would reopen.", "published": "2024-03-01"}) for n in range(3)]
    whole = ("\n".join(lines) + "\n").encode()
    path = tmp_path / "cut.jsonl"
    for cut in range(1, len(whole)):
        path.write_bytes(whole[:cut])
        items = list(read_inputs([str(path)]))
        check_items(items, str(path))
        complete = whole[:cut].count(b"\n")
        assert all(isinstance(i, RawDocument) for i in items[:complete])
        assert len(items) in (complete, complete + 1)
        if len(items) > complete:  # the cut line: unreadable unless cut just before its \n
            assert isinstance(items[-1], Outcome) or whole[cut:cut + 1] == b"\n"


FEED = (
    "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Port \u200f"
    "News</title><item><title>Ferry</title><link>https://port.example/f</link>"
    "<pubDate>Mon, 04 Mar 2024 10:00:00 +0000</pubDate><description>&lt;p&gt;The harbour board"
    " said the ferry would run again.&lt;/p&gt;</description></item><item><title>Night"
    "</title><description>The night ferry &#x200D;runs too.</description></item></channel></rss>"
).encode()


@pytest.mark.parametrize(("name", "whole"), [("feed.rss", FEED), ("page.html", PAGE.encode())])
def test_fuzz_readers_feed_and_page_cut_anywhere(tmp_path: Path, name: str, whole: bytes) -> None:
    path = tmp_path / name
    for cut in range(0, len(whole), 3):
        path.write_bytes(whole[:cut])
        check_items(list(read_inputs([str(path)])), str(path))


def test_fuzz_readers_parquet_cut_anywhere(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "whole.parquet"
    texts = ["The mayor said\x00 the bridge\u200d would reopen.", "\u202eReversed\u0301 text."]
    pq.write_table(pa.table({"text": texts, "url": ["u\x00", None]}), path)
    items = list(read_inputs([str(path)]))
    check_items(items, str(path))
    assert [i.content for i in items if isinstance(i, RawDocument)] == [
        t.replace("\x00", " ") for t in texts]
    whole = path.read_bytes()
    cut_path = tmp_path / "cut.parquet"
    for cut in range(0, len(whole), 5):
        cut_path.write_bytes(whole[:cut])
        check_items(list(read_inputs([str(cut_path)])), str(cut_path))


# --- huge lines, deep nesting ---------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".txt", ".csv", ".tsv", ".html", ".rss", ".warc"])
def test_fuzz_readers_huge_line_over_max_bytes(tmp_path: Path, suffix: str) -> None:
    """A 3 MB line without a newline against a 1 MB limit: one clear error, no crash."""
    path = tmp_path / f"huge{suffix}"
    head = {".jsonl": b'{"text": "', ".csv": b'text\n"', ".tsv": b"text\n", ".rss": b"<rss>",
            ".warc": b"WARC/1.0\r\n"}.get(suffix, b"")
    path.write_bytes(head + b"a" * 3_000_000)
    items = list(read_inputs([str(path)], max_bytes=1_000_000))
    check_items(items, str(path))
    assert items and all(isinstance(i, Outcome) for i in items)


def test_fuzz_readers_jsonl_huge_line_then_good_line(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    good = json.dumps({"text": "The council met."}).encode()
    path.write_bytes(b'{"text": "' + b"a" * 3_000_000 + b'"}\n' + good + b"\n")
    items = list(read_inputs([str(path)], max_bytes=1_000_000))
    assert [type(i).__name__ for i in items] == ["Outcome", "RawDocument"]
    assert "too large: 3.0 MB" in (items[0].error or "")  # type: ignore[union-attr]
    assert items[1].name == f"{path}:2"


def _nested(depth: int, open_tag: str = "<div>", close_tag: str = "</div>") -> str:
    return open_tag * depth + "The mayor said the bridge would reopen." + close_tag * depth


@pytest.mark.parametrize(
    ("suffix", "content"),
    [
        (".html", "<html><body>" + _nested(100_000) + "</body></html>"),
        (".html", "<html><body>" + "<div>" * 100_000),  # never closed
        (".rss", "<rss version='2.0'><channel><item><description>"
                 + _nested(100_000, "&lt;b&gt;", "&lt;/b&gt;") + "</description></item></channel></rss>"),
        (".rss", "<rss version='2.0'><channel><item>" + _nested(100_000, "<x>", "</x>")
                 + "</item></channel></rss>"),
        (".jsonl", '{"text": "a", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"),
        (".jsonl", '{"html": "' + _nested(100_000) + '"}'),
        (".csv", "text\n" + '"' + _nested(100_000) + '"\n'),
    ],
)
def test_fuzz_readers_deep_nesting(tmp_path: Path, suffix: str, content: str) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text(content, encoding="utf-8")
    items = list(read_inputs([str(path)]))
    check_items(items, str(path))
    assert items


# --- structured but broken: CSV, feeds, WARC records -----------------------------------------


@FAST
@given(rows=st.lists(st.lists(odd_text.map(lambda t: t.encode("utf-8", "replace").decode()),
                              min_size=1, max_size=4), max_size=6),
       suffix=st.sampled_from([".csv", ".tsv"]))
def test_fuzz_readers_csv_odd_cells(rows: list[list[str]], suffix: str) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="," if suffix == ".csv" else "\t").writerows(
        [["text", "title", "url", "published"], *rows])
    items = read_file(buffer.getvalue().encode("utf-8"), suffix)
    assert len(items) <= len(rows) or len(items) == 1


feed_texts = odd_text.map(lambda t: t.encode("utf-8", "replace").decode())


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@FAST
@given(entries=st.lists(st.tuples(feed_texts, feed_texts, feed_texts), max_size=4),
       channel=feed_texts, raw_markup=st.booleans())
def test_fuzz_readers_feed_odd_entries(entries: list[tuple[str, str, str]], channel: str,
                                       raw_markup: bool) -> None:
    wrap = (lambda t: t) if raw_markup else _escape
    items = "".join(f"<item><title>{wrap(t)}</title><link>{wrap(link)}</link>"
                    f"<description>{wrap(d)}</description></item>" for t, link, d in entries)
    xml = f"<rss version='2.0'><channel><title>{wrap(channel)}</title>{items}</channel></rss>"
    data = xml.encode("utf-8")
    try:
        parsed = parse_feed(data, "f.rss")
    except InputError as exc:
        assert str(exc).startswith("f.rss: malformed feed")
        parsed = None
    if parsed is not None:
        check_items(list(read_feed("f.rss", parsed, 1_000_000)), "f.rss")
    read_file(data, ".rss")


def _warc(body: bytes, headers: str) -> bytes:
    head = f"WARC/1.0\r\nWARC-Type: response\r\n{headers}Content-Length: {len(body)}\r\n\r\n"
    return head.encode("latin-1", "replace") + body + b"\r\n\r\n"


@FAST
@given(body=st.one_of(st.binary(max_size=500), odd_bytes),
       http_head=st.lists(st.sampled_from([
           "Content-Type: text/html", "Content-Type: text/plain; charset=undefined",
           "Content-Type: text/html; charset=utf-16", "Content-Encoding: gzip",
           "Content-Encoding: br", "Content-Encoding: deflate, gzip", "Transfer-Encoding: chunked",
           "Content-Encoding: x-gzip", "Content-Length: -1", "Content-Type: \x00",
       ]), max_size=4),
       status=st.sampled_from(["200 OK", "301 Moved", "999 ?", "abc", ""]),
       uri=st.sampled_from(["https://x.example/a", "urn:x", "", "https://x.example/\u200f\x00",
                            "http://[x/robots.txt", "http://x:99999999/a"]),
       compress=st.booleans())
def test_fuzz_readers_warc_records_with_random_http(body: bytes, http_head: list[str], status: str,
                                                    uri: str, compress: bool) -> None:
    http = (f"HTTP/1.1 {status}\r\n" + "".join(h + "\r\n" for h in http_head) + "\r\n").encode(
        "utf-8") + body
    record = _warc(http, f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; "
                         "msgtype=response\r\n")
    read_file(gzip.compress(record) if compress else record, ".warc.gz" if compress else ".warc")


@pytest.mark.slow
@settings(max_examples=1000, deadline=timedelta(seconds=10),
          suppress_health_check=[HealthCheck.too_slow])
@given(content=st.one_of(st.binary(max_size=20_000), odd_bytes),
       suffix=st.sampled_from(SUFFIXES))
def test_fuzz_readers_any_bytes_many_examples(content: bytes, suffix: str) -> None:
    read_file(content, suffix)


REGRESSIONS = Path(__file__).resolve().parents[1] / "fuzz" / "regressions" / "readers"


@pytest.mark.parametrize("crash", sorted(p.name for p in REGRESSIONS.iterdir()))
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_fuzz_readers_past_crashes_stay_fixed(crash: str, suffix: str) -> None:
    """Inputs that crashed fuzz/fuzz_readers.py once (feedparser's KeyError, a newline in an
    error, urlsplit's ValueError), read as every kind of file."""
    read_file((REGRESSIONS / crash).read_bytes(), suffix)


def test_fuzz_readers_unbalanced_feed_link_is_one_error(tmp_path: Path) -> None:
    """feedparser raised KeyError 'links' on this feed; now it is one error naming the file."""
    path = tmp_path / "feed.rss"
    path.write_bytes((REGRESSIONS / "feed-unbalanced-link-keyerror").read_bytes()[:-3])
    [item] = list(read_inputs([str(path)]))
    assert isinstance(item, Outcome)
    assert item.error == f"{path}: malformed feed: the feed parser failed (KeyError: 'links')"
