"""Events need someone who can act: things, numbers and accidents are not PLOVER events, and a
trigger's sense comes from its arguments (sentences written for these tests)."""

from __future__ import annotations

from typing import Any

import pytest

from claimtrack.api import process_many
from claimtrack.model import RawDocument


def events_of(pipeline: Any, text: str) -> list[tuple[str, str]]:
    [doc] = process_many([RawDocument("t", text, format="clean")], pipeline)  # type: ignore[arg-type]
    return [(e.type, "; ".join(a.text for a in e.actors)) for e in doc.events]


@pytest.mark.parametrize("text", [
    "The budget would do nothing to help the party's faltering campaign.",  # a thing helps
    "The ballot will ask residents to vote on the congestion charge.",  # a ballot asks
    "Hounds killed four foxes during the meet on Saturday.",  # animals kill
    "Eleven people were killed when a fireworks warehouse exploded near the port.",  # accident
    "The chief constable warned that a great deal of preparatory work was still needed.",
    "The council will meet on Tuesday to decide on the scheme.",  # one party meets itself
    "The company released the first full version of its browser in November.",  # software
    "The minister insisted the election would be fought on the economy.",  # a claim
    "Federer beat Hewitt 6-3 6-2 in the final to keep his title.",  # sport
    "Shareholders rejected the takeover bid from the rival brewer.",  # business
    "The coach said the failure of the talks was regrettable.",  # a judgement of nobody
])
def test_no_event_without_someone_acting_on_someone(pipeline: Any, text: str) -> None:
    assert events_of(pipeline, text) == []


@pytest.mark.parametrize("text, expected", [
    ("Thousands of students blocked roads in the capital to demand new elections.", "PROTEST"),
    ("The opposition leader attacked the government's record on immigration.", "ACCUSE"),
    ("Rebels attacked the border post overnight, the ministry said.", "ASSAULT"),
    ("The mayor warned the rival camps to stop feuding.", "REQUEST"),
    ("The union warned that its members would strike if the talks failed.", "THREATEN"),
    ("The opposition tabled a motion opposing the new bill.", "REJECT"),
    ("Two guards were wounded in an attack on the checkpoint.", "ASSAULT"),
    ("The government rejected the union's bid for a national pay deal.", "REJECT"),
    ("The opposition leader said the government's handling of the floods was a shambles.",
     "ACCUSE"),
])
def test_events_by_someone_who_can_act_keep_their_sense(pipeline: Any, text: str,
                                                        expected: str) -> None:
    types = [etype for etype, _ in events_of(pipeline, text)]
    assert expected in types, types


def test_an_attack_by_a_weapon_is_by_unidentified_attackers(pipeline: Any) -> None:
    found = events_of(pipeline, "Three soldiers were killed by a roadside bomb near Basra.")
    assert found == [("ASSAULT", "(unidentified attackers)")]


def test_an_event_quantified_by_no_is_negated_not_asserted(pipeline: Any) -> None:
    [doc] = process_many([RawDocument("t", "Police said no complaint had been made against the "
                                           "councillor.", format="clean")], pipeline)  # type: ignore[arg-type]
    [event] = doc.events
    assert event.type == "ACCUSE" and event.negated and event.status == "negated"


SPORT_ARTICLE = (
    "Umaga backs his side\n\n"
    "Umaga backed New Zealand to win the series. His team won the first "
    "match of the season by two goals. The players trained at the club ground on Monday and "
    "the squad will travel to the final on Friday. The coach said the team had scored more "
    "goals than any other side in the league this season and that the players were ready for "
    "the cup. The striker, who missed the last match with an injury, is expected to return "
    "for the final. Fans of the club have bought every ticket for the match, and the league "
    "said the final would be shown on television. The coach urged the players to stay calm. "
    "The team has won the cup three times and the title twice in the last ten seasons.")


def test_in_an_article_about_sport_a_country_is_a_team_not_a_state(pipeline: Any) -> None:
    [doc] = process_many([RawDocument("t", SPORT_ARTICLE, format="clean")], pipeline)  # type: ignore[arg-type]
    assert [(e.type, e.trigger_text) for e in doc.events] == []


def test_a_single_sentence_is_never_judged_by_its_topic(pipeline: Any) -> None:
    found = events_of(pipeline, "Umaga backed New Zealand to win the series.")
    assert [etype for etype, _ in found] == ["SUPPORT"]
