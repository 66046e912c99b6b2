"""Fields the API's serializers share."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.access import reads_all


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of an object the request may see: one it may not see is refused as if it did not exist."""

    def __init__(self, visible: Callable[..., QuerySet], **kwargs: Any) -> None:
        self.visible = visible
        super().__init__(queryset=visible(everything=True), **kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context.get("request")
        return self.visible(everything=request is not None and reads_all(request))


class SlugField(serializers.SlugRelatedField):
    """An object named by its slug; a name PostgreSQL cannot even compare (one holding NUL) is not found either."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)


class SpanSerializer(serializers.Serializer):
    """Character offsets of a passage in its source's text, from 0; `end` is just after the passage."""

    start = serializers.IntegerField(min_value=0, max_value=2**31 - 1)
    end = serializers.IntegerField(min_value=1, max_value=2**31 - 1)

    def validate(self, attrs: dict[str, int]) -> dict[str, int]:
        if attrs["end"] <= attrs["start"]:
            raise serializers.ValidationError({"end": "The end comes after the start."})
        return attrs


def span_of(obj: Any) -> dict[str, int] | None:
    if obj.span_start is None:
        return None
    return {"start": obj.span_start, "end": obj.span_end}


def span_tuple(value: dict[str, int] | None) -> tuple[int, int] | None:
    return None if value is None else (value["start"], value["end"])


# An id no object has, reversed once per view and request, then replaced by each object's id.
_MARKER = "918273645546372819"


def url_of(context: dict[str, Any], view_name: str, pk: int) -> str:
    """The absolute address of object `pk` at `view_name`, given a serializer context (for its request);
    reversing once per request and view keeps pages cheap."""
    from rest_framework.reverse import reverse

    templates = context.setdefault("_url_templates", {})
    if view_name not in templates:
        templates[view_name] = reverse(view_name, args=[_MARKER], request=context.get("request"))
    return str(templates[view_name]).replace(_MARKER, str(pk))


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.Field):
    """The API address of the object, from a view name."""

    def __init__(self, view_name: str, **kwargs: Any) -> None:
        self.view_name = view_name
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return url_of(self.context, self.view_name, value.pk)
