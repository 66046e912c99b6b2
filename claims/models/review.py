"""Taking a claim to a verdict: the rating scale, verdicts and their approvals, comments and notifications.

A claim's place in review is its `status` (claims.models.claims.Claim); what
the desk concludes is a Verdict. A claim has at most one draft verdict, the one
being researched and reviewed, and at most one published verdict, the one
readers see; other fact-checkers' verdicts on it, imported from their
ClaimReview markup, are kept beside them as received. Reopening a published
claim as a correction starts a new draft that names the published verdict it
corrects, which stays visible until the correction is published in its place.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from claims.models.claims import Claim, Evidence
from claims.models.history import history_trackers
from core.models import TimeStamped


class Rating(models.Model):
    """One step of the deployment's verdict scale, and how it reads as a schema.org Rating."""

    slug = models.SlugField(max_length=40, unique=True)
    label = models.CharField(
        max_length=60, unique=True, help_text='What readers see, e.g. "Mostly false" (schema.org alternateName).'
    )
    value = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        unique=True,
        help_text="Its place on the numeric scale, higher is truer (schema.org ratingValue); blank for a rating "
        "off the scale, such as unproven.",
    )
    description = models.TextField(blank=True, help_text="When to use it, for the desk.")
    requires_evidence = models.BooleanField(
        default=True, help_text="A verdict with this rating must rest on at least one piece of evidence."
    )
    position = models.PositiveSmallIntegerField(unique=True, help_text="Order on the scale as shown to the desk.")
    active = models.BooleanField(default=True, help_text="Offered for new verdicts.")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=~Q(label=""), name="rating_label_not_empty"),
            models.CheckConstraint(condition=Q(value__gte=1), name="rating_value_positive"),
        ]

    def __str__(self) -> str:
        return self.label


@pghistory.track(*history_trackers())
class Verdict(TimeStamped):
    """What the desk concludes about a claim: a rating, a short conclusion and the evidence it rests on."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded by a correction"
        # Another fact-checker's verdict on a claim this desk already has: kept beside the claim for the desk,
        # never shown to readers, so that their review neither publishes nor duplicates the claim.
        RECEIVED = "received", "Received from another fact-checker, not published"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="verdicts")
    conclusion = models.TextField(blank=True, help_text="Two or three sentences a reader can follow.")
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="verdicts", help_text="The evidence the verdict rests on."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verdicts_written",
        help_text="Who proposed the verdict; they cannot approve it. Blank only for an imported verdict.",
    )
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="verdicts_revised",
        help_text="Others who revised the draft; they cannot approve it either.",
    )
    round = models.PositiveSmallIntegerField(
        default=0, help_text="Review rounds so far: each submission for review starts the next."
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The published verdict this one corrects.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Another fact-checker's verdict, read from their ClaimReview markup: it did not pass this desk's review.
    imported_from = models.ForeignKey(
        "sources.Source",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="imported_verdicts",
        help_text="For a verdict imported from another fact-checker's ClaimReview: their review page. "
        "Such a verdict was not reviewed by this desk.",
    )
    imported_rating = models.CharField(
        max_length=200, blank=True, help_text="The rating in the other fact-checker's words, e.g. “Pants on Fire”."
    )

    class Meta:
        ordering = ["claim", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "superseded", "received"]), name="verdict_status"
            ),
            models.CheckConstraint(
                condition=~Q(status="received") | Q(imported_from__isnull=False), name="verdict_received_is_imported"
            ),
            models.UniqueConstraint(fields=["claim"], condition=Q(status="draft"), name="verdict_one_draft_per_claim"),
            models.UniqueConstraint(
                fields=["claim"], condition=Q(status="published"), name="verdict_one_published_per_claim"
            ),
            # What readers see is complete and says who published it and when; an import may have been run
            # by a job, and then names the review it comes from instead of a person.
            models.CheckConstraint(
                condition=Q(status="draft")
                | (
                    Q(rating__isnull=False, published_at__isnull=False)
                    & (Q(published_by__isnull=False) | Q(imported_from__isnull=False))
                    & ~Q(conclusion="")
                ),
                name="verdict_published_complete",
            ),
            models.CheckConstraint(
                condition=Q(author__isnull=False) | Q(imported_from__isnull=False),
                name="verdict_author_unless_imported",
            ),
            # A review page is imported once: importing it again updates that verdict.
            models.UniqueConstraint(fields=["imported_from"], name="verdict_imported_once"),
            models.CheckConstraint(condition=~Q(corrects=F("pk")), name="verdict_not_correcting_itself"),
        ]
        indexes = [
            # The latest published verdicts: the public list, and whether matching's word weights are stale.
            models.Index(fields=["-published_at"], condition=Q(status="published"), name="verdict_published_at_idx"),
        ]

    def __str__(self) -> str:
        rating = str(self.rating) if self.rating_id else "no rating yet"
        return f"{rating} ({self.get_status_display().lower()}): {self.claim}"


@pghistory.track(*history_trackers())
class Approval(models.Model):
    """A reviewer's approval of a verdict in one review round."""

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="approvals")
    round = models.PositiveSmallIntegerField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approvals")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["verdict", "round", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["verdict", "round", "reviewer"], name="approval_once_per_round"),
        ]
        triggers = [
            # The two-person rule, held by the database too: whoever wrote or revised a verdict cannot approve it.
            pgtrigger.Trigger(
                name="approval_not_by_author",
                when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update,
                func="""
                IF EXISTS (SELECT 1 FROM claims_verdict WHERE id = NEW.verdict_id AND author_id = NEW.reviewer_id)
                   OR EXISTS (SELECT 1 FROM claims_verdict_co_authors
                              WHERE verdict_id = NEW.verdict_id AND user_id = NEW.reviewer_id) THEN
                    RAISE EXCEPTION 'A verdict cannot be approved by someone who wrote it.'
                        USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
                """,
            )
        ]

    def __str__(self) -> str:
        return f"approved by {self.reviewer} in round {self.round}"


class Comment(TimeStamped):
    """A remark on a claim, threaded within its review round; sending a claim back or dismissing it says why."""

    class Kind(models.TextChoices):
        NOTE = "note", "Comment"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        DISMISSAL = "dismissal", "Dismissed"
        APPROVAL = "approval", "Approved"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    round = models.PositiveSmallIntegerField(default=0, help_text="The review round it belongs to.")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", help_text="Replying to."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claim_comments")
    body = models.TextField()

    class Meta:
        ordering = ["claim", "round", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="comment_body_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=["note", "changes_requested", "dismissal", "approval"]), name="comment_kind"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="comment_not_reply_to_itself"),
        ]
        indexes = [models.Index(fields=["claim", "round"], name="comment_claim_round_idx")]

    def __str__(self) -> str:
        return f"{self.author} on claim #{self.claim_id}, round {self.round}: {self.body[:60]}"


class Notification(models.Model):
    """An e-mail owed to someone about a claim; sent once by a job, after the change that caused it commits."""

    class Event(models.TextChoices):
        ASSIGNED = "assigned", "Assigned to you"
        SENT_BACK = "sent_back", "Sent back to you"
        REVIEW_REQUESTED = "review_requested", "Waiting for your review"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(max_length=20, choices=Event.choices)
    key = models.CharField(
        max_length=200, unique=True, editable=False, help_text="What it is about, so it is owed only once."
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__in=["assigned", "sent_back", "review_requested"]), name="notification_event"
            ),
        ]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="notification_unsent_idx")]

    def __str__(self) -> str:
        return f"{self.get_event_display()}: {self.subject} → {self.recipient}"
