"""``claimtrack summary``: what the store holds at a glance.

Registered on the ``claimtrack`` group by :mod:`claimtrack.cli` (import that module, not
this one: the options and helpers shared by every command live there).
"""

from __future__ import annotations

import json
from typing import Any

import click

from claimtrack.cli import _errors_exit, _store, _thread_ref, db_option, json_option
from claimtrack.store.summary import DEFAULT_TOP


def _section(title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    from claimtrack.render import render_rows

    click.echo(f"\n{title}:")
    if rows:
        render_rows(rows, columns)
    else:
        click.echo("  (none)")


def print_summary(found: dict[str, Any]) -> None:
    """The summary as a line of totals and one table per list."""
    def plural(n: int, word: str) -> str:
        return f"{n:,} {word}{'' if n == 1 else 's'}"

    click.echo(", ".join(plural(found[k], k[:-1]) for k in ("documents", "claims", "events")))
    _section("Articles by outlet", found["by_outlet"], ["outlet", "documents"])
    _section("Articles by month", found["by_month"], ["month", "documents"])
    _section("Top sources", found["top_sources"], ["source", "claims"])
    contested = [{**t, "thread": _thread_ref(t["thread_id"])} for t in found["contested"]]
    _section("Most contested propositions", contested,
             ["thread", "for", "against", "proposition"])
    _section("Places with most events", found["top_places"],
             ["geonames_id", "name", "country", "events"])


@click.command()
@click.option("--top", type=click.IntRange(min=1, max=1000), default=DEFAULT_TOP,
              show_default=True, help="Rows in each list.")
@json_option
@db_option
def summary(top: int, as_json: bool, db_url: str | None) -> None:
    """What the store holds: articles by outlet and by month, the sources with most claims,
    the most contested propositions (one source asserts what another denies) and the places
    with most events."""
    with _errors_exit():
        found = _store(db_url).summary(top=top)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2, default=str))
        return
    print_summary(found)
