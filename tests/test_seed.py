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


@pytest.mark.parametrize(("name", "country", "lat", "lon"), [
    ("Novoazovs", "UA", 47.115, 38.081), ("Mariupol", "UA", 47.097, 37.543),
    ("Donetsk", "UA", 48.015, 37.802), ("Luhansk", "UA", 48.574, 39.307),
    ("Kamensk-Shakhtinsky", "RU", 48.318, 40.259), ("Savur-Mohyla", "UA", 47.923, 38.741),
])
def test_seed_places_within_25_km(seed: Document, name: str, country: str, lat: float,
                                  lon: float) -> None:
    from claimtrack.evaluation.geo import haversine_km

    place = next(p for p in seed.places if p.name.startswith(name))
    assert place.country == country and haversine_km(place.lat, place.lon, lat, lon) < 25


@pytest.mark.parametrize(("mention", "geonames_id"), [("Turkey", 298795), ("Ukraine", 690791)])
def test_seed_countries_resolve_to_countries(seed: Document, mention: str, geonames_id: int) -> None:
    place = next(p for p in seed.places if any(m.text == mention for m in p.mentions))
    assert place.geonames_id == geonames_id and place.feature_code == "PCLI"


def test_seed_thursday_is_publication_day(seed: Document) -> None:
    assert any(t.text == "Thursday" and t.value == "2014-08-28" for t in seed.timerefs)


def test_seed_no_boilerplate_left(seed: Document) -> None:
    for phrase in ("Support The Moscow Times", "newsletter", "Dear readers", "Remind me later",
                   "Read more", "Privacy Policy"):
        assert phrase not in seed.text
    for phrase in ("Kiev Claims Russia Has Invaded", "Russian soldiers are pictured", "Tanks in Novoazovsk",
                   "by mistake."):
        assert phrase in seed.text


# --- events (issue 6) ---

def events_of(doc: Document, etype: str) -> list[Any]:
    return [e for e in doc.events if e.type == etype]


def codes(actors: list[Any]) -> set[tuple[str | None, str | None]]:
    return {(a.country, a.sector) for a in actors}


def test_seed_ukraine_accuses_russia(seed: Document) -> None:
    assert any(("UKR", "GOV") in codes(e.actors) and any(t.country == "RUS" for t in e.targets)
               for e in events_of(seed, "ACCUSE"))


def test_seed_russian_forces_seize_novoazovsk_says_security_council(seed: Document) -> None:
    [event] = [e for e in events_of(seed, "COERCE") + events_of(seed, "ASSAULT")
               if any("Novoazovsk" in t.text for t in e.targets)]
    place = next(p for p in seed.places if p.geonames_id == event.place)
    assert ("RUS", "MIL") in codes(event.actors) and place.name.startswith("Novoazovs")
    claim = next(c for c in seed.claims if c.id == event.claim)
    assert seed.source_name(claim) == "Ukraine's security and defense council"


def test_seed_yatsenyuk_requests_sanctions_from_usa_eu_g7(seed: Document) -> None:
    [event] = [e for e in events_of(seed, "REQUEST") if "Yatsenyuk" in e.actors[0].text]
    assert ("UKR", "GOV") in codes(event.actors) and event.proposed == "SANCTION"
    assert {t.country for t in event.targets} == {"USA", "EUR", "G7"}


def test_seed_ukraine_captures_russian_soldiers(seed: Document) -> None:
    [event] = [e for e in seed.events if e.trigger_text == "capture"]
    assert event.type == "ASSAULT" and event.mode == "abduct"  # the manual: captured combatants
    assert ("UKR", "GOV") in codes(event.actors) and ("RUS", "MIL") in codes(event.targets)


def test_seed_presidents_talks_dated_two_days_before(seed: Document) -> None:
    [talks] = [e for e in events_of(seed, "CONSULT") if e.trigger_text == "talks"]
    assert talks.date == "2014-08-26" and "presidents" in talks.actors[0].text


def test_seed_hollande_statement_is_hypothetical(seed: Document) -> None:
    [event] = [e for e in seed.events if e.trigger_text == "entered"]
    claim = next(c for c in seed.claims if c.id == event.claim)
    assert event.hypothetical and "Hollande" in seed.source_name(claim)
    assert ("RUS", "MIL") in codes(event.actors)


def test_seed_no_event_from_boilerplate(seed: Document) -> None:
    """Events are coded on the clean text only, and the donation appeal's "support" and
    "help" (AID and SUPPORT triggers) are not in it."""
    assert all(seed.text[e.trigger.start:e.trigger.end] == e.trigger_text for e in seed.events)
    assert not [e for e in seed.events if e.type in {"SUPPORT"} or "reader" in
                " ".join(a.text for a in e.actors + e.targets).lower()]


def test_seed_events_asserted_by_ukraine_and_denied_by_russia(seed: Document, tmp_path: Any) -> None:
    from claimtrack.store import Store

    store = Store(f"sqlite:///{tmp_path / 'seed.db'}")
    store.save(seed)
    rows = store.events(reported_by=[("assert", "UKR", None), ("deny", "RUS", None)], limit=None)
    assert "ASSAULT" in {r["type"] for r in rows}
    assert {r["stance"] for r in rows if r["type"] == "ASSAULT"} >= {"assert", "deny"}
    assert not store.events(reported_by=[("assert", "FRA", None), ("deny", "RUS", None)])
