"""The whole API against its own OpenAPI document, with schemathesis: no server errors, every answer as documented.

Every operation of the schema gets generated requests (valid ones, and ones the schema says are invalid), each
sent anonymously, with a read:published token and with a read:all and write token, to the WSGI application
in-process, inside the test's transaction. Hypothesis is derandomized, so a run is repeatable: what it finds,
it finds every time.
"""

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from clients.services import client_create, token_issue
from config.wsgi import application
from tests.api import World

# Anonymous requests see what read:published sees; read:all is covered by the token that also writes.
TOKENS = [
    ("Fuzz reader", [], ["read:published"]),
    ("Fuzz desk writer", ["editor"], ["read:all", "write"]),
]
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def in_process() -> Iterator[None]:
    # Django closes the database connection when a request ends; in-process, inside the test's transaction,
    # it must stay open, as Django's own test client keeps it.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def authorizations(world: World) -> list[dict[str, str]]:
    """Headers for an anonymous request and for a token of each scope."""
    headers: list[dict[str, str]] = [{}]
    for name, roles, scopes in TOKENS:
        issued = token_issue(client=client_create(name=name, roles=roles), scopes=scopes)
        headers.append({"Authorization": f"Bearer {issued.secret}"})
    return headers


def _exercise(operation: Any, mode: GenerationMode, authorizations: list[dict[str, str]]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        for headers in authorizations:
            case.call_and_validate(headers=headers, checks=CHECKS)

    # Unsatisfiable: nothing the schema calls invalid can be built for this operation (no parameters, say).
    with contextlib.suppress(Unsatisfiable):
        run()


def test_every_operation_answers_as_documented(in_process: None, authorizations: list[dict[str, str]]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in EXAMPLES:
            try:
                _exercise(operation, mode, authorizations)
            except Exception as failure:  # every failure is reported below, with its operation
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)
