"""Sense before type: whether a trigger word has the arguments of its event reading.

Most trigger words are events only in some senses. "Attack a policy", "share the blogs",
"shot basketball hoops", "sent an e-mail", "the release of Firefox", "It is called
podcasting", "asked if he would stand again": the lemma is a PLOVER trigger, the sentence
holds no political interaction. Each check below reads the trigger's own arguments (its
object, particle, prepositions, complements and subject) from the dependency parse; none
looks at the topic of the article (that is :func:`agents.ordinary_news`).
"""

from __future__ import annotations

from typing import Any

from claimtrack.stages.actor_codes import code_sector
from claimtrack.stages.event_frames import particle, prep_objects, subjects


def phrase_text(head: Any) -> str:
    """The words of the phrase headed by ``head``, joined by spaces."""
    return " ".join(t.text for t in head.subtree)


#: Nouns a nominal trigger may modify and still name an event ("emergency measures").
EVENT_HEADS = {"effort", "measure", "campaign", "operation", "process", "program", "programme",
               "plan", "deal", "agreement", "talk", "talks", "meeting", "strike", "attack",
               "bombing", "raid", "offensive", "action", "activity", "exercise", "drill", "law",
               "explosion", "blast", "fire", "protest", "rally", "march", "conference", "visit",
               "mission", "initiative", "war", "game", "round", "session", "summit", "order",
               "decree", "ban", "call", "demand", "threat", "warning", "crackdown", "assault"}
#: Modifiers that make an attack one of words, law or commerce.
FIGURATIVE_ATTACKS = frozenset({"legal", "verbal", "political", "personal", "scathing",
                                "stinging", "blistering", "withering", "rhetorical", "asian",
                                "european", "american", "japanese", "chinese", "marketing",
                                "commercial", "sales", "export", "price"})
MILITARY_WORDS = frozenset({"military", "naval", "army", "navy", "troop", "soldier", "war",
                            "warship", "missile", "marine", "joint", "drill", "air", "force",
                            "artillery", "tank", "nuclear", "combat", "defence", "defense"})
SPEECH_VERBS = {"comment", "say", "speak", "confirm", "elaborate", "discuss", "answer", "reply",
                "respond", "reveal", "disclose", "specify", "name", "identify", "give"}
#: Triggers that need a particle, an object or a preposition to mean the event.
NEEDS_OBJECT = {
    "establish": {"tie", "ties", "relation", "relations", "contact", "contacts", "embassy"},
    "restore": {"tie", "ties", "relation", "relations", "contact", "contacts", "embassy"},
    "upgrade": {"tie", "ties", "relation", "relations", "contact", "contacts"},
    "normalize": {"tie", "ties", "relation", "relations"},
    "normalise": {"tie", "ties", "relation", "relations"},
    "sign": {"agreement", "treaty", "accord", "deal", "pact", "protocol", "declaration",
             "memorandum", "convention", "charter", "contract"},
}
TRANSITIVE_ONLY = {"seek", "close", "cut", "reduce", "halt", "deny", "free", "strengthen", "reinforce",
                   "block", "blockade", "arm", "fund", "finance", "feed", "deliver", "supply",
                   "provide", "grant", "share", "trade", "bar", "prevent", "shut", "beat",
                   "search", "accept", "back", "suspend", "freeze", "recall", "release"}


#: What is sent, shared, offered, accepted or looked into when the act is a political one:
#: "sent arms", "shared intelligence", "offered talks", "accepted the proposal", "investigate
#: the killing" (and not "sent an e-mail", "share all the blogs", "offers processing by the
#: hour", "accepted the difficult balance", "probed the future of P2P").
SENT_GOODS = frozenset({
    "aid", "assistance", "help", "relief", "food", "supply", "supplies", "medicine", "medicines",
    "equipment", "material", "materiel", "weapon", "weapons", "arm", "arms", "ammunition",
    "money", "fund", "funds", "cash", "loan", "reinforcement", "reinforcements", "tent", "tents",
    "water", "fuel", "personnel", "team", "teams", "expert", "experts", "delegation", "envoy",
    "mission", "observer", "observers", "monitor", "monitors", "doctor", "doctors",
    "peacekeeper", "peacekeepers", "warship", "warships", "ship", "ships", "aircraft", "plane",
    "planes", "jet", "jets", "helicopter", "helicopters", "missile", "missiles", "tank", "tanks"})
SHARED_GOODS = frozenset({
    "intelligence", "information", "data", "expertise", "technology", "know-how", "evidence",
    "experience", "resource", "resources", "power", "responsibility", "burden", "finding",
    "findings", "file", "files", "detail", "details", "record", "records", "secret", "secrets"})
OFFERED = frozenset({
    "talk", "talks", "negotiation", "negotiations", "dialogue", "help", "aid", "assistance",
    "support", "ceasefire", "cease-fire", "truce", "amnesty", "asylum", "concession",
    "concessions", "compromise", "deal", "resignation", "apology", "protection", "troop",
    "troops", "reward", "mediation", "peace", "guarantee", "guarantees", "security", "loan",
    "loans", "money", "fund", "funds", "cash", "compensation", "pardon", "immunity", "refuge",
    "sanctuary", "cooperation", "co-operation", "place", "seat", "post", "job", "role"})
ACCEPTED = frozenset({
    "offer", "proposal", "proposals", "plan", "deal", "agreement", "term", "terms", "condition",
    "conditions", "demand", "demands", "invitation", "ceasefire", "cease-fire", "truce",
    "resignation", "apology", "compromise", "settlement", "peace", "mediation", "resolution",
    "request", "recommendation", "recommendations", "formula", "refugee", "refugees",
    "independence", "result", "results", "verdict", "ruling", "decision", "mandate", "aid",
    "help", "assistance", "bid", "nomination", "post", "job", "challenge"})
INVESTIGATED = frozenset({
    "death", "deaths", "killing", "killings", "murder", "shooting", "attack", "attacks",
    "bombing", "crash", "incident", "incidents", "case", "cases", "allegation", "allegations",
    "claim", "claims", "complaint", "complaints", "charge", "charges", "fraud", "corruption",
    "abuse", "abuses", "crime", "crimes", "affair", "scandal", "leak", "leaks", "conduct",
    "handling", "role", "link", "links", "connection", "connections", "violation",
    "violations", "breach", "breaches", "payment", "payments", "donation", "donations",
    "loan", "loans", "activity", "activities", "disappearance", "collapse", "failure",
    "failures", "use", "sale", "sales", "deal", "deals", "contract", "contracts", "spending", "site", "sites", "facility", "facilities", "programme",
    "program", "weapon", "weapons", "camp", "camps", "prison", "prisons"})
#: What a state or an authority grants someone ("granted asylum to five officers").
GRANTED = frozenset({"asylum", "amnesty", "access", "pardon", "immunity", "independence",
                     "autonomy", "citizenship", "visa", "visas", "refuge", "permission",
                     "clemency", "concession", "concessions", "recognition", "sanctuary",
                     "protection", "request", "demand", "demands", "right", "rights",
                     "exemption", "waiver", "extension", "release", "freedom", "passage"})
#: Powers held rather than used: "would keep the veto".
POSSESSING = frozenset({"keep", "retain", "have", "hold", "maintain", "lose", "give", "surrender",
                        "abolish", "extend", "preserve", "protect", "defend", "want", "seek"})
#: What a refusal to discuss makes a refusal of negotiation, not a refusal to comment.
NEGOTIATED = frozenset({"proposal", "proposals", "plan", "plans", "deal", "offer", "terms",
                        "peace", "ceasefire", "truce", "settlement", "demand", "demands",
                        "compromise", "withdrawal", "reform", "reforms", "agreement"})
#: What one seeks for oneself, not of others: "seeking work", "seeks re-election".
PERSONAL_GOALS = frozenset({"work", "job", "jobs", "employment", "re-election", "election",
                            "office", "nomination", "seat", "treatment", "career", "fame",
                            "fortune", "buyer", "buyers", "partner", "partners", "investor",
                            "investors", "finance", "funding", "growth", "return", "returns"})
#: What is frozen as a sanction or a concession ("froze the regime's assets").
FROZEN = frozenset({"asset", "assets", "account", "accounts", "bank", "property", "debt",
                    "debts", "payment", "payments", "talks", "membership", "programme",
                    "program", "cooperation", "co-operation", "deal", "settlement",
                    "settlements", "construction", "relations", "visa", "visas"})
#: What is destroyed in an attack: buildings, places, weapons, livelihoods.
DESTROYED = frozenset({
    "house", "houses", "home", "homes", "building", "buildings", "village", "villages", "town",
    "towns", "city", "bridge", "bridges", "school", "schools", "mosque", "mosques", "church",
    "churches", "temple", "shrine", "crop", "crops", "field", "fields", "vehicle", "vehicles",
    "car", "cars", "truck", "trucks", "tank", "tanks", "aircraft", "plane", "planes",
    "helicopter", "helicopters", "base", "bases", "post", "posts", "camp", "camps", "office",
    "offices", "property", "properties", "infrastructure", "road", "roads", "hospital",
    "hospitals", "embassy", "station", "airport", "port", "pipeline", "plant", "factory",
    "market", "shop", "shops", "weapon", "weapons", "missile", "missiles", "launcher",
    "launchers", "ship", "boat", "boats", "checkpoint", "headquarters", "compound"})
#: What a state cuts when it sanctions: "cut ties", "cut aid", "cut off gas".
SEVERED = frozenset({"tie", "ties", "relation", "relations", "link", "links", "contact",
                     "contacts", "aid", "assistance", "funding", "fund", "funds", "supply",
                     "supplies", "gas", "oil", "electricity", "power", "water", "trade",
                     "loan", "loans", "credit", "subsidy", "subsidies", "export", "exports",
                     "import", "imports", "flight", "flights", "route", "routes", "access"})
#: What is fired in an attack: "fired four shell bombs at targets".
MUNITIONS = frozenset({"shot", "shots", "round", "rounds", "bullet", "bullets", "rocket",
                       "rockets", "missile", "missiles", "shell", "shells", "bomb", "bombs",
                       "mortar", "mortars", "grenade", "grenades", "gas", "cannon", "weapon",
                       "weapons", "gun", "guns", "salvo", "salvoes", "volley", "volleys",
                       "artillery", "torpedo", "torpedoes", "projectile", "projectiles"})
#: What is denied rather than refused: rejecting a claim is a rebuttal (the stance of a
#: claim), rejecting a call, a plan or an offer is a REJECT.
REBUTTED = frozenset({
    "claim", "claims", "suggestion", "suggestions", "allegation", "allegations", "accusation",
    "accusations", "charge", "charges", "report", "reports", "rumour", "rumours", "rumor",
    "rumors", "speculation", "criticism", "criticisms", "complaint", "complaints", "assertion",
    "assertions", "notion", "idea", "story", "stories", "account", "accounts", "question",
    "questions", "wrongdoing", "involvement", "responsibility", "link", "links", "knowledge",
    "molestation", "abuse", "murder", "assault", "fraud", "corruption", "bribery", "theft",
    "rape", "manslaughter", "offence", "offences", "crime", "crimes", "statement"})
#: What is fought in words or by policy: "fight terrorism", "the opposition to new stores".
ABSTRACT_FOES = frozenset({"crime", "terrorism", "terror", "poverty", "disease", "corruption",
                           "drug", "drugs", "inflation", "fraud", "opposition", "case", "charge",
                           "charges", "exit", "decision", "ruling", "plan", "plans", "proposal",
                           "proposals", "bill", "law", "ban", "cut", "cuts", "closure", "racism",
                           "discrimination", "extremism", "illiteracy", "hunger", "aids", "hiv",
                           "cancer", "obesity", "unemployment", "battle", "fight", "election",
                           "seat", "campaign", "claim", "claims", "allegation", "allegations"})
#: What one resigns from ("quit the cabinet"); a show, a club or a habit is no office.
OFFICES = frozenset({
    "post", "office", "job", "position", "seat", "presidency", "premiership", "government",
    "cabinet", "coalition", "party", "parliament", "leadership", "chairmanship", "role",
    "ministry", "command", "throne", "council", "assembly", "senate", "congress", "commission",
    "board", "race", "talks", "negotiations", "treaty", "agreement", "alliance", "union"})
#: Verbs whose "that"-clause is a view held, not a demand made: "We accept that neither
#: commercial fishing nor angling should fall within the remit" asks nothing of anyone.
ASSENTING = frozenset({"accept", "agree", "admit", "acknowledge", "concede", "recognise",
                       "recognize", "understand", "know", "hope", "expect", "fear", "doubt",
                       "suspect", "wonder", "realise", "realize"})


def _objects_in(token: Any, words: frozenset[str]) -> bool:
    """Whether a direct object (or, in the passive, the subject) of the trigger is one of
    ``words``, by lemma or word ("sent arms", "intelligence was shared")."""
    heads = [o for o in token.children if o.dep_ in {"dobj", "nsubjpass"}]
    heads += [c for o in heads for c in o.children if c.dep_ == "conj"]  # "photographs and
    # other military intelligence"
    return any(o.lemma_.lower() in words or o.lower_ in words for o in heads)


def _question(token: Any) -> bool:
    """'asked if he would stand again', 'asked why the government': a question, not a
    request (a request has "to", "for" or a thing asked: "asked Iran to", "asked for aid")."""
    return not any(c.dep_ == "xcomp" for c in token.children) and not prep_objects(
        token, {"for"}) and not any(c.dep_ == "dobj" and c.lemma_.lower() in OFFERED | ACCEPTED
                                    for c in token.children)


def argued_sense(doc: Any, token: Any, lemma: str, someone: Any) -> bool:
    """Sense checks that need to know who can act (``someone(doc, token)``): "shot basketball
    hoops", "released a new album", "admits a drugs link", "investigated the future of P2P",
    "pledged two hours of PE per pupil" (a promise to nobody in particular)."""
    objects = [c for c in token.children if c.dep_ in {"dobj", "nsubjpass"}]
    if lemma == "shoot" and token.pos_ == "VERB" and particle(token) != "down":
        return any(someone(doc, o) for o in objects) or any(
            someone(doc, o) or o.ent_type_ in {"GPE", "LOC", "FAC"}
            for o in prep_objects(token, {"at", "on", "into"}))
    if lemma in {"release", "re-release", "admit"} and token.pos_ == "VERB":
        return any(someone(doc, o) for o in objects)
    if lemma in {"investigate", "probe"} and token.pos_ == "VERB" and objects:
        return any(o.lemma_.lower() in INVESTIGATED or o.ent_type_ in {"GPE", "LOC", "FAC"}
                   or any(someone(doc, t) for t in o.subtree if t.pos_ in {"NOUN", "PROPN"})
                   for o in objects)  # "the welfare of 2,000 Libyans"
    if lemma in {"fight", "battle", "combat"} and token.pos_ == "VERB":
        # "rebels fought government troops"; not "fight organised crime", "fight poverty",
        # "is fighting opposition to new stores", "to fight its cup exit in the courts"
        opponents = objects + prep_objects(token, {"against", "with"})
        return not opponents or any(someone(doc, o) or o.ent_type_ in {"GPE", "LOC", "FAC"}
                                    for o in opponents if o.lemma_.lower() not in ABSTRACT_FOES)
    if lemma in {"pledge", "promise", "propose"}:
        if any(c.dep_ == "xcomp" for c in token.children) and lemma != "propose":
            return True  # "promised to continue military aid to Mozambique"
        inside = [t for c in token.children if c.dep_ not in {"nsubj", "nsubjpass", "agent"}
                  for t in c.subtree]
        return any(someone(doc, t) for t in inside if t.pos_ in {"NOUN", "PROPN"}) or \
            _objects_in(token, OFFERED)
    return True


def reading_holds(token: Any, lemma: str, pos: str) -> bool:
    """Whether a polysemous trigger has the arguments of its event reading here."""
    if pos != "VERB":
        if token.dep_ in {"compound", "amod"} and token.head.lemma_.lower() not in EVENT_HEADS:
            return False  # "aid groups", "protest movement": a kind of party, not an event
        if lemma == "veto" and token.head.lemma_.lower() in POSSESSING:
            return False  # "would keep the veto": a power held, not used
        if lemma == "relief" and token.dep_ == "pobj" and token.head.lower_ == "to":
            return False  # "to the relief of his supporters"
        if lemma == "explosion" and prep_objects(token, {"of"}):
            return False  # "an explosion of quangos": growth, not a blast
        if lemma in {"attack", "assault"} and any(
                c.dep_ == "amod" and c.lower_ in FIGURATIVE_ATTACKS for c in token.children):
            return False  # "legal attacks on BitTorrent", "the Asian assault on the US market"
        if lemma == "call":  # "calls for a ban", "a call to resign"; not "their calls are
            # not marketing" (telephone calls)
            return bool(prep_objects(token, {"for", "on", "upon"})) or any(
                c.dep_ in {"acl", "relcl"} and any(a.lower_ == "to" for a in c.children)
                for c in token.children)
        if lemma == "game":
            return any(c.lower_ == "war" for c in token.children)
        if lemma == "exercise":  # "joint military exercises", not "physical exercise"
            return any(t.lemma_.lower() in MILITARY_WORDS for t in token.sent)
        if lemma == "fire":  # "opened fire", "came under fire", "fire on"
            return token.head.lemma_ in {"open", "return", "come", "exchange"} or bool(
                prep_objects(token, {"on", "at"}))
        return True
    prt = particle(token)
    objects = [c for c in token.children if c.dep_ == "dobj"]
    if lemma == "intervene":  # "intervening in Ukraine", not "intervened to mediate"
        return bool(prep_objects(token, {"in"}))
    if lemma in {"enter", "cross"}:  # "troops entered Ukrainian territory": an incursion
        return any(code_sector(phrase_text(a)) == "MIL" for a in subjects(token))
    if lemma in {"decline", "refuse"} and any(
            c.dep_ == "xcomp" and c.lemma_.lower() in SPEECH_VERBS
            and not any(g.lemma_.lower() in NEGOTIATED for g in c.subtree
                        if g.dep_ in {"dobj", "pobj"}) for c in token.children):
        return False  # "declined to comment on speculation", "refused to discuss his new
        # position": a stance of the claim ("refused to discuss the proposal" stays a REJECT)
    if lemma in SPEECH_VERBS and token.dep_ == "xcomp" and token.head.lemma_.lower() in {
            "refuse", "decline"} and not any(g.lemma_.lower() in NEGOTIATED for g in token.subtree
                                              if g.dep_ in {"dobj", "pobj"}):
        return False  # "Dr Fox refused to discuss weekend newspaper reports": no meeting
    if lemma == "call":  # "called it a disgrace" is no request (see _code); "called on X to" is
        if any(c.dep_ == "nsubjpass" for c in token.children) and not prep_objects(
                token, {"on", "for", "upon"}):
            return False  # "It is called 'podcasting'": a name, not a call
        return bool(prep_objects(token, {"on", "for", "upon"})) or prt in {"on", "for"} or (
            any(c.dep_ == "oprd" for c in token.children))
    if lemma == "step":
        return prt == "down"
    if lemma == "insist":  # "insisted on a recount"; "insisted the vote was fair" is a claim
        return bool(prep_objects(token, {"on", "upon"}))
    if lemma == "press":  # "pressed Iran to", "pressing for talks"; not "pressing charges"
        return bool(prep_objects(token, {"for"})) or any(c.dep_ == "xcomp" for c in token.children)
    if lemma == "push":  # "pushing hard for the US support", "pushed Iran to"; not "pushed up
        # the price" or "pushed through the injury"
        return prt is None and not prep_objects(token, {"through", "into", "past"})
    if lemma == "freeze":  # "froze its assets", "freeze the foreign debts"; not "the industry
        # is being frozen in time"
        return _objects_in(token, SEVERED | FROZEN)
    if lemma == "destroy":  # "destroyed homes", "destroyed two tanks"; not "files destroyed"
        return _objects_in(token, DESTROYED) or any(
            o.ent_type_ in {"GPE", "LOC", "FAC", "ORG", "PERSON", "NORP"}
            for o in token.children if o.dep_ in {"dobj", "nsubjpass"})
    if lemma == "allege" and any(c.dep_ == "nsubjpass" for c in token.children) and any(
            c.dep_ == "xcomp" for c in token.children):
        return False  # "Mr Houston is alleged to have said ...": a hedge, nobody accuses
    if lemma == "back" and prt == "up":
        return False  # "back up their words"
    if lemma == "plead":  # "pleaded with Iran to", "pleaded for calm"; not "pleaded guilty"
        return bool(prep_objects(token, {"for", "with"})) or any(
            c.dep_ == "xcomp" for c in token.children)
    if lemma == "seek" and objects and all(o.lemma_.lower() in PERSONAL_GOALS for o in objects):
        return False  # "seeking work", "seeks re-election": nobody is asked for anything
    if lemma == "host":  # "hosted the Japanese prime minister", "host a summit"; not "hosted a
        # dinner at Windsor" or "will host the World Social Forum"
        return any(o.lemma_.lower() in {"talk", "talks", "summit", "negotiation",
                                        "negotiations", "meeting", "visit"}
                   or o.ent_type_ in {"PERSON", "NORP", "GPE"} or code_sector(o.lemma_)
                   or o.tag_ in {"NNP", "NNPS"}
                   and o.ent_type_ not in {"EVENT", "FAC", "WORK_OF_ART"}
                   for o in objects)
    if lemma == "cut":  # "cut ties", "cut off electricity to"; not "cut the twin deficits"
        return prt == "off" or _objects_in(token, SEVERED)
    if lemma == "provide":  # "provide aid", "providing military intelligence"; not "provide
        # services" or "provide a boost"
        goods = SENT_GOODS | SHARED_GOODS | GRANTED | OFFERED
        return any(t.lemma_.lower() in goods for o in token.children if o.dep_ in {
            "dobj", "nsubjpass"} for t in o.subtree)  # "25,000 tons of emergency food aid"
    if lemma == "fire":  # "fired rockets at", "fire on militants"; not "fired up his
        # campaign", "I am fired up", "fired the coach"
        return prt is None and (bool(prep_objects(token, {"at", "on", "into", "upon", "across"}))
                                or _objects_in(token, MUNITIONS))
    if lemma == "fight" and (prt == "out" or any(o.lower_ in {"it", "this", "that"}
                                                 for o in objects)):
        return False  # "fight it out together": a political quarrel
    if lemma == "ask":
        return not _question(token)
    if lemma == "send":
        return _objects_in(token, SENT_GOODS) or any(
            c.dep_ == "dobj" and c.lemma_.lower() in {"troop", "troops", "soldier", "soldiers",
                                                     "force", "forces"} for c in token.children)
    if lemma == "grant":  # "granted asylum", "grant aid"; not "granted licences"
        return _objects_in(token, SENT_GOODS | GRANTED) or any(
            c.dep_ == "dobj" and c.lemma_.lower() in GRANTED for c in token.children)
    if lemma == "share":
        return _objects_in(token, SHARED_GOODS)
    if lemma == "offer":
        return any(c.dep_ == "xcomp" for c in token.children) or _objects_in(token, OFFERED) or (
            any(c.dep_ == "dative" for c in token.children))
    if lemma == "accept":
        return _objects_in(token, ACCEPTED)
    if lemma == "agree":  # "agreed to withdraw", "agreed on a pact", "agreed a deal", "the
        # two sides agreed"; not "Mr Telford agreed" or "would agree with me" (a view)
        return any(c.dep_ in {"xcomp", "dobj"} for c in token.children) or bool(
            prep_objects(token, {"to", "on", "upon"})) or (
            not prep_objects(token, {"with"}) and any(
                s.tag_ in {"NNS", "NNPS"} or s.lower_ in {"they", "we", "both"}
                or any(c.dep_ == "conj" for c in s.children) for s in subjects(token)))
    if lemma == "quit":  # "quit the cabinet", "he quit"; not "quit his MTV show"
        return not objects or any(o.lemma_.lower() in OFFICES for o in objects)
    if lemma == "pull":
        return prt in {"out", "back"}
    if lemma == "strike":
        return not any(o.lemma_.lower() in {"deal", "agreement", "balance", "chord", "note", "tone"}
                       for o in objects)
    if lemma in NEEDS_OBJECT:
        return any(o.lemma_.lower() in NEEDS_OBJECT[lemma] or o.lower_ in NEEDS_OBJECT[lemma]
                   for o in objects)
    rejected = objects + [c for c in token.children if c.dep_ == "nsubjpass"]
    if lemma in {"reject", "dismiss", "deny", "refute", "rebut"} and rejected and all(
            o.lemma_.lower() in REBUTTED or o.lower_ in REBUTTED | {"talk"}
            or o.lower_ in {"that", "this", "it"} for o in rejected):
        return False  # "dismissed claims of broken promises", "I reject that entirely",
        # "denies child molestation": a denial (the claim's stance), not a refusal
    if lemma in TRANSITIVE_ONLY:
        if lemma == "deny" and any(c.dep_ in {"ccomp", "xcomp"} for c in token.children):
            return False  # "denied sending troops" is a denial (a claim's stance), not a refusal
        return bool(objects) or any(c.dep_ == "nsubjpass" for c in token.children)
    return True
