"""Submitted articles -> the full pipeline -> the store, each article failing on its own."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from claimtrack.errors import ClaimtrackError
from claimtrack.model import RawDocument
from claimtrack.pipeline import Outcome
from claimtrack.readers import raw_from_string
from claimtrack.readers.base import published_problem
from claimtrack.web.state import AppState


class Article(BaseModel):
    """One article to process: ``text`` (plain) or ``html`` (a page; boilerplate is removed)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="Plain article text.")
    html: str | None = Field(None, description="An HTML page holding the article.")
    url: str | None = Field(None, max_length=2000)
    outlet: str | None = Field(None, max_length=500)
    title: str | None = Field(None, max_length=2000)
    published: date | None = Field(None, description="Publication date, YYYY-MM-DD "
                                   "(1800-2100).")

    @field_validator("published", mode="before")
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        """A date as text only: pydantic would read a number as a Unix time (0 -> 1970)."""
        if value is not None and not isinstance(value, str):
            raise ValueError("expected an ISO date (YYYY-MM-DD) as a string")
        return value

    @field_validator("published")
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        """1800-2100: a "0001-01-01" placeholder made the dates stage overflow."""
        problem = None if value is None else published_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value


def _raw(index: int, article: Article) -> RawDocument | Outcome:
    """The article as pipeline input, or a failed Outcome saying what is wrong with it."""
    name = f"<request item {index}>"
    if (article.text is None) == (article.html is None):
        return Outcome(name, error=f"{name}: give exactly one of 'text' and 'html'")
    content = article.text if article.text is not None else article.html
    assert content is not None
    return raw_from_string(content, name=name, published=article.published, url=article.url,
                           title=article.title, outlet=article.outlet,
                           fmt="text" if article.text is not None else "html")


def submit(state: AppState, articles: list[Article]) -> tuple[list[dict[str, Any]],
                                                              list[dict[str, Any]]]:
    """Process and save ``articles``; (stored, errors), each entry with its request index.

    Runs under the app's write lock: one batch at a time through the pipeline and the store.
    """
    items = [_raw(i, a) for i, a in enumerate(articles)]
    stored: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    with state.write_lock:
        pipeline = state.pipeline.get()
        for index, outcome in enumerate(pipeline.run(items)):
            doc = outcome.document
            if doc is None:
                errors.append({"index": index, "message": outcome.error or "failed"})
                continue
            try:
                state.store.save(doc)
            except ClaimtrackError as exc:
                errors.append({"index": index, "message": str(exc)})
                continue
            stored.append({"index": index, "id": doc.id, "status": doc.status,
                           "claims": len(doc.claims), "events": len(doc.events),
                           "places": len(doc.places)})
    return stored, errors
