"""An analyst's first steps on the command line: gzipped inputs, a one-sentence try-out,
duplicates counted, strict options, listings that stay readable in a terminal and in a pipe."""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from claimtrack.cli import EXIT_OK, main
from claimtrack.readers import read_inputs
from claimtrack.render import render_rows

PAGE = ("<html><head><title>Port reopens</title></head><body><nav>Home | World</nav><article>"
        "<h1>Port reopens after the storm</h1><p>The harbour authority said on Tuesday that the "
        "port of Odesa had reopened to grain ships after three days of storms.</p><p>Two ships "
        "left the port in the afternoon, a pilot told reporters.</p></article>"
        "<footer>Subscribe to our newsletter</footer></body></html>")
SENTENCE = "Police said protesters blocked the bridge in Kharkiv on Monday."
SHORT = "Police said the protest in Kharkiv was peaceful."  # too short to pass as an article


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "240"}).invoke(main, list(args), input=stdin,
                                                     catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def gz(path: Path, text: str) -> Path:
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    return path


@pytest.fixture()
def gz_folder(tmp_path: Path) -> Path:
    """A directory holding only gzipped inputs, one of each kind, and a truncated one."""
    folder = tmp_path / "pages"
    folder.mkdir()
    gz(folder / "port.html.gz", PAGE)
    gz(folder / "note.txt.gz", SENTENCE + "\n")
    gz(folder / "wire.jsonl.gz", json.dumps({"text": "The mayor said the school would reopen "
                                                     "on Monday.", "outlet": "Gazette"}) + "\n")
    gz(folder / "rows.csv.gz", 'text,outlet\n"Officials said the ferry resumed.",Daily\n')
    (folder / "cut.html.gz").write_bytes(gzip.compress(PAGE.encode())[:40])
    return folder


def test_a_directory_of_gz_files_is_read_as_the_files_they_unpack_to(gz_folder: Path) -> None:
    items = list(read_inputs([str(gz_folder)]))
    by_name = {Path(item.name.split(":")[0]).name: item for item in items}
    assert set(by_name) == {"port.html.gz", "note.txt.gz", "wire.jsonl.gz", "rows.csv.gz",
                            "cut.html.gz"}
    assert by_name["port.html.gz"].format == "html" and "Odesa" in by_name["port.html.gz"].content
    assert by_name["note.txt.gz"].content.startswith("Police said")
    assert by_name["wire.jsonl.gz"].outlet == "Gazette"
    assert "ferry" in by_name["rows.csv.gz"].content
    cut = by_name["cut.html.gz"]
    assert getattr(cut, "document", None) is None and "not a readable gzip file" in cut.error


def test_a_gzip_that_unpacks_beyond_the_limit_is_rejected_not_read_into_memory(
        tmp_path: Path) -> None:
    bomb = gz(tmp_path / "bomb.txt.gz", "a " * 2_000_000)  # 4 MB from a few KB
    assert bomb.stat().st_size < 50_000
    [outcome] = list(read_inputs([str(bomb)], max_bytes=100_000))
    assert "unpacks to more than 100,000 bytes" in outcome.error


def test_a_gzipped_csv_keeps_its_tab_separation(tmp_path: Path) -> None:
    path = gz(tmp_path / "rows.tsv.gz", "text\toutlet\nOfficials said the ferry resumed.\tDaily\n")
    [item] = list(read_inputs([str(path)]))
    assert item.outlet == "Daily"


def test_one_sentence_tried_verbatim_is_processed_not_dropped_as_boilerplate(
        pipeline: object, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'try.db'}"
    code, _, err = run("process", "-", "--db", db, stdin=SHORT + "\n")
    assert code != EXIT_OK and "--verbatim" in err  # the error says what to do
    code, _, err = run("process", "-", "--verbatim", "--db", db, stdin=SHORT + "\n")
    assert code == EXIT_OK and "1 claim, 0 events, 1 place" in err
    code, out, _ = run("claims", "--db", db)
    assert "Police" in out and "the protest in Kharkiv was peaceful" in out


def test_processing_gz_pages_twice_counts_exact_duplicates(pipeline: object, gz_folder: Path,
                                                         tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'dups.db'}"
    code, _, err = run("process", str(gz_folder), "--verbatim", "--db", db)
    assert "4 processed, 1 failed" in err and "cut.html.gz: not a readable gzip file" in err
    _, _, err = run("process", str(gz_folder / "note.txt.gz"), str(gz_folder / "port.html.gz"),
                    "--verbatim", "--db", db)
    assert "2 processed, 0 failed; 2 exact duplicates of stored articles (stored once), 0 new" in err
    code, out, _ = run("claims", "--json", "--db", db)
    assert len({row["doc_id"] for row in json.loads(out)}) == 4


@pytest.mark.parametrize("args, message", [
    (["events", "--type", "BOMBING"], "unknown PLOVER event type 'BOMBING'"),
    (["claims", "--from", "2024-03-05", "--to", "2024-03-01"], "--from 2024-03-05 is after --to"),
    (["threads", "--to", "2024-03-01", "--from", "2024-03-05"], "--from 2024-03-05 is after --to"),
    (["events", "--status", "rumoured"], "unknown status 'rumoured'"),
])
def test_unknown_values_are_errors_with_the_valid_ones_not_empty_listings(
        tmp_path: Path, args: list[str], message: str) -> None:
    code, _, err = run(*args, "--db", f"sqlite:///{tmp_path / 's.db'}")
    assert code == 2 and message in err
    if "BOMBING" in message:
        assert "ASSAULT" in err and "COERCE" in err  # the valid values are listed


def test_event_types_are_accepted_in_any_case(tmp_path: Path) -> None:
    code, _, err = run("events", "--type", "assault", "--db", f"sqlite:///{tmp_path / 's.db'}")
    assert code == EXIT_OK, err


ROWS = [{"published": "2014-08-28", "source_name": "A senior Russian defence official",
         "stance": "deny", "kind": "indirect",
         "content_text": "Russian troops have not crossed into Ukraine at any point this week"}]


def test_a_listing_at_80_columns_never_breaks_a_word() -> None:
    buffer = io.StringIO()
    render_rows(ROWS, ["published", "source_name", "stance", "kind", "content_text"],
                Console(file=buffer, width=80, highlight=False))
    text = buffer.getvalue()
    assert "indirect" in text and "2014-08-28" in text  # short columns are never wrapped
    words = set(" ".join(ROWS[0].values()).split())
    pieces = set(re.sub(r"[\u2500-\u257f]", " ", text).split())  # without the box drawing
    assert pieces - words <= {"published", "source", "stance", "kind", "content", "1", "row"}
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "source" in text and "source_name" not in text  # headings, not field names


def test_wide_listing_keeps_each_row_on_one_line() -> None:
    buffer = io.StringIO()
    render_rows(ROWS, ["published", "source_name", "content_text"],
                Console(file=buffer, width=80, highlight=False), wide=True)
    assert any(ROWS[0]["content_text"] in line for line in buffer.getvalue().splitlines())


def test_places_geojson_says_where_it_wrote(tmp_path: Path) -> None:
    path = tmp_path / "map.geojson"
    code, _, err = run("places", "--geojson", str(path), "--db", f"sqlite:///{tmp_path / 's.db'}")
    assert code == EXIT_OK and f"wrote 0 places to {path.resolve()}" in err


def test_the_first_gazetteer_build_is_announced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture) -> None:
    import claimtrack.gazetteer.build as build
    from claimtrack.gazetteer.query import open_gazetteer

    target = tmp_path / "gazetteer.sqlite"
    built: list[Path] = []

    def record_build(path: Path) -> None:  # the build itself is tested in test_gazetteer.py
        built.append(path)
        raise RuntimeError("stop after the notice")

    monkeypatch.setattr(build, "build_gazetteer", record_build)
    with caplog.at_level(logging.WARNING, logger="claimtrack"), \
            pytest.raises(RuntimeError, match="stop after the notice"):
        open_gazetteer(target)
    assert built == [target]
    assert f"building the place gazetteer at {target} (first run only" in caplog.text


def test_check_names_the_document_count_once_in_words(tmp_path: Path) -> None:
    code, out, _ = run("check", "--db", f"sqlite:///{tmp_path / 's.db'}")
    first = out.splitlines()[0]
    assert code == EXIT_OK and first.count("documents") == 1 and "0 event actors" in first


def test_store_is_importable_from_the_package_as_the_readme_shows(tmp_path: Path) -> None:
    from claimtrack import Store

    with Store(f"sqlite:///{tmp_path / 's.db'}") as store:
        assert store.latest() is None


def test_readability_fallback_notes_stay_out_of_the_log() -> None:
    import claimtrack.stages.html_extract  # noqa: F401  (sets the level on import)

    assert not logging.getLogger("readability.readability").isEnabledFor(logging.INFO)


def test_claim_rows_name_their_article_and_page_with_offset(pipeline: object,
                                                           tmp_path: Path) -> None:
    from tests.conftest import EXAMPLES

    db = f"sqlite:///{tmp_path / 'pages.db'}"
    run("process", str(EXAMPLES / "border_post.txt"), "--published", "2024-03-05",
        "--outlet", "Valley News", "--db", db)
    _, first, err = run("claims", "--limit", "2", "--db", db)
    header, *rows = first.splitlines()
    assert header.split("\t")[:3] == ["article", "outlet", "published"]
    assert all(row.split("\t")[1:3] == ["Valley News", "2024-03-05"] for row in rows)
    assert err.strip() == "2 rows; more with --offset 2 (or a larger --limit)"
    _, second, err = run("claims", "--limit", "2", "--offset", "2", "--db", db)
    assert set(second.splitlines()[1:]).isdisjoint(rows) and err.startswith("2 rows (3-4)")


def test_progress_knows_the_total_for_files_and_not_for_multi_document_inputs(
        gz_folder: Path, tmp_path: Path) -> None:
    from claimtrack.cli import _countable

    pages = tmp_path / "pages-only"
    pages.mkdir()
    gz(pages / "a.html.gz", PAGE)
    (pages / "b.txt").write_text(SENTENCE, encoding="utf-8")
    assert _countable((str(pages),)) == 2  # so the display can show done/total and an ETA
    assert _countable((str(gz_folder),)) is None  # a JSONL or CSV holds an unknown number
    assert _countable(("-",)) is None


def test_the_test_run_says_where_it_looked_for_the_shared_data() -> None:
    from tests.conftest import SHARED, pytest_report_header

    header = pytest_report_header()
    assert str(SHARED) in header and ("(found)" in header or "CLAIMTRACK_DATA" in header)
