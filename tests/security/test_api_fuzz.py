"""Bad input through the API: schemathesis generates requests for every operation of
``/api/v1/openapi.json`` (and, statefully, chains of them through the links it infers) against the
real app on a real database, anonymously and as a region operator. No response may be a 5xx and
every response must match its documented schema. Fixed budget and derandomised, so CI stays fast
and a failure reproduces."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from web_world import WebWorld, api_token

from kechuang.app import create_app
from kechuang.config import get_settings

BUDGET = settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def api_app(web_world: WebWorld) -> Any:
    """The app on the web test world; rate limits off so the fuzzer is not throttled."""
    return create_app(get_settings(), rate_limits={})


@pytest.fixture
def api_schema(api_app: Any) -> Any:
    """The app's own OpenAPI document, loaded through ASGI."""
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", api_app)


@pytest.fixture
def operator_headers(api_app: Any) -> dict[str, str]:
    """A region operator's bearer token (most writes need one)."""
    return api_token(TestClient(api_app), "op_a")


def _fuzz_every_operation(api_schema: Any, headers: dict[str, str]) -> list[str]:
    """Run the budget against each operation in turn; the operations exercised."""
    from hypothesis import given  # noqa: PLC0415

    done = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @BUDGET
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
        done.append(f"{operation.method.upper()} {operation.path}")
    return done


def test_anonymous_requests_never_break_the_api(api_schema: Any) -> None:
    done = _fuzz_every_operation(api_schema, {})
    assert "POST /api/v1/demands" in done
    assert len(done) >= 25


def test_operator_requests_never_break_the_api(
    api_schema: Any, operator_headers: dict[str, str]
) -> None:
    _fuzz_every_operation(api_schema, operator_headers)


def test_stateful_sequences_never_break_the_api(
    api_schema: Any, operator_headers: dict[str, str]
) -> None:
    machine = api_schema.as_state_machine()
    # Links were inferred (create → read, list → detail ...), so there are sequences to run.
    assert "POST /api/v1/dockings -> 201" in machine.bundles

    class Operator(machine):  # type: ignore[misc,valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": operator_headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    Operator.run(
        settings=settings(
            max_examples=8,
            stateful_step_count=6,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
