"""places: toponyms in the spaCy parse -> one GeoNames record each, chosen with the article's context.

A name is scored against every gazetteer record it can denote. The score adds a population prior,
a feature-type prior (countries and first-order regions rank high, a region that shares its name
with a big city ranks below the city unless the text says "region"), the article's focus (the
country and region most of its unambiguous toponyms resolve to), and the admin hierarchy written
in the text ("Kamensk-Shakhtinsky, Rostov region"). Spelling variants (Kiev/Kyiv) meet through
the gazetteer's folded names. A name that resolves to nothing is dropped on its own.

The small English model often labels a toponym ORG or PERSON ("officials in Kiev", "Mariupol"),
so those labels are taken too, but only when the text or the gazetteer says it is a place: a
locative preposition before it, a "region" after it, the same name labelled GPE elsewhere, a
strongly labelled neighbour in a list, or a prominent record (a country, a region, a curated
feature, a large city). Proper nouns NER missed altogether ("held Savur-Mohyla") are taken on
the same evidence, and "the Donetsk region" with no entity at all is found by pattern.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from claimtrack.gazetteer.query import Gazetteer, PlaceRecord, fold_name, open_gazetteer
from claimtrack.model import Document, Mention, Place, Span, Toponym

class _Unset:
    """Marks an argument not given, where None is a meaningful value (an article with no focus)."""


_UNSET = _Unset()
STRONG_LABELS = frozenset({"GPE", "LOC", "FAC"})
WEAK_LABELS = frozenset({"ORG", "PERSON"})
#: Labels that need a cue or a prominent record; PROPN marks proper nouns outside any entity.
_NEEDS_EVIDENCE = frozenset({"ORG", "PERSON", "PROPN"})
ADMIN_WORDS = ("region", "regions", "oblast", "oblasts", "province", "provinces", "krai", "kray",
               "governorate", "district", "raion", "rayon", "state")
LOCATIVES = frozenset({"in", "near", "from", "to", "at", "outside", "into", "towards", "toward",
                       "around", "across", "via", "through", "inside", "reach", "reached"})

# Score weights, in units of log10(population).
COUNTRY_PRIOR = 4.0
CURATED_PRIOR = 3.0
ADM1_PRIOR = 1.5
ADM2_PRIOR = 0.0
CAPITAL_PRIOR = 1.0
ALIAS_PENALTY = 0.5  # a populated place matched only through an alternate name
SHADOWED_REGION = 3.0  # a region named like a big city of its country, with no "region" after it
SHADOWING_POPULATION = 100_000
ADMIN_HINT_BONUS = 4.0  # "X region": regions win
CITY_REGION = 2.0  # ... but not the city's own region: "Kyiv region" is the oblast around Kyiv
CONTAINER_BONUS = 4.0  # "X, Rostov region": places inside the named region win
FOCUS_COUNTRY_BONUS = 1.0
FOCUS_ADMIN1_BONUS = 2.0
UNAMBIGUOUS_MARGIN = 2.0
WEAK_MIN_POPULATION = {"ORG": 100_000, "PERSON": 1_000_000}

# After a name, "state" is too often something else ("Moscow state media").
_ADMIN_AFTER = re.compile(
    r"\s+(" + "|".join(w for w in ADMIN_WORDS if w != "state") + r")\b", re.IGNORECASE
)
_LIST_GAP = re.compile(r"\s*(?:,|\band\b|\bor\b|,\s*and\b|,\s*or\b)\s*")
_CONTAINER_GAP = re.compile(r"\s*,\s*(?:the\s+)?|\s+in\s+(?:the\s+)?", re.IGNORECASE)
_BARE_REGION = re.compile(
    r"\b([A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2})(?:\s+and\s+([A-Z][\w'’-]+))?\s+"
    r"(region|regions|oblast|oblasts|province|provinces|krai)\b"
)


@dataclass
class _Toponym:
    """One mention of a candidate place name."""

    start: int
    end: int
    key: str  # folded name looked up in the gazetteer
    label: str
    admin_hint: bool = False  # followed by (or ends in) "region", "oblast", ...
    cue: bool = False  # textual evidence that a weakly labelled name is a place
    container: int | None = None  # index of the toponym naming the region this one is in


class PlacesStage:
    """Resolve the toponyms of each document to GeoNames places; no I/O, the gazetteer is open."""

    name = "places"
    requires = frozenset({"text", "entities_ner"})
    produces = frozenset({"places", "toponyms"})

    def __init__(self, gazetteer: Gazetteer, *, labels: Iterable[str] = STRONG_LABELS,
                 weak_labels: Iterable[str] = WEAK_LABELS, unlabelled: bool = True) -> None:
        self.gazetteer = gazetteer
        self.labels = frozenset(labels)
        self.weak_labels = frozenset(weak_labels)
        self.unlabelled = unlabelled

    def run(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            doc.places = self.resolve(doc)
            doc.toponyms = self.references(doc)
        return docs

    def resolve(self, doc: Document) -> list[Place]:
        """The places a document mentions, each with all its mentions, in order of first mention."""
        if doc.parse is None or not doc.text:
            return []
        toponyms = self._toponyms(doc.parse, doc.text)
        chosen = self._choose(toponyms)
        by_id: dict[int, tuple[PlaceRecord, list[Mention]]] = {}
        for i, record in sorted(chosen.items(), key=lambda item: toponyms[item[0]].start):
            t = toponyms[i]
            mention = Mention(span=Span(t.start, t.end), text=doc.text[t.start:t.end], kind="name")
            by_id.setdefault(record.geonames_id, (record, []))[1].append(mention)
        return [_to_place(record, mentions) for record, mentions in by_id.values()]

    def references(self, doc: Document) -> list[Toponym]:
        """Every reference to a place: the map places' mentions, demonyms ("Russian", "EU")
        coded to the country or region they name, place names inside other names ("the
        Washington Post"), and names taken as places that the gazetteer cannot resolve."""
        out = [Toponym(m.span, m.text, "place", p.geonames_id) for p in doc.places
               for m in p.mentions]
        if doc.parse is None:
            return out
        taken = [(t.span.start, t.span.end) for t in out]

        def free(start: int, end: int) -> bool:
            return not any(s < end and start < e for s, e in taken)

        for ent in doc.parse.ents:
            start, end = _trim(ent)
            if start >= end or not free(start, end):
                continue
            surface = doc.text[start:end]
            if ent.label_ == "NORP" or all(t.pos_ == "ADJ" for t in ent) or _is_organisation(
                    surface):
                if ent[-1].tag_ in {"NNS", "NNPS"}:
                    continue  # "Nigerians", "Saudis": people, not a reference to the place
                record = self.demonym(surface)
                if record is not None:
                    out.append(Toponym(Span(start, end), surface, "demonym", record.geonames_id))
                    taken.append((start, end))
                continue
            if ent.label_ in self.labels:
                record = self.demonym(surface)
                if record is None and not _looks_like_place(ent, doc.parse):
                    continue  # "Dropbox" tagged GPE: no record and no sign it is a place
                kind = "demonym" if record is not None else "unresolved"
                out.append(Toponym(Span(start, end), surface, kind,
                                   record.geonames_id if record else None))
                taken.append((start, end))
                continue
            if ent.label_ not in EMBEDDING_LABELS:
                continue
            for sub_start, sub_end, record in self._embedded(doc, ent):
                if free(sub_start, sub_end):
                    out.append(Toponym(Span(sub_start, sub_end), doc.text[sub_start:sub_end],
                                       "embedded", record.geonames_id))
                    taken.append((sub_start, sub_end))
        for token in doc.parse:  # outside any entity: "Russian troops", "US officials"
            start, end = token.idx, token.idx + len(token)
            if token.ent_type_ or token.pos_ not in {"ADJ", "PROPN"} or not token.text[:1].isupper():
                continue
            if token.pos_ == "PROPN" and token.dep_ not in {"compound", "amod", "nmod"}:
                continue  # a bare proper noun is left to the place resolver
            record = self.demonym(token.text)
            if record is not None and free(start, end):
                out.append(Toponym(Span(start, end), token.text, "demonym", record.geonames_id))
                taken.append((start, end))
        unresolved = [t for t in out if t.kind == "unresolved"]
        if unresolved:  # the focus place once per article, from these very references
            focus = self.focus_place(doc, out)
            for toponym in unresolved:
                toponym.within = _id(self.likely_place(doc, toponym.span.start, focus))
        return sorted(out, key=lambda t: t.span.start)

    def likely_place(self, doc: Document, start: int,
                     focus: PlaceRecord | None | _Unset = _UNSET) -> PlaceRecord | None:
        """Where a name the gazetteer lacks most likely is: the town or region named nearest
        it in the same sentence ("Royal Street in the French Quarter of New Orleans"), else the
        article's focus place (``focus``, when the caller has it already)."""
        sentence = next((s for s in doc.sentences if s.start <= start < s.end), None)
        near = [(abs(m.span.start - start), p.geonames_id) for p in doc.places
                for m in p.mentions
                if (p.feature_class == "P" or p.feature_code in {"ADM1", "ADM2"})
                and sentence is not None and sentence.start <= m.span.start < sentence.end]
        if near:
            return self.gazetteer.get(min(near)[1])
        return self.focus_place(doc) if isinstance(focus, _Unset) else focus

    def focus_place(self, doc: Document,
                    references: list[Toponym] | None = None) -> PlaceRecord | None:
        """The most specific place the article is about: its most mentioned town (named at
        least twice, or the only one), else its most mentioned region, else its country. An
        unresolvable street or building name most likely lies there."""
        votes: defaultdict[tuple[str | None, str | None], int] = defaultdict(int)
        for p in doc.places:
            if p.country and p.admin1 and not p.feature_code.startswith("PCL"):
                votes[(p.country, p.admin1)] += len(p.mentions)
        if votes:  # the region most of its places lie in, then its most named town there
            region = max(votes, key=votes.__getitem__)
            towns = [p for p in doc.places if (p.country, p.admin1) == region
                     and p.feature_class == "P"]
            if towns:
                records = [self.gazetteer.get(p.geonames_id) for p in towns]
                best = max(zip(towns, records), key=lambda pr: (
                    len(pr[0].mentions), pr[1].population if pr[1] else 0))
                return best[1]
            admin = [p for p in doc.places if (p.country, p.admin1) == region
                     and p.feature_code == "ADM1"]
            if admin:
                return self.gazetteer.get(admin[0].geonames_id)
        countries = sorted((p for p in doc.places if p.feature_code.startswith("PCL")),
                           key=lambda p: len(p.mentions), reverse=True)
        if countries:
            return self.gazetteer.get(countries[0].geonames_id)
        references = doc.toponyms if references is None else references
        embedded = Counter(t.geonames_id for t in references if t.kind == "embedded")
        if embedded:  # an article that names its city only inside names ("the Tulsa World")
            return self.gazetteer.get(embedded.most_common(1)[0][0])
        return None

    def demonym(self, surface: str) -> PlaceRecord | None:
        """The country (or continent, for "European", "EU") a demonym or short name codes to,
        through the actor coder's tables; None for other words."""
        from claimtrack.stages.actor_codes import country_names, organisations

        key = re.sub(r"['’]s?$", "", surface.strip()).lower()
        if key in organisations():
            return None
        if any(fold_name(r.name) == fold_name(key) and (
                r.is_country or r.feature_code == "CONT" or r.population >= 100_000)
               for r in self.gazetteer.candidates(key)):
            return None  # "Brussels", "Washington": a place's own name, resolved as a place
        code = country_names().get(key)
        if code is None:
            return None
        if code in CONTINENT_IDS:
            return self.gazetteer.get(CONTINENT_IDS[code])
        return self.gazetteer.country(code) if len(code) == 3 else None

    def _embedded(self, doc: Document, ent: Any) -> list[tuple[int, int, PlaceRecord]]:
        """Country, region or big-city names inside an organisation's or a work's name."""
        found = []
        tokens = list(ent)
        i = 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + 3), i, -1):
                start, end = tokens[i].idx, tokens[j - 1].idx + len(tokens[j - 1])
                surface = doc.text[start:end]
                if j - i == len(tokens) or not surface[:1].isupper():
                    continue  # the whole entity is not embedded in itself
                record = self.demonym(surface) or self._prominent(surface)
                if record is not None:
                    found.append((start, end, record))
                    i = j - 1
                    break
            i += 1
        return found

    def _prominent(self, surface: str) -> PlaceRecord | None:
        """A country, first-order region or city of a million people called this, if any."""
        key = fold_name(surface)
        ranked = [r for r in self.gazetteer.candidates(surface) if fold_name(r.name) == key and (
                  r.is_country or r.feature_code in {"ADM1", "CONT"}
                  or (r.is_populated_place and r.population >= EMBEDDED_CITY_POPULATION))]
        return max(ranked, key=lambda r: r.population) if ranked else None

    def resolve_spans(self, doc: Document, spans: list[tuple[int, int]]) -> list[PlaceRecord | None]:
        """Resolve given toponym spans (e.g. gold ones) with the same context rules: the spans
        are each other's context, as the recognised toponyms are in :meth:`resolve`."""
        toponyms = []
        for start, end in spans:
            topo = _Toponym(start, end, "", "GIVEN", cue=True)
            topo.admin_hint = bool(_ADMIN_AFTER.match(doc.text, end))
            topo.key = self._lookup_key(doc.text[start:end], topo)
            toponyms.append(topo)
        order = sorted(range(len(toponyms)), key=lambda i: toponyms[i].start)
        ordered = [toponyms[i] for i in order]
        for k, topo in enumerate(ordered[:-1]):
            nxt = ordered[k + 1]
            if nxt.start > topo.end and _CONTAINER_GAP.fullmatch(doc.text, topo.end, nxt.start):
                topo.container = k + 1
        chosen = self._choose(ordered)
        out: list[PlaceRecord | None] = [None] * len(spans)
        for k, i in enumerate(order):
            start, end = spans[i]
            out[i] = self.demonym(doc.text[start:end]) if not doc.text[start:end].isupper() \
                else None
            out[i] = out[i] or chosen.get(k)  # "Canadian" is Canada, not Canadian County
        return out

    # -- finding toponyms ------------------------------------------------------------------

    def _toponyms(self, parse: Any, text: str) -> list[_Toponym]:
        found: list[_Toponym] = []
        person_texts = [e.text for e in parse.ents if e.label_ == "PERSON" and len(e) > 1]
        for ent in parse.ents:
            if ent.label_ not in self.labels and ent.label_ not in self.weak_labels:
                continue
            if text[ent.start_char:ent.end_char] != ent.text:
                continue  # the parse is not of this text; offsets would point elsewhere
            tokens = list(ent)
            while tokens and tokens[0].lower_ == "the":
                tokens = tokens[1:]
            if not tokens or all(t.pos_ == "ADJ" or t.tag_.startswith("JJ") for t in tokens):
                continue  # "Ukrainian" tagged GPE is a demonym, not a place
            start, end = _trim(ent)
            if start >= end:
                continue
            surface = text[start:end]
            if _is_organisation(surface):
                continue  # "the EU", "the UN": actors; references() keeps the EU as Europe
            if ent.label_ == "PERSON" and any(surface in p and surface != p for p in person_texts):
                continue  # "Jordan" after "Michael Jordan" is the person again
            topo = _Toponym(start, end, "", ent.label_)
            topo.admin_hint = bool(_ADMIN_AFTER.match(text, end))
            topo.cue = topo.admin_hint or _after_locative(parse, ent.start)
            topo.key = self._lookup_key(surface, topo)
            if topo.key:
                found.append(topo)
        if self.unlabelled:
            found.extend(self._unlabelled(parse, text))
            found.extend(self._bare_regions(text, found))
        found.sort(key=lambda t: t.start)
        strong_keys = {t.key for t in found if t.label in self.labels}
        listed = self._lists(found, text)
        for i, topo in enumerate(found):
            topo.cue = topo.cue or topo.key in strong_keys or i in listed
            if i + 1 < len(found):
                nxt = found[i + 1]
                gap = _CONTAINER_GAP.fullmatch(text, topo.end, nxt.start)
                if gap and nxt.start > topo.end:
                    topo.container = i + 1
        return found

    def _unlabelled(self, parse: Any, text: str) -> list[_Toponym]:
        """Proper-noun runs NER left out ("held Savur-Mohyla"); kept only with a cue, see below."""
        in_ent = {t.i for ent in parse.ents for t in ent}
        extra, i, n = [], 0, len(parse)
        while i < n:
            if parse[i].pos_ != "PROPN" or i in in_ent:
                i += 1
                continue
            j = i + 1  # extend over "Savur" "-" "Mohyla" and "Kamensk" "-" "Shakhtinsky"
            while j < n and j not in in_ent and (
                parse[j].pos_ == "PROPN"
                or (parse[j].tag_ == "HYPH" and j + 1 < n and parse[j + 1].pos_ == "PROPN"
                    and not parse[j - 1].whitespace_ and not parse[j].whitespace_)):
                j += 1
            end = parse[j - 1].idx + len(parse[j - 1])
            if (j + 1 < n and parse[j].lower_ == "of" and parse[j + 1].pos_ == "PROPN"
                    and j + 1 not in in_ent):  # "Sea of Azov", but only as a known name
                longer = parse[j + 1].idx + len(parse[j + 1])
                if self.gazetteer.candidates(text[parse[i].idx:longer]):
                    j, end = j + 2, longer
            start = parse[i].idx
            topo = _Toponym(start, end, "", "PROPN")
            topo.admin_hint = bool(_ADMIN_AFTER.match(text, end))
            topo.cue = topo.admin_hint or _after_locative(parse, i)
            topo.key = self._lookup_key(text[start:end], topo)
            if topo.key and self.gazetteer.candidates(topo.key):
                extra.append(topo)
            i = j
        return extra

    def _lists(self, found: list[_Toponym], text: str) -> set[int]:
        """Toponyms in a list ("A, B and C") with a strongly labelled member, or one after a
        locative ("in Mariupol and Donetsk": the list shares the preposition)."""
        cued: set[int] = set()
        run = [0] if found else []
        for i in range(1, len(found) + 1):
            joined = i < len(found) and found[i - 1].end <= found[i].start and bool(
                _LIST_GAP.fullmatch(text, found[i - 1].end, found[i].start))
            if joined:
                run.append(i)
                continue
            if len(run) > 1 and any(found[k].label in self.labels or found[k].cue for k in run):
                cued.update(run)
            run = [i]
        return cued

    def _lookup_key(self, surface: str, topo: _Toponym) -> str:
        """The folded name to look up: as written, else without a trailing "region"-like word."""
        key = fold_name(re.sub(r"['’]s$", "", surface))
        if key in DIRECTIONS and not topo.admin_hint:
            return ""  # "the West", "Western": a direction or a bloc, not Cameroon's West region
        if self.gazetteer.candidates(key):
            return key
        words = key.split()
        if len(words) > 1 and words[-1] in ADMIN_WORDS:
            short = " ".join(words[:-1])
            if any(r.is_admin for r in self.gazetteer.candidates(short)):
                topo.admin_hint = topo.cue = True
                return short
        return key

    def _bare_regions(self, text: str, found: list[_Toponym]) -> list[_Toponym]:
        """ "the Donetsk region" that NER missed: capitalised words before an admin word."""
        extra: list[_Toponym] = []
        for match in _BARE_REGION.finditer(text):
            for group in (1, 2):
                start, end = match.span(group)
                if start < 0:
                    continue
                # "Ukraine's Donetsk region": the longest tail of the words that names a region
                for word in re.finditer(r"\S+", text[start:end]):
                    s = start + word.start()
                    if any(t.start < end and s < t.end for t in found + extra):
                        continue
                    topo = _Toponym(s, end, fold_name(text[s:end]), "REGION", True, True)
                    if any(r.is_admin for r in self.gazetteer.candidates(topo.key)):
                        extra.append(topo)
                        break
        return extra

    # -- choosing records ------------------------------------------------------------------

    def _choose(self, toponyms: list[_Toponym]) -> dict[int, PlaceRecord]:
        """Pick one record per toponym: context-free first, then with focus and hierarchy."""
        cands = {t.key: self.gazetteer.candidates(t.key) for t in toponyms}
        first: dict[int, list[tuple[float, PlaceRecord]]] = {}
        for i, t in enumerate(toponyms):
            if cands[t.key]:
                first[i] = _ranked(cands[t.key], t.key, t.admin_hint)
        focus_country, focus_admin1 = _focus(first, toponyms)
        # One sense per name: a bare "Donetsk" takes the hierarchy written at another "Donetsk".
        container_of: dict[tuple[str, bool], int] = {}
        for t in toponyms:
            if t.container is not None:
                container_of.setdefault((t.key, t.admin_hint), t.container)
        chosen: dict[int, PlaceRecord] = {}
        for _ in range(2):  # the second round sees the regions chosen in the first
            for i in first:
                t = toponyms[i]
                c = container_of.get((t.key, t.admin_hint))
                within = chosen.get(c) if c is not None and c != i else None
                ranked = _ranked(cands[t.key], t.key, t.admin_hint, focus_country, focus_admin1,
                                 within)
                chosen[i] = ranked[0][1]
        return {i: r for i, r in chosen.items() if _accepted(toponyms[i], r)}


def _ranked(records: list[PlaceRecord], key: str, admin_hint: bool,
            focus_country: str | None = None, focus_admin1: tuple[str, str] | None = None,
            within: PlaceRecord | None = None) -> list[tuple[float, PlaceRecord]]:
    """Candidates with their scores, best first (ties: the more populous, then the lower id)."""
    shadowing = [r for r in records if r.is_populated_place]
    scored = []
    for r in records:
        score = math.log10(max(r.population, 0) + 100)
        if r.is_country or r.feature_code == "CONT":
            score += COUNTRY_PRIOR
        elif r.geonames_id < 0 or r.source.startswith("claimtrack curated"):
            score += CURATED_PRIOR
        elif r.feature_code == "ADM1":
            score += ADM1_PRIOR
        elif r.feature_code == "ADM2":
            score += ADM2_PRIOR
        elif r.is_admin:
            score -= 0.5
        elif r.feature_code == "PPLC":
            score += CAPITAL_PRIOR
        if r.is_populated_place and fold_name(r.name) != key:
            score -= ALIAS_PENALTY
        if r.is_admin and not r.is_country:
            if admin_hint:
                score += ADMIN_HINT_BONUS
                if any((p.country, p.admin1) == (r.country, r.admin1) for p in shadowing):
                    score -= CITY_REGION
            elif any(_shadows(p, r) for p in shadowing):
                score -= SHADOWED_REGION
        if focus_country and r.country == focus_country:
            score += FOCUS_COUNTRY_BONUS
        if focus_admin1 and (r.country, r.admin1) == focus_admin1:
            score += FOCUS_ADMIN1_BONUS
        if within is not None and r.geonames_id != within.geonames_id and _inside(r, within):
            score += CONTAINER_BONUS
        scored.append((score, r))
    scored.sort(key=lambda sr: (-sr[0], -sr[1].population, sr[1].geonames_id))
    return scored


#: Actor codes that name a continent ("EU", "European" -> EUR), and the continent's GeoNames id.
CONTINENT_IDS = {"EUR": 6255148}


#: Compass words that name regions somewhere ("West" in Cameroon, "Western" in Uganda) but in
#: news mean a direction or a political bloc; resolved only as "the Western region".
DIRECTIONS = frozenset({"west", "western", "east", "eastern", "north", "northern", "south",
                        "southern", "central", "west coast", "east coast", "the west",
                        "the east", "midwest", "northwest", "northeast", "southwest",
                        "southeast"})
#: A city named inside an organisation's name counts from this size ("New Orleans Railways").
EMBEDDED_CITY_POPULATION = 100_000
#: Entities whose names may embed a place name ("the Washington Post", "Syrian Observatory").
EMBEDDING_LABELS = frozenset({"ORG", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"})
#: Words that make a name a place even when the gazetteer does not know it.
PLACE_WORDS = frozenset({
    "street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "drive", "square",
    "park", "bridge", "river", "lake", "lagoon", "bay", "island", "islands", "mountain", "mount",
    "hill", "hills", "valley", "canal", "beach", "point", "harbour", "harbor", "port", "airport",
    "station", "church", "cathedral", "library", "hospital", "school", "university", "stadium",
    "center", "centre", "hall", "market", "camp", "village", "district", "county", "estate",
    "plantation", "castle", "palace", "tower", "museum", "prison", "base", "border", "coast",
    "desert", "forest", "peninsula", "province", "region", "quarter", "faubourg", "rue",
})


def _looks_like_place(ent: Any, parse: Any) -> bool:
    """An unresolvable name is kept as a place reference only with a sign it is one: a place
    word in it ("Royal Street"), a LOC/FAC label with a locative before it."""
    words = {t.lower_.strip(".") for t in ent}
    if words & PLACE_WORDS:
        return True
    return ent.label_ in {"LOC", "FAC"} and _after_locative(parse, ent.start)


def _is_organisation(surface: str) -> bool:
    """An intergovernmental body the actor coder knows ("EU", "European Union", "NATO")."""
    from claimtrack.stages.actor_codes import INTERNATIONAL, country_names

    return country_names().get(re.sub(r"['’]s?$", "", surface.strip()).lower()) in INTERNATIONAL


def _id(record: PlaceRecord | None) -> int | None:
    return record.geonames_id if record is not None else None


def _trim(ent: Any) -> tuple[int, int]:
    """An entity's span without a leading "the" or a trailing possessive ("South Korea's")."""
    tokens = list(ent)
    while tokens and tokens[0].lower_ == "the":
        tokens = tokens[1:]
    while tokens and tokens[-1].lower_ in {"'s", "’s", "'", "’"}:
        tokens = tokens[:-1]
    if not tokens:
        return ent.start_char, ent.start_char
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _shadows(city: PlaceRecord, region: PlaceRecord) -> bool:
    """A city hides a same-named region of its own country ("Donetsk", "Moscow", "Kyiv")."""
    if city.country != region.country:
        return False
    return city.population >= SHADOWING_POPULATION or city.admin1 == region.admin1


def _inside(record: PlaceRecord, region: PlaceRecord) -> bool:
    """Whether the hierarchy written in the text allows ``record`` to lie in ``region``."""
    if region.is_country:
        return record.country == region.country
    if region.is_admin or region.geonames_id < 0:
        if record.country != region.country:
            return False
        return region.admin1 is None or record.admin1 == region.admin1
    return False  # "Luhansk, Donetsk and Mariupol" is a list, not a hierarchy


def _focus(first: dict[int, list[tuple[float, PlaceRecord]]],
           toponyms: list[_Toponym]) -> tuple[str | None, tuple[str, str] | None]:
    """The country and the region the article's unambiguous toponyms mostly resolve to."""
    countries: defaultdict[str, float] = defaultdict(float)
    regions: defaultdict[tuple[str, str], float] = defaultdict(float)
    seen: set[str] = set()
    for i, ranked in first.items():
        key = toponyms[i].key
        if key in seen:
            continue
        seen.add(key)
        top_score, top = ranked[0]
        ambiguous = len({r.country for _, r in ranked}) > 1 and len(ranked) > 1 and (
            top_score - ranked[1][0] < UNAMBIGUOUS_MARGIN)
        if ambiguous or top.country is None:
            continue
        countries[top.country] += 0.5 if top.is_country else 1.0
        if not top.is_country and top.admin1:
            regions[(top.country, top.admin1)] += 1
    return _unique_top(countries, 1.0), _unique_top(regions, 2)


def _unique_top(votes: dict[Any, float], minimum: float) -> Any:
    best = sorted(votes.items(), key=lambda kv: -kv[1])[:2]
    if not best or best[0][1] < minimum or (len(best) > 1 and best[1][1] == best[0][1]):
        return None
    return best[0][0]


def _after_locative(parse: Any, index: int) -> bool:
    """Whether a locative preposition ("in", "near", "to") stands before token ``index``."""
    j = index - 1
    while j >= 0 and parse[j].lower_ == "the":
        j -= 1
    return j >= 0 and parse[j].lower_ in LOCATIVES


def _accepted(topo: _Toponym, record: PlaceRecord) -> bool:
    """Strong labels always count; ORG/PERSON only with a cue or a prominent record."""
    if topo.label not in _NEEDS_EVIDENCE or topo.cue:
        return True
    if record.is_country or record.geonames_id < 0:
        return True
    if topo.label == "PROPN":
        return False  # outside any entity, only countries and curated features need no cue
    return record.feature_code == "ADM1" or record.population >= WEAK_MIN_POPULATION[topo.label]


def _to_place(record: PlaceRecord, mentions: list[Mention]) -> Place:
    return Place(geonames_id=record.geonames_id, name=record.name,
                 feature_class=record.feature_class, feature_code=record.feature_code,
                 country=record.country, admin1=record.admin1, lat=record.lat, lon=record.lon,
                 mentions=mentions)


def make_places_stage(settings: Any = None) -> PlacesStage:
    """The places stage with the gazetteer opened once (built on first use if it is missing)."""
    config = getattr(settings, "places", None)
    path = getattr(config, "gazetteer", None)
    return PlacesStage(open_gazetteer(path))
