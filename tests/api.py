"""What the API tests share: clients holding a token of each scope, and claims published through the services."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from claims.models import Claim, Verdict
from clients.models import ApiClient
from clients.services import client_create, token_issue
from sources.models import Source
from tests import factories
from tests.claims import published


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def token_client(*, name: str, roles: list[str], scopes: list[str]) -> tuple[APIClient, ApiClient]:
    """An HTTP client sending a new token of a new API client with `roles` and `scopes`."""
    api_client = client_create(name=name, roles=roles)
    issued = token_issue(client=api_client, scopes=scopes)
    return bearer(issued.secret), api_client


def publish(
    claim: Claim,
    *,
    researcher: User,
    reviewer: User,
    editor: User,
    rating: str = "false",
    conclusion: str = "Nothing in the record supports it.",
    source: Source | None = None,
) -> Verdict:
    """Take `claim` to a published verdict resting on evidence from `source` (a new one if none is given)."""
    return published.publish(
        claim,
        researcher=researcher,
        reviewer=reviewer,
        editor=editor,
        rating=rating,
        conclusion=conclusion,
        evidence_from=source or factories.SourceFactory(),
    )


@dataclass
class World:
    """Two published claims, linked, and an unpublished one with its own speaker and source."""

    published: Claim
    other_published: Claim
    unpublished: Claim
    public_speaker_id: int
    secret_speaker_id: int
    public_source_id: int
    secret_source_id: int


def problem_of(response: Any) -> dict[str, Any]:
    """The problem document of an error response, checked to be one."""
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(body), body
    assert body["status"] == response.status_code
    return body
