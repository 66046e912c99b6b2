"""Reads about API clients: finding a token from the secret a request sends."""

import hashlib
import hmac
import re

from django.db.models import QuerySet

from clients.models import ApiToken, Webhook, WebhookDelivery

TOKEN_FORMAT = re.compile(r"^attest_([a-z0-9]{8,16})_([A-Za-z0-9_-]{20,100})$")


def token_digest(token: str) -> str:
    """SHA-256 of the whole token: the secret has 256 random bits, so a fast hash is enough and lookups stay cheap."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def token_for_secret(token: str) -> ApiToken | None:
    """The active token a request presents, with its client and account; None for anything else."""
    match = TOKEN_FORMAT.match(token)
    if match is None:
        return None
    found = (
        ApiToken.objects.select_related("client__user").filter(prefix=match.group(1), revoked_at__isnull=True).first()
    )
    if found is None or not hmac.compare_digest(found.digest, token_digest(token)):
        return None
    return found


def webhooks_for(*, event: str) -> QuerySet[Webhook]:
    """The active webhooks subscribed to `event`, with the account of their client."""
    return Webhook.objects.filter(active=True, events__contains=[event]).select_related("client__user")


def deliveries_of(webhook: Webhook) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(webhook=webhook).order_by("-created_at", "-pk")
