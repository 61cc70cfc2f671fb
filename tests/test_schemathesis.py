"""Property-based checks of the HTTP service from its own ``/openapi.json`` (schemathesis).

A real ``jixiao serve`` on a free loopback port holds the ingested sample documents; every
operation of the schema gets a bounded number of generated requests (valid and invalid),
and no answer may be a server error. ``POST /api/documents`` runs with the bearer token.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation
from schemathesis.generation import GenerationMode

from tests.conftest import ingest_samples_in_child
from tests.test_sparql_protocol import Server, run_server

TOKEN = "schemathesis-token-0123456789"


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    store_dir = tmp_path_factory.mktemp("schemathesis") / "store"
    ingest_samples_in_child(store_dir)
    with run_server(store_dir, timeout=10, env={"JIXIAO_API_TOKEN": TOKEN}) as srv:
        yield srv


@pytest.fixture(scope="module")
def api_schema(api_server: Server) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(api_server.base + "/openapi.json", timeout=30)


# ``schemathesis.pytest.from_fixture`` (the lazy loader) reads ``Function._nodeid``, which
# pytest 9 no longer has; so each operation's strategy is driven by Hypothesis directly.
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]


def check_operation(operation: APIOperation, mode: GenerationMode) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: schemathesis.Case) -> None:
        auth = {"Authorization": f"Bearer {TOKEN}"} if case.path == "/api/documents" else None
        response = case.call(headers=auth, timeout=60)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
        )

    run()


@pytest.mark.parametrize("mode", MODES, ids=str)
def test_no_server_errors(api_schema: schemathesis.BaseSchema, mode: GenerationMode) -> None:
    labels = []
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        labels.append(operation.label)
        try:
            check_operation(operation, mode)
        except AssertionError as error:
            failures.append(f"{operation.label}: {error}")
        except Unsatisfiable:
            # an operation without parameters or body has no invalid requests to generate
            assert mode is GenerationMode.NEGATIVE, operation.label
    assert "POST /api/documents" in labels and "GET /sparql" in labels
    assert not failures, "\n".join(failures)
