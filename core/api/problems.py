"""Errors as RFC 9457 problem details, from one handler, for every error the API gives.

Each body is `application/problem+json` with `type`, `title`, `status`, `detail`, `instance` (the address asked
for, credentials hidden) and, for invalid input, `errors`: the messages by field, the field named by its path
(`statements.0.quote`).
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from core.exceptions import status_of
from core.observability import redact_credentials

logger = logging.getLogger(__name__)

PROBLEM_TYPE = "application/problem+json"
TYPE_BASE = "urn:attest:problem:"
TITLES = {
    400: ("invalid-request", "The request is not valid"),
    401: ("not-authenticated", "Authentication is needed"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Cannot answer in the format asked for"),
    409: ("conflict", "Conflict"),
    413: ("too-large", "The request body is too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("unprocessable", "The request cannot be processed"),
    429: ("throttled", "Too many requests"),
    500: ("server-error", "Server error"),
}


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be processed."
    default_code = "unprocessable"


class _Registered(exceptions.APIException):
    """A service's own error, answered with the status it was registered with (core.exceptions)."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code


def problem(status_code: int, detail: str, instance: str, errors: dict[str, list[str]] | None = None) -> dict:
    slug, title = TITLES.get(status_code, ("error", "Error"))
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": title,
        "status": status_code,
        "detail": detail,
        "instance": instance,
    }
    if errors:
        body["errors"] = errors
    return body


def _flatten(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as messages by dotted field path; errors of the whole request under "non_field"."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "non_field" if key in ("non_field_errors", "__all__") else str(key)
            for field, messages in _flatten(value, f"{path}.{name}" if path else name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {path or "non_field": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            for field, messages in _flatten(item, f"{path}.{index}" if path else str(index)).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {path or "non_field": [str(detail)]}


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    if isinstance(exc, exceptions.APIException):
        return exc
    registered = status_of(exc)
    if registered is not None:
        return _Registered(registered, " ".join(getattr(exc, "messages", [str(exc)])))
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, RequestDataTooBig):
        return TooLarge()
    return None


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception becomes a problem response; an unexpected one is logged as a 500."""
    request = context.get("request")
    instance = redact_credentials(request.get_full_path()) if request is not None else ""
    api_exc = _as_api_exception(exc)
    headers: dict[str, str] = {}
    if api_exc is None:
        logger.error("Unexpected error answering %s", instance, exc_info=exc)
        body = problem(500, "Something went wrong on our side; it has been logged.", instance)
        return _response(body, 500, headers, request)
    errors = None
    if isinstance(api_exc, exceptions.ValidationError):
        errors = _flatten(api_exc.detail)
        general = errors.pop("non_field", [])
        if general:
            detail = " ".join(general)
        elif errors:
            field, messages = next(iter(errors.items()))
            more = len(errors) - 1
            detail = f"{field}: {messages[0]}" + (f" (and {more} more field{'s' * (more != 1)})" if more else "")
        else:
            detail = "The request is not valid."
    elif isinstance(api_exc.detail, dict | list):
        detail = str(api_exc.default_detail)
    else:
        detail = str(api_exc.detail)
    auth_header = getattr(api_exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(api_exc, "wait", None)
    if wait is not None:
        headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    body = problem(api_exc.status_code, detail, instance, errors)
    return _response(body, api_exc.status_code, headers, request)


def _response(body: dict, status_code: int, headers: dict[str, str], request: Any) -> Response:
    response = Response(body, status=status_code, headers=headers)
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or isinstance(renderer, JSONRenderer):
        response.content_type = PROBLEM_TYPE
    return response


def problem_response(request: HttpRequest, status_code: int, detail: str) -> JsonResponse:
    """A problem document for a failure outside DRF's views (Django's own handlers)."""
    return JsonResponse(
        problem(status_code, detail, redact_credentials(request.get_full_path())),
        status=status_code,
        content_type=PROBLEM_TYPE,
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> Any:
    """Django's 404 handler: a problem under /api/, the usual page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_response(request, 404, "There is nothing at this address.")
    from django.views.defaults import page_not_found

    return page_not_found(request, exception or Http404())


def server_error(request: HttpRequest) -> Any:
    if request.path.startswith("/api/"):
        return problem_response(request, 500, "Something went wrong on our side; it has been logged.")
    from django.views.defaults import server_error as page

    return page(request)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> Any:
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            return problem_response(request, 413, "The request body is too large.")
        return problem_response(request, 400, "The request is not valid.")
    from django.views.defaults import bad_request as page

    return page(request, exception or Exception())
