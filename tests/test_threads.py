"""Claim threads: who asserts and who denies one proposition, across articles we wrote."""

from __future__ import annotations

from datetime import date
from typing import Any

import claimtrack
from claimtrack.model import Document
from claimtrack.readers import raw_from_string, read_inputs
from claimtrack.threads import ThreadIndex, salient_words
from tests.conftest import SEED, requires_shared

DENIAL = """Moscow denies troops in Ukraine

MOSCOW, Aug. 29 - A senior Russian defence official on Friday rejected Western reports about Russian soldiers fighting in eastern Ukraine.

"There are no Russian troops in Ukraine," the official told reporters. He said the reports were an attempt to justify new sanctions."""

ASSERTION = """NATO says over 1,000 Russian troops inside Ukraine

BRUSSELS, Aug. 28 - More than 1,000 Russian troops are operating inside Ukraine with heavy weapons, a NATO military officer said on Thursday.

"Russian troops are in Ukraine and they are fighting alongside the separatists," Brigadier General Nico Tak told reporters."""

WEATHER = """Sunny weekend ahead for Kent

Forecasters said on Thursday that Kent would enjoy a dry and sunny weekend, with temperatures reaching 25 degrees on the coast."""


def processed(pipeline: Any, *texts: tuple[str, str, date]) -> list[Document]:
    raws = [raw_from_string(text, name=name, published=day) for name, text, day in texts]
    return claimtrack.process_many(raws, pipeline)


def contested_threads(index: ThreadIndex) -> list[Any]:
    return [t for t in index.threads() if t.contested]


def test_threads_salient_words_meet_across_plurals() -> None:
    assert salient_words("Russian troops are there") == ["russian", "troop"]


def test_threads_denial_and_assertion_are_one_contested_thread(pipeline: Any) -> None:
    docs = processed(pipeline, ("deny.txt", DENIAL, date(2014, 8, 29)),
                     ("nato.txt", ASSERTION, date(2014, 8, 28)),
                     ("weather.txt", WEATHER, date(2014, 8, 28)))
    index = ThreadIndex()
    for doc in docs:
        index.add_document(doc)
    [thread] = contested_threads(index)
    sides = thread.sides()
    assert "Nico Tak" in {c.source for c in sides["assert"]}
    assert any("official" in c.source for c in sides["deny"])
    assert docs[2].id not in {c.doc_id for c in thread.claims}  # the weather stays out
    assert thread.first_seen == date(2014, 8, 28)


def test_threads_a_new_article_joins_the_existing_thread(pipeline: Any) -> None:
    first, second = processed(pipeline, ("nato.txt", ASSERTION, date(2014, 8, 28)),
                              ("deny.txt", DENIAL, date(2014, 8, 29)))
    index = ThreadIndex()
    before = set(index.add_document(first))
    after = set(index.add_document(second))
    assert before & after  # the denial joined a thread the assertion started
    [thread] = contested_threads(index)
    assert thread.id.startswith(first.id)


@requires_shared(SEED)
def test_threads_seed_with_two_articles_is_one_contested_thread(pipeline: Any) -> None:
    [seed] = read_inputs([str(SEED)], published=date(2014, 8, 28))
    docs = claimtrack.process_many([seed], pipeline) + processed(
        pipeline, ("deny.txt", DENIAL, date(2014, 8, 29)), ("nato.txt", ASSERTION, date(2014, 8, 28)))
    index = ThreadIndex()
    for doc in docs:
        index.add_document(doc)
    contested = contested_threads(index)
    assert len(contested) == 1
    sources = {(c.doc_id, c.stance, c.source) for c in contested[0].claims}
    assert (docs[0].id, "assert", "Petro Poroshenko") in sources
    assert (docs[0].id, "deny", "a Russian diplomatic source") in sources
    assert any(d == docs[1].id and s == "deny" for d, s, _ in sources)
    assert any(d == docs[2].id and s == "assert" for d, s, _ in sources)
