"""Filters the API's filter sets share."""

from datetime import UTC, datetime

from django import forms
from django_filters import filters
from django_filters.fields import IsoDateTimeField


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
