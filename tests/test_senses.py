"""A trigger word is an event only in the sense its arguments give it: "sent arms" but not
"sent an e-mail", "shared intelligence" but not "shared the blogs" (sentences written for these
tests, in the patterns the BBC read checks found)."""

from __future__ import annotations

from typing import Any

import pytest

from claimtrack.api import process_many
from claimtrack.model import Event, RawDocument


def events_in(pipeline: Any, text: str) -> list[Event]:
    [doc] = process_many([RawDocument("t", text, format="clean")], pipeline)  # type: ignore[arg-type]
    return list(doc.events)


def types_in(pipeline: Any, text: str) -> list[str]:
    return [e.type for e in events_in(pipeline, text)]


@pytest.mark.parametrize("text", [
    "Mr Campbell sent an e-mail to the programme by mistake.",
    "Readers can share all the blogs they like on the site.",
    "The prime minister shot basketball hoops with pupils at the school.",
    "Demand from India has pushed up the price of crude oil.",
    "The newspaper asked Mr Hague if he would stand for the leadership again.",
    "We accept that neither commercial fishing nor angling should fall within its remit.",
    "The senator accepted the difficult balance between liberty and security.",
    "The new format is called podcasting by its fans.",
    "The expert panel probed the future of file-sharing at the trade show.",
    "The singer agreed after the show's stars persuaded him.",
    "The presenter quit his television show last year.",
    "Nintendo will release the adapter in Japan next month.",
    "The sprinter admits a link with the laboratory.",
    "Mr Brown offers processing power by the hour.",
    "They go for exercise in the park before work.",
    "The bank has granted licences to three new groups.",
    "Mr Blair said Britain would keep the veto.",
    "Labour have refused to discuss his exact new position.",
    "The release of the jury questionnaires serves no purpose, the lawyers said.",
    "Knocking someone unconscious then killing them were given as examples of excessive force.",
    "It's easy to criticise when you haven't been through the system.",
    "Brown stepped into the campaign, to the relief of many of his supporters.",
    "Prosecutors used a law put in place to fight organised crime.",
    "The parties say their calls to voters are not marketing.",
    "GCSEs and A-levels should go, the chief inspector said.",
    "Kennedy fired up his campaign from the party's headquarters.",
    "The actress injured herself while performing in Chicago.",
    "Instead of a bonfire of quangos there had been an explosion of them.",
    "The carmaker wants to be a bigger player in the Asian assault on the US market.",
    "The two leaders do nothing but fight it out together.",
    "The protesters would plead not guilty to the charges.",
    "More people were now actively seeking work.",
    "The prince hosted a dinner at Windsor Castle.",
    "The president wants to cut the twin deficits.",
    "I joined the civil service to provide services to the public.",
    "Mr Howard said: 'I reject that entirely.'",
    "The singer denies child molestation.",
    "A spokesman refused to comment on speculation about the merger.",
    "Dr Fox refused to discuss weekend newspaper reports.",
    "The report of a leak was immediately denied.",
    "Mr Blair dismissed the talk of splits.",
    "The gambling industry is being frozen in time.",
    "The number of files destroyed by the ministry has risen.",
    "Mr Houston is alleged to have said that the prisons should be closed.",
    "Officials failed to back up their words with action.",
])
def test_a_trigger_word_in_another_sense_codes_nothing(pipeline: Any, text: str) -> None:
    assert types_in(pipeline, text) == []


@pytest.mark.parametrize("text, expected", [
    ("The United States continued to send arms to Pakistan last year.", "AID"),
    ("Israeli officials have shared intelligence with the United States.", "COOPERATE"),
    ("Police shot two protesters outside the parliament.", "ASSAULT"),
    ("The UK is pushing hard for the US to support its debt relief plan.", "REQUEST"),
    ("The minister asked Iran to release the sailors.", "REQUEST"),
    ("Denmark accepted a formula for ending its fisheries dispute.", "AGREE"),
    ("The two sides agreed on a ceasefire.", "AGREE"),
    ("The government offered talks to the rebel leaders.", "AGREE"),
    ("The defence minister quit the cabinet on Monday.", "RETREAT"),
    ("Prosecutors investigated the killing of the journalist.", "ACCUSE"),
    ("Jordan and Britain held joint military exercises last month.", "MOBILIZE"),
    ("The government granted asylum to five army officers.", "AID"),
    ("The rebels refused to discuss the peace proposal.", "REJECT"),
    ("Police released the three detainees without charge.", "RETREAT"),
    ("Rebels fought government troops near the border.", "ASSAULT"),
    ("The opposition renewed its calls for an inquiry.", "REQUEST"),
    ("Welsh councils should set their taxes at reasonable levels, the minister said.",
     "REQUEST"),
    ("The first minister has ordered an inquiry into the escape.", "ACCUSE"),
    ("Israeli tanks fired four shells at targets in Jericho.", "ASSAULT"),
    ("Iran threatened to cut off electricity to the enclave.", "THREATEN"),
    ("The United Nations will provide 25,000 tons of food aid to refugees.", "AGREE"),
    ("President Yeltsin hosted the Japanese prime minister in Krasnoyarsk.", "CONSULT"),
    ("The government denied entry to the two activists.", "REJECT"),
    ("The rebels refused to discuss the peace proposal.", "REJECT"),
    ("Washington froze the bank accounts of three officials.", "SANCTION"),
    ("Soldiers destroyed homes in the village.", "ASSAULT"),
])
def test_the_same_words_in_their_event_sense_still_code(pipeline: Any, text: str,
                                                        expected: str) -> None:
    assert expected in types_in(pipeline, text)


def test_the_victim_of_a_murder_is_not_its_actor(pipeline: Any) -> None:
    events = events_in(pipeline, "The athlete spoke of the 2003 murder of her sister.")
    assert all("sister" not in a.text for e in events for a in e.actors)


def test_an_inquiry_that_criticises_is_the_actor_of_the_criticism(pipeline: Any) -> None:
    events = events_in(pipeline, "A state inquiry criticised the company's actions.")
    assert [(e.type, e.actors[0].text) for e in events] == [("ACCUSE", "A state inquiry")]


def test_attacking_a_failure_and_criticising_a_record_is_one_verbal_attack(pipeline: Any) -> None:
    events = events_in(pipeline, "He attacked the government's failure on asylum and criticised "
                                 "its record on the NHS.")
    assert [e.type for e in events] == ["ACCUSE"]


def test_an_attack_on_a_politician_with_no_weapon_in_sight_is_verbal(pipeline: Any) -> None:
    assert types_in(pipeline, "Lord Butler launched an attack on Tony Blair.") == ["ACCUSE"]
    assert types_in(pipeline, "Gunmen launched an attack on the president's convoy.") == [
        "ASSAULT"]


def test_a_headline_event_the_article_reports_again_is_coded_once(pipeline: Any) -> None:
    events = events_in(pipeline, "IMF agrees fresh Turkey funding\n\nThe IMF has agreed a new "
                                 "funding deal with Turkey, officials said.")
    assert [(e.id, e.type, e.actors[0].text) for e in events] == [("V1", "AGREE", "The IMF")]


@pytest.mark.parametrize("text, actor", [
    (('"I don\'t share the views of some of my colleagues who are coming out and objecting to '
     'it," he said.'), "my colleagues"),
    ("The shadow cabinet revealed its support for the bill.", "The shadow cabinet"),
    ("Mr Brown says he has held intensive talks with other finance ministers.", "Mr Brown"),
    ("Mr Galloway was expelled from the Labour party last year.", "the Labour party"),
])
def test_a_pronoun_actor_is_shown_as_what_it_stands_for_in_its_sentence(
        pipeline: Any, text: str, actor: str) -> None:
    assert actor in [a.text for e in events_in(pipeline, text) for a in e.actors]


def test_a_negated_rejection_is_flagged_negated(pipeline: Any) -> None:
    events = events_in(pipeline, "Labour's chairman said: 'We haven't ruled out all-black "
                                 "shortlists.'")
    assert events and all(e.negated for e in events if e.type == "REJECT")


def test_the_one_injured_is_not_the_attacker(pipeline: Any) -> None:
    events = events_in(pipeline, '"He was shaken but not badly injured," said a spokesman.')
    assert all(a.text != "He" for e in events for a in e.actors)


def test_whoever_faces_accusations_is_not_the_accuser(pipeline: Any) -> None:
    events = events_in(pipeline, "The insurer faced accusations of price rigging last year.")
    assert all(a.text.lower() != "the insurer" for e in events for a in e.actors)


@pytest.mark.parametrize("text", [
    "Yukos filed for bankruptcy, hoping to halt the forced sale of its unit.",
    "Lord Falconer would urge MPs to oppose the bill if peers passed it.",
    "The government must press the Commission to act on fraud.",
    "The ministry is considering whether to appeal against the ruling.",
])
def test_conditional_obliged_and_deliberated_acts_are_hypothetical(pipeline: Any,
                                                                   text: str) -> None:
    events = events_in(pipeline, text)
    assert events and all(e.hypothetical for e in events), [(e.type, e.hypothetical)
                                                           for e in events]
