"""BRAT standoff parsing and the gold attributions of PolNeAR.

PolNeAR ``.ann`` files hold text-bound annotations (``T12\\tContent 727 797;934 1017\\t...``,
fragments separated by ``;``), events joining them (``E6\\tAttribution:T26 Cue:T25 Source:T24
Content:T23``; event type ``Attribution`` or ``Attribution-no-source``; a repeated role is
numbered, ``Content2``), and notes (``#1\\tAnnotatorNotes T66\\t...``). The text field of a
text-bound line may run over several physical lines; continuation lines are ignored, since
offsets into the ``.txt`` file are what counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Fragment = tuple[int, int]

#: Characters counted as quote marks.
QUOTES = frozenset("\"\u201c\u201d'\u2018\u2019\u00ab\u00bb")
#: Double quotes, used to decide whether a content is mostly inside a quotation.
_OPENING_DOUBLE = frozenset("\u201c\u00ab")
_CLOSING_DOUBLE = frozenset("\u201d\u00bb")

KINDS: tuple[str, ...] = ("direct", "indirect", "according_to")
#: A content with at least this share of its characters inside double quotes is direct.
MOSTLY_QUOTED = 0.8

_TEXTBOUND_RE = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)(?:\t(.*))?$")
_EVENT_RE = re.compile(r"^(E\d+)\t(.*)$")
_RELATION_RE = re.compile(r"^(R\d+)\t(\S+) (.*)$")
_ROLE_NUMBER_RE = re.compile(r"\d+$")


@dataclass(frozen=True)
class TextBound:
    """A text-bound annotation: its type and (possibly discontinuous) character fragments."""

    id: str
    type: str
    fragments: tuple[Fragment, ...]
    text: str = ""


@dataclass(frozen=True)
class Event:
    """An event or relation: its type, trigger (None for relations) and ``(role, id)`` args."""

    id: str
    type: str
    trigger: str | None
    args: tuple[tuple[str, str], ...]

    def role_ids(self, role: str) -> list[str]:
        """Ids of the arguments in ``role``, numbered repeats included (Content, Content2)."""
        return [arg for name, arg in self.args if _ROLE_NUMBER_RE.sub("", name) == role]


@dataclass
class BratDocument:
    """The annotations of one ``.ann`` file."""

    textbounds: dict[str, TextBound] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    skipped_lines: int = 0

    def fragments(self, ids: list[str]) -> tuple[Fragment, ...]:
        """The sorted union of the fragments of the given text-bound ids (unknown ids ignored)."""
        found = {f for i in ids if i in self.textbounds for f in self.textbounds[i].fragments}
        return tuple(sorted(found))


def parse_fragments(spec: str) -> tuple[Fragment, ...]:
    """``"727 797;934 1017"`` -> ``((727, 797), (934, 1017))``."""
    fragments = []
    for part in spec.split(";"):
        start, end = (int(x) for x in part.split())
        if not 0 <= start <= end:
            raise ValueError(f"bad fragment {part!r}")
        fragments.append((start, end))
    return tuple(fragments)


def parse_ann(ann: str) -> BratDocument:
    """Parse BRAT standoff text. Lines that are neither text-bound annotations, events nor
    relations (notes, attributes, continuation lines of multi-line texts) are skipped."""
    doc = BratDocument()
    for line in ann.splitlines():
        if not line.strip():
            continue
        if match := _TEXTBOUND_RE.match(line):
            tid, ttype, spec, text = match.groups()
            try:
                fragments = parse_fragments(spec)
            except ValueError:
                doc.skipped_lines += 1
                continue
            doc.textbounds[tid] = TextBound(tid, ttype, fragments, text or "")
        elif match := _EVENT_RE.match(line):
            eid, body = match.groups()
            parts = [p.split(":", 1) for p in body.split() if ":" in p]
            if not parts:
                doc.skipped_lines += 1
                continue
            (etype, trigger), args = parts[0], parts[1:]
            doc.events.append(Event(eid, etype, trigger, tuple((r, a) for r, a in args)))
        elif match := _RELATION_RE.match(line):
            rid, rtype, body = match.groups()
            args = tuple(tuple(p.split(":", 1)) for p in body.split() if ":" in p)
            doc.events.append(Event(rid, rtype, None, args))  # type: ignore[arg-type]
        else:
            doc.skipped_lines += 1
    return doc


@dataclass(frozen=True)
class GoldAttribution:
    """One gold attribution: content and source fragments (source may be empty), cue, kind."""

    id: str
    content: tuple[Fragment, ...]
    source: tuple[Fragment, ...]
    cue: tuple[Fragment, ...]
    kind: str


def fragments_text(text: str, fragments: tuple[Fragment, ...] | list[Fragment]) -> str:
    """The text of the fragments, joined with single spaces."""
    return " ".join(text[start:end] for start, end in fragments)


def _strip_non_quote_punct(text: str) -> str:
    """Strip spaces and punctuation other than quote marks from both ends."""
    start, end = 0, len(text)
    while start < end and _edge_char(text[start]):
        start += 1
    while end > start and _edge_char(text[end - 1]):
        end -= 1
    return text[start:end]


def _edge_char(char: str) -> bool:
    return char not in QUOTES and (char.isspace() or not char.isalnum())


def quoted_share(text: str) -> float:
    """Share of the non-space characters of ``text`` that lie inside double quotes.

    Curly quotes open and close; a straight ``"`` toggles. Single quotes are ignored here since
    they double as apostrophes.
    """
    inside = False
    counted = quoted = 0
    for char in text:
        if char in _OPENING_DOUBLE or (char == '"' and not inside):
            inside = True
            continue
        if char in _CLOSING_DOUBLE or char == '"':
            inside = False
            continue
        if char.isspace():
            continue
        counted += 1
        quoted += inside
    return quoted / counted if counted else 0.0


def attribution_kind(content_text: str, cue_text: str = "") -> str:
    """``direct`` when the content is a quotation (after stripping spaces and punctuation at
    its ends it starts and ends with a quote mark, or at least :data:`MOSTLY_QUOTED` of its
    non-space characters are inside double quotes); else ``according_to`` when the cue starts
    with "according to"; else ``indirect``."""
    core = _strip_non_quote_punct(content_text)
    if len(core) >= 2 and core[0] in QUOTES and core[-1] in QUOTES:
        return "direct"
    if quoted_share(content_text) >= MOSTLY_QUOTED:
        return "direct"
    if " ".join(cue_text.lower().split()).startswith("according to"):
        return "according_to"
    return "indirect"


def gold_attributions(doc: BratDocument, text: str) -> tuple[list[GoldAttribution], int]:
    """The attributions of a parsed ``.ann`` file over its ``.txt`` text.

    Every ``Attribution`` or ``Attribution-no-source`` event with at least one Content
    argument becomes one gold attribution; its content is the union of all Content arguments
    (Content, Content2, ...), its source the union of its Source arguments (empty for
    no-source). Returns the attributions and the number of events skipped for lacking content.
    """
    found: list[GoldAttribution] = []
    skipped = 0
    for event in doc.events:
        if not event.type.startswith("Attribution"):
            continue
        content = doc.fragments(event.role_ids("Content"))
        if not content:
            skipped += 1
            continue
        source = doc.fragments(event.role_ids("Source"))
        cue = doc.fragments(event.role_ids("Cue"))
        kind = attribution_kind(fragments_text(text, content), fragments_text(text, cue))
        found.append(GoldAttribution(event.id, content, source, cue, kind))
    return found, skipped
