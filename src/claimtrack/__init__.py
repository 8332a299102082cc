"""claimtrack: who says what happened, to whom, where and when, from news articles.

The public API: ``process`` and ``process_many`` run the default pipeline on strings;
``build_pipeline`` gives the pipeline itself; ``Store`` keeps documents and answers queries;
the model types are re-exported.
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

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from claimtrack.store.repository import Store

__all__ = [
    "Claim", "Document", "Entity", "Event", "EventActor", "Mention", "Outcome", "Pipeline",
    "Place", "RawDocument", "Span", "Store", "TimeRef", "build_pipeline", "process",
    "process_many",
]


def __getattr__(name: str) -> object:
    """``claimtrack.Store`` on first use: the store pulls in SQLAlchemy and Alembic, which
    ``import claimtrack`` for processing alone should not pay for."""
    if name == "Store":
        from claimtrack.store.repository import Store

        return Store
    raise AttributeError(f"module 'claimtrack' has no attribute {name!r}")
__version__ = "0.1.0"
