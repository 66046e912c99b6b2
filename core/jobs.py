"""Queueing background jobs so that none is lost: a transactional outbox in front of Celery.

`job_enqueue` records the job (core.models.Job) in the caller's transaction and
hands it to the broker once that transaction commits. If the broker cannot take it
then (Redis down, a network blip), the save still succeeds and the job waits in the
outbox; `jobs_relay` (every minute from beat, and `manage.py relay_jobs` as a
process of its own) hands over what is waiting once the broker answers again. A
job rolled back with its transaction never existed.

A job can also be asked for later (`after`, a retry's backoff): it waits in the
outbox until it is due and the relay hands it over then. The wait is kept in the
database rather than in a broker's countdown, which Redis would hand out again
after its visibility timeout and which a purged queue would lose.

Without a broker, jobs run in-process when the transaction commits, except a
task's that says it must not run in a request (AttestTask.runs_in_request): the
relay (`manage.py relay_jobs`; `make demo` runs one beside the web server) runs
those in its own thread, one at a time, when they are due.

The Job's id is the Celery task id, so the signals below keep its status as workers
run it: a job that fails for good is left `dead`, with its error, for a person to
see in the admin and retry.
"""

import logging
from collections.abc import Iterable
from contextlib import suppress
from datetime import timedelta
from functools import partial
from typing import Any

import pghistory
from celery import Task, current_app
from celery.contrib.django.task import DjangoTask
from celery.signals import task_failure, task_postrun, task_prerun, task_retry
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core.models import Job
from core.observability import current_request_id, request_id_bound

logger = logging.getLogger(__name__)

# A job recorded this long ago and still pending lost its hand-over at commit (a broker outage).
RELAY_AFTER = timedelta(seconds=5)
RELAY_BATCH = 500
BROKER_ERRORS = (BrokerError, ConnectionError, OSError)


def job_enqueue(task: str, *args: Any, coalesce: bool = False, after: timedelta | None = None, **kwargs: Any) -> Job:
    """Record a run of the task named `task` with these (JSON) arguments, handed to the broker once the transaction
    commits.

    Jobs are asked for by name, so that a service queues work without importing the tasks that call services.
    With `coalesce`, a run this transaction already asked for with the same arguments is not asked for again:
    for a job that reads the state it works on, one run after the commit does the work of many. With `after`,
    the job waits that long in the outbox, and the relay hands it over once it is due.
    """
    registered = _registered(task)  # a misspelt name fails here, where it was asked for, not later in a worker
    if coalesce:
        # A job's created_at is its transaction's start (the database's now()): the same for all it recorded.
        same = Job.objects.filter(
            task=task, args=list(args), kwargs=kwargs, status=Job.Status.PENDING, created_at=Now()
        ).first()
        if same is not None:
            return same
    job = Job.objects.create(
        task=task,
        args=list(args),
        kwargs=kwargs,
        request_id=current_request_id(),
        due_at=Now() + after if after else Now(),
    )
    if after is None and _dispatched_at_commit(registered):
        transaction.on_commit(partial(job_dispatch, job))
    return job


def _dispatched_at_commit(task: Task) -> bool:
    return not current_app.conf.task_always_eager or getattr(task, "runs_in_request", True)


def job_dispatch(job: Job) -> bool:
    """Hand one recorded job to the broker (or run it, where jobs run in-process); False if the broker is away."""
    options = {"task_id": str(job.id), "headers": {"request_id": job.request_id}}
    try:
        if current_app.conf.task_always_eager:
            # No broker: apply_async runs the job here, which needs the task itself.
            _registered(job.task).apply_async(args=job.args, kwargs=job.kwargs, **options)
        else:
            # By name: a process that only relays (manage.py relay_jobs) never imported the tasks.
            current_app.send_task(job.task, args=job.args, kwargs=job.kwargs, **options)
    except Exception as error:
        if not current_app.conf.task_always_eager and isinstance(error, BROKER_ERRORS):
            logger.warning("The broker did not take job %s (%s); it waits in the outbox: %s", job.id, job.task, error)
            return False
        # Run in-process, a failing job raises here, and Celery signals no failure for it: record it.
        _failed(str(job.id), error)
        raise
    Job.objects.filter(pk=job.pk, status=Job.Status.PENDING).update(status=Job.Status.QUEUED, queued_at=timezone.now())
    return True


def _registered(name: str) -> Task:
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()  # the apps' tasks modules, as a worker imports them at start
    if name not in current_app.tasks:
        raise LookupError(f"No task is registered as {name!r}.")
    return current_app.tasks[name]


def jobs_relay(*, older_than: timedelta = RELAY_AFTER) -> int:
    """Hand over the jobs waiting in the outbox that are due; returns how many the broker took.

    Each is locked while it is handed over and skipped by a relay running beside this one,
    so two relays never send the same job twice. Without a broker, the relay runs them.
    """
    if current_app.conf.task_always_eager:
        return _jobs_run_due(older_than=older_than)
    sent = 0
    while True:
        with transaction.atomic():
            waiting = list(
                Job.objects.select_for_update(skip_locked=True)
                .filter(_due(older_than))
                .order_by("due_at")[:RELAY_BATCH]
            )
            for job in waiting:
                if not job_dispatch(job):
                    return sent  # the broker is still away: try again next time
                sent += 1
        if len(waiting) < RELAY_BATCH:
            return sent


def _due(older_than: timedelta) -> Q:
    # Recorded a while ago, so that the hand-over at its commit had its chance, and no longer waiting to be due.
    now = timezone.now()
    return Q(status=Job.Status.PENDING, created_at__lt=now - older_than, due_at__lte=now)


def _jobs_run_due(*, older_than: timedelta) -> int:
    """Run, here and one at a time, the due jobs that wait in the outbox (no broker); returns how many ran.

    Each is taken (pending → queued) in a transaction of its own and run outside it, as a job is run after
    a request's commit: a job's failure is its own, recorded on it, and does not stop the others.
    """
    ran = 0
    while ran < RELAY_BATCH:
        with transaction.atomic():
            job = Job.objects.select_for_update(skip_locked=True).filter(_due(older_than)).order_by("due_at").first()
            if job is None:
                return ran
            Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, queued_at=timezone.now())
        # A failure is recorded on the job, and logged, by job_dispatch; the next job runs all the same.
        with suppress(Exception):
            job_dispatch(job)
        ran += 1
    return ran


@transaction.atomic
def jobs_retry(*, jobs: Iterable[Job]) -> int:
    """Run dead jobs again, by hand; returns how many were queued."""
    ids = [job.pk for job in jobs]
    retried = list(Job.objects.select_for_update().filter(pk__in=ids, status=Job.Status.DEAD).order_by("pk"))
    Job.objects.filter(pk__in=[job.pk for job in retried]).update(
        status=Job.Status.PENDING, finished_at=None, due_at=Now()
    )
    for job in retried:
        job.status = Job.Status.PENDING
        if _dispatched_at_commit(_registered(job.task)):
            transaction.on_commit(lambda job=job: job_dispatch(job))  # type: ignore[misc]
    return len(retried)


def jobs_prune(*, older_than: timedelta = timedelta(days=14)) -> int:
    """Forget jobs that succeeded long ago; dead ones stay until someone deals with them."""
    deleted, _ = Job.objects.filter(status=Job.Status.SUCCEEDED, finished_at__lt=timezone.now() - older_than).delete()
    return deleted


# ---------------------------------------------------------------------------------------------- worker signals
# Jobs that did not come through job_enqueue (periodic ones) have no row; these updates then touch nothing.


@task_prerun.connect
def _started(task_id: str, **_: Any) -> None:
    Job.objects.filter(pk=task_id).update(
        status=Job.Status.RUNNING, attempts=F("attempts") + 1, started_at=timezone.now(), finished_at=None
    )


@task_retry.connect
def _retrying(request: Any, reason: Any = None, **_: Any) -> None:
    Job.objects.filter(pk=request.id).update(status=Job.Status.RETRYING, error=_error(reason))


@task_postrun.connect
def _ended(task_id: str, state: str | None = None, **_: Any) -> None:
    if state == "SUCCESS":
        Job.objects.filter(pk=task_id).update(status=Job.Status.SUCCEEDED, finished_at=timezone.now(), error="")


@task_failure.connect
def _failed(task_id: str, exception: BaseException | None = None, **_: Any) -> None:
    # Failure is final: Celery signals it once the task's own retries are used up, or for an error it does not retry.
    Job.objects.filter(pk=task_id).update(status=Job.Status.DEAD, finished_at=timezone.now(), error=_error(exception))
    logger.error("Job %s failed for good: %s", task_id, exception)


def _error(exception: Any) -> str:
    return f"{type(exception).__name__}: {exception}"[:4000] if exception is not None else ""


class AttestTask(DjangoTask):
    """A job whose writes name it in the history of what they change (django-pghistory's context), and whose
    log lines carry the id of the request that queued it."""

    # Without a broker, jobs run in the web process once the request's transaction commits, before the answer
    # goes out. A job that waits on someone else's server (a webhook receiver) sets this False: it then waits
    # in the ledger and the relay runs it (core.jobs), so a slow receiver never holds up the person whose
    # change it tells of.
    runs_in_request: bool = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # A worker makes a message's custom headers attributes of the request; a job run in-process keeps them apart.
        request_id = getattr(self.request, "request_id", None) or (self.request.headers or {}).get("request_id", "")
        with request_id_bound(request_id), pghistory.context(job=self.name, task_id=self.request.id):
            return super().__call__(*args, **kwargs)
