"""claimtrack's exception types. Each carries a message a user can act on."""

from __future__ import annotations


class ClaimtrackError(Exception):
    """Base class for every error claimtrack raises on purpose."""


class InputError(ClaimtrackError):
    """An input document cannot be read or has no article in it; names the document and why."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class ModelMissingError(ClaimtrackError):
    """A model or resource package is not installed."""


class PipelineOrderError(ClaimtrackError):
    """A stage needs something no earlier stage produces."""


class StoreError(ClaimtrackError):
    """The store cannot be opened, migrated or queried."""


class NotImplementedFeatureError(ClaimtrackError):
    """A feature that is planned but not built yet."""
