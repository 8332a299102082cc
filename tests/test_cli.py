"""The command line on the example article and on bad inputs: output, store and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from claimtrack.cli import EXIT_ALL_FAILED, EXIT_ERROR, EXIT_OK, EXIT_SOME_FAILED, main
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "border_post.txt"


@pytest.fixture()
def db(store_url: str) -> str:
    """Every command runs against SQLite and against PostgreSQL (see tests/conftest.py)."""
    return store_url


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "240"}).invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_cli_process_then_show_the_example(db: str, pipeline: object) -> None:
    code, _, err = run("process", str(EXAMPLE), "--published", "2024-03-05", "--db", db)
    assert code == EXIT_OK, err
    assert "1 processed, 0 failed" in err
    code, out, _ = run("show", "--db", db)
    assert code == EXIT_OK
    for expected in ("Army Says Rebels Shelled", "Olena Marchenko", "no_comment", "deny",
                     "Kharkiv", "2024-03-04"):
        assert expected in out
    glance = out.split("Who says what")[1].split("Claims")[0]
    assert "denies" in glance and "rebel command" in glance.split("denies")[1].splitlines()[0]
    assert "declines to comment" in glance and "A rebel spokesman" in glance
    assert "newsletter" not in out.split("Claims")[1]


def test_cli_listings_filter_and_print_json(db: str, pipeline: object) -> None:
    run("process", str(EXAMPLE), "--published", "2024-03-05", "--db", db)
    code, out, _ = run("claims", "--stance", "no_comment", "--json", "--db", db)
    rows = json.loads(out)
    assert code == EXIT_OK and len(rows) == 1 and "casualties" in rows[0]["content_text"]
    _, out, _ = run("claims", "--source", "marchenko", "--json", "--db", db)
    assert {r["source_name"] for r in json.loads(out)} == {"Olena Marchenko"}
    _, out, _ = run("places", "--json", "--db", db)
    kharkiv = next(p for p in json.loads(out) if p["name"] == "Kharkiv")
    assert kharkiv["country"] == "UA" and abs(kharkiv["lat"] - 49.99) < 0.2
    assert kharkiv["event_count"] >= 1 and kharkiv["claim_count"] >= 1  # the shelled border post
    _, out, _ = run("claims", "--from", "2025-01-01", "--json", "--db", db)
    assert json.loads(out) == []


def test_cli_reprocessing_replaces_records(db: str, pipeline: object) -> None:
    for _ in range(2):
        run("process", str(EXAMPLE), "--published", "2024-03-05", "--db", db)
    from claimtrack.store.repository import Store

    assert Store(db).count("documents") == 1


def test_cli_bad_inputs_fail_alone_with_one_line_each(tmp_path: Path, db: str, pipeline: object) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)))
    (tmp_path / "latin1.txt").write_bytes("Caf\u00e9 prices rose sharply.".encode("latin-1"))
    (tmp_path / "menu.html").write_text("<html><body><nav>Home | About</nav></body></html>")
    (tmp_path / "lines.jsonl").write_text('{"text": "x"\n')
    with (tmp_path / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    code, _, err = run("process", str(tmp_path / "*.txt"), str(tmp_path / "menu.html"),
                       str(tmp_path / "lines.jsonl"), str(EXAMPLE), "--db", db)
    assert code == EXIT_SOME_FAILED
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 6
    for name, reason in [("empty.txt", "empty input"), ("binary.txt", "binary"),
                         ("latin1.txt", "not valid UTF-8"), ("huge.txt", "too large"),
                         ("menu.html", "no article text"), ("lines.jsonl:1", "not valid JSON")]:
        assert any(name in e and reason in e for e in errors), (name, errors)
    assert "1 processed, 6 failed" in err
    code, _, _ = run("process", str(tmp_path / "empty.txt"), "--db", db)
    assert code == EXIT_ALL_FAILED


def test_cli_show_unknown_document(db: str) -> None:
    code, _, err = run("show", "ffffffff", "--db", db)
    assert code == EXIT_ALL_FAILED and "no stored document matches 'ffffffff'" in err


def test_cli_process_csv_with_column_mapping(tmp_path: Path, db: str, pipeline: object) -> None:
    article = EXAMPLE.read_text(encoding="utf-8").replace('"', "'")
    (tmp_path / "feed.csv").write_text(
        'headline,body,link,day\n"Border post shelled","' + article + '",https://example.org/x,2024-03-05\n'
        '"Empty row",,https://example.org/y,2024-03-06\n', encoding="utf-8")
    code, _, err = run("process", str(tmp_path / "feed.csv"), "--db", db,
                       "--columns", "title=headline,text=body,url=link,published=day")
    assert code == EXIT_SOME_FAILED, err
    assert "1 processed, 1 failed" in err and "feed.csv:3" in err
    _, out, _ = run("show", "--json", "--db", db)
    shown = json.loads(out)
    assert shown["title"] == "Border post shelled" and shown["url"] == "https://example.org/x"
    assert shown["published"] == "2024-03-05"
    code, _, err = run("process", str(tmp_path / "feed.csv"), "--db", db, "--columns", "bogus")
    assert code == 2 and "field=column" in err


def test_cli_mixed_batch_processes_what_it_can_and_reports_the_rest(
    tmp_path: Path, db: str, pipeline: object
) -> None:
    """Issue 4's batch: a WARC.gz cut inside its last record, an undeclared cp1251 page, a
    20 MB HTML page and a feed with an entry that has no content, in one run."""
    from tests.test_readers_formats import RSS, RUSSIAN, crawl_records, write_warc

    warc = write_warc(tmp_path / "crawl.warc.gz", crawl_records())
    warc.write_bytes(warc.read_bytes()[:-30])
    (tmp_path / "russian.html").write_bytes(
        f"<html><body><p>{RUSSIAN}</p><p>Мост будет открыт для всех машин.</p></body></html>"
        .encode("cp1251"))
    paragraph = "<p>The council said on Monday that the bridge over the river would reopen.</p>"
    filler = "<script>var pad = '" + "x" * 1000 + "';</script>\n"
    (tmp_path / "big.html").write_text(
        f"<html><body>{filler * 20_000}<article>{paragraph * 20}</article></body></html>")
    (tmp_path / "news.rss").write_text(RSS, encoding="utf-8")

    code, _, err = run("process", str(warc), str(tmp_path / "russian.html"),
                       str(tmp_path / "big.html"), str(tmp_path / "news.rss"), "--db", db)
    assert code == EXIT_SOME_FAILED
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert any("crawl.warc.gz" in e and "offset" in e for e in errors), errors
    assert any("news.rss#3" in e and "no content" in e for e in errors), errors
    from claimtrack.store.repository import Store

    store = Store(db)
    documents = store.documents(limit=None)
    languages = sorted(d["language"] for d in documents)
    assert languages.count("ru") == 2 and languages.count("en") == 5  # 2 WARC, 2 feed, 1 big page
    for summary in documents:  # every stored article is whole: it loads with all its records
        doc = store.get(summary["id"])
        assert doc is not None and doc.text and (doc.claims or not doc.analysed)
    russian = next(store.get(d["id"]) for d in documents if d["language"] == "ru")
    assert russian is not None and "городской совет" in russian.text
    assert russian.status == "not analysed: language ru"


def test_cli_events_filter_by_actor_and_target_codes(db: str, pipeline: object) -> None:
    run("process", str(EXAMPLE), "--published", "2024-03-05", "--db", db)
    _, out, _ = run("events", "--actor", "REB", "--json", "--db", db)
    rows = json.loads(out)
    assert rows and all(any(a["sector"] == "REB" for a in r["actors"]) for r in rows)
    _, out, _ = run("events", "--actor", "RUS MIL", "--json", "--db", db)
    assert json.loads(out) == []
    _, out, _ = run("events", "--place", "kharkiv", "--json", "--db", db)
    # the headline and the first paragraph both report the shelling near Kharkiv
    assert {r["place_name"] for r in json.loads(out)} == {"Kharkiv"}
    code, _, err = run("events", "--actor", "RUS MIL GOV", "--db", db)
    assert code == 2 and "COUNTRY SECTOR" in err


@pytest.fixture()
def stored_places(db: str) -> str:
    """A store holding the hand-written Kharkiv and border articles (no pipeline needed)."""
    from claimtrack.store.repository import Store
    from tests.test_store import doc_border, doc_kharkiv

    kharkiv = doc_kharkiv()
    kharkiv.places[0].name = "Харків"  # a non-ASCII name must come out as UTF-8, unescaped
    with Store(db) as store:
        store.save(kharkiv)
        store.save(doc_border())
    return db


def test_cli_places_piped_is_tab_separated_with_event_and_claim_counts(stored_places: str) -> None:
    code, out, err = run("places", "--db", stored_places)  # stdout is a pipe here
    header, *lines = out.splitlines()
    assert code == EXIT_OK and header.split("\t")[5:] == [
        "articles", "mentions", "events", "asserted events", "claims"]
    kharkiv_line = next(line for line in lines if "Харків" in line)
    assert kharkiv_line.split("\t")[5:] == ["1", "3", "2", "1", "2"]
    assert err.strip() == f"{len(lines)} rows"  # the count goes to stderr, the TSV stays clean


def test_cli_places_geojson_file_is_a_feature_collection_in_lon_lat_order(
    tmp_path: Path, stored_places: str
) -> None:
    path = tmp_path / "places.geojson"
    code, out, _ = run("places", "--geojson", str(path), "--db", stored_places)
    assert code == EXIT_OK and "Харків" in out  # the table still goes to stdout
    raw = path.read_bytes()
    assert "Харків".encode() in raw  # UTF-8, not \u escapes
    collection = json.loads(raw.decode("utf-8"))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 5
    kharkiv = next(f for f in collection["features"] if f["properties"]["geonames_id"] == 706483)
    assert kharkiv["type"] == "Feature"
    assert kharkiv["geometry"] == {"type": "Point", "coordinates": [36.25, 49.98]}  # lon, lat
    assert kharkiv["properties"] == {
        "geonames_id": 706483, "name": "Харків", "country": "UA", "admin1": "Kharkiv",
        "feature_class": "P", "feature_code": "PPLA", "doc_count": 1, "mention_count": 3,
        "event_count": 2, "asserted_event_count": 1, "claim_count": 2,
    }  # the army denies the second event: reported there, not asserted


def test_cli_places_geojson_to_stdout_prints_nothing_else(stored_places: str) -> None:
    code, out, _ = run("places", "--geojson", "-", "--country", "UA", "--name", "novo",
                       "--db", stored_places)
    assert code == EXIT_OK
    (feature,) = json.loads(out)["features"]  # the whole of stdout is one JSON document
    assert feature["properties"]["name"] == "Novoazovsk"
    assert feature["geometry"]["coordinates"] == [38.08, 47.11]


def test_cli_places_geojson_unwritable_file_is_one_error_line(
    tmp_path: Path, stored_places: str
) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "places.geojson"
    code, _, err = run("places", "--geojson", str(missing), "--db", stored_places)
    assert code == EXIT_ERROR and err.startswith("error: cannot write GeoJSON to")


def test_cli_lists_stories_and_shows_one(db: str) -> None:
    """Two copies of a wire report and an unrelated article, stored without the pipeline."""
    from claimtrack.store.repository import Store
    from tests.test_stories import AGENCY, ORCHESTRA, PAPER

    with Store(db) as store:
        for doc in (AGENCY, ORCHESTRA, PAPER):
            store.save(doc)
    code, out, _ = run("stories", "--db", db)
    assert code == EXIT_OK and AGENCY.id[:12] in out and "Agency, Daily Paper" in out
    code, out, _ = run("stories", "--min-size", "2", "--json", "--db", db)
    rows = json.loads(out)
    assert code == EXIT_OK and [(r["story_id"], r["size"]) for r in rows] == [(AGENCY.id, 2)]
    code, out, _ = run("stories", PAPER.id[:8], "--db", db)
    assert code == EXIT_OK and "2 articles, 2024-03-05 to 2024-03-06" in out
    assert "Daily Paper" in out and "1.00" in out and "Bridge reopened" in out
    code, out, _ = run("stories", AGENCY.id, "--json", "--db", db)
    assert [m["outlet"] for m in json.loads(out)["members"]] == ["Agency", "Daily Paper"]
    code, _, err = run("stories", "ffffffff", "--db", db)
    assert code == EXIT_ALL_FAILED and "no stored story" in err


def test_cli_lists_threads_and_shows_the_sides(db: str, tmp_path: Path, pipeline: object) -> None:
    from tests.test_threads import ASSERTION, DENIAL

    for name, text, day in (("deny.txt", DENIAL, "2014-08-29"), ("nato.txt", ASSERTION, "2014-08-28")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        code, _, err = run("process", str(path), "--published", day, "--db", db)
        assert code == EXIT_OK, err
    code, out, _ = run("threads", "--json", "--db", db)
    rows = json.loads(out)
    assert code == EXIT_OK and rows[0]["contested"] and "Nico Tak" in rows[0]["asserting"]
    code, out, err = run("threads", "--contested", "--actor", "RUS", "--place", "Ukraine",
                         "--db", db)
    assert code == EXIT_OK and "yes" in out and "Nico Tak" in out and err.strip() == "1 row"
    _, out, _ = run("threads", "--contested", "--place", "Kent", "--json", "--db", db)
    assert json.loads(out) == []
    thread_id = rows[0]["thread_id"]
    short = thread_id.split(":")[0][:12] + ":" + thread_id.split(":")[1]
    code, out, _ = run("thread", short, "--db", db)
    assert code == EXIT_OK and "(contested)" in out
    assert "assert" in out and "deny" in out and "Nico Tak" in out and "official" in out
    code, out, _ = run("thread", thread_id, "--json", "--db", db)
    assert code == EXIT_OK and set(json.loads(out)["sides"]) >= {"for", "against"}
    code, _, err = run("thread", "ffffffff:C1", "--db", db)
    assert code == EXIT_ALL_FAILED and "no stored thread" in err


def test_cli_show_and_events_mark_the_denied_assault(db: str, pipeline: object) -> None:
    """"The rebel command denied attacking the post": the ASSAULT it reports is denied, shown
    so in the article view, listed by --status denied and never by --status asserted."""
    run("process", str(EXAMPLE), "--published", "2024-03-05", "--db", db)
    code, out, _ = run("show", "--db", db)
    events = out.split("Events (PLOVER)")[1].split("Places (GeoNames)")[0]
    denied_rows = [line for line in events.splitlines() if "[DENIED by rebel command]" in line]
    assert code == EXIT_OK and len(denied_rows) == 1
    assert "ASSAULT" in denied_rows[0] and "The rebel command" in denied_rows[0]
    assert "attacking" in denied_rows[0]
    _, out, _ = run("events", "--status", "denied", "--json", "--db", db)
    (denied,) = json.loads(out)
    assert (denied["type"], denied["status"], denied["reported_by"]) == (
        "ASSAULT", "denied", "rebel command")
    assert denied["trigger_text"] == "attacking"
    _, out, _ = run("events", "--status", "asserted", "--json", "--db", db)
    asserted = json.loads(out)
    assert asserted and all(e["status"] == "asserted" for e in asserted)
    assert "attacking" not in {e["trigger_text"] for e in asserted}
    _, out, _ = run("events", "--status", "hedged,denied", "--status", "negated", "--json",
                    "--db", db)
    assert [e["trigger_text"] for e in json.loads(out)] == ["attacking"]
    code, out, _ = run("events", "--status", "denied", "--db", db)
    assert code == EXIT_OK and "status" in out and "reported by" in out
    row = next(line for line in out.splitlines() if "ASSAULT" in line)
    assert "DENIED" in row and "rebel command" in row


@pytest.mark.parametrize("value", ["refuted", "denied,maybe", ""])
def test_cli_events_status_rejects_unknown_values(db: str, value: str) -> None:
    code, _, err = run("events", "--status", value, "--db", db)
    if value:
        assert code == 2 and "unknown status" in err and "asserted, denied, hedged" in err
    else:  # an empty value filters nothing
        assert code == EXIT_OK


def test_cli_claims_listing_shows_polarity(db: str) -> None:
    """"Nothing happened in Kharkiv", stored as a negative assertion, says so in its row."""
    from dataclasses import replace

    from claimtrack.store.repository import Store
    from tests.test_store import doc_kharkiv

    doc = doc_kharkiv()
    doc.claims[1] = replace(doc.claims[1], stance="assert", polarity="negative")
    with Store(db) as store:
        store.save(doc)
    code, out, _ = run("claims", "--db", db)
    assert code == EXIT_OK and "polarity" in out
    row = next(line for line in out.splitlines() if "Nothing happened" in line)
    assert "negative" in row and "assert" in row
    shells = next(line for line in out.splitlines() if "shells hit" in line)
    assert "positive" in shells
    _, out, _ = run("claims", "--json", "--db", db)
    assert sorted(c["polarity"] for c in json.loads(out)) == ["negative", "positive"]
