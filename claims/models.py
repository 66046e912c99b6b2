"""Claims, who asserted them where, the evidence for them, and how claims relate."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least, Length
from django.db.models.lookups import Exact
from django.utils import timezone

from sources.models import Actor, Source, TimeStamped
from sources.text import fold


class Story(TimeStamped):
    """A news event; it groups the claims made about it."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(blank=True)
    occurred_on = models.DateField(null=True, blank=True, help_text="When the event happened, if known.")

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-occurred_on", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="story_title_not_empty")]

    def __str__(self) -> str:
        return self.title


class ReviewStatus(models.TextChoices):
    """Whether a person has accepted what extraction suggested; what people enter themselves is accepted."""

    SUGGESTED = "suggested", "Suggested"
    ACCEPTED = "accepted", "Accepted"


class Claim(TimeStamped):
    """One checkable proposition, in neutral wording."""

    text = models.TextField(help_text='One proposition in neutral words, e.g. "Oscar Pérez opened fire on police".')
    folded_text = models.TextField(editable=False, help_text="Case- and accent-insensitive form, for search.")
    story = models.ForeignKey(Story, on_delete=models.PROTECT, null=True, blank=True, related_name="claims")
    about = models.ManyToManyField(
        Actor, blank=True, related_name="claims_about", help_text="The actors the claim is about."
    )
    review_status = models.CharField(
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.ACCEPTED,
        help_text="Suggested claims come from extraction and count only once accepted.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(folded_text=""), name="claim_text_not_empty"),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values), name="claim_review_status_valid"
            ),
            models.UniqueConstraint(fields=["story", "folded_text"], name="claim_unique_per_story"),
        ]
        indexes = [
            # Full-text retrieval of candidate claims for linking; "simple" because the text is already folded.
            GinIndex(SearchVector("folded_text", config="simple"), name="claim_folded_text_search_idx"),
        ]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        self.text = " ".join(self.text.split())
        self.folded_text = fold(self.text)
        if not self.folded_text:
            raise ValidationError({"text": "A claim needs words."})
        twin = Claim.objects.filter(story=self.story, folded_text=self.folded_text).exclude(pk=self.pk).first()
        if twin is not None:
            where = f"in “{self.story}”" if self.story_id else "without a story"
            raise ValidationError({"text": f"The same claim is already recorded {where} as claim #{twin.pk}."})


class Stance(models.TextChoices):
    ASSERTS = "asserts", "asserts"
    DENIES = "denies", "denies"
    QUESTIONS = "questions", "questions"


class Statement(TimeStamped):
    """An attribution: this actor asserted, denied or questioned this claim, in these words, in this source."""

    class Kind(models.TextChoices):
        DIRECT = "direct", "Direct quote"
        INDIRECT = "indirect", "Indirect (reported speech)"
        MIXED = "mixed", "Mixed"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="statements")
    speaker = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="statements")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="statements")
    stance = models.CharField(max_length=16, choices=Stance.choices, default=Stance.ASSERTS)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INDIRECT)
    cue = models.CharField(max_length=100, blank=True, help_text='The attribution verb: "said", "tweeted", "accused".')
    quote = models.TextField(
        blank=True, help_text="The words exactly as they appear in the source; left blank, read from the span."
    )
    folded_quote = models.TextField(editable=False)
    span_start = models.PositiveIntegerField(
        null=True, blank=True, help_text="Character offset of the quote in the source text (from 0)."
    )
    span_end = models.PositiveIntegerField(null=True, blank=True, help_text="Offset just after the quote.")
    said_on = models.DateField(null=True, blank=True, help_text="When it was said, if known.")
    via_source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements_relayed",
        help_text="For a second-hand statement: the original channel, e.g. the tweet a news article reports.",
    )
    via_statement = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relayed_as",
        help_text="For a second-hand statement: the statement it reports.",
    )
    review_status = models.CharField(
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.ACCEPTED,
        help_text="Suggested statements come from extraction and count only once accepted.",
    )
    ingestion = models.ForeignKey(
        "Ingestion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements",
        help_text="The ingestion that suggested this statement, if one did.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["source", "span_start", "pk"]
        constraints = [
            # A span is both offsets or neither; the quote must fill it exactly.
            # That the quote matches the source text is checked by a trigger
            # (migration 0002), since a CHECK cannot read another table.
            models.CheckConstraint(
                condition=(Q(span_start__isnull=True) & Q(span_end__isnull=True))
                | (
                    Q(span_start__isnull=False, span_end__isnull=False)
                    & Q(span_start__gte=0)
                    & Q(span_end__gt=F("span_start"))
                ),
                name="statement_span_ordered",
            ),
            models.CheckConstraint(
                condition=Q(span_start__isnull=True) | Q(Exact(Length("quote"), F("span_end") - F("span_start"))),
                name="statement_quote_fills_span",
            ),
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="statement_stance_valid"),
            models.CheckConstraint(condition=Q(kind__in=["direct", "indirect", "mixed"]), name="statement_kind_valid"),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values), name="statement_review_status_valid"
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="statement_quote_not_empty"),
            models.CheckConstraint(condition=~Q(via_source=F("source")), name="statement_via_other_source"),
            models.CheckConstraint(condition=~Q(via_statement=F("pk")), name="statement_not_via_itself"),
            models.UniqueConstraint(
                fields=["source", "speaker", "claim", "span_start", "span_end"],
                nulls_distinct=False,
                name="statement_unique_attribution",
            ),
        ]
        indexes = [
            models.Index(fields=["claim", "stance"], name="statement_claim_stance_idx"),
            models.Index(fields=["review_status", "source"], name="statement_review_idx"),
            models.Index(fields=["speaker", "-created_at"], name="statement_speaker_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker} {self.cue or self.get_stance_display()}: {self.quote[:80]}"

    def clean(self) -> None:
        self.cue = self.cue.strip()
        if self.source_id is not None:
            passage = self.source.locate(quote=self.quote, start=self.span_start, end=self.span_end)
            self.quote, self.span_start, self.span_end = passage.quote, passage.start, passage.end
        self.folded_quote = fold(self.quote)
        if not self.folded_quote:
            raise ValidationError({"quote": "Give the words as they appear in the source."})
        if self.via_source_id is not None and self.via_source_id == self.source_id:
            raise ValidationError({"via_source": "A statement cannot be relayed through the source it appears in."})
        if self.via_statement_id is not None and self.via_statement_id == self.pk:
            raise ValidationError({"via_statement": "A statement cannot be relayed through itself."})
        if None in (self.claim_id, self.speaker_id, self.source_id):
            return
        twin = (
            Statement.objects.filter(
                claim_id=self.claim_id,
                speaker_id=self.speaker_id,
                source_id=self.source_id,
                span_start=self.span_start,
                span_end=self.span_end,
            )
            .exclude(pk=self.pk)
            .first()
        )
        if twin is not None:
            raise ValidationError(f"This attribution is already recorded as statement #{twin.pk}.")


class Evidence(TimeStamped):
    """A source, or a passage of one, that supports or refutes a claim."""

    class Effect(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"

    class Strength(models.IntegerChoices):
        WEAK = 1, "Weak"
        MODERATE = 2, "Moderate"
        STRONG = 3, "Strong"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    effect = models.CharField(max_length=16, choices=Effect.choices)
    strength = models.PositiveSmallIntegerField(choices=Strength.choices, default=Strength.MODERATE)
    quote = models.TextField(blank=True, help_text="The passage relied on, exactly as in the source; optional.")
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="Why this counts, for the reviewer.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["claim", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(span_start__isnull=True) & Q(span_end__isnull=True) & Q(quote=""))
                | (
                    Q(span_start__isnull=False, span_end__isnull=False)
                    & Q(span_start__gte=0)
                    & Q(span_end__gt=F("span_start"))
                    & Q(Exact(Length("quote"), F("span_end") - F("span_start")))
                ),
                name="evidence_span_matches_quote",
            ),
            models.CheckConstraint(condition=Q(strength__range=(1, 3)), name="evidence_strength_1_to_3"),
            models.CheckConstraint(condition=Q(effect__in=["supports", "refutes"]), name="evidence_effect_valid"),
            models.UniqueConstraint(
                fields=["claim", "source", "span_start", "span_end"],
                nulls_distinct=False,
                name="evidence_unique_passage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_effect_display()}: {self.source}"

    def clean(self) -> None:
        if self.source_id is not None and (self.quote or self.span_start is not None or self.span_end is not None):
            passage = self.source.locate(quote=self.quote, start=self.span_start, end=self.span_end)
            self.quote, self.span_start, self.span_end = passage.quote, passage.start, passage.end
            if passage.start is None:
                raise ValidationError({"quote": f"“{self.source}” has no text to quote from; leave the quote blank."})
        if None in (self.claim_id, self.source_id):
            return
        twin = (
            Evidence.objects.filter(
                claim_id=self.claim_id, source_id=self.source_id, span_start=self.span_start, span_end=self.span_end
            )
            .exclude(pk=self.pk)
            .first()
        )
        if twin is not None:
            raise ValidationError("This passage is already evidence for the claim.")


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
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    stage = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    source = models.ForeignKey(Source, on_delete=models.SET_NULL, null=True, blank=True, related_name="ingestions")
    statements_suggested = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True, editable=False)
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
