"""Line classifier for plain-text scrapes: keep the article, drop menus and calls to action.

The approach follows jusText (Pomikálek 2011): classify each line on its own as good, bad or
short from its shape, then let short lines (headlines, subheadings, menu words) take the class
of their context. On top of it, two signals of our own: a lexicon of call-to-action and
policy phrases (``lexicons/boilerplate.txt``) and direct address to the reader ("we need
your help"), which news narration almost never uses outside quotation marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from claimtrack import lexicons

GOOD_MIN_WORDS = 10
NEAR_GOOD_MIN_WORDS = 4
LEXICON_MAX_WORDS = 30  # longer lines matching a boilerplate phrase are judged by context
# Kept runs separated by REGION_GAP dropped lines that weigh under REGION_SHARE of the heaviest
# run (prose words times prose share) are teasers or comments, not the article (both chosen on
# plaintext-aeb: 0.847 -> 0.873).
REGION_GAP = 3
NEAR_DUPLICATE_PROSE_SHARE = 0.8  # pages sharing more of their prose lines are one article (copies, updates)
REGION_SHARE = 0.5
HEADLINE_MIN_WORDS = 4
ADDRESS_WORDS = frozenset({"we", "our", "us", "ours", "you", "your", "yours", "you're", "we're"})
_TERMINAL = re.compile(r"""[.!?…。！？]["'”’)\]」』]*\s*$|[.!?…。！？]["'”’」』]""")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
_TEASER_END = re.compile(r"(\[(…|\.\.\.)\]|\w\s*(…|\.\.\.)|\bread more\W*)\s*$", re.I)
_QUOTED = re.compile(r"""["“][^"“”]*["”]""")
_MENU_MARK = re.compile(r"^\s*([•·|»›>–-]|\d+\.)\s")
_WORD = re.compile(r"[A-Za-z']+")
_APPEAL = re.compile(
    r"\b(support|help|donat\w*|contribut\w*|subscri\w*|journalism|reader\w*|sign up|members?hip|"
    r"newsletter|inbox|free of charge|paywall)\b", re.I)


@dataclass(frozen=True)
class LineVerdict:
    keep: bool
    reason: str  # why a line was dropped, or "article" / "headline" / "context" for kept lines


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in lexicons.entries("boilerplate.txt"))


def word_count(line: str) -> int:
    """Words in a line; scripts written without spaces (CJK, Thai) count two characters a word."""
    unspaced = len(_UNSPACED.findall(line))
    return len(line.split()) + unspaced // 2


def _first_class(line: str) -> tuple[str, str]:
    """Classify one line alone: ('bad', reason), ('good', 'article') or ('short', ...)."""
    stripped = line.strip()
    n_words = word_count(stripped)
    if _TEASER_END.search(stripped):
        return "short", "truncated teaser"
    for pattern in _patterns():
        if pattern.search(stripped):
            if n_words > LEXICON_MAX_WORDS:  # a long paragraph that mentions subscribing
                return "near", f"long line with boilerplate phrase /{pattern.pattern}/"
            return "bad", f"boilerplate phrase /{pattern.pattern}/"
    unquoted = _QUOTED.sub(" ", stripped)
    address = sum(w.lower() in ADDRESS_WORDS for w in _WORD.findall(unquoted))
    sentence_like = bool(_TERMINAL.search(stripped))
    if address >= 2 and address >= 0.04 * n_words:
        if _APPEAL.search(unquoted):
            return "bad", "appeals to the reader (we/you with support, help, subscribe ...)"
        # blogs and reviews address the reader too: let the neighbours decide
        if n_words >= GOOD_MIN_WORDS and sentence_like:
            return "good", "article"
        return ("near" if sentence_like else "short"), "addresses the reader"
    if _MENU_MARK.match(stripped):
        return ("near" if sentence_like and n_words >= NEAR_GOOD_MIN_WORDS else "short",
                "menu or list item")
    if n_words >= GOOD_MIN_WORDS and sentence_like:
        return "good", "article"
    if n_words >= GOOD_MIN_WORDS or (n_words >= NEAR_GOOD_MIN_WORDS and sentence_like):
        return "near", "short sentence"
    return "short", "short line without sentence punctuation"


def classify_lines(lines: list[str], site_repeats: frozenset[str] = frozenset()) -> list[LineVerdict]:
    """Keep or drop each line of a page, with the reason; blank lines are dropped silently.

    ``site_repeats`` are the (normalised) lines that also occur on other pages of the same
    site (see ``site_repeated_lines``): menus, sidebars and teasers, dropped CCNet-style.
    """
    first = [
        ("blank", "blank") if not line.strip()
        else ("bad", "repeats on other pages of the site") if normalize_line(line) in site_repeats
        else _first_class(line)
        for line in lines
    ]
    content = [i for i, (cls, _) in enumerate(first) if cls != "blank"]
    # near-good lines (short sentences) join the article when they border it
    reaches_right = _reaches_good_rightward(content, first)
    for pos, i in enumerate(content):
        if first[i][0] == "near":
            touches = reaches_right[pos] or _near_touches_good(pos, content, first, steps=(-1,))
            first[i] = (("good", "article") if touches
                        else ("bad", "short sentence outside the article"))

    before_of, after_of = _nearest_decided(content, first)
    position = {i: pos for pos, i in enumerate(content)}
    first_good = next((i for i in content if first[i][0] == "good"), None)
    verdicts: list[LineVerdict] = []
    for i, line in enumerate(lines):
        cls, reason = first[i]
        if cls == "blank":
            verdicts.append(LineVerdict(False, "blank"))
        elif cls == "good":
            verdicts.append(LineVerdict(True, "article"))
        elif cls == "bad":
            verdicts.append(LineVerdict(False, reason))
        else:
            pos = position[i]
            if before_of[pos] == "good" and after_of[pos] == "good":
                verdicts.append(LineVerdict(True, "context"))
            elif _is_headline(line, pos, first_good, position, content, first):
                verdicts.append(LineVerdict(True, "headline"))
            else:
                verdicts.append(LineVerdict(False, f"{reason}, outside the article"))
    return _main_regions(lines, verdicts, REGION_GAP, REGION_SHARE)


def _nearest_decided(content: list[int], first: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """For each content position, the class of the nearest 'good' or 'bad' line before it and
    after it ('bad' at the edges): two passes, so a page of many short lines stays linear."""
    before, after = ["bad"] * len(content), ["bad"] * len(content)
    last = "bad"
    for pos, i in enumerate(content):
        before[pos] = last
        if first[i][0] in ("good", "bad"):
            last = first[i][0]
    last = "bad"
    for pos in range(len(content) - 1, -1, -1):
        after[pos] = last
        if first[content[pos]][0] in ("good", "bad"):
            last = first[content[pos]][0]
    return before, after


def _reaches_good_rightward(content: list[int], first: list[tuple[str, str]]) -> list[bool]:
    """For each content position, whether ``_near_touches_good`` reaches a good line to its
    right (where no line is decided yet), computed in one backward pass instead of a scan per
    line: ``free[j]``/``spent[j]`` say whether a scan arriving at ``j`` with its one short line
    still allowed/already used reaches a good line."""
    free, spent = [False] * (len(content) + 1), [False] * (len(content) + 1)
    for j in range(len(content) - 1, -1, -1):
        cls = first[content[j]][0]
        if cls in ("good", "bad"):
            free[j] = spent[j] = cls == "good"
        elif cls == "short":
            free[j], spent[j] = spent[j + 1], False
        else:
            free[j], spent[j] = free[j + 1], spent[j + 1]
    return free[1:]


def _near_touches_good(pos: int, content: list[int], first: list[tuple[str, str]],
                       steps: tuple[int, ...] = (-1, 1)) -> bool:
    """Whether a good line is reached from ``pos`` over near-good lines and at most one short one."""
    for step in steps:
        j, shorts = pos + step, 0
        while 0 <= j < len(content) and first[content[j]][0] != "bad":
            cls = first[content[j]][0]
            if cls == "good":
                return True
            shorts += cls == "short"
            if shorts > 1:
                break
            j += step
    return False


def _is_headline(
    line: str, pos: int, first_good: int | None, position: dict[int, int], content: list[int],
    first: list[tuple[str, str]],
) -> bool:
    """A multi-word short line that directly precedes the article body (maybe via a caption);
    ``pos`` is the line's position among the content lines."""
    if first_good is None or content[pos] >= first_good or word_count(line) < HEADLINE_MIN_WORDS:
        return False
    between = content[pos + 1 : position[first_good]]
    return len(between) <= 1 and all(first[j][0] == "short" for j in between) and not line.rstrip().endswith(":")


def _main_regions(lines: list[str], verdicts: list[LineVerdict], gap: int, share: float) -> list[LineVerdict]:
    """Drop kept runs far from the article: runs separated by ``gap`` or more dropped lines
    are weighed by ``_run_weight``, and runs under ``share`` of the heaviest one go."""
    runs: list[list[int]] = []
    dropped_since = gap
    for i, (line, verdict) in enumerate(zip(lines, verdicts, strict=True)):
        if not line.strip():
            continue
        if verdict.keep:
            if dropped_since >= gap or not runs:
                runs.append([])
            runs[-1].append(i)
            dropped_since = 0
        else:
            dropped_since += 1
    if len(runs) < 2:
        return verdicts
    weights = [_run_weight(lines, run) for run in runs]
    heaviest = max(weights)
    out = list(verdicts)
    for run, weight in zip(runs, weights, strict=True):
        if weight < share * heaviest:
            for i in run:
                out[i] = LineVerdict(False, "outside the main article region")
    return out


def _run_weight(lines: list[str], run: list[int]) -> float:
    """Words of a run's prose lines, times the share of its lines that are prose: an article
    is mostly paragraphs, a comment thread or teaser list interleaves names, dates, links."""
    prose = [i for i in run
             if word_count(lines[i]) >= GOOD_MIN_WORDS and _TERMINAL.search(lines[i].strip())]
    return sum(word_count(lines[i]) for i in prose) * len(prose) / len(run)


def clean_plaintext_lines(lines: list[str], site_repeats: frozenset[str] = frozenset()) -> list[bool]:
    """True for each line that belongs to the article (the evaluation's entry point)."""
    return [v.keep for v in classify_lines(lines, site_repeats)]


def normalize_line(line: str) -> str:
    """The form lines are compared in across pages: case-folded, whitespace collapsed."""
    return " ".join(line.casefold().split())


def site_repeated_lines(pages: list[list[str]]) -> list[frozenset[str]]:
    """For each page of one site, its lines that also occur on another page of that site
    (CCNet's paragraph deduplication, Wenzek et al. 2020). Pages that share most of their
    prose lines are copies or updates of one article, not template siblings, and are not
    compared: their article text would otherwise cancel out."""
    normalized = [{normalize_line(line) for line in page if line.strip()} for page in pages]
    prose = [{n for n in page if word_count(n) >= GOOD_MIN_WORDS} for page in normalized]
    out = []
    for i, page in enumerate(normalized):
        repeats: set[str] = set()
        for j, other in enumerate(normalized):
            if i == j:
                continue
            shared_prose = len(prose[i] & prose[j]) / max(1, min(len(prose[i]), len(prose[j])))
            if shared_prose > NEAR_DUPLICATE_PROSE_SHARE:
                continue
            repeats |= page & other
        out.append(frozenset(repeats))
    return out
