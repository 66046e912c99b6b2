"""What a request gets when something it needs is away, rather than a traceback.

A database that restarts or fails over drops the connections of the requests in
flight. Those requests get 503 Service Unavailable with `Retry-After`, which
clients, proxies and the API's users know to retry; the next request opens a new
connection (CONN_HEALTH_CHECKS), so the application itself needs no restart.
"""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    """Answers 503 for a view that lost the database, before Django logs it as a crash with a traceback."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            return unavailable(request, exception)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500, for what failed outside a view (in a middleware): 503 for a database away, else Django's 500."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return unavailable(request, error)
    from core.api import problems  # not at import: logging's configuration loads this module, before the apps

    return problems.server_error(request)


def unavailable(request: HttpRequest, error: Exception) -> HttpResponse:
    """503 with Retry-After: problem details for API clients, a short page for people."""
    logger.warning("The database was unreachable during %s %s: %s", request.method, request.path, error)
    if request.path.startswith("/api/") or "json" in request.headers.get("Accept", ""):
        from core.api import problems

        detail = f"The database is briefly unavailable. Retry in {RETRY_AFTER_SECONDS} seconds."
        response: HttpResponse = problems.problem_response(request, 503, detail)
    else:
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseOutageLogFilter(logging.Filter):
    """A request that met the database away leaves one line in the log (the warning above), not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if getattr(record, "status_code", None) == 503 and isinstance(error, OperationalError | InterfaceError):
            record.exc_info, record.exc_text = None, None
        return True
