"""What a store holds at a glance: articles by outlet and by month, the sources with most
claims, the most contested propositions and the places with most events.

Counts are GROUP BY queries, so a summary of a million claims reads a few dozen rows; only the
contested threads come from :meth:`ThreadReads.threads`, because whether a thread is contested
is a rule over its claims (:attr:`claimtrack.link.threads.Thread.contested`), not a column.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, select

from claimtrack.store.place_names import english_names
from claimtrack.store.schema import claims, documents, events, places
from claimtrack.store.thread_store import ThreadReads

DEFAULT_TOP = 10
NO_OUTLET = "(no outlet)"  # articles stored without an outlet are counted under this name


def _month(dialect: str) -> Any:
    """The article's publication month as 'YYYY-MM' text, on either engine."""
    if dialect == "postgresql":
        return func.to_char(documents.c.published, "YYYY-MM")
    return func.strftime("%Y-%m", documents.c.published)


def _by_outlet(conn: Connection, top: int) -> list[dict[str, Any]]:
    n = func.count().label("n")
    rows = conn.execute(select(documents.c.outlet, n).group_by(documents.c.outlet)
                        .order_by(n.desc(), documents.c.outlet.nulls_last()).limit(top)).all()
    return [{"outlet": outlet or NO_OUTLET, "documents": count} for outlet, count in rows]


def _by_month(conn: Connection, top: int) -> list[dict[str, Any]]:
    """The ``top`` most recent months with dated articles, oldest first (undated articles
    have no month)."""
    month = _month(conn.dialect.name).label("month")
    stmt = (select(month, func.count().label("n")).where(documents.c.published.is_not(None))
            .group_by(month).order_by(month.desc()).limit(top))
    return [{"month": m, "documents": count} for m, count in reversed(conn.execute(stmt).all())]


def _top_sources(conn: Connection, top: int) -> list[dict[str, Any]]:
    n = func.count().label("n")
    stmt = (select(claims.c.source_name, n).where(claims.c.source_name != "")
            .group_by(claims.c.source_name).order_by(n.desc(), claims.c.source_name).limit(top))
    return [{"source": source, "claims": count} for source, count in conn.execute(stmt).all()]


def _top_places(conn: Connection, top: int) -> list[dict[str, Any]]:
    """Places by the events reported there; the name is the English one (see
    :func:`claimtrack.store.place_names.english_names`)."""
    on_place = and_(places.c.doc_id == events.c.doc_id, places.c.geonames_id == events.c.place)
    n = func.count().label("n")
    stmt = (select(events.c.place, func.min(places.c.name), func.min(places.c.country), n)
            .select_from(events.join(places, on_place))
            .group_by(events.c.place).order_by(n.desc(), events.c.place).limit(top))
    rows = conn.execute(stmt).all()
    names = english_names({gid: name for gid, name, _, _ in rows})
    return [{"geonames_id": gid, "name": names[gid], "country": country or "", "events": count}
            for gid, _, country, count in rows]


class SummaryReads(ThreadReads):
    """The Store's read mixin for ``claimtrack summary`` and ``GET /api/v1/summary``."""

    def summary(self, top: int = DEFAULT_TOP) -> dict[str, Any]:
        """Totals, then the ``top`` rows of each list: ``by_outlet`` (most articles first),
        ``by_month`` (the most recent months, oldest first), ``top_sources`` (most claims),
        ``contested`` (threads where one source asserts what another denies, ranked as
        ``threads --contested`` ranks them, with the claims on each side) and ``top_places``
        (most events reported there)."""
        if top < 1:
            raise ValueError("top must be at least 1")
        with self._read() as conn:
            totals = {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                      for name, table in (("documents", documents), ("claims", claims),
                                          ("events", events))}
            found: dict[str, Any] = {
                **totals,
                "by_outlet": _by_outlet(conn, top),
                "by_month": _by_month(conn, top),
                "top_sources": _top_sources(conn, top),
            }
            top_places = _top_places(conn, top)
        found["contested"] = [
            {"thread_id": t["thread_id"], "proposition": t["proposition"],
             "for": t["side_counts"]["for"], "against": t["side_counts"]["against"]}
            for t in self.threads(contested_only=True, limit=top)]
        found["top_places"] = top_places
        return found
