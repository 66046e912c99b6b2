"""Who may read what and write where.

Anonymous requests and tokens without `read:all` see published claims only, and only their public parts.
`read:all` shows everything the client's editorial role may see in the admin; `write` lets the client change
what its role may change, through the same services as the admin. A signed-in session counts as both.
"""

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Model
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from core.roles import Scope, is_on_the_desk


def account(request: Request) -> User:
    """The account a request that passed ApiAccess's write checks acts as."""
    user = request.user
    assert isinstance(user, User), "writes are signed in"
    return user


def token_scopes(request: Request) -> frozenset[str] | None:
    """The scopes of the token the request came with; None for a signed-in session, which may do all its role may."""
    scopes = getattr(request.auth, "scopes", None)  # the API token authentication's credential (clients.ApiToken)
    return None if scopes is None else frozenset(scopes)


def reads_all(request: Request) -> bool:
    """Whether the request may see unpublished claims and the desk's working parts."""
    cached = getattr(request, "_attest_reads_all", None)
    if cached is None:
        scopes = token_scopes(request)
        user = request.user
        cached = bool(
            user.is_authenticated
            and (scopes is None or Scope.READ_ALL in scopes)
            and (is_on_the_desk(user) or user.is_superuser)
        )
        request._attest_reads_all = cached  # type: ignore[attr-defined]
    return bool(cached)


_ACTION_PERMISSION = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class ApiAccess(BasePermission):
    """Reads are open (each view narrows what it shows); writes need an account, the write scope and the role."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if not request.user.is_authenticated:
            raise NotAuthenticated("Writing needs a token with the write scope.")
        scopes = token_scopes(request)
        if scopes is not None and Scope.WRITE not in scopes:
            raise PermissionDenied("This token may only read: it has no write scope.")
        wanted = self.permissions_for(request, view)
        if not request.user.has_perms(wanted):
            raise PermissionDenied("Your role does not allow this change.")
        return True

    def permissions_for(self, request: Request, view: Any) -> Sequence[str]:
        explicit = getattr(view, "write_permissions", {})
        action = getattr(view, "action", None)
        if action in explicit:
            return list(explicit[action])
        queryset = getattr(view, "queryset", None)
        model: type[Model] | None = queryset.model if queryset is not None else None
        verb = _ACTION_PERMISSION.get(request.method or "")
        if model is None or verb is None:
            return []
        return [f"{model._meta.app_label}.{verb}_{model._meta.model_name}"]


class ClientOnly(BasePermission):
    """Endpoints about a client itself (its webhooks): only a client's token may use them."""

    message = "Only an API client's token may manage webhooks."

    def has_permission(self, request: Request, view: Any) -> bool:
        # OPTIONS describes the endpoint, not a client's webhooks; a browser's preflight carries no token.
        if request.method == "OPTIONS":
            return True
        if not request.user.is_authenticated:
            raise NotAuthenticated("Managing webhooks needs the token of an API client.")
        scopes = token_scopes(request)
        if scopes is None:
            return False
        if request.method not in SAFE_METHODS and Scope.WRITE not in scopes:
            raise PermissionDenied("This token may only read: it has no write scope.")
        return True
