"""What one app instance holds: its settings, its store and (once needed) its pipeline."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from anyio import CapacityLimiter
from fastapi import FastAPI

from claimtrack.pipeline import Pipeline
from claimtrack.settings import Settings
from claimtrack.store.repository import Store

TRUE_WORDS = {"1", "true", "yes", "on"}
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
ANY_HOST = "*"


def host_list(text: str) -> tuple[str, ...]:
    """'a.example, b.example' -> ('a.example', 'b.example'), lowercased."""
    return tuple(part.strip().lower() for part in text.split(",") if part.strip())


@dataclass
class ApiSettings:
    """The REST API's settings; each can come from the environment (named in its help)."""

    token: str | None = field(default=None, metadata={
        "help": "Bearer token required for writes (CLAIMTRACK_API_TOKEN); none: writes refused."})
    read_token_required: bool = field(default=False, metadata={
        "help": "Reads need the token too (CLAIMTRACK_API_READ_TOKEN_REQUIRED=1)."})
    max_body_bytes: int = field(default=5_000_000, metadata={
        "help": "Larger request bodies get 413 (CLAIMTRACK_API_MAX_BODY_BYTES)."})
    allowed_hosts: tuple[str, ...] = field(default=LOCAL_HOSTS, metadata={
        "help": "Host names the server answers to; others get 400, which stops DNS rebinding "
                "(CLAIMTRACK_API_ALLOWED_HOSTS, comma-separated; '*' allows any)."})

    @classmethod
    def from_env(cls, **overrides: Any) -> ApiSettings:
        """Settings from CLAIMTRACK_API_* variables, then explicit (non-None) overrides."""
        env = os.environ
        settings = cls(
            token=env.get("CLAIMTRACK_API_TOKEN") or None,
            read_token_required=env.get("CLAIMTRACK_API_READ_TOKEN_REQUIRED", "").strip().lower()
            in TRUE_WORDS,
            max_body_bytes=int(env.get("CLAIMTRACK_API_MAX_BODY_BYTES") or cls.max_body_bytes),
            allowed_hosts=host_list(env.get("CLAIMTRACK_API_ALLOWED_HOSTS", "")) or LOCAL_HOSTS,
        )
        for name, value in overrides.items():
            if value is not None:
                setattr(settings, name, value)
        return settings


class LazyPipeline:
    """The spaCy pipeline takes seconds to load: build it at the first submission, once."""

    def __init__(self, pipeline: Pipeline | None = None,
                 settings: Settings | None = None) -> None:
        self._pipeline = pipeline
        self._settings = settings
        self._lock = threading.Lock()

    def get(self) -> Pipeline:
        with self._lock:
            if self._pipeline is None:
                from claimtrack.api import build_pipeline

                self._pipeline = build_pipeline(self._settings)
            return self._pipeline


def _one_writer() -> CapacityLimiter:
    return CapacityLimiter(1)


@dataclass
class AppState:
    """Shared by every request of one app; ``write_lock`` serialises pipeline runs and saves
    (the pipeline and the store's story and thread indexes are not thread-safe).

    ``writers`` gives submissions one worker thread between them: a POST waiting for its turn
    waits in the event loop, not in a thread of the pool that serves the reads (40 threads;
    40 queued POSTs holding them would stall every read until the pipeline got through them).
    """

    settings: ApiSettings
    store: Store
    pipeline: LazyPipeline
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    writers: CapacityLimiter = field(default_factory=_one_writer)


def state_of(app: Any) -> AppState:
    """The AppState that create_app put on ``app``."""
    state: AppState = app.state.claimtrack
    return state


def attach(app: FastAPI, state: AppState) -> None:
    app.state.claimtrack = state
