"""``claimtrack documents``: list, search and delete stored articles.

Registered on the ``claimtrack`` group by :mod:`claimtrack.cli` (import that module, not
this one: the options and helpers shared by every command live there).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import click

from claimtrack.cli import (
    EXIT_USAGE,
    SHORT_ID,
    _errors_exit,
    _listing,
    _store,
    db_option,
    from_option,
    json_option,
    to_option,
    wide_option,
)

COLUMNS = ["doc", "published", "outlet", "title", "claims", "events", "places"]


@click.group(invoke_without_command=True)
@click.option("--q", "q", help="Full-text search of titles and texts: documents with every "
              "word, most relevant first, each with a snippet.")
@click.option("--outlet", help="Outlet name contains this (case-insensitive).")
@from_option
@to_option
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Maximum rows.")
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True,
              help="Skip this many rows (the next page).")
@wide_option
@json_option
@db_option
@click.pass_context
def documents(ctx: click.Context, q: str | None, outlet: str | None, date_from: date | None,
              date_to: date | None, limit: int, offset: int, as_json: bool,
              db_url: str | None) -> None:
    """List stored articles (short id, date, outlet, title, counts of claims, events and
    places), most recently processed first, and how many match in all; with --q, those
    having every word of it, most relevant first, with a snippet around the words.
    `claimtrack documents delete ID` deletes one."""
    if ctx.invoked_subcommand is not None:
        return
    filters: dict[str, Any] = {"outlet": outlet, "q": q, "date_from": date_from,
                               "date_to": date_to}
    with _errors_exit():
        store = _store(db_url)
        rows = store.documents(limit=limit, offset=offset, **filters)
        total = store.count_documents(**filters)
    if as_json:
        click.echo(json.dumps({"total": total, "offset": offset, "items": rows},
                              ensure_ascii=False, indent=2, default=str))
        return
    shown = [{**row, "doc": row["id"][:SHORT_ID]} for row in rows]
    _listing(shown, COLUMNS + (["snippet"] if q else []), as_json=False, total=total)


@documents.command(name="delete")
@click.argument("doc")
@json_option
@db_option
@click.pass_context
def delete(ctx: click.Context, doc: str, as_json: bool, db_url: str | None) -> None:
    """Delete the stored article DOC (its id, or a unique prefix of at least 4 characters)
    with all its records: claims, events, places, dates, vectors and its search entry; the
    stories and threads it was in are relinked as if it had never been stored. Asks no
    question (processing the article again brings it back); exits 2 if no article matches."""
    parent = ctx.parent.params if ctx.parent else {}
    with _errors_exit():
        deleted = _store(db_url or parent.get("db_url")).delete(doc)
    if deleted is None:
        click.echo(f"error: no stored document matches {doc!r}", err=True)
        sys.exit(EXIT_USAGE)
    if as_json:
        click.echo(json.dumps(deleted, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(deleted_line(deleted))


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def deleted_line(deleted: dict[str, Any]) -> str:
    """'deleted 4b44df255ec3 (Coast Herald, 2024-03-05) "Title": 4 claims, ...; its story's
    other articles (1) now make 1 story; its threads' other claims (4) now make 4 threads'."""
    where = ", ".join(x for x in (deleted["outlet"], deleted["published"]) if x)
    counts = ", ".join(f"{deleted[k]} {k}" for k in ("claims", "events", "places", "entities",
                                                     "timerefs"))
    line = (f"deleted {deleted['id'][:SHORT_ID]}" + (f" ({where})" if where else "")
            + f" {json.dumps(deleted['title'] or '(untitled)', ensure_ascii=False)}: {counts}")
    story, threads = deleted["story"], deleted["threads"]
    if story["other_articles"]:
        line += (f"; its story's other articles ({story['other_articles']}) now make "
                 + _plural(story["now_stories"], "story", "stories"))
    if threads["other_claims"]:
        line += (f"; its threads' other claims ({threads['other_claims']}) now make "
                 + _plural(threads["now_threads"], "thread", "threads"))
    return line
