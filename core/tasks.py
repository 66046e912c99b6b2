"""The project's own periodic jobs: keeping the outbox of jobs moving, and small."""

from celery import shared_task

from core.jobs import AttestTask, jobs_prune, jobs_relay


@shared_task(base=AttestTask)
def relay_jobs() -> int:
    """Hand the broker the jobs that waited in the outbox while it was away (every minute); returns how many."""
    return jobs_relay()


@shared_task(base=AttestTask)
def prune_jobs() -> int:
    """Forget jobs that succeeded a fortnight ago (daily); returns how many."""
    return jobs_prune()
