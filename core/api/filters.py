"""Filters the API's filter sets share."""

from datetime import UTC, datetime
from typing import Any

from django import forms
from django_filters import filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

# Ids are PostgreSQL bigints from 1.
ID_RANGE = {"minimum": 1, "maximum": 2**63 - 1}
ID_SCHEMA = {"type": "integer", **ID_RANGE}


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, held in UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts."""

    def to_python(self, value: object) -> datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("This moment is out of range.", code="overflow") from None


class MomentFilter(filters.IsoDateTimeFilter):
    """Compares a date-time field with an ISO 8601 moment, in any offset."""

    field_class = UtcDateTimeField


@extend_schema_field(ID_SCHEMA)
class IdFilter(filters.NumberFilter):
    """An object's id: a whole number, within the range of ids."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, min_value=ID_RANGE["minimum"], max_value=ID_RANGE["maximum"], **kwargs)
