"""Real services some tests need (Redis, Chromium), and what to do where one is missing.

Where a service is missing the test is skipped with the reason, except under
ATTEST_REQUIRE_SERVICES=1 (as in CI), where the skip becomes a failure.
"""

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest

# A Redis database of its own per test process (pytest-xdist's gw0, gw1…), so that a worker started
# by one process never takes the jobs of another.
_TEST_PROCESS = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
# ATTEST_TEST_REDIS_DB moves the first of them, so that two checkouts can run their suites at once.
_FIRST_DATABASE = int(os.environ.get("ATTEST_TEST_REDIS_DB", "15"))
REDIS_URL = os.environ.get("ATTEST_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{_FIRST_DATABASE - _TEST_PROCESS}")
CHROMIUM = os.environ.get("ATTEST_CHROMIUM", "/usr/bin/chromium")


def require(available: bool, reason: str) -> None:
    """Skip the calling test with `reason` unless the service is available; fail instead when services are required."""
    if available:
        return
    if os.environ.get("ATTEST_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (ATTEST_REQUIRE_SERVICES=1 makes this a failure)")
    pytest.skip(reason)


def redis_answers(url: str = REDIS_URL) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def require_redis() -> str:
    require(redis_answers(), f"no Redis answers at {REDIS_URL}")
    return REDIS_URL


def require_chromium() -> str:
    require(shutil.which(CHROMIUM) is not None, f"no Chromium at {CHROMIUM} (install Debian's chromium package)")
    return CHROMIUM
