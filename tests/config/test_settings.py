"""Production settings refuse to start on insecure values."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

GOOD_KEY = "k" * 60


def start_production(**environment: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **environment)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
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
        ({"ALLOWED_HOSTS": "attest.example"}, "SECRET_KEY must be"),
        ({"SECRET_KEY": "short", "ALLOWED_HOSTS": "attest.example"}, "SECRET_KEY must be"),
        ({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_without_proper_settings(environment: dict[str, str], complaint: str) -> None:
    result = start_production(**environment)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert complaint in result.stderr


def test_production_starts_with_a_secret_and_hosts() -> None:
    result = start_production(SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="attest.example")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_production_settings_pass_djangos_deployment_checklist() -> None:
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    secret = secrets.token_urlsafe(50)  # the checklist also wants a key of many different characters
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=secret, ALLOWED_HOSTS="attest.example")
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
