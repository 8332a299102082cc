"""``claimtrack export`` and ``GET /api/v1/export/{kind}``: every kind in every format from a
real store of short articles we wrote, CSV that is safe in a spreadsheet, streaming a page at
a time, and bad requests refused with the valid values (exit 2, HTTP 400)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import claimtrack
from claimtrack.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, main
from claimtrack.export import BOM, COLUMNS, KINDS, Export, ExportError, csv_cell
from claimtrack.readers import raw_from_string
from claimtrack.store.repository import Store
from claimtrack.web.app import create_app

SHELLING = """Army says rebels shelled Izium

Rebel artillery shelled the town of Izium overnight, killing two civilians, the Ukrainian army said on Tuesday.

"The rebels fired on houses in Izium," army spokesman Andriy Lysenko told reporters."""

DENIAL = """Rebels deny shelling Izium

Rebel commanders on Wednesday denied that their forces had shelled the town of Izium.

"Our forces did not fire on Izium," rebel spokesman Eduard Basurin said."""

HARVEST = """Farmers expect a record grain harvest

The farmers' union said on Wednesday that the grain harvest would be the largest in a decade, and exports through the port of Mykolaiv would grow."""

# an outlet a spreadsheet would run as a formula: every row of that article carries it
FORMULA_OUTLET = '=HYPERLINK("http://attacker.example","Kyiv Post")'
ARTICLES = [("shelling.txt", SHELLING, date(2024, 3, 4), "Kharkiv Daily"),
            ("denial.txt", DENIAL, date(2024, 3, 5), FORMULA_OUTLET),
            ("harvest.txt", HARVEST, date(2024, 3, 5), "Farm News")]


@pytest.fixture(scope="module")
def docs(pipeline: Any) -> list[Any]:
    raws = [raw_from_string(text, name=name, published=day, outlet=outlet)
            for name, text, day, outlet in ARTICLES]
    return claimtrack.process_many(raws, pipeline)


@pytest.fixture
def url(store_url: str, docs: list[Any]) -> str:
    """The articles saved to a store, on SQLite and on PostgreSQL (see tests/conftest.py)."""
    with Store(store_url) as store:
        for doc in docs:
            store.save(doc)
    return store_url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["export", *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def stored_count(url: str, kind: str) -> int:
    """How many rows an unfiltered export of ``kind`` has, counted without the exporter."""
    with Store(url) as store:
        if kind == "threads":
            return sum(t["size"] for t in store.threads(limit=None))
        return store.count(kind)


@pytest.mark.parametrize("kind", KINDS)
def test_export_csv_file_has_every_row_with_its_article(url: str, tmp_path: Path,
                                                       kind: str) -> None:
    out = tmp_path / f"{kind}.csv"
    code, stdout, stderr = run(kind, "-o", str(out), "--db", url)
    assert code == EXIT_OK, stderr
    assert stdout == ""
    rows = csv_rows(out.read_text(encoding="utf-8"))
    n = stored_count(url, kind)
    assert len(rows) == n > 0
    assert stderr.startswith(f"wrote {n:,} ") and stderr.rstrip().endswith(f"to {out}")
    assert list(rows[0]) == [c.label for c in COLUMNS[kind]]
    for row in rows:
        assert len(row["Article ID"]) == 32 and row["Published"].startswith("2024-03-0")
        assert row["Outlet"] and row["Title"]
    assert not (tmp_path / f"{kind}.csv.part").exists()


def test_export_claims_carry_source_cue_stance_and_evidence(url: str) -> None:
    code, out, _ = run("claims", "--format", "jsonl", "--source", "basurin", "--db", url)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == EXIT_OK and rows
    for row in rows:
        assert row["source"] == "Eduard Basurin" and row["cue"] and row["stance"]
        assert "Izium" in row["text"] and row["title"] == "Rebels deny shelling Izium"


@pytest.mark.parametrize("cell, written", [
    ("=SUM(A1:A2)", "'=SUM(A1:A2)"), ("+1 555 0100", "'+1 555 0100"), ("-2+3", "'-2+3"),
    ("@cmd", "'@cmd"), ("\tTAB", "'\tTAB"), ("\rCR", "'\rCR"), ("Kyiv", "Kyiv"),
    ("a=b", "a=b"), ("", ""), (None, ""), (-37.5, -37.5), (12, 12), (True, "yes")])
def test_export_csv_cell_neutralises_formulas_only_in_text(cell: Any, written: Any) -> None:
    assert csv_cell(cell) == written


def test_export_csv_escapes_a_formula_outlet_on_every_row(url: str) -> None:
    code, out, _ = run("claims", "--outlet", "hyperlink", "--db", url)
    rows = csv_rows(out)
    assert code == EXIT_OK and rows
    assert {row["Outlet"] for row in rows} == {"'" + FORMULA_OUTLET}


def test_export_csv_bom_only_when_asked(url: str, tmp_path: Path) -> None:
    with_bom, without = tmp_path / "bom.csv", tmp_path / "plain.csv"
    run("documents", "--bom", "-o", str(with_bom), "--db", url)
    run("documents", "-o", str(without), "--db", url)
    assert with_bom.read_bytes().startswith(BOM)
    assert not without.read_bytes().startswith(BOM)
    assert with_bom.read_bytes()[len(BOM):] .split(b"\r\n")[0] == \
        without.read_bytes().split(b"\r\n")[0]


def test_export_writes_to_stdout_without_output_or_with_dash(url: str) -> None:
    for args in ([], ["-o", "-"]):
        code, out, err = run("documents", "--format", "jsonl", *args, "--db", url)
        assert code == EXIT_OK and err == ""
        assert len(out.splitlines()) == len(ARTICLES)


@pytest.mark.parametrize("kind", KINDS)
def test_export_parquet_has_the_rows_of_the_csv(url: str, tmp_path: Path, kind: str) -> None:
    target = tmp_path / f"{kind}.parquet"
    code, _, err = run(kind, "-o", str(target), "--page-size", "2", "--db", url)
    assert code == EXIT_OK, err
    table = pq.read_table(target)
    assert table.num_rows == stored_count(url, kind)
    assert table.schema.names == [c.name for c in COLUMNS[kind]]
    if kind != "threads":  # row groups hold store pages (threads: pages of whole threads)
        assert pq.ParquetFile(target).num_row_groups == -(-table.num_rows // 2)


@pytest.mark.parametrize("kind", ["places", "events"])
def test_export_geojson_is_a_feature_collection_in_lon_lat_order(url: str, tmp_path: Path,
                                                                 kind: str) -> None:
    target = tmp_path / f"{kind}.geojson"
    code, _, err = run(kind, "-o", str(target), "--db", url)
    assert code == EXIT_OK, err
    found = json.loads(target.read_text(encoding="utf-8"))
    assert found["type"] == "FeatureCollection" and found["features"]
    for feature in found["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert feature["properties"]["article_id"] and feature["properties"]["place"]
        assert "lat" not in feature["properties"]
    points = [f["geometry"]["coordinates"] for f in found["features"]]
    assert any(36 < lon < 38 and 48 < lat < 50 for lon, lat in points)  # Izium: lon first


@pytest.mark.parametrize("args, message", [
    (["stories"], "'stories' is not one of"),
    (["claims", "--format", "xlsx"], "'xlsx' is not one of"),
    (["claims", "--format", "geojson"], "geojson is for places and events"),
    (["documents", "-o", "docs.geojson"], "geojson is for places and events"),
    (["places", "--stance", "assert"],
     "--stance does not apply to places; options for places: --outlet"),
    (["events", "--type", "BOMBING"], "expected one of: AGREE, CONSULT"),
    (["events", "--status", "rumoured"], "expected one of: asserted, denied"),
    (["claims", "--from", "2024-03-05", "--to", "2024-03-01"], "is after"),
    (["places", "--bbox", "1,2,3"], "min_lon,min_lat,max_lon,max_lat"),
    (["claims", "--doc", "ab"], "too short"),
])
def test_export_bad_requests_exit_2_with_the_valid_values(url: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         args: list[str], message: str) -> None:
    workdir = tmp_path / "out"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    code, out, err = run(*args, "--db", url)
    assert code == EXIT_USAGE and out == ""
    assert message in " ".join(err.split())
    assert not list(workdir.iterdir())  # no file, not even a partial one


def test_export_filters_narrow_the_rows(url: str) -> None:
    _, out, _ = run("events", "--format", "jsonl", "--status", "denied", "--db", url)
    assert all(json.loads(line)["status"] == "denied" for line in out.splitlines())
    _, out, _ = run("places", "--format", "jsonl", "--place", "Izium", "--db", url)
    rows = [json.loads(line) for line in out.splitlines()]  # the articles' spelling finds it
    assert len(rows) == 2 and {r["mentions"] for r in rows} == {"Izium"}
    assert len({r["geonames_id"] for r in rows}) == 1 and len({r["article_id"] for r in rows}) == 2
    _, out, _ = run("claims", "--format", "jsonl", "--to", "2024-03-04", "--db", url)
    assert {json.loads(line)["outlet"] for line in out.splitlines()} == {"Kharkiv Daily"}


def test_export_threads_give_each_member_its_side(url: str) -> None:
    code, out, _ = run("threads", "--format", "jsonl", "--min-size", "1", "--db", url)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == EXIT_OK and len(rows) == stored_count(url, "thread_members")
    assert any(row["side"] == "against" for row in rows)
    with Store(url) as store:
        for row in rows[:20]:
            thread = store.thread(row["thread_id"])
            assert thread is not None and thread["proposition"] == row["proposition"]
            assert row["claim_id"] in {c["claim_id"] for c in thread["sides"][row["side"]]
                                       if c["doc_id"] == row["article_id"]}


class CountingStore:
    """A store whose listing calls are recorded, to see how the exporter pages."""

    def __init__(self, store: Store) -> None:
        self.store, self.calls = store, []  # type: list[dict[str, Any]]

    def claims(self, **kwargs: Any) -> list[dict[str, Any]]:
        self.calls.append(kwargs)
        return self.store.claims(**kwargs)


def test_export_reads_the_store_a_page_at_a_time(url: str) -> None:
    store = CountingStore(Store(url))
    job = Export(store, "claims", "csv", page_size=2)
    chunks = job.chunks()
    assert store.calls == []  # nothing read before it is asked for
    next(chunks)  # the header
    assert store.calls == []
    next(chunks)
    assert len(store.calls) == 1 and store.calls[0]["limit"] == 2
    assert store.calls[0]["after"] is None and job.rows == 2
    next(chunks)
    assert len(store.calls) == 2 and store.calls[1]["after"] is not None  # keyset, no offset
    rest = list(chunks)
    total = stored_count(url, "claims")
    assert job.rows == total and len(store.calls) == total // 2 + 1
    assert len(rest) == -(-total // 2) - 2  # one chunk a page; the last, empty read has none


def test_export_library_refuses_a_filter_of_another_kind(url: str) -> None:
    with Store(url) as store, pytest.raises(ExportError, match="filters for documents"):
        Export(store, "documents", "csv", {"stance": "assert"})


@pytest.fixture
def client(url: str) -> TestClient:
    return TestClient(create_app(url, with_pages=False))


def test_export_api_streams_the_rows_of_the_cli(url: str, client: TestClient) -> None:
    answer = client.get("/api/v1/export/claims", params={"format": "csv", "bom": "true"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="claimtrack-claims.csv"' in answer.headers["content-disposition"]
    assert answer.content.startswith(BOM)
    _, cli_out, _ = run("claims", "--db", url)
    assert answer.content[len(BOM):].decode() == cli_out.replace("\n", "\r\n").replace(
        "\r\r\n", "\r\n")


def test_export_api_formats_and_filters(client: TestClient) -> None:
    answer = client.get("/api/v1/export/events", params=[("format", "jsonl"),
                                                         ("status", "denied"),
                                                         ("status", "hedged")])
    assert answer.status_code == 200
    assert {json.loads(line)["status"] for line in answer.text.splitlines()} <= {
        "denied", "hedged"}
    answer = client.get("/api/v1/export/places", params={"format": "geojson"})
    assert answer.json()["type"] == "FeatureCollection"
    answer = client.get("/api/v1/export/documents", params={"format": "parquet"})
    assert pq.read_table(io.BytesIO(answer.content)).num_rows == len(ARTICLES)


@pytest.mark.parametrize("path, params, message", [
    ("stories", {}, "unknown kind 'stories'; expected one of: claims"),
    ("claims", {"format": "xlsx"}, "unknown format 'xlsx'; expected one of: csv"),
    ("claims", {"format": "geojson"}, "geojson is for places and events"),
    ("claims", {"stances": "deny"}, "stances"),  # unknown: named
    ("places", {"stance": "deny"}, "does not apply to places"),
    ("claims", {"stance": "maybe"}, "expected one of: assert, deny"),
    ("claims", {"from": "March"}, "is not an ISO date"),
    ("threads", {"min_size": "0"}, "at least 1"),
])
def test_export_api_bad_requests_are_400_with_a_plain_message(
        client: TestClient, path: str, params: dict[str, str], message: str) -> None:
    answer = client.get(f"/api/v1/export/{path}", params=params)
    assert answer.status_code == 400
    assert message in answer.json()["error"]["message"]


def test_export_api_needs_the_read_token_when_reads_do(url: str) -> None:
    app = create_app(url, token="secret", read_token_required=True, with_pages=False)
    with TestClient(app) as client:
        assert client.get("/api/v1/export/claims").status_code == 401
        answer = client.get("/api/v1/export/claims",
                            headers={"Authorization": "Bearer secret"})
        assert answer.status_code == 200 and answer.text.startswith("Article ID,")


def test_export_unwritable_file_is_one_error_line(url: str, tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "claims.csv"
    code, out, err = run("claims", "-o", str(target), "--db", url)
    assert code == EXIT_ERROR and out == ""
    assert err.startswith(f"error: cannot write to {target}: ") and len(err.splitlines()) == 1
