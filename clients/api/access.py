"""Access rules of the endpoints about an API client itself (its webhooks), and the client's token of a request."""

from typing import Any

from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from clients.models import ApiToken, Scope


def token_of(request: Request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class ClientOnly(BasePermission):
    """Endpoints about a client itself (its webhooks): only a client's token may use them."""

    message = "Only an API client's token may manage webhooks."

    def has_permission(self, request: Request, view: Any) -> bool:
        # OPTIONS describes the endpoint, not a client's webhooks; a browser's preflight carries no token.
        if request.method == "OPTIONS":
            return True
        if not request.user.is_authenticated:
            raise NotAuthenticated("Managing webhooks needs the token of an API client.")
        token = token_of(request)
        if token is None:
            return False
        if request.method not in SAFE_METHODS and Scope.WRITE not in token.scopes:
            raise PermissionDenied("This token may only read: it has no write scope.")
        return True
