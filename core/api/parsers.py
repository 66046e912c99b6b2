"""JSON request bodies, bounded in size: a larger body is refused with 413 before it is read whole."""

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework.parsers import JSONParser

from core.api.problems import TooLarge


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = int(settings.ATTEST_API_MAX_BODY_BYTES)
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH", "") if request is not None else ""
        too_large = TooLarge(f"The request body is larger than {limit:,} bytes, the most the API reads.")
        if str(declared).isdigit() and int(declared) > limit:
            raise too_large
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise too_large
        return super().parse(io.BytesIO(body), media_type, parser_context)
