"""Every write about API clients: accounts, tokens, webhooks, their deliveries and the request counters."""

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from clients.models import (
    ApiClient,
    ApiToken,
    Event,
    IdempotentRequest,
    Scope,
    ThrottleWindow,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from clients.selectors import token_digest, webhooks_for
from core.http import FetchError, FetchTimeout, UnknownHost, UnsafeAddress, address_check, post
from core.jobs import job_enqueue
from core.roles import EDITORIAL_ROLES, editorial_groups_sync
from core.validation import save_validated

logger = logging.getLogger(__name__)

ROLES = tuple(EDITORIAL_ROLES)
# A token's last use is written at most this often: an API request should not write a row each time.
LAST_USED_GRANULARITY = timedelta(minutes=5)
# A receiver has this long, connection included, to answer; the job then gives the worker back and tries later.
WEBHOOK_TIMEOUT_SECONDS = 10.0
# Registering resolves the receiver's name; a name server slower than this is let be, as an unknown name is.
TARGET_LOOKUP_SECONDS = 5.0
# The wait before each retry of a delivery that failed: 13 attempts over about a day (24 h 4 min), so that a
# receiver down for a night still gets its events, and one back within minutes gets them within minutes.
RETRY_WAITS = tuple(
    timedelta(seconds=seconds)
    for seconds in (30, 60, 2 * 60, 4 * 60, 8 * 60, 16 * 60, 32 * 60, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 8 * 3600)
)
SIGNATURE_HEADER = "Attest-Signature"


@transaction.atomic
def client_create(*, name: str, roles: Iterable[str] = (), contact: str = "", notes: str = "") -> ApiClient:
    """Record an API client with an account of its own in the given editorial groups (none: published reads only)."""
    roles = list(roles)
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValidationError({"roles": f"No such role: {', '.join(sorted(unknown))}."})
    username = f"api-{slugify(name)[:130] or 'client'}"
    if User.objects.filter(username=username).exists():
        username = f"{username}-{secrets.token_hex(3)}"
    user = User(username=username, is_staff=False, is_active=True)
    user.set_unusable_password()
    user.save()
    client = save_validated(ApiClient(name=name.strip(), user=user, contact=contact, notes=notes))
    client_roles_set(client=client, roles=roles)
    return client


@transaction.atomic
def client_roles_set(*, client: ApiClient, roles: Iterable[str]) -> ApiClient:
    """Give the client's account exactly these editorial groups."""
    wanted = set(roles)
    groups = editorial_groups_sync() if wanted else {}
    client.user.groups.set([groups[role] for role in sorted(wanted)])
    return client


def _chosen(values: Iterable[str], known: Iterable[str], *, field: str, noun: str) -> list[str]:
    chosen = sorted(set(values))
    if not chosen:
        raise ValidationError({field: f"Choose at least one {noun}."})
    unknown = set(chosen) - set(known)
    if unknown:
        raise ValidationError({field: f"No such {noun}: {', '.join(sorted(unknown))}."})
    return chosen


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str
    """The whole token, to show once: only its digest is stored."""


@transaction.atomic
def token_issue(*, client: ApiClient, scopes: Iterable[str], name: str = "", by: User | None = None) -> IssuedToken:
    """A new random token for `client` with `scopes`; the returned secret is the only copy."""
    scopes = _chosen(scopes, Scope.values, field="scopes", noun="scope")
    prefix = secrets.token_hex(6)
    secret = f"attest_{prefix}_{secrets.token_urlsafe(32)}"
    token = save_validated(
        ApiToken(client=client, name=name, prefix=prefix, digest=token_digest(secret), scopes=scopes, created_by=by)
    )
    return IssuedToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token working, at once and for good."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


def token_touch(*, token: ApiToken) -> None:
    """Record that `token` was used now; a write only when the last recorded use is older than a few minutes."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_GRANULARITY:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY)
    ).update(last_used_at=now)
    token.last_used_at = now


def throttle_hit(*, key: str, window_seconds: int, now: float | None = None) -> tuple[int, float]:
    """Count one request for `key` in the current fixed window: (requests in it so far, seconds until it closes).

    One statement, so every web worker counts in the same row without a race.
    """
    now = time.time() if now is None else now
    start = int(now // window_seconds * window_seconds)
    table = ThrottleWindow._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, hits) VALUES (%s, %s, 1) "  # noqa: S608 (our own table name)
            f"ON CONFLICT (key, window_start) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [key[:100], start],
        )
        (hits,) = cursor.fetchone()
    return int(hits), start + window_seconds - now


def throttle_windows_prune(*, older_than_seconds: int = 2 * 3600) -> int:
    """Forget counters of windows that closed long ago; returns how many went."""
    deleted, _ = ThrottleWindow.objects.filter(window_start__lt=int(time.time()) - older_than_seconds).delete()
    return deleted


# ---------------------------------------------------------------------------------------------- webhooks


def webhook_target_check(url: str) -> None:
    """Refuse a receiver's address that delivery would refuse: the rule of core.http, exemptions included.

    Only public http(s) addresses on the standard ports, without credentials; the name is resolved and every
    address it has checked. A name that does not resolve now passes: delivery tries it again later, and checks it
    again each time (an address may change after registration).
    """
    try:
        address_check(url, timeout=TARGET_LOOKUP_SECONDS, allowed_hosts=settings.ATTEST_WEBHOOK_ALLOWED_HOSTS)
    except (UnknownHost, FetchTimeout):
        return
    except FetchError as error:
        raise ValidationError(str(error)) from error


@dataclass(frozen=True)
class RegisteredWebhook:
    webhook: Webhook
    secret: str
    """The signing secret, to show once."""


@transaction.atomic
def webhook_register(
    *, client: ApiClient, url: str, events: Iterable[str], include_unpublished: bool = False
) -> RegisteredWebhook:
    """Register an address to be told of `events`, with a new signing secret."""
    events = _chosen(events, Event.values, field="events", noun="event")
    if include_unpublished and not client.user.has_perm("claims.view_claim"):
        raise ValidationError({"include_unpublished": "This client's role does not let it read unpublished claims."})
    try:
        webhook_target_check(url)
    except ValidationError as error:
        raise ValidationError({"url": error.messages}) from error
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    webhook = save_validated(
        Webhook(
            client=client,
            url=url.strip(),
            events=events,
            secret=secret,
            include_unpublished=include_unpublished,
        )
    )
    return RegisteredWebhook(webhook=webhook, secret=secret)


def webhook_deactivate(*, webhook: Webhook) -> Webhook:
    """Stop sending to a webhook; what was delivered stays on record."""
    Webhook.objects.filter(pk=webhook.pk).update(active=False)
    webhook.active = False
    return webhook


def webhook_event_record(*, event: str, key: str, payload: dict[str, Any], public: bool) -> list[WebhookDelivery]:
    """Owe `event` to every webhook subscribed to it, in the caller's transaction; each is sent after commit.

    `public` says whether a reader of published claims only may hear of it. The same `key` is owed once per webhook.
    """
    recorded = []
    for webhook in webhooks_for(event=event):
        if not public and not webhook.include_unpublished:
            continue
        delivery, created = WebhookDelivery.objects.get_or_create(
            webhook=webhook, key=key, defaults={"event": event, "payload": payload}
        )
        if created:
            # The payload names its delivery, so a receiver can tell a repeat from a new event.
            delivery.payload = {"id": delivery.pk, **payload}
            delivery.save(update_fields=["payload"])
            recorded.append(delivery)
            job_enqueue("clients.tasks.deliver_webhook", delivery.pk, tried=0)
    return recorded


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The value of the Attest-Signature header: HMAC-SHA256 of "<timestamp>.<body>" with the webhook's secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def webhook_deliver(*, delivery_id: int, tried: int | None = None, retry: int = 0) -> bool:
    """Make one attempt at sending an owed delivery; True if this call delivered it.

    `tried` is how many attempts the delivery had when this one was asked for: a job run a second time finds
    more and does nothing. The row stays locked while the request is made, so two jobs for one delivery send it
    once; a delivery that succeeded is never sent again. Every attempt is logged on the delivery. After a failure
    the next attempt is queued, in this transaction, to run after the wait of `retry` in RETRY_WAITS; once they
    are used up, or for an address off the public internet, the delivery is marked failed instead.
    """
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("webhook")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            logger.info("Webhook delivery %s is delivered, gone or being sent; nothing to do.", delivery_id)
            return False
        if tried is not None and delivery.attempts != tried:
            logger.info("Webhook delivery %s had this attempt already; nothing to do.", delivery_id)
            return False
        if not delivery.webhook.active:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.save(update_fields=["status"])
            return False
        body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "Attest-Event": delivery.event,
            "Attest-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: webhook_signature(secret=delivery.webhook.secret, timestamp=timestamp, body=body),
        }
        started = time.monotonic()
        status_code, error, permanent = None, "", False
        try:
            status_code = post(
                delivery.webhook.url,
                body=body,
                headers=headers,
                timeout=WEBHOOK_TIMEOUT_SECONDS,
                allowed_hosts=frozenset(settings.ATTEST_WEBHOOK_ALLOWED_HOSTS),
            )
            if not 200 <= status_code < 300:
                error = f"The receiver answered {status_code}."
        except UnsafeAddress as failure:
            # A private or local address stays one: trying again would not help.
            error, permanent = str(failure), True
        except FetchError as failure:
            error = str(failure)
        WebhookAttempt.objects.create(
            delivery=delivery,
            status_code=status_code,
            error=error,
            milliseconds=int(1000 * (time.monotonic() - started)),
        )
        delivery.attempts += 1  # the row is locked: no one else counts
        if not error:
            delivery.status, delivery.delivered_at = WebhookDelivery.Status.SUCCEEDED, timezone.now()
        elif permanent or retry >= len(RETRY_WAITS):
            delivery.status = WebhookDelivery.Status.FAILED
            logger.warning(
                "Webhook delivery %s failed for good after %s attempts: %s", delivery.pk, delivery.attempts, error
            )
        else:
            logger.warning("Webhook delivery %s failed, tried again in %s: %s", delivery.pk, RETRY_WAITS[retry], error)
            job_enqueue(
                "clients.tasks.deliver_webhook",
                delivery.pk,
                tried=delivery.attempts,
                retry=retry + 1,
                after=RETRY_WAITS[retry],
            )
        delivery.save(update_fields=["attempts", "status", "delivered_at"])
    return not error


def webhook_delivery_retry(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed delivery again (from the admin), with the retries of a new one."""
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery.pk, status=WebhookDelivery.Status.FAILED).update(
            status=WebhookDelivery.Status.PENDING
        )
        if not updated:
            raise ValidationError("Only a delivery that was given up on can be sent again.")
        delivery.refresh_from_db()
        job_enqueue("clients.tasks.deliver_webhook", delivery.pk, tried=delivery.attempts)
    delivery.refresh_from_db()
    return delivery


def idempotent_request_find(*, user: User, key: str, fingerprint: str) -> IdempotentRequest | None:
    """The answer stored for `key`, waiting for a concurrent request under the same key to finish first.

    Inserting a placeholder takes the key: a concurrent request with the same key waits on the unique index
    until the first one commits (and then finds its answer) or rolls back (and then takes the key itself).
    Call inside the transaction of the write; None means this request goes ahead and idempotent_request_answer
    records its answer.
    """
    try:
        with transaction.atomic():
            # 102 (still processing) until idempotent_request_answer, in the same transaction, records the answer.
            IdempotentRequest.objects.create(user=user, key=key, fingerprint=fingerprint, status_code=102, body={})
    except IntegrityError:
        return IdempotentRequest.objects.get(user=user, key=key)
    return None


def idempotent_request_answer(*, user: User, key: str, status_code: int, body: Any, location: str) -> None:
    """Record the answer to the request that took `key`, in the same transaction as its write."""
    IdempotentRequest.objects.filter(user=user, key=key).update(status_code=status_code, body=body, location=location)
