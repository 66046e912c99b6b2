"""Celery entry points for claims: fetch by id, call a service, done."""

import logging
from typing import Any

from celery import shared_task
from django.db import OperationalError

from claims.ingestion import TransientIngestionError, ingestion_fail, ingestion_run
from claims.linking.calibration import calibration_train
from claims.linking.suggestions import claim_links_suggest
from claims.review.notifications import notification_send, notifications_owed
from claims.selectors import claims_needing_linking
from claims.support.services import claim_support_assess
from core.jobs import AttestTask, job_enqueue

logger = logging.getLogger(__name__)
# A re-scan queues at most this many claims; the next one takes the rest.
RESCAN_BATCH = 5000


class IngestTask(AttestTask):
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # Retries are used up (or the error was not a retryable one): say so on the ingestion.
        ingestion_id = kwargs.get("ingestion_id", args[0] if args else None)
        if ingestion_id is not None:
            ingestion_fail(ingestion_id=ingestion_id, reason=f"Gave up after repeated failures: {exc}")


@shared_task(bind=True, base=IngestTask, max_retries=4, acks_late=True)
def ingest(self: AttestTask, ingestion_id: int) -> None:
    """Read one ingested story: fetch or take its text, find who said what, suggest statements."""
    try:
        ingestion_run(ingestion_id=ingestion_id)
    except TransientIngestionError as error:
        if self.request.is_eager:
            # No worker will come back to it later: say so, and leave the retry to the editor.
            ingestion_fail(ingestion_id=ingestion_id, reason=f"{error} Retry when the site answers again.")
            return
        raise self.retry(exc=error, countdown=min(300, 10 * 2**self.request.retries)) from error


@shared_task(base=AttestTask, acks_late=True)
def relink_stale() -> int:
    """Queue linking for claims never compared or changed since (the periodic re-scan); returns how many."""
    claim_ids = list(claims_needing_linking().values_list("pk", flat=True)[:RESCAN_BATCH])
    for claim_id in claim_ids:
        job_enqueue("claims.tasks.link_claim", claim_id)
    return len(claim_ids)


@shared_task(bind=True, base=AttestTask, max_retries=5, acks_late=True)
def link_claim(self: AttestTask, claim_id: int) -> None:
    """Find the claims one claim contradicts or corroborates, and suggest links for review."""
    try:
        claim_links_suggest(claim_id=claim_id)
    except OperationalError as error:
        if self.request.is_eager:
            raise
        raise self.retry(exc=error, countdown=min(300, 10 * 2**self.request.retries)) from error


@shared_task(bind=True, base=AttestTask, max_retries=5, acks_late=True)
def assess_claims_support(self: AttestTask, claim_ids: list[int]) -> dict[str, str | None]:
    """Recompute these claims' support from their statements, evidence and links; each one's new level by id,
    None for a claim that is gone."""
    levels: dict[str, str | None] = {}
    try:
        for claim_id in claim_ids:
            assessment = claim_support_assess(claim_id=claim_id)
            levels[str(claim_id)] = assessment.level if assessment is not None else None
    except OperationalError as error:
        if self.request.is_eager:
            raise
        # Each claim is assessed in a transaction of its own and assessing again changes nothing, so the
        # retry starts from the first claim.
        raise self.retry(exc=error, countdown=min(300, 10 * 2**self.request.retries)) from error
    return levels


@shared_task(base=AttestTask, acks_late=True)
def calibrate_links() -> int | None:
    """Refit the link detector's calibration from reviewers' decisions (daily); the new calibration's id, if any."""
    calibration = calibration_train()
    return calibration.pk if calibration is not None else None


@shared_task(bind=True, base=AttestTask, max_retries=6, acks_late=True)
def send_notification(self: AttestTask, notification_id: int) -> None:
    """Send one e-mail the review workflow owes; an unreachable mail server is retried with backoff."""
    try:
        notification_send(notification_id=notification_id)
    except OSError as error:
        if self.request.is_eager:
            logger.warning("Could not send notification %s now: %s", notification_id, error)
            return
        raise self.retry(exc=error, countdown=min(3600, 30 * 2**self.request.retries)) from error


@shared_task(base=AttestTask, acks_late=True)
def send_owed_notifications() -> int:
    """Queue again the e-mails still owed (a mail server or broker that was down); returns how many."""
    notification_ids = list(notifications_owed().values_list("pk", flat=True)[:RESCAN_BATCH])
    for notification_id in notification_ids:
        job_enqueue("claims.tasks.send_notification", notification_id)
    return len(notification_ids)
