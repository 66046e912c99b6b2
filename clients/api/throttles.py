"""Request rates per token (or signed-in account) and per anonymous address, counted in the database.

The counters are rows (clients.ThrottleWindow) updated in one statement, so every web worker shares them
without a cache server. Rates come from ATTEST_API_RATE_ANONYMOUS and ATTEST_API_RATE_CLIENT, e.g. "60/minute".
"""

import time
from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from clients.api.access import token_of
from clients.services import throttle_hit

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def clock() -> float:
    """Now, in seconds; a seam for the tests that cross a window."""
    return time.time()


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """ "60/minute" → (60, 60): requests allowed and the window in seconds; None or "" for no limit."""
    if not rate:
        return None
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip().rstrip("s")]


class ApiRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self.seconds_left = 0.0

    def allow_request(self, request: Request, view: Any) -> bool:
        token = token_of(request)
        if token is not None:
            rate, key = settings.ATTEST_API_RATE_CLIENT, f"token:{token.pk}"
        elif request.user.is_authenticated:
            rate, key = settings.ATTEST_API_RATE_CLIENT, f"user:{request.user.pk}"
        else:
            rate, key = settings.ATTEST_API_RATE_ANONYMOUS, f"anon:{self.get_ident(request)}"
        limit = parse_rate(rate)
        if limit is None:
            return True
        allowed, window = limit
        hits, self.seconds_left = throttle_hit(key=key, window_seconds=window, now=clock())
        return hits <= allowed

    def wait(self) -> float:
        return self.seconds_left
