"""The OpenAPI document: every operation lists the problem responses it can really give."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from core.api.problems import PROBLEM_TYPE, TITLES


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


class ApiAutoSchema(AutoSchema):
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
