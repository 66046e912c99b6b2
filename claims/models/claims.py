"""Stories, claims, who asserted them where, and the evidence for them."""

from collections.abc import Collection

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django_fsm import FSMField, FSMModelMixin, transition

from claims.models.history import history_trackers
from core.models import TimeStamped
from core.text import fold
from sources.models import Actor, Source


class Story(TimeStamped):
    """A news event; it groups the claims made about it."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    summary = models.TextField(blank=True)
    occurred_on = models.DateField(null=True, blank=True, help_text="When the event happened, if known.")
    required_approvals = models.PositiveSmallIntegerField(
        choices=[(1, "One reviewer"), (2, "Two reviewers")],
        default=1,
        help_text="How many reviewers, other than its authors, must approve a verdict before it can be published.",
    )

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="story_title_not_empty"),
            models.CheckConstraint(condition=Q(required_approvals__range=(1, 2)), name="story_approvals_1_or_2"),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewStatus(models.TextChoices):
    """Whether a person has accepted what extraction suggested; what people enter themselves is accepted."""

    SUGGESTED = "suggested", "Suggested"
    ACCEPTED = "accepted", "Accepted"


class ClaimStatus(models.TextChoices):
    """A claim's place in review: new → in research → in review → published, or dismissed as not check-worthy."""

    NEW = "new", "New"
    IN_RESEARCH = "in_research", "In research"
    IN_REVIEW = "in_review", "In review"
    NEEDS_CHANGES = "needs_changes", "Needs changes"
    PUBLISHED = "published", "Published"
    DISMISSED = "dismissed", "Dismissed"


class SupportLevel(models.TextChoices):
    """How well the record supports a claim, computed from its statements, evidence and links."""

    UNSUPPORTED = "unsupported", "Unsupported"
    WEAK = "weak", "Weak"
    CONTESTED = "contested", "Contested"
    SUPPORTED = "supported", "Supported"
    WELL_SUPPORTED = "well_supported", "Well supported"


# The search vector is derived from folded_text, which the history already keeps.
@pghistory.track(*history_trackers(), exclude=["search_vector"])
class Claim(FSMModelMixin, TimeStamped):
    """One checkable proposition, in neutral wording."""

    text = models.TextField(help_text='One proposition in neutral words, e.g. "Oscar Pérez opened fire on police".')
    folded_text = models.TextField(editable=False, help_text="Case- and accent-insensitive form, for search.")
    needs_wording = models.BooleanField(
        default=False,
        help_text="Suggested in words close to the quote, because a reference in it (“they”, “here”) could not be "
        "resolved safely: reword it before accepting.",
    )
    # The folded words as stored lexemes ("simple": the text is already folded), for full-text retrieval. Generated
    # by the database from folded_text, so every write path keeps it current, bulk updates included; stored, so
    # ranking thousands of claims reads their lexemes instead of parsing their text again.
    search_vector = models.GeneratedField(
        expression=SearchVector("folded_text", config="simple"), output_field=SearchVectorField(), db_persist=True
    )
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
    # Review. The status changes only through the transitions below, each called by a service.
    status = FSMField(
        max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.NEW, protected=True, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_claims",
        help_text="Who is working on the claim now.",
    )
    due_on = models.DateField("due", null=True, blank=True, help_text="When the verdict should be ready.")
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Counts saves, so that two editors cannot overwrite each other."
    )
    # Support, recomputed by a job whenever statements, evidence or links change (claims.support).
    support_level = models.CharField(
        max_length=16, choices=SupportLevel.choices, default=SupportLevel.UNSUPPORTED, editable=False
    )
    support_score = models.FloatField(default=0.0, editable=False, help_text="0 (nothing) to 1 (well supported).")
    support_explanation = models.JSONField(default=dict, editable=False)
    support_assessed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ClaimStatus.values), name="claim_status_valid"),
            models.CheckConstraint(
                condition=Q(support_level__in=SupportLevel.values), name="claim_support_level_valid"
            ),
            models.CheckConstraint(condition=Q(support_score__range=(0.0, 1.0)), name="claim_support_score_0_to_1"),
            models.CheckConstraint(condition=~Q(folded_text=""), name="claim_text_not_empty"),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values), name="claim_review_status_valid"
            ),
            # A claim without a story is recorded once too: NULL stories count as one.
            models.UniqueConstraint(
                fields=["story", "folded_text"], nulls_distinct=False, name="claim_unique_per_story"
            ),
        ]
        indexes = [
            # Full-text retrieval of candidate claims for linking, and the API's word filter.
            GinIndex(fields=["search_vector"], name="claim_search_vector_idx"),
            models.Index(fields=["assignee", "status"], name="claim_assignee_status_idx"),
            models.Index(fields=["due_on"], name="claim_due_idx", condition=Q(due_on__isnull=False)),
            # The API's lists are newest first, paged by cursor.
            models.Index(fields=["-created_at", "-id"], name="claim_created_idx"),
        ]

    def __str__(self) -> str:
        return self.text

    # The review workflow. Who may take each step is a `rules` permission (claims.rules);
    # what else a step needs (a complete verdict, enough approvals, a reason) is checked by its service.

    @transition(
        field=status, source=ClaimStatus.NEW, target=ClaimStatus.IN_RESEARCH, permission="claims.research_claim"
    )
    def start_research(self) -> None:
        """Take up the claim."""

    @transition(
        field=status,
        source=[ClaimStatus.IN_RESEARCH, ClaimStatus.NEEDS_CHANGES],
        target=ClaimStatus.IN_REVIEW,
        permission="claims.submit_claim",
    )
    def submit_for_review(self) -> None:
        """Put the draft verdict before reviewers."""

    @transition(
        field=status, source=ClaimStatus.IN_REVIEW, target=ClaimStatus.NEEDS_CHANGES, permission="claims.review_claim"
    )
    def send_back(self) -> None:
        """Return the verdict to research, saying what must change."""

    @transition(
        field=status,
        source=ClaimStatus.NEEDS_CHANGES,
        target=ClaimStatus.IN_RESEARCH,
        permission="claims.research_claim",
    )
    def resume_research(self) -> None:
        """Take a sent-back claim up again."""

    @transition(
        field=status, source=ClaimStatus.IN_REVIEW, target=ClaimStatus.PUBLISHED, permission="claims.publish_claim"
    )
    def publish(self) -> None:
        """Publish the approved verdict."""

    @transition(field=status, source=ClaimStatus.NEW, target=ClaimStatus.PUBLISHED)
    def publish_imported(self) -> None:
        """Publish another fact-checker's verdict, imported from their ClaimReview (claims.claimreview)."""

    @transition(
        field=status,
        source=[ClaimStatus.NEW, ClaimStatus.IN_RESEARCH, ClaimStatus.NEEDS_CHANGES, ClaimStatus.IN_REVIEW],
        target=ClaimStatus.DISMISSED,
        permission="claims.dismiss_claim",
    )
    def dismiss(self) -> None:
        """Set the claim aside as not check-worthy."""

    @transition(field=status, source=ClaimStatus.DISMISSED, target=ClaimStatus.NEW, permission="claims.reinstate_claim")
    def reinstate(self) -> None:
        """Bring a dismissed claim back."""

    @transition(
        field=status, source=ClaimStatus.PUBLISHED, target=ClaimStatus.IN_RESEARCH, permission="claims.reopen_claim"
    )
    def reopen(self) -> None:
        """Reopen a published claim for a correction; the published verdict stays up until the correction is."""

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # Validation assigns every field it cleans, which a protected status refuses: it changes by transitions only.
        super().clean_fields(exclude={*(exclude or ()), "status"})

    def clean(self) -> None:
        self.text = " ".join(self.text.split())
        self.folded_text = fold(self.text)
        if not self.folded_text:
            raise ValidationError({"text": "A claim needs words."})
        twin = Claim.objects.filter(story=self.story, folded_text=self.folded_text).exclude(pk=self.pk).first()
        if twin is not None:
            where = f"in “{self.story}”" if self.story_id else "without a story"
            # The twin's id in params, so a caller who may not read the twin can be told less (claims.api).
            duplicate = ValidationError(
                "The same claim is already recorded %(where)s as claim #%(claim)s.",
                code="duplicate",
                params={"where": where, "claim": twin.pk, "has_story": bool(self.story_id)},
            )
            raise ValidationError({"text": duplicate})


class Stance(models.TextChoices):
    ASSERTS = "asserts", "asserts"
    DENIES = "denies", "denies"
    QUESTIONS = "questions", "questions"


@pghistory.track(*history_trackers())
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
    suggestion_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why a suggested statement joined an existing claim: “same as: The authorities arrested…”.",
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


@pghistory.track(*history_trackers())
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
