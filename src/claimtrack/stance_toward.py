"""The stance of an article (or its headline) toward a given claim: for, against or observing.

Emergent's three classes (Ferreira & Vlachos 2016): *for* asserts the claim as true, *against*
says it is false, *observing* reports it without assessing it. The rules reuse what the
attribution stage knows about how news distances itself from what it reports:

1. **against** when the text debunks ("hoax", "fake", "no evidence", "debunked";
   ``lexicons/debunk.txt``), carries a denial cue ("denies", "dismisses"; ``cues.tsv``), or
   negates its main predicate ("Apple is not buying Beats") while the claim does not.
2. **observing** when the text hedges ("reportedly", "may", ``hedges.txt``), attributes
   ("says", "claims", "according to"; the assert and hedge cues of ``cues.tsv``), calls it a
   rumour or report, or asks ("Is Apple buying Beats?").
3. **for** otherwise: the text states it.

Stance comes from these words, never from similarity: "denied" and "admitted" sit next to each
other in any embedding space. The claim is used only to see whether it is itself negated.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any, Literal

from claimtrack import lexicons
from claimtrack.stages.stance import is_negated

Stance = Literal["for", "against", "observing"]
STANCES: tuple[Stance, ...] = ("for", "against", "observing")
#: Verbs that report (and so keep the claim at a distance), as opposed to any cue verb.
REPORTING_VERBS = frozenset({"say", "claim", "allege", "report", "suggest", "speculate",
                             "believe", "think", "reckon", "predict", "expect", "estimate",
                             "fear", "rumor", "rumour", "purport", "insist"})
#: Verbs that, with a report noun ("slams rumors", "kills rumor"), reject what is reported.
REJECTING_VERBS = frozenset({"deny", "denies", "denied", "refute", "refutes", "refuted",
                             "dismiss", "dismisses", "dismissed", "slam", "slams", "slammed",
                             "blast", "blasts", "blasted", "kill", "kills", "killed", "quash",
                             "quashes", "quashed", "squash", "squashes", "debunk", "debunks",
                             "reject", "rejects", "rejected", "rebut", "rebuts", "scotch",
                             "scotches", "shoot", "shoots", "call", "calls", "called"})
#: "no hoax", "not fake": a debunking word that is itself negated does not debunk.
NEGATED_BEFORE = re.compile(r"\b(no|not|n't|never)\s+(a\s+)?$")
#: A headline credited to a source: "NYT: ...", "Report: ...", "... - NY Post", "... -- analyst".
CREDITED = re.compile(r"^(?:[A-Z]{2,5}|Reports?|Rumou?rs?|Sources?):\s|\s[-–—]{1,2}\s+"
                      r"(?:[A-Z][\w.']*\s?)(?:[\w.']+\s?){0,2}$|\s[-–—]{1,2}\s+analysts?$")
#: Words that make a headline's statement an appearance rather than a fact.
APPEARANCE = frozenset({"appears", "appear", "appeared", "seems", "seem", "seemingly",
                        "purportedly", "mystery"})
QUESTION_OPENERS = frozenset({"is", "are", "was", "were", "has", "have", "did", "does", "do",
                              "could", "can", "will", "would", "should"})
DENIAL_WORDS = frozenset({"deny", "denies", "denied", "denying", "refute", "refutes",
                          "refuted", "rebuts", "rebutted", "disavows"})
REPORT_NOUNS = frozenset({"report", "reports", "rumor", "rumors", "rumour", "rumours", "claim",
                          "claims", "speculation", "sources", "source", "allegation",
                          "allegations", "whispers", "buzz", "gossip"})


@cache
def _debunk_patterns() -> re.Pattern[str]:
    words = sorted(lexicons.words("debunk.txt"), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b")


@cache
def _hedges() -> frozenset[str]:
    return lexicons.words("hedges.txt")


def _main_predicates(parse: Any) -> list[Any]:
    """The root of each sentence, and the clause a reporting root carries ("X says Y": Y)."""
    roots = [s.root for s in parse.sents]
    out = list(roots)
    for root in roots:
        out += [c for c in root.children if c.dep_ in {"ccomp", "conj"}]
    return out


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ation", "ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=4096)
def _claim_facts(nlp: Any, claim: str) -> tuple[bool, frozenset[str]]:
    """Whether the claim negates its own main predicate, and its content-word stems; cached,
    since one claim is compared with many headlines."""
    parse = nlp(claim)
    stems = frozenset(_stem(t.text) for t in parse if t.is_alpha and len(t) > 3 and not t.is_stop)
    return any(is_negated(p) for p in _main_predicates(parse)), stems


def _negated_claim_word(parse: Any, claim_stems: frozenset[str]) -> str | None:
    """A content word of the claim within three words after 'not'/'no'/'never' in the text:
    matched on lower-cased word stems, so all-caps headlines the tagger misreads still count."""
    words = [t for t in parse if not t.is_punct]
    for i, token in enumerate(words):
        if token.lower_ in {"not", "no", "never", "n't"}:
            for nxt in words[i + 1: i + 4]:
                if nxt.is_alpha and len(nxt) > 3 and _stem(nxt.text) in claim_stems:
                    return nxt.text
    return None


def stance_toward(claim: str, text: str, nlp: Any) -> tuple[Stance, str]:
    """(stance, reason) of ``text`` toward ``claim``; ``nlp`` is a loaded spaCy pipeline."""
    lowered = text.lower()
    parse = nlp(text)
    found = list(_debunk_patterns().finditer(lowered))
    debunk = next((m for m in found if not NEGATED_BEFORE.search(lowered[: m.start()])), None)
    affirmed = len(found) > 0 and debunk is None  # "no hoax", "not fake": said to be true
    if debunk and "?" in lowered[debunk.start():]:
        return "observing", f"asks whether it is '{debunk.group(0)}'"  # "Real or hoax?"
    if debunk:
        return "against", f"debunking word '{debunk.group(0)}'"
    words = [t.lower_ for t in parse]
    denial = next((w for w in words if w in DENIAL_WORDS), None)
    if denial:  # matched on the word: title-case headlines ("Kurds Deny") mislead the tagger
        return "against", f"denial cue '{denial}'"
    if set(words) & REPORT_NOUNS and set(words) & (REJECTING_VERBS - {"call", "calls",
                                                                      "called"} | {"rubbish"}):
        return "against", "a report rejected ('slams rumors')"
    claim_negated, claim_stems = _claim_facts(nlp, claim)
    negated_word = _negated_claim_word(parse, claim_stems)
    if negated_word and not claim_negated and not affirmed:
        return "against", f"negates the claim's '{negated_word}'"  # "BATMOBILE NOT STOLEN"
    negated = next((p for p in _main_predicates(parse) if is_negated(p)), None)
    if negated is not None and not claim_negated and not affirmed:
        return "against", f"negated predicate '{negated.text}'"
    if text.rstrip().endswith("?") or any(
            s.text.rstrip().endswith("?") and s[0].lower_ in QUESTION_OPENERS
            for s in parse.sents):
        return "observing", "a question"  # "Is this Crabzilla? Giant crab spotted ..."
    credited = CREDITED.search(text)
    if credited:  # "NYT: Apple Watch ...", "... - NY Post", "... -- analyst"
        return "observing", f"credited to a source '{credited.group(0).strip()}'"
    for token in parse:
        word = token.lower_
        if word in _hedges() or word in APPEARANCE:
            return "observing", f"hedge '{token.text}'"
        if word in REPORT_NOUNS:
            return "observing", f"report noun '{token.text}'"
        verb_form = word in REPORTING_VERBS or (word.endswith("s") and word[:-1] in
                                                 REPORTING_VERBS) or word in {"said", "claimed"}
        if (token.lemma_.lower() in REPORTING_VERBS or verb_form) and (
                token.pos_ in {"VERB", "AUX"} or word in {"says", "said", "claims", "claimed"}):
            return "observing", f"reporting verb '{token.text}'"
    if "according to" in lowered:
        return "observing", "'according to'"
    return "for", "stated without distance"
