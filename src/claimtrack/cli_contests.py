"""``claimtrack contests``: who contradicts whom, for one actor.

Registered on the ``claimtrack`` group by :mod:`claimtrack.cli` (import that module, not
this one: the options and helpers shared by every command live there).
"""

from __future__ import annotations

import json
from typing import Any

import click

from claimtrack.cli import SHORT_ID, _errors_exit, _store, _thread_ref, db_option, json_option

HEADINGS = {"asserts": "{actor} asserts, others deny", "denies": "{actor} denies, others assert"}


def _actor(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.strip():
        raise click.BadParameter("must not be blank")
    return value.strip()


def _who(source: dict[str, Any]) -> str:
    """'Nico Tak' or 'official [RUS MIL]'."""
    codes = " ".join(x for x in (source["country"], source["sector"]) if x)
    return source["source"] + (f" [{codes}]" if codes else "")


def _counts(side: dict[str, int]) -> str:
    return f"{side['claims']} claims, {side['voices']} voices, {side['outlets']} outlets"


def summary_line(summary: dict[str, Any]) -> str:
    """One line of counts: what the actor asserts and others deny, and the other way."""
    return (f"{summary['actor']}: asserts {summary['asserts']} propositions that others deny, "
            f"denies {summary['denies']} that others assert "
            f"({summary['threads']} threads, {summary['opponents']} opposing sources)")


def _print_section(direction: str, actor: str, items: list[dict[str, Any]]) -> None:
    from claimtrack.render import render_rows

    click.echo(HEADINGS[direction].format(actor=actor) + f" ({len(items)}):")
    if not items:
        return
    rows = [{"thread": _thread_ref(i["thread_id"]), "opposing_voices": i["opposing_voices"],
             "for": _counts(i["sides"]["for"]), "against": _counts(i["sides"]["against"]),
             "other_side": "; ".join(_who(o) for o in i["opponents"]),
             "dates": " to ".join(dict.fromkeys(
                 d for d in (i["first_published"], i["last_published"]) if d)) or "undated",
             "proposition": i["proposition"]} for i in items]
    render_rows(rows, ["thread", "opposing_voices", "for", "against", "other_side", "dates",
                       "proposition"])
    for item in items:
        click.echo(f"evidence for {_thread_ref(item['thread_id'])}:")
        for claim in item["evidence"]:
            where = ", ".join(x for x in (claim["outlet"], claim["published"]) if x)
            click.echo(f"  [{claim['side']}] {_who(claim)} ({where}; doc "
                       f"{claim['doc_id'][:SHORT_ID]}:{claim['claim_id']}): {claim['text']}")


@click.command()
@click.option("--actor", required=True, callback=_actor,
              help="A source's name contains this (any case), or a source is coded with it "
              "(country or sector code, e.g. 'RUS').")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="Maximum contests.")
@json_option
@db_option
def contests(actor: str, limit: int, as_json: bool, db_url: str | None) -> None:
    """Who contradicts whom: the propositions ACTOR asserts that other sources deny, and those
    it denies that others assert, most distinct opposing voices first, then the most recent;
    with the counts on each side, who is on the other side, and the claims as evidence."""
    with _errors_exit():
        found = _store(db_url).contests(actor, limit=limit)
    if as_json:
        click.echo(json.dumps(found, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(summary_line(found["summary"]))
    for direction in HEADINGS:
        _print_section(direction, found["actor"],
                       [i for i in found["items"] if i["direction"] == direction])
