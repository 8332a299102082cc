"""PLOVER events on short sentences we wrote: type, actor and target codes, flags."""

from __future__ import annotations

from typing import Any

import pytest

import claimtrack


@pytest.mark.parametrize(
    ("text", "etype", "actor", "target"),
    [
        ("Ukraine accused Russia of shelling the town.", "ACCUSE", ("UKR", "GOV"), ("RUS", "GOV")),
        ("Russian troops seized the airport on Friday.", "ASSAULT", ("RUS", "MIL"), None),
        ("The capture by Ukraine this week of 11 Russian soldiers angered Moscow.", "ASSAULT",
         ("UKR", "GOV"), ("RUS", "MIL")),
        ("The minister appealed to the European Union to freeze the assets.", "REQUEST",
         (None, "GOV"), ("EUR", None)),
        ("Separatist rebels shelled the port overnight.", "ASSAULT", (None, "REB"), None),
    ],
)
def test_events_type_and_codes(pipeline: Any, text: str, etype: str,
                               actor: tuple[str | None, str | None],
                               target: tuple[str | None, str | None] | None) -> None:
    doc = claimtrack.process_many([claimtrack.RawDocument("t", text, format="clean")], pipeline)[0]
    event = next(e for e in doc.events if e.type == etype)
    assert (event.actors[0].country, event.actors[0].sector) == actor
    if target is not None:
        assert (event.targets[0].country, event.targets[0].sector) == target
    assert event.claim is not None  # every event is tied to the claim that reports it


def test_events_flags_cancelled_and_hypothetical(pipeline: Any) -> None:
    text = ("The president cancelled his visit to Turkey. "
            "The minister said it would be unacceptable if troops attacked the city.")
    doc = claimtrack.process_many([claimtrack.RawDocument("t", text, format="clean")], pipeline)[0]
    visit = next(e for e in doc.events if e.trigger_text == "visit")
    attack = next(e for e in doc.events if e.trigger_text == "attacked")
    assert visit.negated and attack.hypothetical


@pytest.mark.parametrize(
    ("text", "etype", "proposed"),
    [
        # announced cooperation is AGREE, announced force a THREAT (the PLOVER manual)
        ("Germany said it will provide aid to Moldova.", "AGREE", "AID"),
        ("The rebels threatened to attack the airport.", "THREATEN", "ASSAULT"),
        ("The minister urged NATO to impose sanctions on Belarus.", "REQUEST", "SANCTION"),
        ("The government lifted the curfew in the capital.", "CONCEDE", "COERCE"),
        ("Poland will not accept the refugees.", "REJECT", "AGREE"),
    ],
)
def test_events_speech_acts_carry_what_they_propose(pipeline: Any, text: str, etype: str,
                                                    proposed: str) -> None:
    doc = claimtrack.process_many([claimtrack.RawDocument("t", text, format="clean")], pipeline)[0]
    assert [(e.type, e.proposed) for e in doc.events] == [(etype, proposed)]


def test_events_one_attack_per_chain_and_unidentified_attackers(pipeline: Any) -> None:
    text = "A roadside bomb attack near Kandahar killed two soldiers and wounded three others."
    doc = claimtrack.process_many([claimtrack.RawDocument("t", text, format="clean")], pipeline)[0]
    [attack] = doc.events
    assert attack.type == "ASSAULT"
    assert [(a.text, a.country, a.sector) for a in attack.actors] == [
        ("(unidentified attackers)", "AFG", "UAF")]


def test_events_background_and_wishes_are_not_counted(pipeline: Any) -> None:
    text = ("Kyiv recalled its ambassador after the shelling of the port. "
            "The senator hopes the army will attack the town.")
    doc = claimtrack.process_many([claimtrack.RawDocument("t", text, format="clean")], pipeline)[0]
    assert [e.type for e in doc.events] == ["SANCTION"]
