"""The jobs ledger in the admin: what is waiting to be handed over, what ran, and what failed for good."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from config.jobs import jobs_retry
from config.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["task", "arguments", "status", "attempts", "created_at", "finished_at", "error_excerpt"]
    list_filter = ["status", "task"]
    search_fields = ["task", "error", "request_id"]
    date_hierarchy = "created_at"
    actions = ["retry_jobs"]
    fields = readonly_fields = (
        "task",
        "args",
        "kwargs",
        "status",
        "attempts",
        "error",
        "request_id",
        "created_at",
        "due_at",
        "queued_at",
        "started_at",
        "finished_at",
    )

    @admin.display(description="arguments")
    def arguments(self, job: Job) -> str:
        return ", ".join(map(str, job.args)) + (f" {job.kwargs}" if job.kwargs else "")

    @admin.display(description="error")
    def error_excerpt(self, job: Job) -> str:
        return Truncator(job.error).chars(120)

    @admin.action(description="Retry the selected jobs that failed for good", permissions=["change"])
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        retried = jobs_retry(jobs=queryset)
        skipped = queryset.count() - retried
        self.message_user(
            request,
            f"Queued {retried} job{'s' if retried != 1 else ''} again"
            + (f"; {skipped} had not failed for good and were left alone." if skipped else "."),
            messages.SUCCESS if retried else messages.WARNING,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
