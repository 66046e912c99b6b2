"""Saving a row only once every rule of its model holds, so that no write stores what a form would refuse."""

from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction

ModelT = TypeVar("ModelT", bound=models.Model)


def save_validated(instance: ModelT) -> ModelT:
    """Validate `instance` against every model rule, then save it.

    A constraint that a concurrent write broke between the check and the
    save surfaces as the same ValidationError, never as a half-written row.
    """
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError(
            {NON_FIELD_ERRORS: f"The change conflicts with data saved at the same moment: {error}"}
        ) from error
    return instance


def update_validated(instance: ModelT, changes: dict[str, Any]) -> ModelT:
    """Apply `changes` to the row of `instance` as it is stored now, then validate and save it.

    The row is read again, locked, rather than saved from `instance`, so that a caller holding an
    old copy (a form opened before a reviewer decided a link) writes only the fields it changes and
    never puts back what someone else changed meanwhile. Must run inside a transaction.
    """
    unknown = set(changes) - {field.name for field in instance._meta.get_fields()}
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no field {', '.join(sorted(unknown))}")
    stored = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    for name, value in changes.items():
        setattr(stored, name, value)
    saved = save_validated(stored)
    for field in saved._meta.concrete_fields:  # the caller's copy shows what was saved
        instance.__dict__[field.attname] = saved.__dict__[field.attname]
    return saved
