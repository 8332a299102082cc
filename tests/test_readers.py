"""Readers: every bad input becomes one clear error naming it; good ones become RawDocuments."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from claimtrack.model import RawDocument
from claimtrack.pipeline import Outcome
from claimtrack.readers import read_inputs

ARTICLE = "The council said on Tuesday that the bridge would reopen next month after repairs.\n"


def _read(*paths: str, **kwargs: object) -> list[RawDocument | Outcome]:
    return list(read_inputs(list(paths), **kwargs))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty input"),
        ("blank.txt", b"  \n\n ", "empty input"),
        ("binary.bin", bytes(range(256)) * 4, "binary content"),
        ("latin1.txt", "Caf\u00e9 owners said prices rose.".encode("latin-1"), "not valid UTF-8"),
    ],
)
def test_readers_bad_file_gives_one_line_error(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    [outcome] = _read(str(path))
    assert isinstance(outcome, Outcome) and outcome.error is not None
    assert outcome.error.startswith(str(path)) and reason in outcome.error
    assert "\n" not in outcome.error


def test_readers_rejects_file_over_size_limit_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    [outcome] = _read(str(path))
    assert isinstance(outcome, Outcome) and "too large: 52.4 MB" in (outcome.error or "")


def test_readers_jsonl_bad_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [json.dumps({"text": ARTICLE, "url": "https://example.org/a", "published": "2020-05-04"}),
             "{not json", json.dumps(["a list"]), json.dumps({"title": "no text"}),
             json.dumps({"html": "<html><body><p>" + ARTICLE + "</p></body></html>", "outlet": "Ex"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = _read(str(path))
    assert [type(i).__name__ for i in items] == ["RawDocument", "Outcome", "Outcome", "Outcome", "RawDocument"]
    first, bad_json = items[0], items[1]
    assert isinstance(first, RawDocument) and first.published == date(2020, 5, 4)
    assert isinstance(bad_json, Outcome) and bad_json.error is not None
    assert bad_json.error.startswith(f"{path}:2: not valid JSON")
    assert isinstance(items[4], RawDocument) and items[4].format == "html" and items[4].outlet == "Ex"


def test_readers_directory_glob_and_stdin(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.html").write_text(f"<html><body><p>{ARTICLE}</p></body></html>", encoding="utf-8")
    names = [i.name for i in _read(str(tmp_path))]
    assert names == [str(tmp_path / "a.txt"), str(tmp_path / "b.html")]
    assert [i.name for i in _read(str(tmp_path / "*.html"))] == [str(tmp_path / "b.html")]
    [from_stdin] = _read("-", stdin=io.BytesIO(ARTICLE.encode()), published=date(2021, 1, 2), url="u")
    assert isinstance(from_stdin, RawDocument) and from_stdin.published == date(2021, 1, 2)
    [missing] = _read(str(tmp_path / "nope.txt"))
    assert isinstance(missing, Outcome) and "no such file" in (missing.error or "")
