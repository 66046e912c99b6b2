"""Stories given to Attest as pasted text or a link, and the job that reads them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from claims.models.claims import Story
from core.models import TimeStamped
from sources.models import Outlet, Source


class Ingestion(TimeStamped):
    """A story given to Attest as pasted text or a link, and the job that reads who said what in it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"

    url = models.URLField("link", max_length=2000, null=True, blank=True, help_text="The story's web address.")
    submitted_text = models.TextField("pasted text", blank=True, help_text="The story's text, pasted.")
    title = models.CharField(max_length=500, blank=True, help_text="Optional; taken from the story when blank.")
    story = models.ForeignKey(
        Story,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ingestions",
        help_text="The story the suggested claims join; a new one is opened when blank.",
    )
    # Protected as a source's outlet is: a queued intake whose outlet vanished would narrate as no one.
    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ingestions",
        help_text="Who published the story; its own reporting is then the outlet's. "
        "For a link, this wins over the outlet found by the site's domain.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    stage = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    source = models.ForeignKey(Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="ingestions")
    statements_suggested = models.PositiveIntegerField(default=0)
    notes = models.TextField(blank=True, help_text="What the reading left out, for the editor: an over-long quote.")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "story intake"
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Exactly one of a link and a pasted text.
            models.CheckConstraint(
                condition=(Q(url__isnull=False) & ~Q(url="") & Q(submitted_text=""))
                | ((Q(url__isnull=True) | Q(url="")) & ~Q(submitted_text="")),
                name="ingestion_link_or_text",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="ingestion_progress_percent"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "succeeded", "failed"]), name="ingestion_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["succeeded", "failed"], finished_at__isnull=False)
                | Q(status__in=["queued", "running"], finished_at__isnull=True),
                name="ingestion_finished_iff_done",
            ),
            models.CheckConstraint(
                condition=~Q(status="succeeded") | Q(source__isnull=False), name="ingestion_success_has_source"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="ingestion_status_idx")]

    def __str__(self) -> str:
        first_line = self.submitted_text.strip().split("\n", 1)[0][:120]
        return self.title or (self.source.title if self.source is not None else "") or self.url or first_line
