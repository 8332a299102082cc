"""Induce cue frames from PolNeAR train: ``python -m claimtrack.evaluation.cue_induction``.

For every verb with a subject in the train texts, its (lemma, frame) is counted, and counted
as a cue when it heads a gold cue span. The table goes to ``lexicons/learned_cues.tsv``
(lemma|frame, cue count, occurrences); only counts are kept, no text. Train only: the dev
split stays for reporting.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from claimtrack.evaluation.attribution import list_split, read_text
from claimtrack.evaluation.base import default_data_dir
from claimtrack.evaluation.brat import gold_attributions, parse_ann
from claimtrack.stages.cue_frames import frame_of, noun_frame_of, noun_source_of, subject_of
from claimtrack.stages.nlp import load_model

OUTPUT = Path(__file__).resolve().parents[1] / "lexicons" / "learned_cues.tsv"
HEADER = """# Cue frames induced from PolNeAR train by `python -m claimtrack.evaluation.cue_induction`.
# Columns: lemma|frame, times it heads a gold cue, times seen with a subject. Counts only.
"""


def induce(split_dir: Path) -> tuple[Counter[str], Counter[str]]:
    """(cue counts, occurrence counts) per 'lemma|frame' over a PolNeAR split."""
    nlp = load_model()
    cues: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    texts, _ = list_split(split_dir)
    raw = [read_text(t.text_path) for t in texts]
    for text_info, text, parse in zip(texts, raw, nlp.pipe(raw, batch_size=32), strict=True):
        golds, _ = gold_attributions(parse_ann(text_info.ann_path.read_text(encoding="utf-8")), text)
        heads = set()
        for gold in golds:
            for start, end in gold.cue:
                span = parse.char_span(start, end, alignment_mode="expand")
                if span is not None:
                    heads.add(span.root.i)
        for token in parse:
            if token.pos_ in {"VERB", "AUX"} and subject_of(token) is not None:
                key = f"{token.lemma_.lower()}|{frame_of(token)}"
            elif token.pos_ == "NOUN" and noun_source_of(token) is not None:
                key = f"{token.lemma_.lower()}|{noun_frame_of(token)}"
            else:
                continue
            seen[key] += 1
            if token.i in heads:
                cues[key] += 1
    return cues, seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="data dir (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args()
    data = args.data or default_data_dir()
    cues, seen = induce(data / "attribution" / "polnear" / "train")
    rows = sorted((k for k in cues if cues[k] >= 2), key=lambda k: (-cues[k], k))
    with args.out.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for key in rows:
            handle.write(f"{key}\t{cues[key]}\t{seen[key]}\n")
    print(f"{len(rows)} frames written to {args.out}")


if __name__ == "__main__":
    main()
