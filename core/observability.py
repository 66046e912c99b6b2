"""Following a request through the logs and into the jobs it starts, and the health of the processes.

Every request gets an id (the proxy's `X-Request-ID` when it sends a sane one),
returned in the response's `X-Request-ID`, written on every log line of the
request, recorded on the jobs it queues (core.jobs) and bound again while a
worker runs them, so one grep finds a request and everything it caused.

A credential someone put in an address (`?access_token=...`) never reaches a log or an answer: the
value of every query parameter that looks like one is replaced by `[redacted]` in the access log
(gunicorn's, through AccessLogger; Django's development server's, through CredentialFilter) and
wherever an address is repeated back.
"""

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from urllib.parse import unquote_plus

from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("request_id", default="")
# What a proxy may hand us as a request id: no spaces, no quotes, nothing a log parser would trip on.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
# A query parameter named like a credential: a token, key, secret or password, alone or as the last word.
_CREDENTIAL_WORDS = r"(?:access_?token|token|api_?key|apikey|key|secret|password|passwd|auth|authorization|bearer|jwt)"
CREDENTIAL_PARAMETER = re.compile(rf"(?:[a-z0-9]*[_-])?{_CREDENTIAL_WORDS}", re.IGNORECASE)
# A parameter in an address or a bare query string, up to the next `&`, space or quote; the name may be
# percent-encoded (`access%5Ftoken`).
_CREDENTIAL_IN_QUERY = re.compile(r"(^|[?&;])([^=&;?/\s\"#]+)=([^&;\s\"#]*)")
REDACTED = "[redacted]"


def is_credential_parameter(name: str) -> bool:
    return CREDENTIAL_PARAMETER.fullmatch(unquote_plus(name).strip()) is not None


def redact_credentials(text: str) -> str:
    """`text` (an address, a request line or a log message) with the value of each credential parameter hidden."""
    if "=" not in text:
        return text

    def hidden(match: re.Match[str]) -> str:
        start, name, value = match.groups()
        return f"{start}{name}={REDACTED}" if value and is_credential_parameter(name) else match.group()

    return _CREDENTIAL_IN_QUERY.sub(hidden, text)


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


class CredentialFilter(logging.Filter):
    """Hides credentials in a log line's addresses (the development server logs each request line)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_credentials(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def access_log_atoms(atoms: dict[str, Any]) -> dict[str, Any]:
    """gunicorn's access log fields, with credentials hidden in the request line, query string and referrer."""
    for name in ("r", "q", "f"):
        if isinstance(atoms.get(name), str):
            atoms[name] = redact_credentials(atoms[name])
    return atoms
