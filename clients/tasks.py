"""Celery entry points for API clients: deliver one webhook event, forget old request counters."""

import logging

from celery import shared_task

from clients.services import DeliveryFailed, throttle_windows_prune, webhook_deliver
from core.jobs import AttestTask

logger = logging.getLogger(__name__)
MAX_RETRIES = 8
# Without a worker the job runs in the web process, where nothing can wait and come back later: a few
# attempts in a row, then the delivery is given up on (it can be sent again from the admin).
EAGER_ATTEMPTS = 3


@shared_task(bind=True, base=AttestTask, max_retries=MAX_RETRIES, acks_late=True)
def deliver_webhook(self: AttestTask, delivery_id: int) -> None:
    """POST one signed event to its webhook; a receiver that fails is tried again with growing waits."""
    if self.request.is_eager:
        for attempt in range(1, EAGER_ATTEMPTS + 1):
            try:
                webhook_deliver(delivery_id=delivery_id, final_attempt=attempt == EAGER_ATTEMPTS)
                return
            except DeliveryFailed as error:
                logger.warning("Webhook delivery %s, attempt %s, failed: %s", delivery_id, attempt, error)
        return
    final = self.request.retries >= MAX_RETRIES
    try:
        webhook_deliver(delivery_id=delivery_id, final_attempt=final)
    except DeliveryFailed as error:
        if final:
            logger.warning("Webhook delivery %s failed for good: %s", delivery_id, error)
            return
        # 30 s, 1 min, 2 min … up to 6 h: a receiver down for an afternoon still gets its events.
        raise self.retry(exc=error, countdown=min(6 * 3600, 30 * 2**self.request.retries)) from error


@shared_task(base=AttestTask, acks_late=True)
def prune_throttle_windows() -> int:
    """Delete request counters of windows long closed (hourly)."""
    return throttle_windows_prune()
