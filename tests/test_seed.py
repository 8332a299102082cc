"""Acceptance on the reference page (../shared/seed, a real Moscow Times scrape): the claims,
places and dates the foundation issue asks for. Skipped when ../shared is absent."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from claimtrack.model import Document
from claimtrack.readers import read_inputs
from tests.conftest import SEED, requires_shared

pytestmark = requires_shared(SEED)


@pytest.fixture(scope="module")
def seed(pipeline: Any) -> Document:
    [raw] = read_inputs([str(SEED)], published=date(2014, 8, 28))
    [outcome] = pipeline.run([raw])
    assert outcome.document is not None, outcome.error
    return outcome.document


def claims_by(doc: Document, source: str) -> list[tuple[str, str]]:
    return [(c.stance, c.content_text) for c in doc.claims if source in doc.source_name(c)]


def test_seed_poroshenko_asserts_invasion(seed: Document) -> None:
    assert ("assert", '"An invasion of Russian forces has taken place."') in claims_by(seed, "Poroshenko")


def test_seed_diplomatic_source_denies_troops(seed: Document) -> None:
    [(stance, content)] = claims_by(seed, "a Russian diplomatic source")
    assert stance == "deny" and "no regular Russian troops" in content


def test_seed_defense_ministry_declines_to_comment(seed: Document) -> None:
    assert [s for s, _ in claims_by(seed, "defense ministry")] == ["no_comment"]


def test_seed_he_is_zakharchenko(seed: Document) -> None:
    claim = next(c for c in seed.claims if "3,000 Russian volunteers" in c.content_text)
    assert claim.source_text == "He" and seed.source_name(claim) == "Alexander Zakharchenko"


@pytest.mark.parametrize(("name", "lat", "lon"), [("Novoazovs", 47.11, 38.08),
                                                  ("Mariupol", 47.10, 37.55), ("Donetsk", 48.02, 37.80)])
def test_seed_places_have_coordinates(seed: Document, name: str, lat: float, lon: float) -> None:
    place = next(p for p in seed.places if p.name.startswith(name))
    assert place.country == "UA" and abs(place.lat - lat) < 0.2 and abs(place.lon - lon) < 0.2


def test_seed_thursday_is_publication_day(seed: Document) -> None:
    assert any(t.text == "Thursday" and t.value == "2014-08-28" for t in seed.timerefs)


def test_seed_no_boilerplate_left(seed: Document) -> None:
    for phrase in ("Support The Moscow Times", "newsletter", "Dear readers", "Remind me later",
                   "Read more", "Privacy Policy"):
        assert phrase not in seed.text
    for phrase in ("Kiev Claims Russia Has Invaded", "Russian soldiers are pictured", "Tanks in Novoazovsk",
                   "by mistake."):
        assert phrase in seed.text
