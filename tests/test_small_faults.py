"""Issue 21, item 6: the small faults an attacker found, each a case that gave a wrong answer.

Forged cursors (a huge offset, a date out of range, a NUL) are 400s, never 500s, on both
backends; publication dates outside 1800-2100 or given as numbers are refused with a message
naming the field; a mostly English article with Russian paragraphs keeps its English claims;
a WARC.gz with a corrupt gzip member still yields the records after it.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from claimtrack.errors import InputError
from claimtrack.model import RawDocument
from claimtrack.readers import read_inputs
from claimtrack.readers.base import parse_date
from claimtrack.stages.language import language_of
from claimtrack.web.app import create_app
from tests.test_readers_formats import crawl_records

TOKEN = "small-faults-token"


def _forged(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.fixture
def client(store_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(store_url, token=TOKEN, with_pages=False)) as test_client:
        yield test_client


@pytest.mark.parametrize(("path", "data"), [
    ("claims", {"offset": 10**30}),
    ("threads", {"offset": 2**63}),
    ("places", {"offset": 2**63 - 1}),
    ("documents", {"after": ["0001-01-01T00:00:00+05:00", "x"]}),
    ("documents", {"after": ["9999-12-31T23:59:59-05:00", "x"]}),
    ("claims", {"after": ["2024-03-04", "doc\u0000", "C1"]}),
    ("events", {"after": ["2024-03-04\u0000", "doc", "E1"]}),
    ("documents", {"after": ["2024-03-04T10:00:00", "doc\u0000"]}),
])
def test_small_faults_forged_cursor_is_a_400(client: TestClient, path: str, data: Any) -> None:
    response = client.get(f"/api/v1/{path}", params={"cursor": _forged(data)})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["message"].startswith("invalid cursor")


@pytest.mark.parametrize(("value", "reason"), [
    ("0001-01-01", "outside 1800-2100"),
    ("9999-12-31", "outside 1800-2100"),
    ("1799-12-31T23:00:00", "outside 1800-2100"),
    (0, "a number"),
    (1700000000, "a number"),
    (20240304, "a number"),
])
def test_small_faults_published_out_of_range_is_refused(value: Any, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as caught:
        parse_date(value, "feed.jsonl:3")
    assert "published" in str(caught.value) and "feed.jsonl:3" in str(caught.value)


@pytest.mark.parametrize(("value", "expected"), [
    ("1800-01-01", date(1800, 1, 1)), ("2100-12-31", date(2100, 12, 31)),
    ("2024-03-04T10:00:00+05:00", date(2024, 3, 4)), (None, None), ("", None),
])
def test_small_faults_published_in_range_is_kept(value: Any, expected: date | None) -> None:
    assert parse_date(value) == expected


def test_small_faults_jsonl_bad_date_fails_that_line_alone(tmp_path: Path) -> None:
    """A line dated 0001-01-01 is reported with the reason; the line after it is read."""
    path = tmp_path / "in.jsonl"
    lines = [{"text": "The minister said troops left.", "published": "0001-01-01"},
             {"text": "The minister said troops left.", "published": 0},
             {"text": "The minister said troops left.", "published": "2024-03-04"}]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    items = list(read_inputs([str(path)]))
    assert [isinstance(i, RawDocument) for i in items] == [False, False, True]
    assert "outside 1800-2100" in items[0].error and "a number" in items[1].error
    assert items[2].published == date(2024, 3, 4)


@pytest.mark.parametrize(("published", "reason"), [
    ("0001-01-01", "outside 1800-2100"), (0, "YYYY-MM-DD"), ("2500-01-01", "outside 1800-2100"),
])
def test_small_faults_api_published_out_of_range_is_a_422(client: TestClient, published: Any,
                                                          reason: str) -> None:
    """Checked before the pipeline runs, so no pipeline is needed (the store stays empty)."""
    response = client.post("/api/v1/documents", headers={"Authorization": f"Bearer {TOKEN}"},
                           json={"text": "The minister said troops left.", "published": published})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["message"].startswith("body.") and "published" in error["message"]
    assert reason in error["message"]


RUSSIAN = [
    ("Министр обороны России заявил в понедельник, что войска покинули пригороды Харькова "
     "после трёх дней боёв."),
    ("По словам представителя министерства, в результате обстрела пострадали несколько жилых "
     "домов и школа."),
]
ENGLISH = [
    ("The Ukrainian defence minister said on Monday that Russian troops had shelled "
     "residential areas of Kharkiv overnight."),
    "Police in Kharkiv said three civilians were killed and a school was damaged in the attack.",
    ("A spokesman for the regional government said that emergency crews were still searching "
     "the ruins."),
]


@pytest.mark.parametrize(("parts", "language", "analysed"), [
    (RUSSIAN + ENGLISH, "en", True),  # 60% English, Russian first
    (ENGLISH + RUSSIAN, "en", True),
    ([ENGLISH[0], RUSSIAN[0], ENGLISH[1], RUSSIAN[1], ENGLISH[2]], "en", True),
    (RUSSIAN + ENGLISH[:1], "ru", True),  # 37% English: still analysed
    (RUSSIAN * 3 + ["Officials declined to comment on the report."], "ru", False),
    (RUSSIAN, "ru", False),
    (ENGLISH, "en", True),
])
def test_small_faults_mixed_language_article(parts: list[str], language: str,
                                             analysed: bool) -> None:
    assert language_of("\n\n".join(parts)) == (language, analysed)


def test_small_faults_mixed_language_article_keeps_its_english_claims(pipeline: Any) -> None:
    """60% English, 40% Russian: tagged Russian and left unanalysed before; now its English
    claims are found."""
    (outcome,) = pipeline.run([RawDocument("mixed.txt", "\n\n".join(RUSSIAN + ENGLISH))])
    doc = outcome.document
    assert doc is not None and doc.analysed and doc.language == "en"
    assert sum(c.cue == "said" for c in doc.claims) >= 2


def _members(records: list[bytes]) -> tuple[list[bytes], list[int]]:
    parts = [gzip.compress(r) for r in records]
    return parts, [sum(len(p) for p in parts[:i]) for i in range(len(parts))]


def _damage(member: bytes, where: int) -> bytes:
    """The member with 16 bytes overwritten at ``where`` (negative: from the end, the CRC)."""
    damaged = bytearray(member)
    start = where % len(member)
    damaged[start : start + 16] = b"\xff" * len(damaged[start : start + 16])
    return bytes(damaged)


@pytest.mark.parametrize("where", [12, 40, -8], ids=["deflate-start", "deflate-middle", "crc"])
def test_small_faults_warc_gz_resumes_after_a_corrupt_member(tmp_path: Path, where: int) -> None:
    """Records 1 (page-1) and 3 (page-2) are pages; member 3 is damaged: page-2 is reported
    with the offset of its member, and every page after it is still read."""
    parts, offsets = _members(crawl_records())
    parts[3] = _damage(parts[3], where)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"".join(parts))
    items = list(read_inputs([str(path)]))
    names = [i.name.rsplit("#", 1)[-1] for i in items if isinstance(i, RawDocument)]
    assert names == ["urn:uuid:page-1", "urn:uuid:page-3", "urn:uuid:note-1"]
    [error] = [i.error for i in items if not isinstance(i, RawDocument)]
    assert f"corrupt WARC.gz member at offset {offsets[3]}" in error
    assert f"skipped to the next record, at offset {offsets[4]}" in error


def test_small_faults_warc_gz_resumes_after_garbage_and_two_bad_members(tmp_path: Path) -> None:
    parts, _ = _members(crawl_records())
    data = (parts[0] + parts[1] + b"not gzip at all\x1f\x8b\x08 nor this" + _damage(parts[3], 20)
            + parts[4] + _damage(parts[5], 20) + b"".join(parts[6:]))
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(data)
    items = list(read_inputs([str(path)]))
    names = [i.name.rsplit("#", 1)[-1] for i in items if isinstance(i, RawDocument)]
    assert names == ["urn:uuid:page-1", "urn:uuid:page-3", "urn:uuid:note-1"]
    errors = [i.error for i in items if not isinstance(i, RawDocument)]
    # one error per damaged stretch: the garbage and the bad member after it are one
    assert len(errors) == 2 and all("skipped to the next record" in e for e in errors)


def test_small_faults_process_published_out_of_range_is_bad_usage(tmp_path: Path) -> None:
    """`process --published 0001-01-01` is a usage error (exit 2) naming the range, not an
    OverflowError in the middle of a run."""
    from click.testing import CliRunner

    from claimtrack.cli import main

    article = tmp_path / "a.txt"
    article.write_text("The mayor said on Friday that the port reopened after repairs.\n",
                       encoding="utf-8")
    result = CliRunner().invoke(main, ["process", str(article), "--published", "0001-01-01",
                                       "--db", f"sqlite:///{tmp_path / 's.db'}"])
    assert result.exit_code == 2, result.output
    assert "1800-2100" in result.output
