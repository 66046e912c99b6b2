"""What every endpoint shares: one error format, limits on bodies and rates, the schema and its pages."""

import re
from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from clients.api import throttles
from clients.models import ThrottleWindow
from tests.api import bearer, problem_of, token_client


def test_unknown_address_under_the_api_is_a_problem(anonymous: APIClient) -> None:
    response = anonymous.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert problem_of(response)["instance"] == "/api/v1/nothing-here"


def test_a_non_numeric_id_is_not_found(anonymous: APIClient) -> None:
    assert anonymous.get("/api/v1/claims/abc").status_code == 404


def test_a_missing_object_is_a_problem(anonymous: APIClient) -> None:
    response = anonymous.get("/api/v1/claims/999999999999")
    assert response.status_code == 404
    assert problem_of(response)["type"] == "urn:attest:problem:not-found"


def test_a_wrong_method_is_a_405_problem(desk_writer: APIClient) -> None:
    response = desk_writer.delete("/api/v1/claims")
    assert response.status_code == 405
    problem_of(response)


def test_malformed_json_is_a_400_problem(desk_writer: APIClient) -> None:
    response = desk_writer.post("/api/v1/claims", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in problem_of(response)["detail"]


def test_a_form_body_is_a_415_problem(desk_writer: APIClient) -> None:
    response = desk_writer.post("/api/v1/claims", data="text=A+claim", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    problem_of(response)


def test_wrong_types_are_field_errors(desk_writer: APIClient) -> None:
    response = desk_writer.post("/api/v1/claims", {"text": ["not", "a", "string"], "story": "x"}, format="json")
    assert response.status_code == 400
    assert set(problem_of(response)["errors"]) == {"text", "story"}


def test_a_body_that_is_not_an_object_is_a_400(desk_writer: APIClient) -> None:
    response = desk_writer.post("/api/v1/claims", [1, 2], format="json")
    assert response.status_code == 400
    problem_of(response)


@override_settings(ATTEST_API_MAX_BODY_BYTES=1000)
def test_an_oversize_body_is_a_413_problem(desk_writer: APIClient) -> None:
    response = desk_writer.post("/api/v1/claims", {"text": "x" * 2000}, format="json")
    assert response.status_code == 413
    assert "1,000 bytes" in problem_of(response)["detail"]


def test_a_bad_token_is_a_401_problem(db: None) -> None:
    response = bearer("attest_0123456789ab_" + "x" * 43).get("/api/v1/claims")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    problem_of(response)


@override_settings(ATTEST_API_RATE_ANONYMOUS="3/minute", ATTEST_API_RATE_CLIENT="5/minute")
def test_throttling_per_address_and_per_token_with_retry_after(
    anonymous: APIClient, reader: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fixed clock, in the middle of a window, so the test never straddles two.
    monkeypatch.setattr(throttles, "clock", lambda: 1_800_000_030.0)
    assert [anonymous.get("/api/v1/ratings").status_code for _ in range(4)] == [200, 200, 200, 429]
    throttled = anonymous.get("/api/v1/ratings")
    assert throttled["Retry-After"] == "30"
    assert problem_of(throttled)["type"] == "urn:attest:problem:throttled"
    # A token has its own allowance, counted apart from the address it comes from.
    assert [reader.get("/api/v1/ratings").status_code for _ in range(6)] == [200] * 5 + [429]
    # The next window starts afresh.
    monkeypatch.setattr(throttles, "clock", lambda: 1_800_000_090.0)
    assert anonymous.get("/api/v1/ratings").status_code == 200
    assert ThrottleWindow.objects.filter(key__startswith="anon:").count() == 2


def test_schema_is_served_with_error_responses(anonymous: APIClient) -> None:
    response = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    claims = schema["paths"]["/api/v1/claims/{id}"]
    assert {"200", "400", "401", "403", "404", "429"} <= set(claims["get"]["responses"])
    assert "application/problem+json" in claims["get"]["responses"]["404"]["content"]
    assert "409" in claims["patch"]["responses"]
    assert "413" in schema["paths"]["/api/v1/sources"]["post"]["responses"]
    assert "422" in schema["paths"]["/api/v1/sources"]["post"]["responses"]
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


@pytest.mark.parametrize("page", ["/api/schema/swagger/", "/api/schema/redoc/"])
def test_schema_pages_load_their_assets_from_our_static_files(anonymous: APIClient, page: str) -> None:
    html = anonymous.get(page).content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    # An address on a CDN, not the letters "cdn" inside the page's random nonce.
    assert not re.search(r"//[^\"'\s]*cdn", html.lower())


def test_browsable_pages_render_for_a_signed_in_editor(editor_client: Any, db: None) -> None:
    response = editor_client.get("/api/v1/claims", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"Claims, newest first" in response.content or b"Claim" in response.content


def test_session_writes_need_the_csrf_token(editor: Any, db: None) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post("/api/v1/claims", {"text": "A claim."}, format="json")
    assert response.status_code == 403
    assert "CSRF" in problem_of(response)["detail"]


def test_a_revoked_token_stops_working_at_once(db: None) -> None:
    from clients.models import ApiToken
    from clients.services import token_revoke

    client, api_client = token_client(name="Leaky", roles=[], scopes=["read:published"])
    assert client.get("/api/v1/claims").status_code == 200
    token_revoke(token=ApiToken.objects.get(client=api_client))
    assert client.get("/api/v1/claims").status_code == 401
