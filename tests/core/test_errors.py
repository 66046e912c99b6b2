"""A request that meets the database away gets 503 with a retry hint, for people and for API clients."""

import pytest
from django.test import Client


@pytest.mark.urls("tests.core.urls_failing")
def test_a_page_that_loses_the_database_answers_503_with_a_retry_hint() -> None:
    response = Client(raise_request_exception=False).get("/claims-away/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "briefly unavailable" in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.urls("tests.core.urls_failing")
def test_an_api_call_that_loses_the_database_gets_problem_details() -> None:
    response = Client(raise_request_exception=False).get("/api/v1/claims-away/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 503
    assert response["Retry-After"] == "5"
