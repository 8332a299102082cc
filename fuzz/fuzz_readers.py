"""Coverage-guided fuzzing of every reader with atheris: bytes -> a file of each kind, a JSON
line, a declared charset, a Python string. Any exception, or an item breaking the reader
contract (a document that cannot be stored, an error that does not name its input), is a
crash that libFuzzer saves as ``crash-<sha1>``.

    python fuzz/fuzz_readers.py -atheris_runs=200000 -timeout=20 [corpus_dir]

Needs atheris (``pip install atheris``, a dev dependency). tests/test_fuzz_harnesses.py runs
it briefly so it keeps working.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["claimtrack"]):
    from claimtrack.errors import InputError
    from claimtrack.model import RawDocument
    from claimtrack.pipeline import Outcome
    from claimtrack.readers import raw_from_string, read_inputs, read_jsonl_lines
    from claimtrack.readers.decode import decode

SUFFIXES = ("", ".txt", ".html", ".jsonl", ".warc", ".warc.gz", ".rss", ".xml", ".csv", ".tsv",
            ".parquet")
CHARSETS = (None, "utf-8", "utf-16", "cp1251", "undefined", "idna", "unicode_escape", "x-junk")
#: Starts that lead the rest of the input into one reader's parser.
HEADS = (b"", b"WARC/1.0\r\n", b"\x1f\x8b\x08\x00", b"<rss version='2.0'><channel><item>",
         b"<!DOCTYPE html><html><head><meta charset='", b"PAR1", b'{"text": "', b"text,url\n",
         b"\xef\xbb\xbf", b"\xff\xfe")
MAX_BYTES = 100_000
WORKDIR = Path(tempfile.mkdtemp(prefix="fuzz-readers-"))


def storable(text: str | None) -> None:
    if text is not None:
        text.encode("utf-8")  # a lone surrogate raises
        if "\x00" in text:
            raise AssertionError(f"NUL in {text!r}")


def check(items: list[RawDocument | Outcome], name: str) -> None:
    for item in items:
        if isinstance(item, RawDocument):
            if not item.name.startswith(name) or not item.content.strip():
                raise AssertionError(f"bad document {item!r}")
            for value in (item.content, item.url, item.title, item.outlet):
                storable(value)
        elif item.ok or not item.error or not item.error.startswith(name) or "\n" in item.error:
            raise AssertionError(f"bad outcome {item!r} for {name}")


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    suffix = SUFFIXES[fdp.ConsumeIntInRange(0, len(SUFFIXES) - 1)]
    head = HEADS[fdp.ConsumeIntInRange(0, len(HEADS) - 1)]
    charset = CHARSETS[fdp.ConsumeIntInRange(0, len(CHARSETS) - 1)]
    content = head + fdp.ConsumeBytes(fdp.remaining_bytes())

    path = WORKDIR / f"input{suffix}"
    path.write_bytes(content)
    check(list(read_inputs([str(path)], max_bytes=MAX_BYTES)), str(path))

    check(list(read_jsonl_lines("in.jsonl", io.BytesIO(content), MAX_BYTES)), "in.jsonl")
    try:
        storable(decode("doc", content, "html" if suffix == ".html" else "text", charset))
    except InputError as exc:
        if not str(exc).startswith("doc") or "\n" in str(exc):
            raise AssertionError(f"bad error {exc}") from None
    text = content.decode("utf-16-le", "surrogatepass" if len(content) % 2 == 0 else "replace")
    raw = raw_from_string(text, title=text[:20], url=text[:30])
    storable(raw.content)
    storable(raw.title)
    if len(raw.content) != len(text):
        raise AssertionError("cleaning changed the length")


def seeds() -> dict[str, bytes]:
    """One valid input per reader, to start the fuzzer in each reader's parser. The selector
    bytes go last: atheris's FuzzedDataProvider takes integers from the end of the input."""
    article = "The harbour board said on Monday that the ferry \u200fwould run again."
    page = f"<html><body><p>{article}</p></body></html>".encode()
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
    warc = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
            b"WARC-Target-URI: https://port.example/ferry\r\nContent-Type: application/http; "
            b"msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n" % (len(http), http))
    feed = (f"<rss version='2.0'><channel><title>Port</title><item><title>Ferry</title>"
            f"<link>https://port.example/f</link><description>{article}</description></item>"
            "</channel></rss>").encode()
    jsonl = b'{"text": "%s", "published": "2024-03-01", "title": "\\u0000\\ud800"}\n' % (
        article.encode("ascii", "backslashreplace"))
    csv = f'text,url,published\n"{article}",https://port.example/f,2024-03-01\n'.encode()
    import gzip

    def select(suffix: str) -> bytes:
        return bytes([0, 0, SUFFIXES.index(suffix)])

    return {
        "warc": warc + select(".warc"), "warc-gz": gzip.compress(warc) + select(".warc.gz"),
        "feed": feed + select(".rss"), "jsonl": jsonl + select(".jsonl"),
        "csv": csv + select(".csv"), "html": page + select(".html"),
        "text": article.encode() + select(".txt"),
        "utf16": article.encode("utf-16") + select(".txt"),
    }


def main() -> None:
    """Write the seeds into an empty corpus directory given on the command line, then fuzz."""
    corpus = next((Path(a) for a in sys.argv[1:] if not a.startswith("-")), None)
    if corpus is not None and not corpus.is_file():
        corpus.mkdir(parents=True, exist_ok=True)
        if not any(corpus.iterdir()):
            for name, data in seeds().items():
                (corpus / f"seed-{name}").write_bytes(data)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
