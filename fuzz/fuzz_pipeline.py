"""Coverage-guided fuzzing of the pipeline with atheris: bytes -> decoded text or HTML -> the
extract and language stages, and for a sample of inputs the full pipeline (spaCy, places,
events). An exception out of ``Pipeline.run``, a count of Outcomes other than one per input,
or a stage failing with an unexpected exception type (a bug, where the pipeline reports
"<stage> failed: TypeError: ...") is a crash that libFuzzer saves as ``crash-<sha1>``.

    python fuzz/fuzz_pipeline.py -atheris_runs=20000 -timeout=60 [corpus_dir]

The environment variable FUZZ_FULL_EVERY (default 50) sets how often the full pipeline runs:
every Nth input (0: never). tests/test_fuzz_harnesses.py runs this briefly so it keeps working.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["claimtrack"]):
    from claimtrack.errors import InputError
    from claimtrack.model import RawDocument
    from claimtrack.pipeline import Pipeline
    from claimtrack.readers.decode import clean_text, decode, sniff_format
    from claimtrack.stages.extract import ExtractStage
    from claimtrack.stages.language import LanguageStage

FULL_EVERY = int(os.environ.get("FUZZ_FULL_EVERY", "50"))
#: How the pipeline reports an exception that is not one of ours: a bug to fix.
UNEXPECTED = re.compile(r": [a-z_]+ failed: (?!InputError)[A-Za-z]*(Error|Exception)\b")
WRAPPERS = ("{}", "<html><body><p>{}</p></body></html>", "<p>{}</p>",
            ("<!DOCTYPE html><html><head><title>{}</title></head><body><article>{}</article>"
             "</body></html>"))
FAST = Pipeline([ExtractStage(), LanguageStage()], batch_size=4, time_budget_s=20)
_full: Pipeline | None = None
_count = 0


def full_pipeline() -> Pipeline:
    global _full
    if _full is None:
        from claimtrack.api import build_pipeline

        _full = build_pipeline()
    return _full


def check(pipeline: Pipeline, raws: list[RawDocument]) -> None:
    outcomes = list(pipeline.run(raws))
    if [o.name for o in outcomes] != [r.name for r in raws]:
        raise AssertionError(f"not one outcome per input: {outcomes}")
    for outcome in outcomes:
        if outcome.ok:
            doc = outcome.document
            if doc is None or not doc.id:
                raise AssertionError(f"ok outcome without a document id: {outcome}")
            doc.text.encode("utf-8")
            if "\x00" in doc.text:
                raise AssertionError("NUL in the document text")
        elif not outcome.error or not outcome.error.startswith(outcome.name):
            raise AssertionError(f"failure without a reason naming the document: {outcome}")
        elif UNEXPECTED.search(outcome.error):
            raise AssertionError(f"a stage raised an unexpected exception: {outcome.error}")


def test_one_input(data: bytes) -> None:
    global _count
    _count += 1
    fdp = atheris.FuzzedDataProvider(data)
    wrapper = WRAPPERS[fdp.ConsumeIntInRange(0, len(WRAPPERS) - 1)]
    as_html = fdp.ConsumeBool()
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    try:
        text = decode("fuzz", body, "html" if as_html else "text")
    except InputError:  # not what a reader would pass on; still text after what readers do
        text = clean_text(body.decode("utf-8", "replace"))
    content = wrapper.format(text, text)
    raws = [RawDocument("fuzz-text", content, "text"), RawDocument("fuzz-html", content, "html"),
            RawDocument("fuzz-sniffed", content, sniff_format(content))]
    check(FAST, raws)
    if FULL_EVERY and _count % FULL_EVERY == 0:
        check(full_pipeline(), raws)


def seeds() -> dict[str, bytes]:
    """Articles to start from; the selector bytes go last (integers are taken from the end)."""
    article = ("The mayor of Mariupol said on Tuesday that Russian forces had shelled the port, "
               "a claim the ministry in Moscow denied. \u200fPolice arrested three men.")
    return {
        "text": article.encode() + b"\x01\x00",
        "page": f"<div><p>{article}</p><p>{article}</p></div>".encode() + b"\x01\x01",
        "rtl": ("\u202e" + article + "\u0627\u0644\u0631\u0626\u064a\u0633").encode() + b"\x00\x02",
    }


def main() -> None:
    """Write the seeds into an empty corpus directory given on the command line, then fuzz."""
    corpus = next((Path(a) for a in sys.argv[1:] if not a.startswith("-")), None)
    if corpus is not None and not corpus.is_file():
        corpus.mkdir(parents=True, exist_ok=True)
        if not any(corpus.iterdir()):
            for name, data in seeds().items():
                (corpus / f"seed-{name}").write_bytes(data)
    atheris.Setup(sys.argv, test_one_input)
    if FULL_EVERY:
        full_pipeline()  # load spaCy and the gazetteer now, not inside a timed input
    atheris.Fuzz()


if __name__ == "__main__":
    main()
