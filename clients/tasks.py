"""Celery entry points for API clients: deliver one webhook event, forget old request counters."""

from celery import shared_task

from clients.services import throttle_windows_prune, webhook_deliver
from core.jobs import AttestTask


# Each attempt is a job of its own: a failed one queues the next, after its wait, through the jobs ledger.
# Without a broker it is not run in the request that caused the event (runs_in_request): the relay runs it.
@shared_task(base=AttestTask, acks_late=True, runs_in_request=False)
def deliver_webhook(delivery_id: int, tried: int | None = None, retry: int = 0) -> None:
    """POST one signed event to its webhook, once; a receiver that fails is tried again with growing waits."""
    webhook_deliver(delivery_id=delivery_id, tried=tried, retry=retry)


@shared_task(base=AttestTask, acks_late=True)
def prune_throttle_windows() -> int:
    """Delete request counters of windows long closed (hourly)."""
    return throttle_windows_prune()
