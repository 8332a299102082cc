"""Who can act: whether an event argument is a person, group, organisation, state, armed
force or office, as PLOVER's actors and (where the type needs one) recipients must be.

On everyday news most trigger words are not events: "the Budget would do nothing to help
Labour's campaign", "the ballot will ask residents", "Some 270 hunts met", "a great deal of
work was still needed". What separates these from "the Tories backed the plan" is the actor:
a thing, a quantity, an abstraction or an animal does not agree, accuse, attack or aid. The
test reads what the article already knows (entities clustered by the actors stage, spaCy's
entity types) and the actor lexicons (``sectors.tsv``, ``organisations.tsv``, countries and
demonyms), plus the group nouns below; it never guesses from similarity.
"""

from __future__ import annotations

import re
from typing import Any

from claimtrack import lexicons
from claimtrack.model import Document
from claimtrack.stages.actor_codes import code_country, code_sector
from claimtrack.stages.actors import ANONYMOUS_HEADS, TOKEN_ENTITY

#: Entity types of spaCy's English model that name people, groups, organisations and states.
AGENT_ENTITY_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
#: Our entity types (``Entity.type``) that can act by being what they are. A source entity
#: of another type (attribution makes one of any subject of a cue: "the ballot will ask")
#: still needs its head word to name someone.
AGENT_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "OUTLET"})
#: Personal pronouns stand for someone; "it" and "its" only when resolved to an entity.
PERSONAL_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "you", "his", "her", "their",
                               "our", "my", "him", "them", "us", "me", "who", "whom"})
#: People acting together, not in the sector lexicon (which codes the political ones). Firms,
#: executives, teams and fans are left out: a company's deals and a team's matches are not
#: PLOVER events (a company acting politically is usually named, and an ORG entity acts).
GROUP_NOUNS = frozenset({
    "people", "campaigner", "demonstrator", "crowd", "mob", "gunman", "attacker", "assailant",
    "militant", "insurgent", "fighter", "resident", "villager", "citizen", "voter", "student",
    "elder", "inhabitant", "network", "fundamentalist", "extremist", "youth", "guerrilla",
    "nationalist", "loyalist", "islamist", "radical", "moderate", "hardliner", "dissident",
    "refugee", "settler", "tribesman", "warlord", "commando", "paramilitary", "mercenary",
    "leader", "member", "supporter", "critic", "opponent", "lawmaker", "politician", "delegate",
    "delegation", "negotiator", "envoy", "mediator", "inspector", "investigator", "prosecutor",
    "judge", "jury", "lawyer", "regulator", "watchdog", "board", "panel", "committee",
    "commission", "inquiry", "agency", "body", "group", "organisation", "organization",
    "association", "federation", "alliance", "coalition", "bloc",
    "warship", "helicopter", "aircraft", "jet", "plane", "vessel", "ship", "tank", "convoy",
    "union", "administration", "cabinet", "regime",
    "state", "nation", "country", "side", "camp", "faction", "wing", "force", "unit",
    "soldier", "troop", "army", "navy", "police", "officer", "guard", "authority", "chief",
    "head", "chairman", "chairwoman", "chair", "director", "secretary",
    "spokesman", "spokeswoman", "aide", "adviser", "advisor", "official", "minister",
    "chancellor", "president", "premier", "king", "queen", "prince", "mayor", "governor",
    "senator", "mp", "peer", "lord", "lady", "bishop", "pope", "cleric", "protester", "rebel",
    "councillor", "candidate", "ambassador", "commissioner", "mep", "deputy", "attorney",
    "speaker", "whip", "backbencher", "constable", "sheriff", "magistrate",
    "separatist", "terrorist", "kidnapper", "hijacker", "bomber", "sniper", "pirate", "worker",
    "striker", "activist", "journalist", "reporter", "newspaper", "broadcaster", "report",
    "man", "woman", "boy", "girl", "person", "individual", "family", "parent", "child",
    "patient", "doctor", "nurse", "teacher", "farmer", "householder", "tenant",
    "detainee", "prisoner", "hostage", "captive", "inmate", "suspect", "sailor", "pilot",
    "crew", "tourist", "passenger", "victim", "migrant", "seeker", "pilgrim", "worshipper",
    "landlord", "community", "tribe", "clan", "party", "council", "government", "ministry",
    "parliament", "congress", "senate", "assembly", "court", "tribunal", "department", "office",
} | ANONYMOUS_HEADS)


def names_someone(doc: Document, phrase: Any) -> bool:
    """Whether any word of the phrase headed by ``phrase`` names someone who can act ("$50,000
    worth of goods to Baghdad University", "asylum to five army officers"); possessives and
    determiners do not count ("the release of its software")."""
    return any(can_act(doc, t) for t in phrase.subtree
               if t.dep_ not in {"poss", "det", "predet"} and t.pos_ in {"NOUN", "PROPN", "PRON"})


def can_act(doc: Document, head: Any) -> bool:
    """Whether the phrase headed by ``head`` (a spaCy token) names someone who can act."""
    lower = head.lower_
    entity = doc.entity(doc.parse.user_data.get(TOKEN_ENTITY, {}).get(head.i))
    if entity is not None and entity.type in AGENT_TYPES and any(
            m.kind == "name" for m in entity.mentions):
        return True  # a named entity (a description "the ballot" gets an ORG entity too)
    if lower in PERSONAL_PRONOUNS or lower in {"it", "its"}:
        return True  # "Syria says it will not accept": the pronoun stands for the speaker
    if head.ent_type_ in AGENT_ENTITY_TYPES:
        return True
    lemma = head.lemma_.lower()
    if lemma in QUANTITY_HEADS or head.pos_ == "NUM":  # "tens of thousands of students"
        counted = [t for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                   for t in c.children if t.dep_ == "pobj"]
        return any(can_act(doc, t) for t in counted)
    if lemma in GROUP_NOUNS or lower in GROUP_NOUNS:
        return True
    # "the rebel command", "Algerian landowners": the head with its own modifiers (not a
    # possessor: "the council's budget" is a budget)
    modifiers = " ".join(t.text for t in sorted(
        [head, *(c for c in head.children if c.dep_ in {"compound", "amod"})], key=lambda t: t.i))
    return bool(code_sector(lemma) or code_sector(modifiers) or code_country(modifiers))


#: Heads that count or measure: the actor is what they count ("hundreds of protesters").
QUANTITY_HEADS = frozenset({"ten", "tens", "hundred", "hundreds", "thousand", "thousands",
                            "million", "millions", "dozen", "dozens", "score", "scores",
                            "number", "lot", "lots", "some", "many", "most", "all", "few",
                            "handful", "majority", "minority", "one"})


#: PLOVER 2.0 types that need a recipient (the ontology's ``requires_recipient``).
NEEDS_RECIPIENT = frozenset({"COOPERATE", "AID", "SANCTION"})
#: Words that make a death or an injury an accident, disaster or illness, not an attack.
MISHAP_WORDS = frozenset({
    "accident", "accidental", "accidentally", "crash", "crashed", "collision", "collapse",
    "collapsed", "fire", "blaze", "flood", "flooding", "storm", "hurricane", "earthquake",
    "tsunami", "avalanche", "landslide", "disease", "illness", "infection", "virus", "cancer",
    "overdose", "drowned", "drowning", "derailed", "derailment", "fireworks", "heatwave",
    "exploded", "leak", "poisoning",
})
#: Words that say somebody attacked, whatever else the sentence says.
ATTACK_WORDS = frozenset({"bomb", "bomber", "bombing", "gunman", "gunmen", "attack", "attacker",
                          "militant", "insurgent", "rebel", "troops", "soldiers", "shelling",
                          "airstrike", "raid", "shot", "shooting", "murder", "murdered",
                          "suicide", "terrorist", "terror", "ambush", "grenade", "rocket"})


def is_mishap(sentence: Any) -> bool:
    """A sentence about an accident, disaster or illness with no sign of an attacker
    ("fifteen people were killed when an illegal fireworks warehouse exploded")."""
    words = {t.lower_ for t in sentence} | {t.lemma_.lower() for t in sentence}
    return bool(words & MISHAP_WORDS) and not words & ATTACK_WORDS


#: Sectors that make an event political whatever the sentence is about.
POLITICAL_SECTORS = frozenset({"GOV", "MIL", "REB", "PTY", "LEG", "JUD", "COP", "IGO", "NGO",
                               "SPY", "UAF", "OPP", "SEP", "INS"})
#: Words of sport, awards, entertainment and markets: there "beat", "fight", "attack",
#: "offer", "bid" and "reject" are a match, a campaign for votes of a jury, or a deal.
ORDINARY_NEWS_WORDS = frozenset(word for word, (_topic, scope) in
                                lexicons.table("topic_words.tsv").items()
                                if scope in {"sentence", "both"})
SCORE = re.compile(r"\b\d{1,2}-\d{1,2}\b")


def ordinary_news(sentence: Any, parties: list[Any], doc: Document | None = None) -> bool:
    """A sentence about sport, awards, entertainment or business whose parties include no
    political one ("Federer beat Roddick in the final", "shareholders rejected the bid"):
    PLOVER codes political interaction only (the BBC set's first house rule). In an article
    about such things (:func:`ordinary_article`) every event needs a party that is political by
    its own words: there a bare country name is a team ("Umaga backed New Zealand to win")."""
    if doc is not None and ordinary_article(doc):
        return not any(_political_by_words(p) for p in parties)
    if any(getattr(p, "sector", None) in POLITICAL_SECTORS - {"UAF"} for p in parties):
        return False  # our "(unidentified attackers)" name no party: "beaten 6-1 6-3"
    words = {t.lower_ for t in sentence}
    return bool(words & ORDINARY_NEWS_WORDS) or bool(SCORE.search(sentence.text))


def _political_by_words(party: Any) -> bool:
    """A political party to an event whose sector does not come from a bare country name."""
    text = getattr(party, "text", "")
    if getattr(party, "sector", None) == "UAF":
        return False  # "(unidentified attackers)" is our placeholder, not a party in the text
    return code_sector(text) in POLITICAL_SECTORS or (
        getattr(party, "sector", None) in POLITICAL_SECTORS and code_country(text) is None)


#: An article is judged by its topic only when it is long enough to have one.
MIN_TOPIC_WORDS = 100
#: Share of topic words that are ordinary above which an article is about sport, entertainment,
#: business or technology (checked on the 400 BBC articles of the first read check: nine in ten
#: politics articles stay under 0.35; see ``topic_words.tsv`` for the held-out figures).
ORDINARY_SHARE = 0.75


def ordinary_article(doc: Document) -> bool:
    """Whether the article is about sport, entertainment, business or technology rather than
    politics, by the share of its topic words (``lexicons/topic_words.tsv``) that are
    ordinary; cached on the parse. Short texts (single sentences) are never judged."""
    key = "claimtrack.ordinary_article"
    if key not in doc.parse.user_data:
        topics = lexicons.table("topic_words.tsv")
        words = [t.lower_ for t in doc.parse if t.is_alpha]
        counts = {"ordinary": 0, "political": 0}
        for word in words:
            if word in topics and topics[word][1] in {"article", "both"}:
                counts[topics[word][0]] += 1
        total = counts["ordinary"] + counts["political"]
        doc.parse.user_data[key] = len(words) >= MIN_TOPIC_WORDS and total > 0 and (
            counts["ordinary"] / total >= ORDINARY_SHARE)
    return bool(doc.parse.user_data[key])
