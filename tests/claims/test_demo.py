"""`manage.py demo`: the site's address, in e-mails and ClaimReview markup, is where the demo is served."""

from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from claims.management.commands import demo
from core import embedded_postgres


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, settings) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The demo run without its database steps and server: what the site's address was while it served."""
    settings.ATTEST_SITE_URL = settings.ATTEST_SITE_URL  # put back after the test, whatever the demo sets
    seen: dict[str, Any] = {}

    def command(name: str, *args: Any, **options: Any) -> None:
        if name == "runserver":
            seen.update(addrport=args[0], site_url=settings.ATTEST_SITE_URL)

    monkeypatch.setattr(demo, "call_command", command)
    # The suite's own embedded server stays up.
    monkeypatch.setattr(demo, "connections", SimpleNamespace(close_all=lambda: None))
    monkeypatch.setattr(embedded_postgres, "stop", lambda data_dir: None)
    return seen


@pytest.mark.parametrize(
    ("addrport", "site_url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8123", "http://127.0.0.1:8123"),
        ("localhost:9000", "http://localhost:9000"),
        ("[::1]:8001", "http://[::1]:8001"),
    ],
)
def test_the_site_is_where_the_demo_serves(served: dict[str, Any], addrport: str, site_url: str) -> None:
    out = StringIO()

    call_command("demo", addrport=addrport, stdout=out)

    assert served == {"addrport": addrport, "site_url": site_url}
    assert f"Attest is at {site_url}/admin/" in out.getvalue()


def test_a_site_address_set_in_the_environment_is_kept(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch, settings
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ATTEST_SITE_URL", "https://desk.example")
    settings.ATTEST_SITE_URL = "https://desk.example"

    call_command("demo", addrport="8123", stdout=StringIO())

    assert served["site_url"] == "https://desk.example"


def test_an_address_runserver_would_not_take_is_refused(served: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="not a port or address:port"):
        call_command("demo", addrport="somewhere:", stdout=StringIO())
