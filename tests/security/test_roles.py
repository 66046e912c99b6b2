"""The roles as the README's table gives them, through HTTP, with the desk's named people."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from clients.models import ApiClient
from clients.selectors import token_for_secret
from sources.models import Source

pytestmark = pytest.mark.django_db

STORY = "The mayor said the new bridge would open in March. Councillors denied it."


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def client_form(**fields: object) -> dict[str, object]:
    return {
        "name": "Fact-check tool",
        "contact": "",
        "notes": "",
        "tokens-TOTAL_FORMS": "0",
        "tokens-INITIAL_FORMS": "0",
    } | fields


def test_an_editor_records_an_api_client_and_issues_its_token(editor: User) -> None:
    alice = signed_in(editor)
    add_page = alice.get(reverse("admin:clients_apiclient_add")).content.decode()
    # The scopes are offered in words, with the codes the API documentation uses.
    assert (
        "read everything the client&#x27;s roles may see: unpublished claims, suggestions, review (read:all)"
        in add_page
    )

    response = alice.post(
        reverse("admin:clients_apiclient_add"),
        client_form(roles=["reviewer"], issue_token_scopes=["read:all", "write"]),
        follow=True,
    )

    assert response.status_code == 200
    shown = " ".join(str(message) for message in response.context["messages"])
    secret = re.search(r"<code>(attest_[^<]+)</code>", shown)
    assert secret is not None, shown
    token = token_for_secret(secret.group(1))
    assert token is not None
    assert sorted(token.scopes) == ["read:all", "write"]
    assert token.created_by == editor
    assert list(ApiClient.objects.get().user.groups.values_list("name", flat=True)) == ["reviewer"]
    page = alice.get(reverse("admin:clients_apiclient_change", args=[token.client_id])).content.decode()
    assert "add and change what the client&#x27;s roles may, and take their review steps (write)" in page
    assert secret.group(1) not in page


def test_an_editor_revokes_a_token(editor: User) -> None:
    alice = signed_in(editor)
    response = alice.post(
        reverse("admin:clients_apiclient_add"), client_form(issue_token_scopes=["read:published"]), follow=True
    )
    secret = re.search(r"<code>(attest_[^<]+)</code>", " ".join(map(str, response.context["messages"])))
    assert secret is not None
    token = token_for_secret(secret.group(1))
    assert token is not None

    alice.post(reverse("admin:clients_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]})

    assert token_for_secret(secret.group(1)) is None


def test_only_editors_manage_api_clients(reviewer: User, researcher: User) -> None:
    for person in (reviewer, researcher):
        desk = signed_in(person)
        assert desk.get(reverse("admin:clients_apiclient_changelist")).status_code == 403
        refused = desk.post(reverse("admin:clients_apiclient_add"), client_form(issue_token_scopes=["write"]))
        assert refused.status_code == 403
    assert not ApiClient.objects.exists()


def test_a_researcher_adds_sources_through_the_api(researcher: User) -> None:
    carol = api_as(researcher)

    stored = carol.post("/api/v1/sources", {"extract": False, "title": "Council minutes", "text": STORY}, format="json")
    read = carol.post("/api/v1/sources", {"text": STORY + " The mayor was not available."}, format="json")

    assert stored.status_code == 201, stored.content
    assert Source.objects.filter(title="Council minutes").exists()
    assert read.status_code == 202, read.content


def test_a_researcher_sends_a_story_to_read_in_the_admin(researcher: User) -> None:
    carol = signed_in(researcher)

    response = carol.post(reverse("admin:claims_ingestion_add"), {"submitted_text": STORY, "url": "", "title": ""})

    assert response.status_code == 302, response.content


def test_a_reviewer_adds_no_sources(reviewer: User) -> None:
    bob = api_as(reviewer)

    response = bob.post("/api/v1/sources", {"extract": False, "title": "Council minutes", "text": STORY}, format="json")

    assert response.status_code == 403
    assert not Source.objects.exists()
