"""Who reads and writes through the API: clients, their tokens, their webhooks and what was sent to them."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.roles import Scope

__all__ = ["ApiClient", "ApiToken", "Event", "Scope", "ThrottleWindow", "Webhook", "WebhookAttempt", "WebhookDelivery"]


class Event(models.TextChoices):
    CLAIM_PUBLISHED = "claim.published", "A claim's first verdict is published"
    VERDICT_CHANGED = "verdict.changed", "A published verdict is replaced by a correction"
    LINK_CONFIRMED = "link.confirmed", "A link between claims is confirmed"


class ApiClient(models.Model):
    """A fact-check tool, partner newsroom or researcher using the API, acting as its own user account.

    The account's editorial groups (editor, reviewer, researcher) decide what the client may do, as in the admin.
    """

    name = models.CharField(max_length=200, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        help_text="The account the client acts as; its groups are its roles.",
    )
    contact = models.EmailField(blank=True, help_text="Whom to write to about this client.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "API client"
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~Q(name=""), name="apiclient_name_not_empty")]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A secret a client sends as `Authorization: Bearer attest_<prefix>_<secret>`.

    Only the SHA-256 digest of the whole token is stored; the prefix, which is not secret, finds the row.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=100, blank=True, help_text="What the token is for, e.g. the server using it.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = ArrayField(models.CharField(max_length=20, choices=Scope.choices), help_text="What the token may do.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scopes__contained_by=Scope.values) & Q(scopes__len__gt=0), name="apitoken_scopes_known"
            ),
            models.CheckConstraint(condition=Q(digest__regex=r"^[0-9a-f]{64}$"), name="apitoken_digest_sha256"),
        ]

    def __str__(self) -> str:
        return f"attest_{self.prefix}_… ({self.client})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Webhook(models.Model):
    """An address a client wants told of events; each request is signed with the webhook's secret."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=2000, help_text="Where the events are POSTed (https, on the public internet).")
    events = ArrayField(models.CharField(max_length=30, choices=Event.choices))
    secret = models.CharField(max_length=100, editable=False, help_text="Signs each request (HMAC-SHA256).")
    include_unpublished = models.BooleanField(
        default=False,
        help_text="Also tell of links between claims that are not published; only for clients whose role "
        "may read them.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["client", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(events__contained_by=Event.values) & Q(events__len__gt=0), name="webhook_events_known"
            ),
            models.CheckConstraint(condition=~Q(secret=""), name="webhook_has_secret"),
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.client})"


class WebhookDelivery(models.Model):
    """One event owed to one webhook: recorded in the transaction that caused it, sent by a job after commit."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Gave up"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=30, choices=Event.choices)
    key = models.CharField(max_length=200, help_text="What the event is about, so it is owed once per webhook.")
    payload = models.JSONField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "key"], name="delivery_once_per_webhook"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "succeeded", "failed"]), name="delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="succeeded", delivered_at__isnull=False)
                | (~Q(status="succeeded") & Q(delivered_at__isnull=True)),
                name="delivery_delivered_iff_succeeded",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status_idx")]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook.url}"


class WebhookAttempt(models.Model):
    """One try at sending a delivery, as the receiver answered it."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    milliseconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S}: {self.status_code or self.error}"


class ThrottleWindow(models.Model):
    """Requests counted in one fixed window for one token or anonymous address, shared by every web worker."""

    key = models.CharField(max_length=100)
    window_start = models.BigIntegerField(help_text="Unix time at which the window opened.")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="throttle_window_unique")]
        indexes = [models.Index(fields=["window_start"], name="throttle_window_start_idx")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start}: {self.hits}"


class IdempotentRequest(models.Model):
    """A write sent with an `Idempotency-Key`, and the answer it got: a retry with the same key and body is given
    that answer again, whatever has changed since; the key belongs to the account that sent it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, address and body.")
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(encoder=DjangoJSONEncoder)
    location = models.CharField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            # Two clients may choose the same key; one client's two requests under one key are one request.
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_key_per_account"),
            models.CheckConstraint(condition=Q(status_code__gte=100, status_code__lte=599), name="idempotent_status"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.status_code}"
