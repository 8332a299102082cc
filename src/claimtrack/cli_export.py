"""``claimtrack export``: stored claims, events, places, threads or documents to a file, as
CSV, JSON lines, Parquet or GeoJSON, streamed (see :mod:`claimtrack.export`).

Registered on the ``claimtrack`` group by :mod:`claimtrack.cli` (import that module, not
this one: the options and helpers shared by every command live there).
"""

from __future__ import annotations

import io
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from claimtrack.cli import (
    EXIT_ERROR,
    _errors_exit,
    _party_code,
    _statuses,
    _store,
    db_option,
    from_option,
    to_option,
)
from claimtrack.export import FILTERS, FORMATS, KINDS, PAGE_SIZE, Export, ExportError
from claimtrack.model import CLAIM_KINDS, STANCES

# options whose name is not a filter's: the kinds they apply to
OPTION_KINDS = {"actor": ("events", "threads"), "target": ("events",),
                "asserted-by": ("events",), "denied-by": ("events",)}
UNITS = {"claims": ("claim", "claims"), "events": ("event", "events"),
         "places": ("place", "places"), "threads": ("thread claim", "thread claims"),
         "documents": ("document", "documents")}
FILTER_OPTIONS = ("outlet", "from", "to", "doc", "q", "source", "stance", "kind", "type", "status",
                  "actor", "target", "asserted-by", "denied-by", "place", "country", "bbox",
                  "contested", "min-size")
EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet",
              ".geojson": "geojson"}


def _kinds_of(option: str) -> tuple[str, ...]:
    return OPTION_KINDS.get(option) or FILTERS[option.replace("-", "_")].kinds


def _check_options(kind: str, given: dict[str, Any]) -> None:
    """Exit 2 for an option that does not apply to ``kind``, naming those that do."""
    for option in given:
        if kind not in _kinds_of(option):
            valid = ", ".join(f"--{o}" for o in FILTER_OPTIONS if kind in _kinds_of(o))
            raise click.UsageError(f"--{option} does not apply to {kind}; options for {kind}: "
                                   f"{valid}")


def _filters(kind: str, given: dict[str, Any]) -> dict[str, Any]:
    """The export filters for the options given (``--actor RUS MIL`` as codes for events)."""
    found = {name.replace("-", "_"): value for name, value in given.items()
             if name.replace("-", "_") in FILTERS}
    if kind == "events":
        found.pop("actor", None)
        for role in ("actor", "target"):
            country, sector = _party_code(given.get(role), f"--{role}")
            found.update({f"{role}_country": country, f"{role}_sector": sector})
        reported = [(stance, *_party_code(given[option], f"--{option}"))
                    for stance, option in (("assert", "asserted-by"), ("deny", "denied-by"))
                    if given.get(option)]
        found["reported_by"] = reported or None
    return {name: value for name, value in found.items() if value is not None}


def _open(path: str) -> Any:
    """The binary stream to write to: stdout for ``-``, else a ``.part`` file beside ``path``
    renamed over it at the end, so a failed export never looks finished."""
    if path == "-":
        return sys.stdout.buffer
    try:
        return open(f"{path}.part", "wb")
    except OSError as exc:
        click.echo(f"error: cannot write to {path}: {exc.strerror or exc}", err=True)
        raise SystemExit(EXIT_ERROR) from None


def _quiet_stdout() -> None:
    """Point stdout at /dev/null after its reader went away, so that Python's flush at exit
    raises no second BrokenPipeError (the recipe of the ``signal`` module's documentation)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def _discard(out: Any, path: str) -> None:
    """Remove the partial file of a failed export (stdout is left as it is)."""
    if path != "-":
        out.close()
        Path(f"{path}.part").unlink(missing_ok=True)


@click.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Output format (default: from the -o file's extension, else csv). geojson "
                   "is for places and events.")
@click.option("-o", "--output", "output", default="-", show_default=True,
              type=click.Path(dir_okay=False, allow_dash=True), help="File to write (- stdout).")
@click.option("--bom", is_flag=True, help="CSV: start with a UTF-8 byte order mark, so Excel "
              "reads the file as UTF-8.")
@click.option("--outlet", help="Outlet contains this (claims, events, places, documents).")
@from_option
@to_option
@click.option("--doc", help="Only this document, id or prefix (claims, events, places).")
@click.option("--q", help="Claim text (claims) or title or text (documents) contains this.")
@click.option("--source", help="Source name contains this (claims, events).")
@click.option("--stance", type=click.Choice(STANCES), help="Claim stance (claims, events).")
@click.option("--kind", "claim_kind", type=click.Choice(CLAIM_KINDS), help="Claim kind (claims).")
@click.option("--type", "event_type", help="PLOVER event type, e.g. ASSAULT (events).")
@click.option("--status", multiple=True, callback=_statuses,
              help="Event status, repeat or comma-separate for several (events).")
@click.option("--actor", help="Events: actor code ('RUS MIL', 'UKR', 'REB'); threads: a "
              "source's name contains this or it is coded so.")
@click.option("--target", help="Target code, like --actor (events).")
@click.option("--asserted-by", help="The article asserts this kind of event by a source coded "
              "so, e.g. 'UKR GOV' (events).")
@click.option("--denied-by", help="... and denies it by a source coded so (events).")
@click.option("--place", "--name", "place", help="Place name contains this (events, places; "
              "threads: a claim names it).")
@click.option("--country", help="ISO-2 country code of the place (places).")
@click.option("--bbox", help="min_lon,min_lat,max_lon,max_lat in degrees (events, places).")
@click.option("--contested", is_flag=True, default=None,
              help="Only threads where one source asserts what another denies (threads).")
@click.option("--min-size", type=click.IntRange(min=1),
              help="Only threads of at least this many claims; default 2 (threads).")
@click.option("--page-size", type=click.IntRange(min=1), default=PAGE_SIZE, show_default=True,
              help="Rows read from the store at a time (and per Parquet row group).")
@db_option
def export(kind: str, fmt: str | None, output: str, bom: bool, page_size: int,
           db_url: str | None, date_from: date | None, date_to: date | None,
           claim_kind: str | None, event_type: str | None, **options: Any) -> None:
    """Export KIND (claims, events, places, threads or documents) as CSV, JSON lines, Parquet
    or GeoJSON, streamed page by page. Every row has the article's id, date, outlet, URL and
    title, and the evidence text. CSV cells that a spreadsheet would run as formulas (starting
    with = + - @, tab or CR) are prefixed with '. Takes the filters of the listing commands."""
    given = {name.replace("_", "-"): value for name, value in {
        **options, "from": date_from, "to": date_to, "kind": claim_kind,
        "type": event_type}.items() if value is not None}
    _check_options(kind, given)
    fmt = fmt or EXTENSIONS.get(Path(output).suffix.lower(), "csv")
    if fmt == "parquet" and output == "-" and sys.stdout.isatty():
        raise click.UsageError("parquet is binary: write it to a file (-o FILE) or a pipe")
    with _errors_exit():
        try:
            job = Export(_store(db_url), kind, fmt, _filters(kind, given), page_size=page_size,
                         bom=bom)
        except ExportError as exc:
            raise click.UsageError(str(exc)) from None
        out = _open(output)
        try:
            job.write_to(out)
        except BrokenPipeError:
            if output != "-":
                raise
            _quiet_stdout()  # a reader that stopped early (| head) is not an error
            return
        except OSError as exc:
            _discard(out, output)
            click.echo(f"error: cannot write to {output}: {exc.strerror or exc}", err=True)
            raise SystemExit(EXIT_ERROR) from None
        except BaseException:
            _discard(out, output)
            raise
    if output == "-":
        return
    out.close()
    os.replace(f"{output}.part", output)
    one, many = UNITS[kind]
    left_out = f" ({job.skipped:,} without coordinates left out)" if job.skipped else ""
    click.echo(f"wrote {job.rows:,} {one if job.rows == 1 else many} to {output}{left_out}",
               err=True)
