"""Signing in to the admin: wrong passwords lock one account out from one address, until an editor unlocks it."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from rest_framework.settings import api_settings

from tests import api
from tests.browser import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def sign_in(client: Client, username: str, password: str, *, address: str = HOME, **headers: str) -> object:
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address, **headers
    )


def signed_in_as(client: Client) -> str | None:
    response = client.get(reverse("admin:index"))
    return response.context["user"].username if response.status_code == 200 else None


def guess_until_locked(username: str, *, address: str = HOME, **headers: str) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(Client(), username, "wrong guess", address=address, **headers)
        assert response.status_code == 200  # the sign-in page again, saying the password is wrong
        assert "Please enter the correct username and password" in response.content.decode()
    # The last wrong guess the limit allows is told of the lock straight away.
    assert sign_in(Client(), username, "wrong guess", address=address, **headers).status_code == 429


def test_wrong_passwords_up_to_the_limit_then_the_right_one_is_refused_with_a_reason(editor: User) -> None:
    guess_until_locked("alice")
    client = Client()

    response = sign_in(client, "alice", PASSWORD)

    assert response.status_code == 429
    page = " ".join(response.content.decode().split())
    assert "Too many wrong passwords for this account from your address" in page
    assert f"blocked for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in page
    assert 'id="login-form"' in page  # the sign-in page itself, not a bare error page
    assert signed_in_as(client) is None


def test_the_lock_holds_one_account_at_one_address(editor: User, reviewer: User) -> None:
    guess_until_locked("alice")
    from_elsewhere, bob = Client(), Client()

    assert sign_in(from_elsewhere, "alice", PASSWORD, address=ELSEWHERE).status_code == 302
    assert sign_in(bob, "bob", PASSWORD).status_code == 302

    assert signed_in_as(from_elsewhere) == "alice"
    assert signed_in_as(bob) == "bob"


def test_an_editor_unlocks_the_account_in_the_admin(editor: User, reviewer: User) -> None:
    guess_until_locked("bob")
    desk = Client()
    sign_in(desk, "alice", PASSWORD)
    attempts = desk.get(reverse("admin:axes_accessattempt_changelist"))
    assert attempts.status_code == 200
    assert "bob" in attempts.content.decode()

    from axes.models import AccessAttempt

    locked = list(AccessAttempt.objects.filter(username="bob").values_list("pk", flat=True))
    unlocked = desk.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": locked, "post": "yes"},
    )
    assert unlocked.status_code == 302

    client = Client()
    assert sign_in(client, "bob", PASSWORD).status_code == 302
    assert signed_in_as(client) == "bob"


def test_the_right_password_forgives_earlier_mistakes(editor: User) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(Client(), "alice", "wrong guess")
    assert sign_in(Client(), "alice", PASSWORD).status_code == 302

    sign_in(Client(), "alice", "one more typo")

    assert sign_in(Client(), "alice", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(editor: User) -> None:
    guess_until_locked("alice")

    response = sign_in(Client(), "alice", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77")

    assert response.status_code == 429


def test_behind_the_proxy_each_visitor_is_counted_at_their_own_address(editor: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert api_settings.NUM_PROXIES == 1
    proxy = "10.0.0.254"
    guess_until_locked("alice", address=proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.5, {HOME}")

    locked = sign_in(Client(), "alice", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=HOME)
    elsewhere = sign_in(Client(), "alice", PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)

    assert locked.status_code == 429
    assert elsewhere.status_code == 302


def test_api_tokens_work_from_a_locked_out_address(editor: User) -> None:
    guess_until_locked("alice")
    client, _ = api.token_client(name="Desk tool", roles=["editor"], scopes=["read:all", "write"])

    response = client.get("/api/v1/claims", REMOTE_ADDR=HOME)

    assert response.status_code == 200
