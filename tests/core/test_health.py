"""Health, readiness and metrics, as a load balancer and Prometheus see them."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_health_says_the_process_is_up(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_the_database_answers_and_is_migrated(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"]["ok"]
    assert checks["migrations"]["ok"]
    assert checks["broker"] == {"ok": True, "note": "jobs run in-process"}


def test_not_ready_while_the_broker_is_away(client: Client, broker_away: None) -> None:
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "not ready"
    assert not response.json()["checks"]["broker"]["ok"]


def test_metrics_count_requests_and_read_the_store(client: Client) -> None:
    client.get("/healthz")

    response = client.get("/metrics")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'attest_http_requests_total{method="GET",status="200",view="healthz"}' in body
    assert 'attest_jobs{status="dead"}' in body
    assert 'attest_link_suggestions{status="confirmed"}' in body


def test_metrics_need_the_token_when_one_is_set(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ATTEST_METRICS_TOKEN = "s3cret-scraper-token"

    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token").status_code == 200


def test_metrics_are_not_served_to_the_world(client: Client) -> None:
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


@pytest.mark.parametrize(
    "forwarded",
    [
        {"HTTP_X_FORWARDED_FOR": "203.0.113.9"},
        {"HTTP_FORWARDED": "for=203.0.113.9;proto=https"},
        {"HTTP_X_REAL_IP": "203.0.113.9"},
    ],
)
def test_metrics_are_not_served_to_the_world_through_a_proxy_on_loopback(
    client: Client, forwarded: dict[str, str]
) -> None:
    # The proxy in docs/deploy.md reaches the app from 127.0.0.1 for every client; what it forwards is who asked.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", **forwarded).status_code == 403  # type: ignore[arg-type]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200


def test_with_proxies_configured_loopback_alone_is_not_enough_but_the_token_is(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403

    settings.ATTEST_METRICS_TOKEN = "s3cret-scraper-token"
    response = client.get(
        "/metrics",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        HTTP_AUTHORIZATION="Bearer s3cret-scraper-token",
    )

    assert response.status_code == 200
    assert "attest_jobs" in response.content.decode()


def test_metrics_turned_off_are_not_served_at_all(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ATTEST_METRICS = False
    settings.ATTEST_METRICS_TOKEN = "s3cret-scraper-token"

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token").status_code == 404
