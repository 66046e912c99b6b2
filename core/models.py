"""What every app's tables share: the ledger of background jobs (the outbox the broker is fed from, and how each
job ended) and the created/updated stamps."""

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone


class TimeStamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Job(models.Model):
    """A background job, recorded in the same transaction as the change that asks for it.

    Recording the job with the change means a job is never lost when the broker is
    down: it waits here, pending, until a relay hands it over (core.jobs). A job asked
    for later (a retry after a wait) waits here too, until it is due. Its id is
    the Celery task id, so the worker's signals keep its status; a job that fails for
    good stays here, dead, with its error, until someone retries it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be handed over"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        RETRYING = "retrying", "Failed, will retry"
        SUCCEEDED = "succeeded", "Done"
        DEAD = "dead", "Failed for good"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task = models.CharField(max_length=200, help_text="The Celery task's name.")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="Times a worker started it.")
    error = models.TextField(blank=True, help_text="The last failure, if any.")
    request_id = models.CharField(
        max_length=64, blank=True, help_text="The request that asked for it, as in the logs' request_id."
    )
    # The database's now(): the start of the transaction that recorded the job (see job_enqueue's coalesce).
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    due_at = models.DateTimeField(
        db_default=Now(), editable=False, help_text="Not handed over before this time (a retry's wait)."
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table was made when the ledger lived in the project's configuration; it keeps its name and rows.
        db_table = "config_job"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "queued", "running", "retrying", "succeeded", "dead"]),
                name="job_status",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["succeeded", "dead"], finished_at__isnull=False)
                | (~Q(status__in=["succeeded", "dead"]) & Q(finished_at__isnull=True)),
                name="job_finished_iff_ended",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"], name="job_status_idx"),
            # The relay's scan: only the jobs still waiting, by when they are due.
            models.Index(fields=["due_at"], name="job_pending_due_idx", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.task}({', '.join(map(str, self.args))}) {self.status}"
