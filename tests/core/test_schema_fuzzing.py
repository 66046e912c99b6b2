"""The whole API against its own OpenAPI document, with schemathesis: no server errors, every answer as documented.

Every operation of the schema gets generated requests (valid ones, and ones the schema says are invalid), each
sent anonymously and with a token of each scope, to the WSGI application in-process, inside the test's
transaction. Every answer is checked against the document: its status is one the operation lists, its body
fits the schema of that status, its content type and headers are those documented, and it is no server error.
Hypothesis is derandomized, so a run is repeatable: what it finds, it finds every time. Examples per operation
are bounded (EXAMPLES, each sent five times) so that the run takes about a minute on one core (55 s for 46
operations; three to four minutes while other tests share the machine's two cores).
"""

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clients.services import client_create, token_issue
from config.wsgi import application
from tests.api import World

# A token of each scope, each with the role a client using it would have; anonymous requests come first.
TOKENS = [
    ("Fuzz reader", [], ["read:published"]),
    ("Fuzz desk reader", ["reviewer"], ["read:all"]),
    ("Fuzz writer", ["editor"], ["write"]),
    ("Fuzz desk writer", ["editor"], ["read:all", "write"]),
]
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    ignored_auth,
]


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
def authorizations(world: World) -> list[dict[str, str] | None]:
    """None for an anonymous request, then the headers of a token of each scope."""
    headers: list[dict[str, str] | None] = [None]
    for name, roles, scopes in TOKENS:
        issued = token_issue(client=client_create(name=name, roles=roles), scopes=scopes)
        headers.append({"Authorization": f"Bearer {issued.secret}"})
    return headers


def _exercise(operation: Any, mode: GenerationMode, authorizations: list[dict[str, str] | None]) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        # A failure is reported as found: shrinking it would replay requests against data they changed.
        phases=[Phase.generate],
    )
    def run(case: Any) -> None:
        for headers in authorizations:
            if headers is None:
                # Anonymous: without whatever credentials were generated for the security schemes.
                for name in ("Authorization", "Cookie"):
                    (case.headers or {}).pop(name, None)
                (case.cookies or {}).clear()
            case.call_and_validate(headers=headers, checks=CHECKS)

    # Unsatisfiable: nothing the schema calls invalid can be built for this operation (no parameters, say).
    with contextlib.suppress(Unsatisfiable):
        run()


def _described(failure: BaseException) -> str:
    """What went wrong, with every failure a group holds: a flaky run's first failure is in its group."""
    if isinstance(failure, BaseExceptionGroup):
        return f"{failure}\n" + "\n".join(_described(inner) for inner in failure.exceptions)
    return f"{type(failure).__name__}: {failure}"


def test_every_operation_answers_as_documented(in_process: None, authorizations: list[dict[str, str] | None]) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in EXAMPLES:
            try:
                _exercise(operation, mode, authorizations)
            # Every failure is reported below, with its operation; schemathesis' groups are no Exception.
            except (Exception, BaseExceptionGroup) as failure:
                failures.append(f"{operation.label} ({mode.value}): {_described(failure)}")
    assert operations >= 30
    assert not failures, "\n\n".join(failures)


# ---------------------------------------------------------------------------------------------- hostile bodies
# What generated cases seldom reach: bytes that are not UTF-8, NUL characters (which PostgreSQL cannot store in
# text), strings far beyond any field's limit, and markup. Each is sent to every operation that takes a body,
# with a token that may write, filling every field of the operation's schema.

SCRIPT = '<script>alert("attest")</script><img src=x onerror=alert(1)>'
HOSTILE_STRINGS = {
    "nul": "The mayor\x00 said so.",
    "oversize": "word " * 200_000,  # 1 MB in one field, under the body limit
    "script": SCRIPT,
    "controls and odd code points": "\u202e\ufeff\U0001f4a9\x07\x1b[31m\u0300\ufffe",
}
RAW_BODIES = {
    "invalid UTF-8": b'{"text": "caf\xe9 \xff\xfe"}',
    "truncated JSON": b'{"text": "The mayor',
    "NUL byte outside a string": b'{"text": "x"}\x00',
    # The ClaimReview import takes any JSON object: one a fact-checker might send, with a NUL inside.
    "ClaimReview holding NUL": json.dumps(
        {
            "@type": "ClaimReview",
            "url": "https://factcheck.partner.example/reviews/nul",
            "claimReviewed": "Tolls\x00 will double.",
            "author": {"@type": "Organization", "name": "Partner\x00 Check"},
            "reviewRating": {"@type": "Rating", "alternateName": "False\x00"},
            "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Ana\x00"}},
        }
    ).encode(),
}


def _resolved(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _filled(schema: dict[str, Any], node: dict[str, Any], text: str, known_id: int) -> Any:
    """A value for `node` with `text` in every string it holds, and a real object's id for every number."""
    node = _resolved(schema, node)
    for combined in ("allOf", "oneOf", "anyOf"):
        if combined in node:
            return _filled(schema, node[combined][0], text, known_id)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return {name: _filled(schema, prop, text, known_id) for name, prop in node.get("properties", {}).items()}
    if kind == "array":
        return [_filled(schema, node.get("items", {}), text, known_id)]
    if kind in ("integer", "number"):
        return known_id
    if kind == "boolean":
        return False
    if "enum" in node:
        return node["enum"][0]
    return text


def _writes(schema: dict[str, Any], world: World) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in ("post", "patch", "put") or "requestBody" not in operation:
                continue
            content = operation["requestBody"]["content"]
            body = content.get("application/json", next(iter(content.values())))["schema"]
            yield method, path.replace("{id}", str(world.published.pk)), body


def test_hostile_bodies_get_no_server_error(world: World) -> None:
    writer = token_issue(client=client_create(name="Hostile writer", roles=["editor"]), scopes=["read:all", "write"])
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {writer.secret}")
    schema = client.get("/api/schema/?format=json").json()
    failures = []
    writes = list(_writes(schema, world))
    assert len(writes) >= 15
    for method, path, body_schema in writes:
        sent: dict[str, Any] = {
            name: json.dumps(_filled(schema, body_schema, text, world.published.pk)).encode()
            for name, text in HOSTILE_STRINGS.items()
        }
        sent |= RAW_BODIES
        for name, raw in sent.items():
            with transaction.atomic():
                response = getattr(client, method)(path, raw, content_type="application/json")
                transaction.set_rollback(True)
            if response.status_code >= 500:
                failures.append(
                    f"{method.upper()} {path} with {name}: {response.status_code} {response.content[:200]!r}"
                )
            elif SCRIPT in response.content.decode(errors="replace") and not response["Content-Type"].startswith(
                ("application/json", "application/problem+json", "application/ld+json")
            ):
                failures.append(
                    f"{method.upper()} {path} with {name}: markup echoed unescaped as {response['Content-Type']}"
                )
    assert not failures, "\n".join(failures)
