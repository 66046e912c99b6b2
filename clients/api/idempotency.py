"""`Idempotency-Key` on writes, as the IETF draft (draft-ietf-httpapi-idempotency-key-header) describes it.

A write sent with a key is answered once: a retry with the same key and the same body (same method and address
too) gets the first answer again, status, body and `Location` as first sent, whatever has changed since (the
intake a story created goes on being read). The same key with another body is refused with 422, as the draft
says, and changes nothing. Keys are each account's own. A failed write (an error answer) keeps no key, so
correcting the request and sending it again under the same key works. A concurrent request under the same key
waits for the first to commit and then gets its answer (the draft's 409 for a request still outstanding is
never needed: the key and the answer are committed together).
"""

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from clients.services import idempotent_request_answer, idempotent_request_find
from core.api.access import account
from core.api.problems import Unprocessable

HEADER = "Idempotency-Key"
KEY = re.compile(r"[\x21-\x7e]{1,100}")

Action = Callable[..., Response]


def fingerprint(request: Request) -> str:
    """What makes two requests the same request: method, address and body (as parsed: key order and spacing
    of the JSON do not matter)."""
    canonical = json.dumps(
        [request.method, request.get_full_path(), request.data], sort_keys=True, separators=(",", ":"), default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(action: Action) -> Action:
    """A view action that honours `Idempotency-Key`; without the header each request is a new one."""

    @functools.wraps(action)
    def answered_once(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            return action(view, request, *args, **kwargs)
        if not KEY.fullmatch(key):
            raise exceptions.ValidationError({HEADER: ["Give 1 to 100 printable ASCII characters."]})
        user, wanted = account(request), fingerprint(request)
        with transaction.atomic():
            first = idempotent_request_find(user=user, key=key, fingerprint=wanted)
            if first is not None:
                if first.fingerprint != wanted:
                    raise Unprocessable(
                        f"This {HEADER} was already used for a different request; send a new key for a new request."
                    )
                headers = {"Location": first.location} if first.location else {}
                return Response(first.body, status=first.status_code, headers=headers)
            response = action(view, request, *args, **kwargs)
            idempotent_request_answer(
                user=user,
                key=key,
                status_code=response.status_code,
                body=response.data,
                location=response.headers.get("Location", ""),
            )
        return response

    return answered_once
