"""Celery entry points for claims: fetch by id, call a service, done."""

import logging
from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from claims.ingestion import TransientIngestionError, ingestion_fail, ingestion_run

logger = logging.getLogger(__name__)


class IngestTask(DjangoTask):
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # Retries are used up (or the error was not a retryable one): say so on the ingestion.
        ingestion_id = kwargs.get("ingestion_id", args[0] if args else None)
        if ingestion_id is not None:
            ingestion_fail(ingestion_id=ingestion_id, reason=f"Gave up after repeated failures: {exc}")


@shared_task(bind=True, base=IngestTask, max_retries=4, acks_late=True)
def ingest(self: DjangoTask, ingestion_id: int) -> None:
    """Read one ingested story: fetch or take its text, find who said what, suggest statements."""
    try:
        ingestion_run(ingestion_id=ingestion_id)
    except TransientIngestionError as error:
        if self.request.is_eager:
            # No worker will come back to it later: say so, and leave the retry to the editor.
            ingestion_fail(ingestion_id=ingestion_id, reason=f"{error} Retry when the site answers again.")
            return
        raise self.retry(exc=error, countdown=min(300, 10 * 2**self.request.retries)) from error
