"""The Python API: build the default pipeline once, process strings into Documents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import cache

from claimtrack.errors import InputError
from claimtrack.model import Document, RawDocument
from claimtrack.pipeline import Pipeline, Stage
from claimtrack.readers import parse_date, raw_from_string
from claimtrack.settings import Settings


def default_stages(settings: Settings, with_places: bool = True) -> list[Stage]:
    """The stages of the full pipeline, heavy resources loaded once by their factories."""
    from claimtrack.stages.actors import ActorsStage
    from claimtrack.stages.attribution import AttributionStage
    from claimtrack.stages.dates import DatesStage
    from claimtrack.stages.events import EventsStage
    from claimtrack.stages.extract import ExtractStage
    from claimtrack.stages.language import LanguageStage
    from claimtrack.stages.locate import LocateStage
    from claimtrack.stages.nlp import make_nlp_stage
    from claimtrack.stages.propositions import PropositionsStage

    stages: list[Stage] = [
        ExtractStage(max_chars=settings.nlp.max_chars),
        LanguageStage(),
        make_nlp_stage(settings.nlp.model, settings.nlp.batch_size),
        ActorsStage(),
        AttributionStage(learned_cues=settings.attribution.learned_cues),
    ]
    if with_places:  # before events, whose actors take the country of places they name
        from claimtrack.stages.places import make_places_stage

        stages.append(make_places_stage(settings))
    stages.append(EventsStage())
    stages.append(DatesStage())
    if with_places:  # locate needs places
        stages.append(LocateStage())
    stages.append(PropositionsStage())  # last: frames read the events' places and dates
    return stages


def build_pipeline(settings: Settings | None = None) -> Pipeline:
    """The full claimtrack pipeline: extract, nlp, actors, attribution, events, places, dates."""
    settings = settings or Settings()
    return Pipeline(default_stages(settings), batch_size=settings.nlp.batch_size,
                    time_budget_s=settings.pipeline.time_budget_s)


@cache
def _default_pipeline() -> Pipeline:
    return build_pipeline()


def process_many(raws: Iterable[RawDocument | str], pipeline: Pipeline | None = None) -> list[Document]:
    """Process many articles in batches (with the default pipeline unless one is given); the
    first failure raises InputError naming it."""
    items = [raw_from_string(r, name=f"<string {i}>") if isinstance(r, str) else r
             for i, r in enumerate(raws)]
    out = []
    for outcome in (pipeline or _default_pipeline()).run(items):
        if outcome.document is None:
            raise InputError(outcome.name, outcome.error or "failed")
        out.append(outcome.document)
    return out


def process(
    text_or_html: str, published: date | str | None = None, url: str | None = None,
    title: str | None = None, outlet: str | None = None, clean: bool = False,
) -> Document:
    """Process one article (plain text or HTML) into a Document with claims, events, places, dates.

    ``clean=True`` takes the text as already clean: no boilerplate removal, offsets unchanged.
    """
    raw = raw_from_string(
        text_or_html, published=parse_date(published), url=url, title=title, outlet=outlet,
        fmt="clean" if clean else None,
    )
    return process_many([raw])[0]
