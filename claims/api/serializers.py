"""How claims, statements, evidence and links read and are written in the API.

Serializers shape and validate; the views hand what they validated to the services, which decide.
Lists select or prefetch what their representations read, so a page costs the same number of queries
whatever its size; a claim's representation is built from rows (claims.api.representations), and
`ClaimSerializer` declares it for the schema.
"""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.claimreview import Outcome
from claims.models import Claim, ClaimLink, Evidence, Ingestion, Rating, Stance, Statement
from claims.review.selectors import STEPS
from claims.schema_org import schema_org_rating
from claims.selectors import (
    actors_visible,
    claims_visible,
    evidence_visible,
    links_visible,
    sources_visible,
    statements_visible,
    stories_visible,
)
from core.api.base import StrictSerializer
from core.api.fields import AbsoluteUrlField, SlugField, SpanSerializer, VisibleRelatedField, span_of

# ---------------------------------------------------------------------------------------------- reading


class StorySummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()


class ActorSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:actor-detail")
    name = serializers.CharField()


class SourceSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:source-detail")
    title = serializers.CharField()
    address = serializers.URLField(source="url", allow_null=True, help_text="Where the source is published.")
    published_at = serializers.DateTimeField(allow_null=True)


class ClaimSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:claim-detail")
    text = serializers.CharField()


class SchemaOrgRatingSerializer(serializers.Serializer):
    """The rating as schema.org's Rating, as in ClaimReview's reviewRating."""

    type = serializers.CharField(source="at_type", help_text='Always "Rating".')
    ratingValue = serializers.IntegerField(
        required=False, help_text="Higher is truer; left out for a rating off the scale (Unproven)."
    )
    bestRating = serializers.IntegerField(
        required=False, help_text="The scale's highest value; left out with ratingValue."
    )
    worstRating = serializers.IntegerField(
        required=False, help_text="The scale's lowest value; left out with ratingValue."
    )
    alternateName = serializers.CharField(help_text="The rating's label.")
    ratingExplanation = serializers.CharField(
        required=False, help_text="An imported review's rating: where it stands on this site's scale."
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        return at_names(super().get_fields())


def at_names(fields: dict[str, serializers.Field]) -> dict[str, serializers.Field]:
    """`fields` with `type` and `context` named as JSON-LD names them, `@type` and `@context`."""
    return {f"@{name}" if name in ("type", "context") else name: field for name, field in fields.items()}


class ClaimReviewSerializer(serializers.Serializer):
    """A claim's ClaimReview, as schema.org JSON-LD (claims.claimreview writes it; this declares it)."""

    context = serializers.CharField(help_text='Always "https://schema.org".')  # type: ignore[assignment]
    type = serializers.CharField(help_text='Always "ClaimReview".')
    url = serializers.URLField(help_text="The claim's public page.")
    claimReviewed = serializers.CharField()
    datePublished = serializers.DateField(required=False)
    reviewRating = SchemaOrgRatingSerializer()
    reviewBody = serializers.CharField(required=False)
    author = serializers.DictField(help_text="The Organization that reviewed the claim.")
    itemReviewed = serializers.DictField(help_text="The Claim: who made it, and where it appeared.")
    isBasedOn = serializers.URLField(required=False, help_text="An imported review: the review it was read from.")

    def get_fields(self) -> dict[str, serializers.Field]:
        return at_names(super().get_fields())


class RatingSerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.IntegerField(allow_null=True)
    schema_org = serializers.SerializerMethodField()

    @extend_schema_field(SchemaOrgRatingSerializer)
    def get_schema_org(self, rating: Rating) -> dict[str, Any]:
        return schema_org_rating(label=rating.label, value=rating.value, scale=self.context["rating_scale"])


class RatingScaleSerializer(RatingSerializer):
    description = serializers.CharField()
    requires_evidence = serializers.BooleanField()
    active = serializers.BooleanField()


class PublishedVerdictSerializer(serializers.Serializer):
    rating = RatingSerializer()
    conclusion = serializers.CharField()
    published_at = serializers.DateTimeField()
    is_correction = serializers.BooleanField(
        read_only=True, help_text="Whether it replaced an earlier published verdict."
    )


class DraftVerdictSerializer(serializers.Serializer):
    rating = RatingSerializer(allow_null=True)
    conclusion = serializers.CharField()
    round = serializers.IntegerField()


class StatementInClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:statement-detail")
    speaker = ActorSummarySerializer()
    source = SourceSummarySerializer()  # type: ignore[assignment]
    quote = serializers.CharField()
    span = serializers.SerializerMethodField()
    stance = serializers.ChoiceField(choices=Stance.choices)
    kind = serializers.ChoiceField(choices=Statement.Kind.choices)
    cue = serializers.CharField()
    said_on = serializers.DateField(allow_null=True)
    via_source = serializers.IntegerField(source="via_source_id", allow_null=True)

    @extend_schema_field(SpanSerializer(allow_null=True))
    def get_span(self, statement: Statement) -> dict[str, int] | None:
        return span_of(statement)


class LinkInClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:link-detail")
    relation = serializers.ChoiceField(choices=ClaimLink.Relation.choices)
    status = serializers.ChoiceField(choices=ClaimLink.Status.choices)
    direction = serializers.ChoiceField(choices=["outgoing", "incoming"], help_text="Drawn from this claim, or to it.")
    claim = ClaimSummarySerializer(help_text="The claim at the other end.")
    score = serializers.FloatField(allow_null=True)


class SupportSerializer(serializers.Serializer):
    level = serializers.CharField(source="support_level")
    score = serializers.FloatField(source="support_score")
    explanation = serializers.SerializerMethodField(help_text="Why, in words; null without read:all.")
    assessed_at = serializers.DateTimeField(source="support_assessed_at", allow_null=True)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_explanation(self, claim: Claim) -> Any:
        # It names everything it weighed, published or not: linked claims and their speakers, evidence that no
        # published verdict cites. So only the desk reads it.
        return claim.support_explanation if self.context.get("reads_all") else None


class DeskSerializer(serializers.Serializer):
    """The desk's working state of a claim: shown with read:all only."""

    status = serializers.CharField()
    review_status = serializers.CharField()
    assignee = serializers.CharField(source="assignee.username", allow_null=True, default=None)
    due_on = serializers.DateField(allow_null=True)
    version = serializers.IntegerField(help_text="Send it back as expected_version when changing the claim.")
    draft_verdict = DraftVerdictSerializer(allow_null=True, read_only=True)


# A claim as the API shows it: declared here for the schema, built by claims.api.representations. The fields
# that were computed are read-only, as the schema has always said.
class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:claim-detail")
    text = serializers.CharField()
    story = StorySummarySerializer(allow_null=True)
    about = ActorSummarySerializer(many=True)
    statements = StatementInClaimSerializer(many=True)
    support = SupportSerializer(source="*")
    verdict = PublishedVerdictSerializer(
        allow_null=True, read_only=True, help_text="The published verdict; null until one is published."
    )
    links = LinkInClaimSerializer(many=True, read_only=True)
    claimreview_url = serializers.URLField(allow_null=True, read_only=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    desk = DeskSerializer(allow_null=True, read_only=True, help_text="The desk's working state; null without read:all.")


class StatementSerializer(StatementInClaimSerializer):
    claim = ClaimSummarySerializer()
    review_status = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:evidence-detail")
    claim = ClaimSummarySerializer()
    source = SourceSummarySerializer()  # type: ignore[assignment]
    effect = serializers.ChoiceField(choices=Evidence.Effect.choices)
    strength = serializers.ChoiceField(choices=Evidence.Strength.choices)
    quote = serializers.CharField()
    span = serializers.SerializerMethodField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(SpanSerializer(allow_null=True))
    def get_span(self, evidence: Evidence) -> dict[str, int] | None:
        return span_of(evidence)


class LinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:link-detail")
    from_claim = ClaimSummarySerializer()
    to_claim = ClaimSummarySerializer()
    relation = serializers.ChoiceField(choices=ClaimLink.Relation.choices)
    status = serializers.ChoiceField(choices=ClaimLink.Status.choices)
    origin = serializers.ChoiceField(choices=ClaimLink.Origin.choices)
    score = serializers.FloatField(allow_null=True)
    rationale = serializers.CharField()
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class StorySerializer(StorySummarySerializer):
    url = AbsoluteUrlField("api:story-detail")
    summary = serializers.CharField()
    occurred_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()


class IntakeSerializer(serializers.Serializer):
    """A story given to Attest to read, and how far the job has got."""

    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:intake-detail")
    status = serializers.ChoiceField(choices=Ingestion.Status.choices)
    progress = serializers.IntegerField(help_text="Per cent done.")
    stage = serializers.CharField()
    error = serializers.CharField()
    link = serializers.URLField(source="url", allow_null=True)
    title = serializers.CharField()
    story = serializers.IntegerField(source="story_id", allow_null=True)
    outlet = serializers.IntegerField(source="outlet_id", allow_null=True, help_text="Who published it, as given.")
    source = serializers.IntegerField(source="source_id", allow_null=True)  # type: ignore[assignment]
    statements_suggested = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


# ---------------------------------------------------------------------------------------------- writing


class ClaimCreateSerializer(StrictSerializer):
    text = serializers.CharField(max_length=5000)
    story = VisibleRelatedField(stories_visible, required=False, allow_null=True)
    about = serializers.ListField(child=VisibleRelatedField(actors_visible), required=False, max_length=100)


class ClaimUpdateSerializer(StrictSerializer):
    expected_version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The claim's version you started from (desk.version)."
    )
    text = serializers.CharField(max_length=5000, required=False)
    story = VisibleRelatedField(stories_visible, required=False, allow_null=True)
    about = serializers.ListField(child=VisibleRelatedField(actors_visible), required=False, max_length=100)


STEP_NAMES = [step.name for step in STEPS] + ["approve"]


class StepSerializer(StrictSerializer):
    step = serializers.ChoiceField(choices=STEP_NAMES)
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Why: needed to send back, dismiss or reopen; a note with an approval.",
    )
    expected_version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class VerdictProposeSerializer(StrictSerializer):
    rating = SlugField(slug_field="slug", queryset=Rating.objects.filter(active=True), allow_null=True)
    conclusion = serializers.CharField(max_length=5000, allow_blank=True)
    evidence = serializers.ListField(child=VisibleRelatedField(evidence_visible), required=False, max_length=200)


class StatementCreateSerializer(StrictSerializer):
    claim = VisibleRelatedField(claims_visible)
    speaker = VisibleRelatedField(actors_visible)
    source = VisibleRelatedField(sources_visible)  # type: ignore[assignment]
    quote = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    span = SpanSerializer(required=False, allow_null=True, default=None)
    stance = serializers.ChoiceField(choices=Stance.choices, default=Stance.ASSERTS)
    kind = serializers.ChoiceField(choices=Statement.Kind.choices, default=Statement.Kind.INDIRECT)
    cue = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    said_on = serializers.DateField(required=False, allow_null=True, default=None)
    via_source = VisibleRelatedField(sources_visible, required=False, allow_null=True, default=None)
    via_statement = VisibleRelatedField(statements_visible, required=False, allow_null=True, default=None)


class StatementUpdateSerializer(StrictSerializer):
    speaker = VisibleRelatedField(actors_visible, required=False)
    quote = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    span = SpanSerializer(required=False, allow_null=True)
    stance = serializers.ChoiceField(choices=Stance.choices, required=False)
    kind = serializers.ChoiceField(choices=Statement.Kind.choices, required=False)
    cue = serializers.CharField(required=False, allow_blank=True, max_length=100)
    said_on = serializers.DateField(required=False, allow_null=True)
    via_source = VisibleRelatedField(sources_visible, required=False, allow_null=True)


class EvidenceCreateSerializer(StrictSerializer):
    claim = VisibleRelatedField(claims_visible)
    source = VisibleRelatedField(sources_visible)  # type: ignore[assignment]
    effect = serializers.ChoiceField(choices=Evidence.Effect.choices)
    strength = serializers.ChoiceField(choices=Evidence.Strength.choices, default=Evidence.Strength.MODERATE)
    quote = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    span = SpanSerializer(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class EvidenceUpdateSerializer(StrictSerializer):
    effect = serializers.ChoiceField(choices=Evidence.Effect.choices, required=False)
    strength = serializers.ChoiceField(choices=Evidence.Strength.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class LinkCreateSerializer(StrictSerializer):
    from_claim = VisibleRelatedField(claims_visible)
    to_claim = VisibleRelatedField(claims_visible)
    relation = serializers.ChoiceField(choices=ClaimLink.Relation.choices)
    rationale = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


DECISIONS = [ClaimLink.Status.CONFIRMED, ClaimLink.Status.REJECTED]


class LinkDecisionSerializer(StrictSerializer):
    decision = serializers.ChoiceField(choices=DECISIONS)


class LinksDecisionSerializer(StrictSerializer):
    links = serializers.ListField(child=VisibleRelatedField(links_visible), min_length=1, max_length=500)
    decision = serializers.ChoiceField(choices=DECISIONS)


class LinksDecidedSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="How many links changed; those already so decided did not.")


class MatchRequestSerializer(StrictSerializer):
    text = serializers.CharField(max_length=5000, help_text="A sentence or a paragraph to check.")
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10)


class MatchedVerdictSerializer(serializers.Serializer):
    rating = RatingSerializer()
    conclusion = serializers.CharField()


class MatchSerializer(serializers.Serializer):
    score = serializers.FloatField(
        help_text="How high the claim ranks for the text, from 0 to 1: 1 when it comes first both by words and, "
        "where embeddings are on, by meaning. It orders one response; it is not a probability."
    )
    claim = ClaimSummarySerializer()
    verdict = MatchedVerdictSerializer(allow_null=True)
    url = serializers.URLField(help_text="The claim in the API.")


class MatchesSerializer(serializers.Serializer):
    matches = MatchSerializer(many=True)


class ImportedReviewSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The review's page, as the document gives it.")
    outcome = serializers.ChoiceField(
        choices=[outcome.value for outcome in Outcome],
        help_text="created: a new claim, published with the review's verdict; updated or unchanged: imported "
        "before; joined: the claim in the same words was already here, and the verdict is kept beside it "
        "without publishing it; skipped: this deployment's own review of its claim.",
    )
    claim = ClaimSummarySerializer(
        allow_null=True, help_text="The claim the review concerns; null for a claim the client may not read."
    )


class ClaimReviewImportedSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    joined = serializers.IntegerField(help_text="Reviews of a claim already here in the same words.")
    skipped = serializers.IntegerField(help_text="This deployment's own reviews, which are not imported.")
    reviews = ImportedReviewSerializer(many=True, help_text="Each review read, in the document's order.")
    claims = ClaimSummarySerializer(many=True, help_text="The claims of `reviews` that the client may read.")
    errors = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]
