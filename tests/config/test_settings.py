"""Production settings refuse to start on insecure values."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

GOOD_KEY = "k" * 60
GOOD_METRICS_TOKEN = "m" * 40
# Settings the tests give or leave out on purpose, never inherited from the environment they run in.
CHOSEN = {"SECRET_KEY", "ALLOWED_HOSTS", "ATTEST_METRICS", "ATTEST_METRICS_TOKEN"}


def start_production(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in CHOSEN}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **environment)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG, s.ATTEST_METRICS)",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("environment", "complaint"),
    [
        ({"ALLOWED_HOSTS": "attest.example", "ATTEST_METRICS_TOKEN": GOOD_METRICS_TOKEN}, "SECRET_KEY must be"),
        (
            {"SECRET_KEY": "short", "ALLOWED_HOSTS": "attest.example", "ATTEST_METRICS_TOKEN": GOOD_METRICS_TOKEN},
            "SECRET_KEY must be",
        ),
        ({"SECRET_KEY": GOOD_KEY, "ATTEST_METRICS_TOKEN": GOOD_METRICS_TOKEN}, "ALLOWED_HOSTS"),
        # Behind the proxy every client looks like loopback: /metrics needs its token, or to be off.
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "attest.example"}, "ATTEST_METRICS_TOKEN must be"),
        (
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "attest.example", "ATTEST_METRICS_TOKEN": "change-me-too"},
            "ATTEST_METRICS_TOKEN must be",
        ),
    ],
)
def test_production_refuses_to_start_without_proper_settings(environment: dict[str, str], complaint: str) -> None:
    result = start_production(**environment)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


@pytest.mark.parametrize(
    ("metrics", "printed"),
    [({"ATTEST_METRICS_TOKEN": GOOD_METRICS_TOKEN}, "False True"), ({"ATTEST_METRICS": "false"}, "False False")],
    ids=["metrics-with-token", "metrics-off"],
)
def test_production_starts_with_a_secret_hosts_and_metrics_guarded_or_off(
    metrics: dict[str, str], printed: str
) -> None:
    result = start_production(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="attest.example", **metrics)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == printed  # DEBUG, and whether /metrics is served


def test_production_settings_pass_djangos_deployment_checklist() -> None:
    env = {key: value for key, value in os.environ.items() if key not in CHOSEN}
    secret = secrets.token_urlsafe(50)  # the checklist also wants a key of many different characters
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secret,
        ALLOWED_HOSTS="attest.example",
        ATTEST_METRICS_TOKEN=GOOD_METRICS_TOKEN,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_and_no_framing(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/admin/login/")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
