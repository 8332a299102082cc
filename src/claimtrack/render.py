"""Terminal rendering of a document and of query results, with rich.

Article text and metadata are untrusted: they are printed as plain text (``markup=False``
and ``Text`` objects), never interpreted as rich markup.
"""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from claimtrack.model import Document

STANCE_STYLE = {"assert": "green", "deny": "red", "hedge": "yellow", "no_comment": "magenta",
                "question": "cyan"}
#: How each event status is marked; denied and negated events are dimmed, never plain facts.
STATUS_STYLE = {"asserted": "", "denied": "bold red", "negated": "red", "hedged": "yellow",
                "hypothetical": "cyan"}
ROW_STYLE = {"denied": "dim", "negated": "dim", "hedged": "italic", "hypothetical": "italic"}


def status_mark(status: str, reported_by: str = "") -> str:
    """'[DENIED by Russia]', '[HEDGED by the army]', '[HYPOTHETICAL per NATO]'; '' when asserted.

    Whoever denies or hedges an event does it; a hypothetical or negated event is only so
    according to its source, hence "per"."""
    if status == "asserted":
        return ""
    who = reported_by or "the outlet"
    return f"[{status.upper()} {'by' if status in ('denied', 'hedged') else 'per'} {who}]"


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def render_document(doc: Document, show_dropped: bool = False, console: Console | None = None) -> None:
    """The article's metadata, claims, events, places and dates as tables."""
    out = console or _console()
    out.print(Text(doc.title or "(untitled)", style="bold"))
    meta = [f"id {doc.id}", f"published {doc.published or 'unknown'}", f"outlet {doc.outlet or 'unknown'}"]
    if doc.authors:
        meta.append("by " + ", ".join(doc.authors))
    if doc.url:
        meta.append(doc.url)
    out.print(Text(" | ".join(meta), style="dim"))
    out.print(Text(f"{len(doc.text.split())} words, {len(doc.paragraphs)} paragraphs, "
                   f"{len(doc.dropped)} boilerplate blocks dropped, language {doc.language or '?'}",
                   style="dim"))
    if not doc.analysed:
        out.print(Text(doc.status, style="bold yellow"))

    _render_stances(doc, out)

    claims = Table(title="Claims", show_lines=False, expand=True)
    for name, ratio in (("id", 0), ("source", 2), ("cue", 1), ("stance", 1), ("kind", 1), ("content", 6)):
        claims.add_column(name, ratio=ratio or None, overflow="fold")
    for claim in doc.claims:
        source = doc.source_name(claim)
        if claim.source_text and claim.source_text.lower() != source.lower():
            source = f"{source} ({claim.source_text})"
        ident = claim.id + (f" in {claim.parent}" if claim.parent else "")
        stance = Text(claim.stance, style=STANCE_STYLE.get(claim.stance, ""))
        if claim.polarity == "negative":  # "we would not sit on our hands": asserts, negatively
            stance.append(" (negative)", style="dim")
        claims.add_row(Text(ident), Text(source), Text(claim.cue or "-"), stance,
                       Text(claim.kind), Text(claim.content_text))
    out.print(claims)

    if doc.events:
        places = {p.geonames_id: p.name for p in doc.places}
        events = Table(title="Events (PLOVER)", expand=True)
        for name in ("status", "type", "mode", "actor", "target", "trigger", "claim", "flags",
                     "place", "date"):
            events.add_column(name, overflow="fold")
        for event in doc.events:
            mark = status_mark(event.status, event.reported_by)
            flags = ", ".join(f for f, on in (("negated", event.negated),
                                               ("hypothetical", event.hypothetical)) if on)
            flags = ", ".join(x for x in [flags, *event.context] if x)
            kind = f"{event.type} ({event.proposed})" if event.proposed else event.type
            events.add_row(Text(mark or event.status, style=STATUS_STYLE.get(event.status, "bold")),
                           Text(kind), Text(event.mode or "-"),
                           Text("; ".join(_actor(a) for a in event.actors) or "-"),
                           Text("; ".join(_actor(a) for a in event.targets) or "-"),
                           Text(event.trigger_text), Text(event.claim or "-"), Text(flags or "-"),
                           Text(places.get(event.place, "-") if event.place else "-"),
                           Text(event.date or "-"), style=ROW_STYLE.get(event.status))
        out.print(events)

    if doc.places:
        places_table = Table(title="Places (GeoNames)")
        for name in ("geonames id", "name", "class", "country", "lat", "lon", "mentions"):
            places_table.add_column(name)
        for place in doc.places:
            places_table.add_row(str(place.geonames_id), Text(place.name),
                                 f"{place.feature_class}.{place.feature_code}", place.country or "-",
                                 f"{place.lat:.4f}", f"{place.lon:.4f}", str(len(place.mentions)))
        out.print(places_table)

    if doc.timerefs:
        dates = Table(title="Dates")
        for name in ("expression", "value", "granularity", "anchor"):
            dates.add_column(name)
        for ref in doc.timerefs:
            dates.add_row(Text(ref.text), ref.value or "unresolved", ref.granularity, ref.anchor or "-")
        out.print(dates)

    if show_dropped and doc.dropped:
        dropped = Table(title="Dropped boilerplate", expand=True)
        dropped.add_column("text", overflow="fold", style="dim")
        dropped.add_column("reason", overflow="fold")
        for span in doc.dropped:
            dropped.add_row(Text(span.text), Text(span.reason))
        out.print(dropped)


STANCE_LABELS = {"assert": "asserts", "deny": "denies", "hedge": "hedges",
                 "no_comment": "declines to comment", "question": "questions"}


def _render_stances(doc: Document, out: Console) -> None:
    """Who asserts, who denies, who hedges: the sources of the attributed claims by stance."""
    by_stance: dict[str, list[str]] = {}
    for claim in doc.claims:
        if claim.kind == "narration":
            continue
        source = doc.source_name(claim)
        names = by_stance.setdefault(claim.stance, [])
        if source not in names:
            names.append(source)
    if not by_stance:
        return
    table = Table(title="Who says what", show_header=False, expand=True)
    table.add_column("stance", style="bold")
    table.add_column("sources", overflow="fold")
    for stance, label in STANCE_LABELS.items():
        if stance in by_stance:
            table.add_row(Text(label, style=STANCE_STYLE.get(stance, "")),
                          Text("; ".join(by_stance[stance])))
    out.print(table)


def _actor(actor: Any) -> str:
    code = " ".join(x for x in (actor.country, actor.sector) if x)
    return f"{actor.text} [{code}]" if code else actor.text


#: Column headings for the store's field names ("doc_count" is not a heading).
HEADINGS = {
    "source_name": "source", "content_text": "content", "actors_text": "actors",
    "targets_text": "targets", "reported_by": "reported by", "place_name": "place",
    "outlets_text": "outlets", "doc_count": "articles", "mention_count": "mentions",
    "event_count": "events", "asserted_event_count": "asserted events", "claim_count": "claims",
    "first_published": "first",
    "last_published": "last", "geonames_id": "GeoNames id", "opposing_voices": "opposing voices",
    "other_side": "other side", "doc": "article", "article": "article",
    "display_name": "name",
}
#: Columns whose values are short tokens (ids, codes, dates, counts, labels): never wrapped,
#: so "indirect" is not printed as "indire / ct" in a narrow terminal.
UNWRAPPED = {"published", "cue", "stance", "polarity", "kind", "type", "proposed", "mode",
             "status", "date", "copies", "geonames_id", "country", "lat", "lon", "doc_count",
             "mention_count", "event_count", "asserted_event_count", "claim_count", "story",
             "size", "first_published",
             "last_published", "thread", "contested", "side", "doc", "id", "similarity",
             "outlets", "for", "against", "article", "opposing_voices", "documents", "claims", "events",
             "month"}


def heading(column: str) -> str:
    return HEADINGS.get(column, column.replace("_", " "))


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def rows_footer(shown: int, limit: int | None = None, total: int | None = None,
                more: bool | None = None, offset: int = 0) -> str:
    """'1 row', '50 of 6,289 rows; --limit/--offset for more', '50 rows (51-100); more with
    --offset 100', '50 rows (the --limit; there may be more)'."""
    noun = "row" if (total if total is not None else shown) == 1 else "rows"
    where = f" ({offset + 1:,}-{offset + shown:,})" if offset and shown else ""
    if total is not None and total > shown:
        return f"{shown:,} of {total:,} {noun}{where}; --limit/--offset for more"
    if more:
        return f"{shown:,} {noun}{where}; more with --offset {offset + shown} (or a larger --limit)"
    if more is None and limit is not None and shown >= limit:
        return f"{shown:,} {noun}{where} (the --limit; there may be more)"
    return f"{shown:,} {noun}{where}"


def render_rows(rows: list[dict[str, Any]], columns: list[str], console: Console | None = None,
                *, limit: int | None = None, total: int | None = None,
                more: bool | None = None, offset: int = 0, wide: bool = False,
                plain: bool | None = None) -> None:
    """A table of query results with the given columns.

    In a terminal: a table fitted to its width that wraps text columns between words and never
    wraps short ones (``wide``: as wide as the rows need, for a pager or a wide screen). Piped
    or redirected (``plain``, default when stdout is not a terminal): tab-separated values with
    a heading line, one row per line, and the row count on stderr, so ``| cut``, ``| sort`` and
    spreadsheets read it as it is.
    """
    out = console or _console()
    if plain is None:
        plain = console is None and not sys.stdout.isatty()
    footer = rows_footer(len(rows), limit, total, more, offset)
    if plain:
        clean = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
        sys.stdout.write("\t".join(heading(c) for c in columns) + "\n")
        for row in rows:
            sys.stdout.write("\t".join(_cell(row.get(c)).translate(clean) for c in columns) + "\n")
        sys.stdout.flush()
        print(footer, file=sys.stderr)
        return
    table = Table(expand=not wide)
    for column in columns:
        if wide:
            table.add_column(heading(column), no_wrap=True)
        elif column in UNWRAPPED:
            width = max([len(heading(column)), *(len(_cell(r.get(column))) for r in rows)])
            table.add_column(heading(column), no_wrap=True, min_width=min(width, 24),
                             overflow="ellipsis")
        else:
            table.add_column(heading(column), overflow="fold", ratio=1)
    for row in rows:
        table.add_row(*(Text(_cell(row.get(c))) for c in columns))
    if wide:  # as wide as the rows need, whatever the terminal
        needed = Measurement.get(out, out.options.update_width(100_000), table).maximum
        width, out.width = out.width, max(out.width, needed)
        try:
            out.print(table, crop=False)
        finally:
            out.width = width
    else:
        out.print(table)
    out.print(Text(footer, style="dim"))
