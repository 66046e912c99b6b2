"""JSON request bodies, bounded before they are decoded, and holding only text PostgreSQL can store.

A body larger than ATTEST_API_MAX_BODY_BYTES is refused with 413 before it is read whole; one nesting arrays
and objects deeper than ATTEST_API_MAX_JSON_DEPTH is refused with 400 before it is decoded (Python's decoder,
and everything that walks the result, would otherwise recurse until the interpreter gives up). A string
holding NUL or a lone surrogate (`"\\ud800"`), which PostgreSQL cannot store and UTF-8 cannot encode, is
refused with a 400 naming the field it is in.
"""

import io
import re
from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from core.api.problems import TooLarge

# A string (skipped whole, escapes included) or a bracket: scanning these is enough to measure nesting.
_STRINGS_AND_BRACKETS = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]', re.DOTALL)
_OPENING = frozenset(b"[{")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A body full of bad strings gets the first few named, not a document as long as the body.
_MOST_ERRORS = 20


def nesting_exceeds(body: bytes, limit: int) -> bool:
    """Whether the JSON text `body` nests arrays and objects more than `limit` deep (brackets in strings aside)."""
    depth = 0
    for match in _STRINGS_AND_BRACKETS.finditer(body):
        token = match.group()
        if len(token) != 1:
            continue
        if token[0] in _OPENING:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def unstorable_text(data: Any) -> Iterator[tuple[str, str]]:
    """(field path, message) for each string, key or value, of decoded JSON that holds NUL or a lone surrogate."""
    # A stack, not recursion: the depth is bounded, but walking needs no bound of its own.
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            problem = _UNSTORABLE.search(value)
            if problem is not None:
                yield path or "non_field", _message("Text", problem.group())
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                problem = _UNSTORABLE.search(key)
                name = key if problem is None else _UNSTORABLE.sub("\ufffd", key)
                child = f"{path}.{name}" if path else name
                if problem is not None:
                    yield child, _message("A field's name", problem.group())
                stack.append((child, item))
        elif isinstance(value, list):
            stack.extend(
                (f"{path}.{index}" if path else str(index), item) for index, item in reversed(list(enumerate(value)))
            )


def _message(what: str, character: str) -> str:
    if character == "\x00":
        return f"{what} may not contain the NUL character (\\u0000)."
    return f"{what} may not contain a lone surrogate (\\u{ord(character):04x}): it is not a character."


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
        depth = int(settings.ATTEST_API_MAX_JSON_DEPTH)
        if nesting_exceeds(body, depth):
            raise exceptions.ParseError(
                f"The JSON nests arrays and objects more than {depth} deep, the most the API reads."
            )
        data = super().parse(io.BytesIO(body), media_type, parser_context)
        errors: dict[str, list[str]] = {}
        for path, message in unstorable_text(data):
            errors.setdefault(path, []).append(message)
            if len(errors) == _MOST_ERRORS:
                break
        if errors:
            raise exceptions.ValidationError(errors)
        return data
