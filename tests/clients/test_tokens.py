"""API clients and their tokens: random, stored hashed, shown once, scoped, revocable, their use recorded."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.models import ApiToken
from clients.selectors import token_digest, token_for_secret
from clients.services import client_create, token_issue, token_revoke, token_touch


@pytest.fixture
def newsroom(db: None):  # type: ignore[no-untyped-def]
    return client_create(name="Partner newsroom", roles=["reviewer"], contact="desk@partner.example")


def test_the_client_acts_as_an_account_in_its_groups(newsroom) -> None:  # type: ignore[no-untyped-def]
    assert newsroom.user.username == "api-partner-newsroom"
    assert list(newsroom.user.groups.values_list("name", flat=True)) == ["reviewer"]
    assert not newsroom.user.has_usable_password()


def test_an_unknown_role_is_refused(db: None) -> None:
    with pytest.raises(ValidationError):
        client_create(name="Odd", roles=["janitor"])


def test_a_token_is_random_and_only_its_digest_is_stored(newsroom) -> None:  # type: ignore[no-untyped-def]
    first = token_issue(client=newsroom, scopes=["read:all"])
    second = token_issue(client=newsroom, scopes=["read:all"])
    assert first.secret != second.secret
    assert first.secret.startswith(f"attest_{first.token.prefix}_")
    stored = ApiToken.objects.get(pk=first.token.pk)
    assert stored.digest == token_digest(first.secret)
    assert first.secret not in {stored.digest, stored.prefix, stored.name}
    assert token_for_secret(first.secret) == first.token


def test_a_token_with_the_right_prefix_and_a_wrong_secret_is_refused(newsroom) -> None:  # type: ignore[no-untyped-def]
    issued = token_issue(client=newsroom, scopes=["read:all"])
    forged = issued.secret[:-4] + ("AAAA" if not issued.secret.endswith("AAAA") else "BBBB")
    assert token_for_secret(forged) is None
    assert token_for_secret("garbage") is None


def test_a_revoked_token_is_refused(newsroom) -> None:  # type: ignore[no-untyped-def]
    issued = token_issue(client=newsroom, scopes=["read:all"])
    token_revoke(token=issued.token)
    assert token_for_secret(issued.secret) is None


def test_scopes_are_checked_by_the_service_and_the_database(newsroom) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        token_issue(client=newsroom, scopes=["admin"])
    with pytest.raises(ValidationError):
        token_issue(client=newsroom, scopes=[])
    token = token_issue(client=newsroom, scopes=["write"]).token
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(scopes=["admin"])


def test_last_use_is_written_at_most_every_few_minutes(newsroom, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    token = token_issue(client=newsroom, scopes=["read:all"]).token
    with django_assert_num_queries(1):
        token_touch(token=token)
    with django_assert_num_queries(0):
        token_touch(token=token)
    token.last_used_at = timezone.now() - timedelta(minutes=10)
    with django_assert_num_queries(1):
        token_touch(token=token)


def test_admin_issues_a_token_shown_once_and_revokes_it(admin_client, db: None) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(
        "/admin/clients/apiclient/add/",
        {
            "name": "Fact-check tool",
            "contact": "",
            "notes": "",
            "roles": ["researcher"],
            "issue_token_scopes": ["read:all", "write"],
            "tokens-TOTAL_FORMS": "0",
            "tokens-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    secret = next(message for message in shown if "attest_" in message).split("<code>")[1].split("</code>")[0]
    token = token_for_secret(secret)
    assert token is not None
    assert sorted(token.scopes) == ["read:all", "write"]
    page = admin_client.get(f"/admin/clients/apiclient/{token.client_id}/change/").content.decode()
    assert secret not in page
    admin_client.post("/admin/clients/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    assert token_for_secret(secret) is None
