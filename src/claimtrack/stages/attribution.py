"""attribution: who says what. Claims from direct, indirect and mixed quotes, "according to",
nominal reports ("Russia's denials that ...") and the outlet's own narration.

The rules read the dependency parse: a cue verb from ``lexicons/cues.tsv`` with a subject
(the source) and a complement (the content: a clausal complement, "accused X of Y", "denies
intervening", "appealed to X to Y"), snapped to the quotation it lies in when there is one.
A claim whose cue lies inside another claim's content is nested under it. Every sentence no
claim covers is the outlet's narration.
"""

from __future__ import annotations

import re
from typing import Any

from claimtrack import lexicons
from claimtrack.model import Claim, Document, Entity, Span
from claimtrack.stages.actors import EntityRegistry, code_entity
from claimtrack.stages.cue_frames import (
    RELATIVE_PRONOUNS,
    frame_of,
    learned_frames,
    noun_frame_of,
    noun_source_of,
    subject_of,
    unlikely_frames,
)
from claimtrack.stages.quotes import find_quotes
from claimtrack.stages.stance import (
    BELIEF_NEGATION_RAISERS,
    cue_stances,
    is_no_comment,
    polarity_of,
    raised_report,
    stance_of,
)

CONTENT_CLAUSES = {"ccomp", "parataxis"}
XCOMP_CUES = {"decline", "refuse", "appeal", "urge", "call", "ask", "demand", "promise",
              "pledge", "vow", "threaten", "deny"}
OBJECT_CUES = {"deny", "reject", "dismiss", "refute", "confirm", "admit", "acknowledge",
               "announce", "claim", "allege", "predict", "reveal", "report"}
EVALUATIVE_CUES = {"call", "describe", "label", "dub", "brand", "criticize", "criticise", "praise",
                   "condemn", "thank", "applaud", "slam", "endorse", "defend", "blame"}
COMPLEMENT_ONLY = {"find", "show", "indicate", "conclude", "add", "note", "post", "report", "ask", "call", "write", "describe", "agree",
                   "explain", "expect", "fear", "think", "believe", "charge", "maintain"}
SOURCE_DROP = {"relcl", "acl", "appos", "punct", "advcl", "cc"}
MIN_QUOTE_WORDS = 4
COLON_SOURCE_MAX_TOKENS = 6  # "Gov. Mary Fallin: ..." -- a longer left side is not a byline
CONTINUATION_GAP = 60  # characters from the cue to a quote that continues the same claim
# Learned cue frames are not taken in conditional or temporal clauses: "until Russia withdraws
# its forces" is a condition, not something Russia says.
CONDITION_MARKS = {"until", "if", "unless", "before", "after", "when", "once", "while", "because"}
APPEARANCE_CUES = {"appear", "seem"}  # raising verbs: their subject is not a source
BELIEF_CUES = {"think", "believe", "suspect", "guess", "expect"}


#: "Report: ...", "Rumor: ...": a headline that passes something on without standing by it.
HEDGED_LEAD = re.compile(r"^(Reports?|Rumou?rs?|Sources?|Unconfirmed)\s*:\s", re.IGNORECASE)
#: "HOAX: ...", "FAKE: ...": a headline that rejects what follows.
DEBUNKING_LEAD = re.compile(r"^(Hoax|Fake|False|Debunked|Myth|Not true)\s*:\s", re.IGNORECASE)
#: "... - NY Post", "... -- analyst", "... : WSJ": a headline credited to who said it.
#: The name may go on in lower case ("- NY post"); a bare credit noun counts too (": report").
CREDIT_TAIL = re.compile(r"(?P<mark>\s[-–—]{1,2}\s+|\s?:\s+)(?P<name>(?:[A-Z][\w.&']*)"
                         r"(?:\s(?:[A-Z][\w.&']*|post|times|news|journal)){0,2}"
                         r"|analysts?|reports?|sources?|officials?|police|media)\s*$")
#: "... UPDATE: Nope", "... Update: not true": a headline taking back what it first said.
RETRACTING_UPDATE = re.compile(r"\bUPDATE\s*:?\s*(?P<cue>nope|no\b|not\b|false|fake|hoax|debunked)",
                               re.IGNORECASE)


class AttributionStage:
    """Find every claim in a document, with source entity, cue, content, kind and stance."""

    name = "attribution"
    requires = frozenset({"parse", "entities", "paragraphs"})
    produces = frozenset({"claims"})

    def __init__(self, learned_cues: bool = True) -> None:
        self.learned_cues = learned_cues  # False: the hand lexicon only (rule-only mode)

    def run(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            doc.claims = []
            _Finder(doc, self.learned_cues).find()
            for entity in doc.entities:
                code_entity(entity)
        return docs


class _Finder:
    """The attribution rules applied to one document."""

    def __init__(self, doc: Document, use_learned: bool = True) -> None:
        self.doc = doc
        self.parse: Any = doc.parse
        self.registry = EntityRegistry(doc)
        self.quotes = find_quotes(doc.text, doc.paragraphs)
        self.cues = cue_stances()
        self.nominal = {k: v[0] for k, v in lexicons.table("nominal_cues.tsv").items()}
        self.outlet: Entity | None = None
        self.learned = learned_frames() if use_learned else frozenset()
        self.unlikely = unlikely_frames() if use_learned else frozenset()
        self.nominal_claims: set[int] = set()  # id() of claims whose cue is a noun

    def find(self) -> None:
        for token in self.parse:
            before = len(self.doc.claims)
            if token.lemma_ in self.cues and token.pos_ in {"VERB", "AUX"}:
                if (token.lemma_.lower(), frame_of(token)) not in self.unlikely:
                    self._verbal(token)
            if len(self.doc.claims) > before:
                continue
            if (self.learned and token.pos_ in {"VERB", "AUX"} and not _conditional(token)
                  and not self._quoted(token)
                  and (token.lemma_.lower(), frame_of(token)) in self.learned):
                self._verbal(token, learned=True)
            elif token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
                self._according_to(token)
            elif token.lemma_ in self.nominal and token.pos_ == "NOUN":
                self._nominal(token)
            elif (self.learned and token.pos_ == "NOUN" and noun_source_of(token) is not None
                  and not self._quoted(token)
                  and (token.lemma_.lower(), noun_frame_of(token)) in self.learned):
                self._learned_nominal(token)
        self._colon_headlines()
        self._unattributed_quotes()
        self._narration()
        self._credited_narration()
        self.doc.claims.sort(key=lambda c: (c.content.start, c.cue_span.start if c.cue_span else 0))
        for n, claim in enumerate(self.doc.claims, start=1):
            claim.id = f"C{n}"  # ids in reading order
        self._nest()
        self._first_person_speakers()
        self._polarities()

    # --- claim kinds -------------------------------------------------------------------------

    def _verbal(self, cue: Any, learned: bool = False) -> None:
        if cue.dep_ == "xcomp" and any(c.cue_span and c.cue_span.start == cue.head.idx
                                       for c in self.doc.claims):
            return  # "declined to comment": part of the cue already attributed
        if cue.dep_ == "conj" and cue.head.dep_ == "xcomp" and is_no_comment(cue.head.head):
            return  # "refused to confirm or deny": a refusal, not a denial
        if raised_report(cue):
            return  # "Microsoft said to be buying": no source; the narration hedges it
        subject = subject_of(cue)
        if subject is None:
            if _agentless_passive(cue) and not learned:  # "Trump is expected to win"
                content = self._content(cue)
                if content is not None:
                    start, end, kind = self._snap(*content, cue)
                    self._add_unsourced(cue, start, end, kind,
                                        stance_of(cue, cue.lemma_, self.parse, start, end))
            return
        if cue.lemma_ in BELIEF_CUES and subject.lower_ in {"i", "you", "we"}:
            return  # "I think" is a speaker's hedge inside a quote, not a new attribution
        if subject.lower_ in {"you"} and self._quoted(cue):
            return  # "you said it yourself" inside a quote addresses someone, reports nothing
        content = self._frame_content(cue) if learned else self._content(cue)
        if content is None:
            return
        start, end, kind = self._snap(*content, cue)
        if end <= start or any(c.cue_span and c.cue_span.start == cue.idx for c in self.doc.claims):
            return
        if kind == "direct" and end <= cue.idx:
            end = self._continuation(cue, end)
        stance = stance_of(cue, cue.lemma_, self.parse, start, end)
        if is_no_comment(cue):
            stance = "no_comment"
        if cue.lemma_ in APPEARANCE_CUES:  # "the army appeared to have gained": the outlet hedges
            self._add_unsourced(cue, start, end, kind, "hedge")
            return
        self._add(subject, cue, start, end, kind, stance, cue_text=self._cue_text(cue))

    def _according_to(self, token: Any) -> None:
        to = next(c for c in token.children if c.lower_ == "to")
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return
        sent = token.sent
        phrase_start, phrase_end = token.i, pobj.right_edge.i + 1
        if phrase_start - sent.start <= 1:  # "According to X, ..."
            rest = self.parse[phrase_end : sent.end]
        elif all(t.is_punct or t.is_space for t in self.parse[phrase_end : sent.end]):
            rest = self.parse[sent.start : phrase_start]  # "..., according to X."
        else:  # "The decision, according to X, was ...": the sentence around the phrase
            rest = self.parse[sent.start : sent.end]
        rest_tokens = [t for t in rest if not t.is_punct]
        if not rest_tokens:
            return
        start, end = rest_tokens[0].idx, rest_tokens[-1].idx + len(rest_tokens[-1])
        stance = stance_of(None, "say", self.parse, start, end)
        self._add(pobj, token, start, end, "according_to", stance,
                  cue_text="according to", cue_end=to.idx + len(to))

    def _nominal(self, noun: Any) -> None:
        source = next((c for c in noun.children if c.dep_ == "poss"), None)
        hosts = [noun]
        if noun.dep_ == "pobj" and noun.head.lower_ == "of":  # "the credibility of X's denials that"
            hosts.append(noun.head.head)
        clause = next((c for h in hosts for c in h.children if c.dep_ in {"acl", "ccomp", "relcl"}
                       and c.i > noun.i and any(m.lower_ == "that" and m.dep_ == "mark"
                                                for m in c.children)), None)
        if source is None or clause is None:
            return
        start, end = self._extent(clause)
        stance = self.nominal[noun.lemma_]
        if stance != "deny":
            stance = stance_of(None, "say", self.parse, start, end)
        self._add(source, noun, start, end, "indirect", stance, cue_text=noun.text)
        self.nominal_claims.add(id(self.doc.claims[-1]))

    def _quoted(self, token: Any) -> bool:
        """Inside quotation marks: a learned frame there is the speaker's wording, not a report."""
        return any(q.start < token.idx < q.end for q in self.quotes)

    def _learned_nominal(self, noun: Any) -> None:
        """A reporting noun learned from PolNeAR: "his attacks on X", "her decision to Y"."""
        frame = noun_frame_of(noun)
        if frame in {"noun_that", "noun_to"}:
            clause = next(c for c in noun.children if c.dep_ in {"acl", "ccomp", "relcl"})
            start, end = self._extent(clause)
        elif frame.startswith("noun_prep_"):
            prep = next(c for c in noun.children if c.dep_ == "prep" and c.lower_ == frame[10:])
            objects = [g for g in prep.children if g.dep_ in {"pobj", "pcomp"}]
            if not objects:
                return
            start, end = self._extent(objects[0])
        else:
            return
        source = noun_source_of(noun)
        stance = stance_of(None, "say", self.parse, start, end)
        self._add(source, noun, start, end, "indirect", stance, cue_text=noun.text)
        self.nominal_claims.add(id(self.doc.claims[-1]))

    def _colon_headlines(self) -> None:
        """'Flynn: Trump "absolutely right" on ...': a name, a colon, and what the name says;
        '... - Mark Blumenthal: "quote"': a name right before a colon that opens a quotation."""
        self._name_colon_quotes()
        for sent in self.parse.sents:
            colon = next((t for t in sent[:COLON_SOURCE_MAX_TOKENS + 1] if t.text == ":"), None)
            if colon is None or colon.i == sent.start:
                continue
            left = self.parse[sent.start : colon.i]
            names = [e for e in self.parse.ents if e.label_ in {"PERSON", "ORG", "GPE", "NORP"}
                     and left.start <= e.start and e.end <= left.end]
            rest = [t for t in self.parse[colon.i + 1 : sent.end] if not t.is_space]
            if not names or sum(len(e) for e in names) < len(left) - 2 or len(rest) < 3:
                continue
            if any(c.content.overlaps(Span(rest[0].idx, rest[-1].idx + len(rest[-1])))
                   for c in self.doc.claims):
                continue
            start, end = rest[0].idx, rest[-1].idx + len(rest[-1])
            stance = stance_of(None, "say", self.parse, start, end)
            self._add(names[-1].root, colon, start, end, "indirect", stance, cue_text=":")

    def _name_colon_quotes(self) -> None:
        names = {e.end: e for e in self.parse.ents if e.label_ in {"PERSON", "ORG"}}
        for token in self.parse:
            if token.text != ":" or token.i not in names:
                continue
            quote = next((q for q in self.quotes if q.start >= token.idx + 1), None)
            if quote is None or self.doc.text[token.idx + 1 : quote.start].strip():
                continue
            if any(c.content.overlaps(quote) for c in self.doc.claims):
                continue
            stance = stance_of(None, "say", self.parse, quote.start, quote.end)
            self._add(names[token.i].root, token, quote.start, quote.end, "direct", stance,
                      cue_text=":")

    def _unattributed_quotes(self) -> None:
        """A quotation that fills most of its sentence and has no cue: the last quoted speaker."""
        for quote in self.quotes:
            if any(c.content.overlaps(quote) for c in self.doc.claims):
                continue
            span = self.parse.char_span(quote.start, quote.end, alignment_mode="expand")
            if span is None or sum(not t.is_punct for t in span) < MIN_QUOTE_WORDS:
                continue
            sent = span[0].sent
            if len(span) < 0.6 * len(sent):
                continue
            previous = [c for c in self.doc.claims if c.kind == "direct" and c.content.end <= quote.start]
            if not previous or quote.start - previous[-1].content.end > 600:
                continue
            last = previous[-1]
            stance = stance_of(None, "say", self.parse, quote.start, quote.end)
            self.doc.claims.append(Claim(
                id=f"tmp{len(self.doc.claims)}", content=quote,
                content_text=quote.text(self.doc.text), kind="direct", stance=stance,
                source_entity=last.source_entity, source_text=last.source_text,
                source_span=last.source_span, cue="", cue_span=None,
                sentence=self._sentence_index(quote.start),
                confidence=0.6,
            ))

    def _narration(self) -> None:
        """Every sentence no claim covers is the outlet's own claim."""
        for index, sent in enumerate(self.doc.sentences):
            covered = any(
                id(c) not in self.nominal_claims
                and (self.outlet is None or c.source_entity != self.outlet.id)
                and _covers(c, sent)
                for c in self.doc.claims
            )
            text = sent.text(self.doc.text)
            if covered or sum(ch.isalpha() for ch in text) < 3:
                continue
            outlet = self._outlet()
            start, end = sent.start, sent.end
            stance = stance_of(None, "say", self.parse, start, end)
            self.doc.claims.append(Claim(
                id=f"tmp{len(self.doc.claims)}", content=Span(start, end), content_text=text,
                kind="narration", stance=stance,
                source_entity=outlet.id, source_text=outlet.name, sentence=index,
            ))

    def _credited_narration(self) -> None:
        """Headline conventions that take the outlet's voice off a sentence: a leading
        "Report:" / "Rumor:" / "Sources:" makes it a hedge; a trailing credit ("... - NY Post",
        "... : WSJ", "... -- analyst") makes the credited party its source."""
        for claim in self.doc.claims:
            if claim.kind != "narration":
                continue
            text = claim.content_text.rstrip()
            debunked = DEBUNKING_LEAD.match(text)
            if debunked:  # "HOAX: TV show tricks catcallers ...": the outlet rejects it
                claim.stance, claim.cue = "deny", debunked.group(1)
                claim.cue_span = Span(claim.content.start,
                                      claim.content.start + len(debunked.group(1)))
                continue
            update = RETRACTING_UPDATE.search(text)
            if update:  # "The Batmobile might have been stolen UPDATE: Nope"
                claim.stance, claim.cue = "deny", update.group(0)
                claim.cue_span = Span(claim.content.start + update.start(),
                                      claim.content.start + update.end())
                continue
            lead = HEDGED_LEAD.match(text)
            if lead:
                claim.stance, claim.cue = "hedge", lead.group(1)
                claim.cue_span = Span(claim.content.start, claim.content.start + len(lead.group(1)))
                continue
            credit = CREDIT_TAIL.search(text)
            if credit is None or credit.start() < 12:
                continue
            name = credit.group("name").strip()
            start = claim.content.start + credit.start("name")
            entity = Entity(id=f"E{len(self.doc.entities) + 1}", name=name,
                            type="ANON" if name.lower().startswith("analyst") else "ORG")
            self.doc.entities.append(entity)
            claim.kind, claim.cue = "according_to", credit.group("mark").strip()
            claim.source_entity, claim.source_text = entity.id, name
            claim.source_span = Span(start, start + len(name))
            claim.cue_span = Span(claim.content.start + credit.start("mark"),
                                  claim.content.start + credit.end("mark"))
            claim.content = Span(claim.content.start, claim.content.start + credit.start())
            claim.content_text = self.doc.text[claim.content.start:claim.content.end]

    # --- pieces ------------------------------------------------------------------------------

    def _content(self, cue: Any) -> tuple[int, int] | None:
        """Character extent of the cue's complement, by the cue's argument structure."""
        lemma = cue.lemma_
        children = list(cue.children)
        clause = next((c for c in children if c.dep_ in CONTENT_CLAUSES), None)
        if clause is not None:
            return self._extent(clause)
        if lemma in XCOMP_CUES:
            xcomp = next((c for c in children if c.dep_ == "xcomp"), None)
            if xcomp is None:
                prep = next((c for c in children if c.dep_ == "prep" and c.lower_ in {"to", "on"}), None)
                xcomp = next((c for c in prep.subtree if c.dep_ in {"xcomp", "relcl", "acl"}), None) if prep else None
            if xcomp is not None:
                if lemma in {"decline", "refuse"}:
                    target = next((c for c in xcomp.children if c.dep_ == "prep"), None)
                    return self._extent(target or xcomp)
                return self._extent(xcomp)
        if lemma in {"accuse", "blame", "charge"}:
            obj = next((c for c in children if c.dep_ == "dobj"), None)
            of = next((c for c in children if c.dep_ == "prep" and c.lower_ in {"of", "for"}), None)
            if obj is not None and of is not None:
                return obj.left_edge.idx, self._extent(of)[1]
        if lemma in EVALUATIVE_CUES:
            obj = next((c for c in children if c.dep_ == "dobj"), None)
            if obj is not None:
                extra = [c for c in children if c.dep_ == "oprd" or
                         (c.dep_ == "prep" and c.lower_ in {"as", "for"} and c.i > obj.i)]
                end = max([self._extent(obj)[1], *(self._extent(c)[1] for c in extra)])
                return self._extent(obj)[0], end
        if lemma in OBJECT_CUES:
            obj = next((c for c in children if c.dep_ in {"dobj", "xcomp", "pcomp"}), None)
            if obj is not None and obj.pos_ in {"VERB", "NOUN", "PROPN"}:
                return self._extent(obj)
        if lemma not in COMPLEMENT_ONLY:
            return self._adjacent_quote(cue)
        return None

    def _frame_content(self, verb: Any) -> tuple[int, int] | None:
        """Content of a learned cue frame: its clause, infinitive, object (with "as"/"for"
        phrases) or prepositional object."""
        frame = frame_of(verb)
        children = list(verb.children)
        if frame == "ccomp":
            clause = next(c for c in children if c.dep_ in CONTENT_CLAUSES)
            return self._extent(clause)
        if frame == "xcomp":
            return self._extent(next(c for c in children if c.dep_ == "xcomp"))
        if frame == "dobj":
            obj = next(c for c in children if c.dep_ == "dobj")
            extra = [c for c in children if c.dep_ == "oprd" or
                     (c.dep_ == "prep" and c.lower_ in {"as", "for"} and c.i > obj.i)]
            return self._extent(obj)[0], max([self._extent(obj)[1], *(self._extent(c)[1] for c in extra)])
        if frame.startswith("acomp_"):  # "is critical of X", "was confident that Y"
            adjective = next(c for c in children if c.dep_ == "acomp")
            complement = next((c for c in adjective.children if c.dep_ in {"ccomp", "xcomp"}), None)
            if complement is not None:
                return self._extent(complement)
            prep = next((c for c in adjective.children if c.dep_ == "prep"), None)
            objects = [g for g in prep.children if g.dep_ in {"pobj", "pcomp"}] if prep else []
            return self._extent(objects[0]) if objects else None
        if frame.startswith("prep_"):
            prep = next(c for c in children if c.dep_ == "prep" and c.lower_ == frame[5:])
            objects = [g for g in prep.children if g.dep_ in {"pobj", "pcomp"}]
            if objects:
                return self._extent(objects[0])
        return None

    def _adjacent_quote(self, cue: Any) -> tuple[int, int] | None:
        """'..., said X' or 'X said: "..."': a quotation in the cue's sentence (or right after a colon)."""
        sent = cue.sent
        for quote in self.quotes:
            if sent.start_char <= quote.start < sent.end_char or sent.start_char < quote.end <= sent.end_char:
                words = len(self.doc.text[quote.start : quote.end].split())
                if not quote.start <= cue.idx < quote.end and words >= MIN_QUOTE_WORDS:
                    return quote.start, quote.end
        if sent.text.rstrip().endswith(":"):
            nxt = next((q for q in self.quotes if q.start >= sent.end_char), None)
            if nxt is not None and self.doc.text[sent.end_char : nxt.start].strip() == "":
                return nxt.start, nxt.end
        return None

    def _continuation(self, cue: Any, end: int) -> int:
        """'"A," X said. "B."': the quote right after the cue's clause continues the claim,
        unless it has a cue of its own."""
        paragraph = next((p for p in self.doc.paragraphs if p.start <= cue.idx < p.end), None)
        following = next((q for q in self.quotes if q.start > cue.idx), None)
        if paragraph is None or following is None or following.start >= paragraph.end:
            return end
        if following.start - (cue.idx + len(cue)) > CONTINUATION_GAP:
            return end
        span = self.parse.char_span(following.start, following.end, alignment_mode="expand")
        if span is None:
            return end
        if len(self.doc.text[following.start : following.end].split()) < MIN_QUOTE_WORDS:
            return end  # '..., he said on "This Week"': a title, not more of the quote
        outside = [t for t in span[0].sent if not following.start <= t.idx < following.end
                   and t.i > cue.i]
        if any(t.lemma_ in self.cues and t.pos_ == "VERB" for t in outside):
            return end
        return following.end

    def _snap(self, start: int, end: int, cue: Any) -> tuple[int, int, str]:
        """Make the content the quotation it lies in (direct) or mark it mixed."""
        for quote in self.quotes:
            if quote.start <= cue.idx < quote.end:
                continue
            if quote.start <= start + 1 and end - 1 <= quote.end:
                return quote.start, quote.end, "direct"
            inner = self.doc.text[quote.start : quote.end]
            if start <= quote.start and quote.end <= end + 1 and len(inner.strip('"“” ,.')) > 0:
                covered = (quote.end - quote.start) / max(1, end - start)
                return start, max(end, quote.end), "direct" if covered > 0.9 else "mixed"
        return start, end, "indirect"

    def _extent(self, token: Any) -> tuple[int, int]:
        """Character span of a token's subtree, without edge punctuation, and without a
        conjoined past-tense predicate that belongs to the reporting clause ("said she admires
        him and highlighted ...", a common misparse)."""
        cut = {t.i for c in token.children if _main_clause_conjunct(token, c) for t in c.subtree}
        cut |= {c.i for c in token.children if c.dep_ == "cc" and any(
            c.i < k for k in cut)}
        tokens = [t for t in token.subtree if t.i not in cut and
                  not t.is_space and not (t.is_punct and t.text not in "\"”“")]
        if not tokens:
            return token.idx, token.idx + len(token)
        first, last = tokens[0], tokens[-1]
        while first.i < last.i and first.is_punct:
            first = self.parse[first.i + 1]
        return first.idx, last.idx + len(last)

    def _source_range(self, head: Any) -> tuple[int, int]:
        """The source phrase without relative clauses, appositions or parentheticals."""
        keep = [head]
        for child in head.children:
            if child.dep_ in SOURCE_DROP:
                continue
            before = self.parse[child.left_edge.i - 1] if child.left_edge.i > 0 else None
            if child.i > head.i and before is not None and before.text == ",":
                continue
            keep.extend(child.subtree)
        indices = sorted(t.i for t in keep)
        return indices[0], indices[-1] + 1

    def _add(self, head: Any, cue: Any, start: int, end: int, kind: str, stance: str,
             cue_text: str, cue_end: int | None = None) -> None:
        first, last = self._source_range(head)
        speakers = [c.source_entity for c in self.doc.claims if c.source_entity]
        if head.lower_ in RELATIVE_PRONOUNS and head.head.dep_ == "relcl":
            # "a young woman who said ...": the span stays "who", the source is the woman
            antecedent = head.head.head
            entity = self.registry.resolve(antecedent, *self._source_range(antecedent), speakers)
        else:
            entity = self.registry.resolve(head, first, last, speakers)
        full = self.parse[head.left_edge.i : head.right_edge.i + 1].text
        if entity.type == "ANON" and full != entity.name and not entity.role:
            entity.role = full
        phrase = self.parse[first:last]
        self.doc.claims.append(Claim(
            id=f"tmp{len(self.doc.claims)}", content=Span(start, end),
            content_text=self.doc.text[start:end], kind=kind, stance=stance,
            source_entity=entity.id,
            source_text=self.doc.text[phrase.start_char:phrase.end_char],  # not the recased parse
            source_span=Span(phrase.start_char, phrase.end_char), cue=cue_text,
            cue_span=Span(cue.idx, cue_end or cue.idx + len(cue)),
            sentence=self._sentence_index(cue.idx),
        ))

    def _add_unsourced(self, cue: Any, start: int, end: int, kind: str, stance: str) -> None:
        """A claim the text makes without naming a source: the outlet's, with no source span."""
        outlet = self._outlet()
        self.doc.claims.append(Claim(
            id=f"tmp{len(self.doc.claims)}", content=Span(start, end),
            content_text=self.doc.text[start:end], kind=kind, stance=stance,
            source_entity=outlet.id, source_text=outlet.name, source_span=None,
            cue=self._cue_text(cue), cue_span=Span(cue.idx, cue.idx + len(cue)),
            sentence=self._sentence_index(cue.idx),
        ))

    def _cue_text(self, cue: Any) -> str:
        """The cue with its particles and negation: 'declined to comment', 'appealed to'."""
        parts = [cue]
        parts += [c for c in cue.children if c.dep_ in {"neg", "prt"}]
        if is_no_comment(cue):
            for xcomp in (c for c in cue.children if c.dep_ == "xcomp"):
                parts += [xcomp, *(a for a in xcomp.children if a.dep_ == "aux")]
        parts.sort(key=lambda t: t.i)
        return " ".join(t.text for t in parts)

    def _sentence_index(self, char: int) -> int:
        return next((i for i, s in enumerate(self.doc.sentences) if s.start <= char < s.end), 0)

    def _outlet(self) -> Entity:
        if self.outlet is None:
            name = self.doc.outlet or "the outlet"
            self.outlet = Entity(id=f"E{len(self.doc.entities) + 1}", name=name, type="OUTLET")
            self.doc.entities.append(self.outlet)
        return self.outlet

    def _first_person_speakers(self) -> None:
        """'"We know they are there," said the minister': "we" inside a quote is its speaker.
        Unresolved first-person sources keep an entity of their own."""
        placeholders = {e.id for e in self.doc.entities if e.type == "SPEAKER"}
        for claim in self.doc.claims:
            if claim.source_entity in placeholders:
                parent = self.doc.claim(claim.parent)
                if parent is not None and parent.source_entity not in placeholders:
                    claim.source_entity = parent.source_entity
        used = {c.source_entity for c in self.doc.claims}
        self.doc.entities = [e for e in self.doc.entities
                             if e.id not in placeholders or e.id in used]
        for entity in self.doc.entities:
            if entity.type == "SPEAKER":
                entity.type = "OTHER"

    def _polarities(self) -> None:
        """Whether each claim's content says something is or is not so; "does not believe that
        X" carries the negation into X."""
        for claim in self.doc.claims:
            polarity = polarity_of(self.parse, claim.content.start, claim.content.end)
            cue = (self.parse.char_span(claim.cue_span.start, claim.cue_span.end,
                                        alignment_mode="expand") if claim.cue_span else None)
            if cue is not None and len(cue) and cue.root.lemma_ in BELIEF_NEGATION_RAISERS and any(
                    c.dep_ == "neg" for c in cue.root.children):
                polarity = "positive" if polarity == "negative" else "negative"
            claim.polarity = polarity

    def _nest(self) -> None:
        """A claim whose cue lies inside another claim's content is nested in the innermost one."""
        for claim in self.doc.claims:
            anchor = claim.cue_span or claim.content
            hosts = [o for o in self.doc.claims if o is not claim and o.content.contains(anchor)
                     and o.content != claim.content]
            if hosts:
                claim.parent = min(hosts, key=lambda o: o.content.end - o.content.start).id


def _main_clause_conjunct(head: Any, child: Any) -> bool:
    """A subjectless past-tense verb conjoined to a non-past clause head under a past-tense cue."""
    return (child.dep_ == "conj" and child.tag_ == "VBD" and head.tag_ in {"VBZ", "VBP", "MD"}
            and head.dep_ == "ccomp" and head.head.tag_ == "VBD"
            and not any(g.dep_ in {"nsubj", "nsubjpass"} for g in child.children))


def _conditional(verb: Any) -> bool:
    """A verb heading an adverbial clause introduced by 'until', 'if', 'when' ..."""
    return verb.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in verb.children)


def _agentless_passive(verb: Any) -> bool:
    """'is expected to', 'it was reported that': a passive report that names no source."""
    return any(c.dep_ in {"nsubjpass", "auxpass"} for c in verb.children) and not any(
        c.dep_ == "agent" for c in verb.children)


def _covers(claim: Claim, sentence: Span) -> bool:
    """Whether a sourced claim speaks for a sentence: a quotation in it, or reported content
    filling at least half of it ("X said that ..."). A short learned-frame claim ("the capture
    ... angered Moscow") leaves the sentence to the outlet's narration."""
    overlap = min(claim.content.end, sentence.end) - max(claim.content.start, sentence.start)
    if overlap <= 0:
        return False
    return claim.kind in {"direct", "mixed"} or overlap >= 0.5 * (sentence.end - sentence.start)
