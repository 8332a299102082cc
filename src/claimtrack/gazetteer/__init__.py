"""GeoNames gazetteer: built once into a SQLite file, then looked up by folded name in-process."""

from claimtrack.gazetteer.build import BuildStats, build_gazetteer
from claimtrack.gazetteer.query import (
    Gazetteer,
    GazetteerError,
    PlaceRecord,
    default_path,
    fold_name,
    open_gazetteer,
)

__all__ = [
    "BuildStats",
    "Gazetteer",
    "GazetteerError",
    "PlaceRecord",
    "build_gazetteer",
    "default_path",
    "fold_name",
    "open_gazetteer",
]
