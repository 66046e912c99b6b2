"""Errors of the services that a caller can act on, and how the API answers each.

A service raises its own error (a claim saved by someone else meanwhile); the API's one handler
(core.api.problems) answers it with the status registered here, so that this layer names no app's
error. Each app registers its errors where it defines them.
"""

from collections.abc import Callable
from typing import TypeVar

ErrorT = TypeVar("ErrorT", bound=type[Exception])

_STATUS: dict[type[Exception], int] = {}


def answered_with(status: int) -> Callable[[ErrorT], ErrorT]:
    """Class decorator: the API answers this error, and its subclasses, with `status` and the error's messages."""

    def register(error: ErrorT) -> ErrorT:
        _STATUS[error] = status
        return error

    return register


def status_of(error: Exception) -> int | None:
    """The status registered for the error's class or the nearest of its bases; None for an unregistered error."""
    for cls in type(error).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return None
