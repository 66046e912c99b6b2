"""The API client's token of a request, for the endpoints about the client itself (its webhooks)."""

from rest_framework.request import Request

from clients.models import ApiToken


def token_of(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None
