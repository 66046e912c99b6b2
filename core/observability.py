"""Following a request through the logs and into the jobs it starts, and the health of the processes.

Every request gets an id (the proxy's `X-Request-ID` when it sends a sane one),
returned in the response's `X-Request-ID`, written on every log line of the
request, recorded on the jobs it queues (core.jobs) and bound again while a
worker runs them, so one grep finds a request and everything it caused.
"""

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("request_id", default="")
# What a proxy may hand us as a request id: no spaces, no quotes, nothing a log parser would trip on.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")


def current_request_id() -> str:
    """The id of the request (or job) this code runs for; empty outside one."""
    return _request_id.get()


@contextmanager
def request_id_bound(value: str) -> Iterator[None]:
    token = _request_id.set(value)
    try:
        yield
    finally:
        _request_id.reset(token)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        value = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        with request_id_bound(value):
            response = self.get_response(request)
        response["X-Request-ID"] = value
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every log record, for the formatters to print."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
