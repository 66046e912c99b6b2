"""The OpenAPI document: every operation lists the problem responses it can really give, who may call it, and
the bounds of what it takes."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from core.api.access import ApiAccess, ClientOnly
from core.api.base import ApiViewSet, StrictSerializer
from core.api.filters import ID_SCHEMA
from core.api.problems import PROBLEM_TYPE, TITLES
from core.roles import Scope


class ProblemSerializer(serializers.Serializer):
    """An error, as RFC 9457 problem details."""

    type = serializers.CharField(help_text="What kind of problem, e.g. urn:attest:problem:not-found.")
    title = serializers.CharField(help_text="The kind of problem, in words.")
    status = serializers.IntegerField(help_text="The HTTP status.")
    detail = serializers.CharField(help_text="What went wrong this time, in a sentence to show a person.")
    instance = serializers.CharField(help_text="The path and query the problem is about.")
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text='Messages by field, the field named by its path, e.g. {"statements.0.quote": ["..."]}.',
    )


HEADERS = {
    "429": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}},
    "401": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="api"'}},
}

# Who may call an operation, by the permission guarding its view (core.api.access) and whether it reads:
# OpenAPI's security requirements, any one of which will do. `{}` is an anonymous request; a token's list is
# the scopes it needs; `cookieAuth` is a signed-in session, which counts as every scope.
Requirements = list[dict[str, list[str]]]
ANYONE: Requirements = [{}, {"apiToken": []}, {"cookieAuth": []}]
SECURITY: dict[tuple[type | None, bool], Requirements] = {
    # Reads are open to everyone; each view narrows what it shows (read:all shows the desk's side).
    (ApiAccess, True): ANYONE,
    (ApiAccess, False): [{"apiToken": [Scope.WRITE.value]}, {"cookieAuth": []}],
    # A client's own webhooks: its token only.
    (ClientOnly, True): [{"apiToken": []}],
    (ClientOnly, False): [{"apiToken": [Scope.WRITE.value]}],
    # No permission at all (the match): anyone may call it, reading or not.
    (None, True): ANYONE,
    (None, False): ANYONE,
}


class ApiAutoSchema(AutoSchema):
    def get_auth(self) -> Requirements:
        super().get_auth()  # registers the security schemes
        guards = [type(permission) for permission in self.view.get_permissions()]
        known = [guard for guard in guards if (guard, True) in SECURITY]
        assert len(known) == len(guards) <= 1, f"{self.view.__class__.__name__}: describe {guards} in SECURITY"
        return SECURITY[(known[0] if known else None, self.method in SAFE_METHODS)]

    def _resolve_path_parameters(self, variables: list[str]) -> list[dict[str, Any]]:
        parameters = super()._resolve_path_parameters(variables)
        if isinstance(self.view, ApiViewSet):
            for parameter in parameters:
                if parameter["name"] in ("id", "pk"):
                    parameter["schema"] = dict(ID_SCHEMA)
        return parameters

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictSerializer):
            schema["additionalProperties"] = False  # StrictSerializer refuses fields it does not know
        return schema

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response" or not self.path.startswith("/api/"):
            return responses
        codes = ["400", "401", "403", "406", "429"]
        if "{" in self.path:
            codes.append("404")
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["413", "415"]
        action = getattr(self.view, "action", None)
        codes += getattr(self.view, "problem_responses", {}).get(action, [])
        for code in codes:
            if code in responses:
                continue
            response = self._get_response_for_code(ProblemSerializer, code, media_types=[PROBLEM_TYPE])
            response["description"] = TITLES[int(code)][1]
            if code in HEADERS:
                response["headers"] = HEADERS[code]
            responses[code] = response
        return responses
