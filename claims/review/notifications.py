"""E-mails the review workflow owes people: assigned to you, sent back to you, waiting for your review.

A step of the workflow records what it owes as Notification rows in its own
transaction and queues the sending job for after the commit, so a step that
fails sends nothing and a step that succeeds cannot lose its e-mail. Each row
has a key naming what it is about, so the same e-mail is never owed twice,
and the job sends a row only once however often it runs.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from claims.models import Claim, Notification, Verdict
from claims.rules import is_editor
from core.jobs import job_enqueue

logger = logging.getLogger(__name__)


def _claim_url(claim: Claim) -> str:
    return settings.ATTEST_SITE_URL.rstrip("/") + reverse("admin:claims_claim_change", args=[claim.pk])


def _owe(*, recipients: list[User], claim: Claim, event: str, key: str, subject: str, body: str) -> list[Notification]:
    owed = []
    for recipient in recipients:
        if not recipient.email or not recipient.is_active:
            continue
        notification, created = Notification.objects.get_or_create(
            key=f"{key}:{recipient.pk}",
            defaults={"recipient": recipient, "claim": claim, "event": event, "subject": subject, "body": body},
        )
        if created:
            owed.append(notification)
    for notification in owed:
        job_enqueue("claims.tasks.send_notification", notification.pk)
    return owed


def _about(claim: Claim) -> str:
    return Truncator(claim.text).chars(80)


def notify_assigned(*, claim: Claim, assignee: User, by: User) -> list[Notification]:
    return _owe(
        recipients=[assignee],
        claim=claim,
        event=Notification.Event.ASSIGNED,
        key=f"assigned:{claim.pk}:v{claim.version}",
        subject=f"[Attest] Assigned to you: {_about(claim)}",
        body=(
            f"{by.get_username()} assigned you a claim to check:\n\n  {claim.text}\n\n"
            + (f"Due: {claim.due_on:%d %B %Y}\n\n" if claim.due_on else "")
            + f"Open it: {_claim_url(claim)}\n"
        ),
    )


def notify_review_requested(*, claim: Claim, verdict: Verdict, by: User) -> list[Notification]:
    """Everyone who may approve the verdict: the reviewers, less whoever wrote it."""
    writers = {verdict.author_id, *verdict.co_authors.values_list("pk", flat=True)}
    reviewers = [
        user
        for user in User.objects.filter(groups__name="reviewer", is_active=True).distinct().order_by("pk")
        if user.pk not in writers and not is_editor(user)
    ]
    return _owe(
        recipients=reviewers,
        claim=claim,
        event=Notification.Event.REVIEW_REQUESTED,
        key=f"review:{claim.pk}:{verdict.pk}:r{verdict.round}",
        subject=f"[Attest] Waiting for your review: {_about(claim)}",
        body=(
            f"{by.get_username()} submitted a verdict for review (round {verdict.round}):\n\n  {claim.text}\n\n"
            f"Proposed rating: {verdict.rating}\n{verdict.conclusion}\n\nReview it: {_claim_url(claim)}\n"
        ),
    )


def notify_sent_back(*, claim: Claim, verdict: Verdict, by: User, reason: str) -> list[Notification]:
    """The verdict's writers and the claim's assignee, less the reviewer who sent it back."""
    ids = {verdict.author_id, *verdict.co_authors.values_list("pk", flat=True), claim.assignee_id} - {None, by.pk}
    return _owe(
        recipients=list(User.objects.filter(pk__in=ids).order_by("pk")),
        claim=claim,
        event=Notification.Event.SENT_BACK,
        key=f"sent-back:{claim.pk}:{verdict.pk}:r{verdict.round}",
        subject=f"[Attest] Sent back to you: {_about(claim)}",
        body=(
            f"{by.get_username()} sent the verdict back for changes (round {verdict.round}):\n\n  {claim.text}\n\n"
            f"What must change:\n{reason}\n\nOpen it: {_claim_url(claim)}\n"
        ),
    )


# An e-mail still unsent this long after it was owed has lost its job (a broker or mail server was down).
OWED_AFTER = timedelta(minutes=5)
MAX_ATTEMPTS = 20


def notifications_owed() -> QuerySet[Notification]:
    """E-mails owed for a while and not yet sent, oldest first, short of those that failed too often."""
    return Notification.objects.filter(
        sent_at__isnull=True, created_at__lt=timezone.now() - OWED_AFTER, attempts__lt=MAX_ATTEMPTS
    ).order_by("created_at", "pk")


def notification_send(*, notification_id: int) -> bool:
    """Send one owed e-mail if nobody has yet; True if this call sent it.

    The row stays locked while the mail goes out, so two jobs for the same row send it once.
    A failure to send is recorded on the row and raised again for the job to retry.
    """
    try:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(pk=notification_id, sent_at__isnull=True)
                .first()
            )
            if notification is None:
                logger.info("Notification %s is sent, gone or being sent; nothing to do.", notification_id)
                return False
            send_mail(
                notification.subject,
                notification.body,
                settings.DEFAULT_FROM_EMAIL,
                [notification.recipient.email],
            )
            notification.sent_at, notification.attempts = timezone.now(), notification.attempts + 1
            notification.error = ""
            notification.save(update_fields=["sent_at", "attempts", "error"])
            return True
    except OSError as error:  # smtplib's errors are OSErrors too
        Notification.objects.filter(pk=notification_id).update(
            attempts=F("attempts") + 1, error=f"{type(error).__name__}: {error}"
        )
        raise
