"""API tokens: `Authorization: Bearer attest_<prefix>_<secret>`, each acting as its client's account."""

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework.request import Request

from clients.models import ApiToken
from clients.selectors import token_for_secret
from clients.services import token_touch
from core.observability import is_credential_parameter

IN_THE_ADDRESS = (
    "Send the token in the Authorization header (`Authorization: Bearer <token>`), never in the address: "
    "addresses are logged and kept in browsers' histories. Treat a token sent this way as seen; revoke it."
)


class ApiTokenAuthentication(BaseAuthentication):
    """A bearer token issued to an API client; a revoked or unknown token is refused with 401, one in the query
    string (`?access_token=`, `?api_key=`...) with 400."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        in_address = sorted(name for name in request.query_params if is_credential_parameter(name))
        if in_address:
            raise ValidationError({name: [IN_THE_ADDRESS] for name in in_address})
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise AuthenticationFailed("Send the token as `Authorization: Bearer <token>`, with no spaces in it.")
        try:
            presented = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("This token is not valid.") from None
        token = token_for_secret(presented)
        if token is None or not token.client.user.is_active:
            raise AuthenticationFailed("This token is not valid: it is unknown or was revoked.")
        token_touch(token=token)
        return token.client.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token."""

    target_class = "clients.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "attest_<prefix>_<secret>",
            "description": "A token issued to an API client in the admin; its scopes are read:published, read:all "
            "and write.",
        }
