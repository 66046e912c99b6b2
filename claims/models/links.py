"""How claims relate: links between them, and the detector runs and calibrations that suggest links."""

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from claims.models.claims import Claim
from claims.models.history import history_trackers
from core.models import TimeStamped


@pghistory.track(*history_trackers())
class ClaimLink(TimeStamped):
    """A typed relation between two claims, drawn by a person or suggested by a detector."""

    class Relation(models.TextChoices):
        CONTRADICTS = "contradicts", "contradicts"
        CORROBORATES = "corroborates", "corroborates"
        DUPLICATES = "duplicates", "duplicates"
        REFINES = "refines", "refines"

    class Origin(models.TextChoices):
        PERSON = "person", "Person"
        DETECTOR = "detector", "Detector"

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_from")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="links_to")
    relation = models.CharField(max_length=16, choices=Relation.choices)
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.PERSON)
    detector = models.CharField(
        max_length=100, blank=True, help_text="Name and version of the detector that suggested the link."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SUGGESTED)
    score = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="The detector's confidence, from 0 to 1.",
    )
    rationale = models.TextField(blank=True, help_text="Why the claims are related, checkable at a glance.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "claim link"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_claim=F("to_claim")), name="link_not_to_itself"),
            # One link per unordered pair and relation: A→B and B→A are the same pair.
            models.UniqueConstraint(
                Least("from_claim", "to_claim"),
                Greatest("from_claim", "to_claim"),
                "relation",
                name="link_unique_pair_relation",
            ),
            models.CheckConstraint(condition=Q(score__range=(0.0, 1.0)), name="link_score_0_to_1"),
            models.CheckConstraint(
                condition=Q(status="suggested", decided_at__isnull=True)
                | (Q(status__in=["confirmed", "rejected"]) & Q(decided_at__isnull=False)),
                name="link_decided_iff_not_suggested",
            ),
            models.CheckConstraint(condition=Q(origin="person") | ~Q(detector=""), name="link_detector_named"),
            models.CheckConstraint(
                condition=Q(relation__in=["contradicts", "corroborates", "duplicates", "refines"]),
                name="link_relation_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "-score"], name="link_status_score_idx")]

    def __str__(self) -> str:
        return f"{self.from_claim} {self.relation} {self.to_claim}"

    def clean(self) -> None:
        if None in (self.from_claim_id, self.to_claim_id):
            return
        if self.from_claim_id == self.to_claim_id:
            raise ValidationError({"to_claim": "A claim cannot be linked to itself."})
        twin = (
            ClaimLink.objects.filter(relation=self.relation)
            .filter(
                Q(from_claim_id=self.from_claim_id, to_claim_id=self.to_claim_id)
                | Q(from_claim_id=self.to_claim_id, to_claim_id=self.from_claim_id)
            )
            .exclude(pk=self.pk)
            .first()
        )
        if twin is not None:
            raise ValidationError(
                {"to_claim": f"These claims are already linked as “{self.relation}” (link #{twin.pk}, {twin.status})."}
            )


class LinkingRun(models.Model):
    """One pass of the detectors over a claim: what they compared and what they suggested."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="linking_runs")
    detector = models.CharField(max_length=100, help_text="The classifier and its version.")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    candidates = models.PositiveIntegerField(default=0, help_text="Claims compared with this one.")
    suggested = models.PositiveIntegerField(default=0, help_text="New links suggested.")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["claim", "-started_at"], name="linkingrun_claim_idx")]

    def __str__(self) -> str:
        return f"{self.detector} on claim #{self.claim_id} at {self.started_at:%Y-%m-%d %H:%M}"


class LinkCalibration(models.Model):
    """The link detector's scores refitted from this deployment's reviewer decisions; one is active at a time."""

    detector = models.CharField(max_length=100, help_text='The detector version it calibrates, e.g. "features-1".')
    version = models.CharField(
        max_length=100, unique=True, help_text='Recorded on the links it scores, e.g. "features-1+cal3".'
    )
    feature_names = models.JSONField(default=list, help_text="The detector's features, in the coefficients' order.")
    coefficients = models.JSONField(
        default=dict, help_text="Relation → the weight of each feature; relations not named keep their set weights."
    )
    intercepts = models.JSONField(default=dict, help_text="Relation → the intercept of its model.")
    confirmed = models.PositiveIntegerField(help_text="Confirmed detector links it was fitted and scored on.")
    rejected = models.PositiveIntegerField(help_text="Rejected detector links it was fitted and scored on.")
    log_loss_before = models.FloatField(
        help_text="Log-loss of the set weights on the same decisions, each kind weighted equally; lower is better."
    )
    log_loss_after = models.FloatField(help_text="Cross-validated log-loss with this calibration; lower is better.")
    accuracy_before = models.FloatField(
        help_text="Share of decisions the set weights foresaw (suggested iff confirmed), each kind weighted equally."
    )
    accuracy_after = models.FloatField(help_text="The same, cross-validated, with this calibration.")
    relations = models.JSONField(
        default=dict, help_text="Per relation: decisions, figures before and after, or why it kept its set weights."
    )
    decisions = models.CharField(
        max_length=64, editable=False, help_text="Digest of the decisions and claim texts it was fitted on."
    )
    active = models.BooleanField(default=True, help_text="Used for new links; at most one per detector.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "link calibration"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["detector"], condition=Q(active=True), name="linkcalibration_one_active_per_detector"
            ),
            # Stored only when it is no worse than the weights it replaces.
            models.CheckConstraint(
                condition=Q(log_loss_after__lte=F("log_loss_before")), name="linkcalibration_not_worse"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version} ({'active' if self.active else 'retired'})"


class ClaimEmbedding(models.Model):
    """A claim's sentence embedding, for retrieval by meaning.

    The vector itself is a pgvector column that migration 0006 adds only where
    the server has the extension; it is read and written in SQL by
    claims.linking.embeddings, so the model carries no field for it.
    """

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, primary_key=True, related_name="embedding")
    model = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.model} embedding of claim #{self.claim_id}"


class ClaimAnalysis(models.Model):
    """A claim's text as the feature classifier parsed it, kept so that a claim met again as a candidate, by the
    next job or another worker, is not parsed again (parsing is most of a linking job's work).

    A stored analysis counts only for the text it was made from and the analyser that made it: an edited claim,
    a new language model or a change to the analysis code is parsed afresh.
    """

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, primary_key=True, related_name="analysis")
    analyser = models.CharField(max_length=100, help_text="The language model and analysis code that made it.")
    text_digest = models.CharField(max_length=64, help_text="SHA-256 of the text analysed.")
    data = models.JSONField(help_text="The analysis: content words, negations, numbers, dates, frames.")
    analysed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "claim analyses"
        constraints = [
            models.CheckConstraint(
                condition=Q(text_digest__regex=r"^[0-9a-f]{64}$"), name="claimanalysis_digest_is_sha256"
            )
        ]

    def __str__(self) -> str:
        return f"{self.analyser} analysis of claim #{self.claim_id}"
