"""Persistent storage of processed documents (SQLAlchemy Core; SQLite or PostgreSQL)."""

from claimtrack.store.repository import Store

__all__ = ["Store"]
