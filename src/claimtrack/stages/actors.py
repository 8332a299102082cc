"""actors: entity clusters within an article, and the resolver that turns a source phrase
("He", "the council", "a Russian diplomatic source") into one of them.

No coreference model can be installed here (they all download weights at run time), so
clustering is by rule: person names by surname ("President Petro Poroshenko" ... "Poroshenko"),
organisations and places by normalised name; roles from titles before a name and from
appositions ("Alexander Zakharchenko, prime minister of ..."). Pronouns and definite
descriptions are resolved by ``EntityRegistry.resolve`` when attribution finds a source.
"""

from __future__ import annotations

import re
from typing import Any

from claimtrack.model import Document, Entity, Mention, Span
from claimtrack.stages.actor_codes import code_country, code_sector

ACTOR_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE"}
TOKEN_ENTITY = "claimtrack.token_entity"  # key in spaCy Doc.user_data: token index -> Entity.id
PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
GROUP_PRONOUNS = {"they", "it", "them", "its", "their"}
FIRST_PERSON = {"i", "we", "me", "us", "my", "our"}
ANONYMOUS_HEADS = {
    "source", "sources", "official", "officials", "resident", "residents", "witness",
    "witnesses", "diplomat", "diplomats", "people", "person", "man", "woman", "spokesman",
    "spokeswoman", "spokesperson", "analyst", "analysts", "observer", "observers", "expert",
    "experts", "insider", "insiders", "aide", "aides", "commander", "soldier", "fighter",
}
_LEADING_DET = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)


def _norm(text: str) -> str:
    return _LEADING_DET.sub("", re.sub(r"['’]s$", "", text.strip())).lower()


class EntityRegistry:
    """The article's entities, with lookup by token and rules to resolve a source phrase."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.parse: Any = doc.parse
        self.token_entity: dict[int, str] = doc.parse.user_data.setdefault(TOKEN_ENTITY, {})

    def _new(self, name: str, etype: str, role: str | None = None) -> Entity:
        entity = Entity(id=f"E{len(self.doc.entities) + 1}", name=name, type=etype, role=role)
        self.doc.entities.append(entity)
        return entity

    def _mention(self, entity: Entity, start_i: int, end_i: int, kind: str,
                 head_i: int | None = None) -> None:
        """Record a mention; its tokens point at the entity (only its head, for a phrase whose
        other words may name other actors: "the capture by Ukraine of Russian soldiers")."""
        span = self.parse[start_i:end_i]
        mention = Mention(Span(span.start_char, span.end_char), span.text, kind)  # type: ignore[arg-type]
        if mention not in entity.mentions:
            entity.mentions.append(mention)
        for i in range(start_i, end_i) if head_i is None else [head_i]:
            self.token_entity.setdefault(i, entity.id)

    def add_named(self, ent: Any) -> Entity:
        """Cluster a named-entity span with an earlier mention of the same actor, or start one."""
        label = ACTOR_LABELS[ent.label_]
        text = ent.text.removesuffix("'s").removesuffix("’s").strip()
        match = self._match_named(label, text)
        if match is None:
            match = self._new(_LEADING_DET.sub("", text), label)
        elif len(text) > len(match.name) and label == "PERSON":
            match.name = text
        self._mention(match, ent.start, ent.end, "name")
        role = _role_of(ent)
        if role and not match.role:
            match.role = role
        return match

    def _match_named(self, label: str, text: str) -> Entity | None:
        words = text.lower().split()
        for entity in reversed(self.doc.entities):
            if entity.type != label:
                continue
            if label == "PERSON":
                known = entity.name.lower().split()
                if words and known and (words[-1] == known[-1] or words == known[: len(words)]):
                    return entity
            elif _norm(entity.name) == _norm(text):
                return entity
        return None

    def resolve(self, head: Any, start_i: int, end_i: int, speakers: list[str]) -> Entity:
        """The entity a source phrase refers to; ``speakers`` are earlier sources, newest last."""
        phrase = self.parse[start_i:end_i]
        lower = head.lower_
        if lower in FIRST_PERSON:  # "I", "we": the speaker of the quote, known later
            return self._new(phrase.text, "SPEAKER")
        if head.pos_ == "PRON" or lower in PERSON_PRONOUNS | GROUP_PRONOUNS:
            entity = self._antecedent(lower, head.i)
            if entity is not None:
                self._mention(entity, start_i, end_i, "pronoun", head.i)
                return entity
            return self._new(phrase.text, "OTHER")
        if head.i in self.token_entity:
            entity = self.doc.entity(self.token_entity[head.i])
            assert entity is not None
            self._mention(entity, start_i, end_i, "name")
            return entity
        determiner = next((t.lower_ for t in head.children if t.dep_ == "det"), None)
        name = _LEADING_DET.sub("", phrase.text)
        if determiner in {"a", "an"} or (determiner is None and lower in ANONYMOUS_HEADS
                                          and head.tag_ in {"NN", "NNS"}):
            entity = self._new(phrase.text, "ANON")
            self._mention(entity, start_i, end_i, "descriptor", head.i)
            return entity
        if determiner == "the":
            entity = self._by_head(head.lemma_.lower(), head.i)
            if entity is not None:
                self._mention(entity, start_i, end_i, "nominal", head.i)
                return entity
        etype = "ORG" if head.pos_ != "PROPN" or head.ent_type_ == "" else "OTHER"
        entity = self._new(name, etype)
        self._mention(entity, start_i, end_i, "nominal" if head.pos_ != "PROPN" else "name", head.i)
        return entity

    def _antecedent(self, pronoun: str, before: int) -> Entity | None:
        """He/she -> the last person who spoke (else the last person named); they/it -> group."""
        want_person = pronoun in PERSON_PRONOUNS
        for claim in reversed(self.doc.claims):
            entity = self.doc.entity(claim.source_entity)
            if entity and (entity.type == "PERSON") == want_person and entity.type != "OUTLET":
                if claim.content.start < self.parse[before].idx:
                    return entity
        candidates = [
            self.doc.entity(eid) for i, eid in sorted(self.token_entity.items()) if i < before
        ]
        for entity in reversed(candidates):
            if entity and (entity.type == "PERSON") == want_person:
                return entity
        return None

    def _by_head(self, lemma: str, before: int) -> Entity | None:
        """'the council' -> the last earlier entity whose name ends in 'council'."""
        for entity in reversed(self.doc.entities):
            words = re.findall(r"[\w-]+", entity.name.lower())
            if words and (words[-1] == lemma or words[-1].rstrip("s") == lemma) and any(
                m.span.start < self.parse[before].idx for m in entity.mentions
            ):
                return entity
        return None


def _role_of(ent: Any) -> str | None:
    """Title words before a person's name, or an apposition after it."""
    if ent.label_ != "PERSON":
        return None
    root = ent.root
    titles = [t for t in root.children if t.i < ent.start and t.dep_ in {"compound", "amod"}]
    if titles:
        start = min(t.left_edge.i for t in titles)
        return ent.doc[start : ent.start].text
    appos = next((t for t in root.children if t.dep_ == "appos" and t.i > ent.end - 1), None)
    if appos is not None:
        return ent.doc[appos.left_edge.i : appos.right_edge.i + 1].text
    return None


def code_entity(entity: Entity) -> None:
    """Set the entity's PLOVER country and sector from its name and role."""
    words = f"{entity.role or ''} {entity.name}"
    entity.country = entity.country or code_country(words)
    entity.sector = entity.sector or code_sector(words)
    if entity.sector is None and entity.type == "GPE":
        entity.sector = "GOV"


class ActorsStage:
    """Cluster named people, organisations and places into entities with roles and codes."""

    name = "actors"
    requires = frozenset({"parse", "entities_ner"})
    produces = frozenset({"entities"})

    def run(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            doc.entities = []
            doc.parse.user_data[TOKEN_ENTITY] = {}
            registry = EntityRegistry(doc)
            for ent in doc.parse.ents:
                if ent.label_ in ACTOR_LABELS:
                    registry.add_named(ent)
            for entity in doc.entities:
                code_entity(entity)
        return docs
