"""Property-based tests of the REST API against its own OpenAPI schema: whatever schemathesis
generates from the schema (valid and invalid parameters, bodies, paths), no answer is a 5xx.
The number of examples is bounded so that the module runs in well under a minute."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from claimtrack.readers import raw_from_string
from claimtrack.web.app import create_app
from claimtrack.web.state import LazyPipeline, state_of

pytestmark = pytest.mark.slow

TOKEN = "schema-test-token"
ARTICLE = ("Officials in Gdansk said on Thursday that dock workers ended a strike after the port "
           "agreed to raise wages. A union leader denied that the deal was final.")


# schemathesis.pytest.from_fixture() fails on pytest 9 (it reads request.node._nodeid), so
# the schema is loaded at import from an app over a store in a temporary directory, and the
# fixture below fills that store and hands the app the session's pipeline.
_STORE_DIR = tempfile.TemporaryDirectory(prefix="claimtrack-schemathesis-")
APP = create_app(f"sqlite:///{Path(_STORE_DIR.name) / 'st.db'}", token=TOKEN, with_pages=False)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def seeded_store(pipeline: Any) -> Iterator[None]:
    """One processed article in the store, so that reads find rows; removed afterwards."""
    state = state_of(APP)
    state.pipeline = LazyPipeline(pipeline)
    for outcome in pipeline.run([raw_from_string(ARTICLE, name="gdansk", fmt="text",
                                                 published=date(2024, 2, 1),
                                                 outlet="Baltic Wire")]):
        assert outcome.document is not None, outcome.error
        state.store.save(outcome.document)
    yield
    state.store.close()
    _STORE_DIR.cleanup()


@schema.parametrize()
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_api_schema_no_server_errors(case: Any) -> None:
    """Every operation, called with the write token so that bodies reach the pipeline."""
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"},
                           checks=[not_a_server_error])
