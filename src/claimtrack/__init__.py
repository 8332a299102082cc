"""claimtrack: who says what happened, to whom, where and when, from news articles.

The public API: ``process`` and ``process_many`` run the default pipeline on strings;
``build_pipeline`` gives the pipeline itself; the model types are re-exported.
"""

from __future__ import annotations

from claimtrack.api import build_pipeline, process, process_many
from claimtrack.model import (
    Claim,
    Document,
    Entity,
    Event,
    EventActor,
    Mention,
    Place,
    RawDocument,
    Span,
    TimeRef,
)
from claimtrack.pipeline import Outcome, Pipeline

__all__ = [
    "Claim", "Document", "Entity", "Event", "EventActor", "Mention", "Outcome", "Pipeline",
    "Place", "RawDocument", "Span", "TimeRef", "build_pipeline", "process", "process_many",
]
__version__ = "0.1.0"
