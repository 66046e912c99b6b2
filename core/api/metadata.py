"""What OPTIONS answers on every endpoint: its name, what it says of itself, and the formats it speaks.

DRF's default also describes a serializer as the body of POST and PUT, but an endpoint here reads its body
with a serializer of each action's own (or none: the ClaimReview import takes JSON-LD as it comes), so that
description would be wrong or fail; the OpenAPI document says what each operation takes.
"""

from typing import Any

from rest_framework.metadata import BaseMetadata
from rest_framework.request import Request
from rest_framework.reverse import reverse


class ApiMetadata(BaseMetadata):
    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": reverse("schema", request=request),
        }
