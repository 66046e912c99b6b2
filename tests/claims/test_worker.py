"""A real Celery worker, on the local Redis, reads a story end to end as it does in production.

The worker is a separate process: it sees only committed rows, so the test
commits (transaction=True), and it uses the test database by its address.
"""

import time

import pytest

from claims.ingestion import ingestion_request
from claims.models import Ingestion, ReviewStatus, Statement
from tests.claims.conftest import WORKER_SECONDS, Worker

pytestmark = pytest.mark.services

BRIDGE_STORY = (
    "Bridge budget row\n\n"
    "Mayor Ana Ruiz said the new bridge would open in March.\n\n"
    "“We checked every cable twice,” she said.\n\n"
    "The treasurer denied that the bridge budget had been cut."
)


@pytest.mark.django_db(transaction=True)
def test_worker_reads_a_queued_story_and_suggests_its_statements(worker: Worker) -> None:
    ingestion = ingestion_request(text=BRIDGE_STORY)

    deadline = time.monotonic() + WORKER_SECONDS
    while ingestion.status in (Ingestion.Status.QUEUED, Ingestion.Status.RUNNING):
        assert worker.process.poll() is None, f"the worker stopped:\n{worker.output()}"
        assert time.monotonic() < deadline, f"not read in {WORKER_SECONDS} s:\n{worker.output()}"
        time.sleep(0.2)
        ingestion.refresh_from_db()

    assert ingestion.status == Ingestion.Status.SUCCEEDED, f"{ingestion.error}\n{worker.output()}"
    assert (ingestion.progress, ingestion.attempts) == (100, 1)
    statements = Statement.objects.filter(ingestion=ingestion)
    assert statements.count() == ingestion.statements_suggested == 3
    assert set(statements.values_list("review_status", flat=True)) == {ReviewStatus.SUGGESTED}
    assert "Task claims.tasks.ingest[" in worker.output()
