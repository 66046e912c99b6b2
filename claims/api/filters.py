"""Filters of the claim, statement, evidence and link lists (django-filter); a value that is not valid is a 400."""

from django.contrib.postgres.search import SearchQuery
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters import rest_framework as filters

from claims.models import Claim, ClaimLink, ClaimStatus, Evidence, ReviewStatus, Stance, Statement, Story, Verdict
from claims.selectors import links_visible, statements_visible
from core.api.access import reads_all
from core.api.filters import IdFilter, MomentFilter
from core.text import fold


def folded_search(queryset: QuerySet[Claim], value: str) -> QuerySet[Claim]:
    """Full-text search over the folded text, so "perez" finds "Pérez"; served by the claims' search vector index."""
    words = fold(value)
    if not words:
        return queryset
    return queryset.filter(search_vector=SearchQuery(words, config="simple", search_type="websearch"))


class ClaimFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", max_length=500, help_text="Words of the claim, accents and case ignored.")
    story = IdFilter(field_name="story_id", help_text="A story's id.")
    story_slug = filters.CharFilter(field_name="story__slug", max_length=100)
    actor = IdFilter(method="filter_actor", help_text="An actor's id: who states the claim or whom it is about.")
    stance = filters.ChoiceFilter(choices=Stance.choices, method="filter_stance", help_text="Stated with this stance.")
    status = filters.ChoiceFilter(
        choices=ClaimStatus.choices,
        method="filter_status",
        help_text="Review status; without read:all every claim shown counts as published.",
    )
    review_status = filters.ChoiceFilter(choices=ReviewStatus.choices)
    rating = filters.CharFilter(method="filter_rating", max_length=40, help_text="The published verdict's rating slug.")
    link_relation = filters.ChoiceFilter(choices=ClaimLink.Relation.choices, method="filter_link_relation")
    link_status = filters.ChoiceFilter(choices=ClaimLink.Status.choices, method="filter_link_status")
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lt")
    published_after = MomentFilter(method="filter_published_after", help_text="Verdict published at or after.")
    published_before = MomentFilter(method="filter_published_before", help_text="Verdict published before.")
    said_after = filters.DateFilter(method="filter_said_after", help_text="Stated on or after this day.")
    said_before = filters.DateFilter(method="filter_said_before", help_text="Stated before this day.")

    class Meta:
        model = Claim
        fields: list[str] = []

    def _everything(self) -> bool:
        return self.request is not None and reads_all(self.request)

    def _statements(self) -> QuerySet[Statement]:
        return statements_visible(everything=self._everything()).filter(claim=OuterRef("pk"))

    def filter_q(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return folded_search(queryset, value)

    def filter_actor(self, queryset: QuerySet[Claim], name: str, value: int) -> QuerySet[Claim]:
        about = Claim.about.through.objects.filter(claim_id=OuterRef("pk"), actor_id=value)
        return queryset.filter(Exists(self._statements().filter(speaker_id=value)) | Exists(about))

    def filter_stance(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return queryset.filter(Exists(self._statements().filter(stance=value)))

    def filter_status(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        if self._everything():
            return queryset.filter(status=value)
        # Outside the desk a claim is published or not shown: its working status is not for readers.
        return queryset if value == ClaimStatus.PUBLISHED else queryset.none()

    def _published(self) -> QuerySet[Verdict]:
        return Verdict.objects.filter(claim=OuterRef("pk"), status=Verdict.Status.PUBLISHED)

    def filter_rating(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return queryset.filter(Exists(self._published().filter(rating__slug=value)))

    def filter_published_after(self, queryset: QuerySet[Claim], name: str, value: object) -> QuerySet[Claim]:
        return queryset.filter(Exists(self._published().filter(published_at__gte=value)))

    def filter_published_before(self, queryset: QuerySet[Claim], name: str, value: object) -> QuerySet[Claim]:
        return queryset.filter(Exists(self._published().filter(published_at__lt=value)))

    def filter_said_after(self, queryset: QuerySet[Claim], name: str, value: object) -> QuerySet[Claim]:
        return queryset.filter(Exists(self._statements().filter(said_on__gte=value)))

    def filter_said_before(self, queryset: QuerySet[Claim], name: str, value: object) -> QuerySet[Claim]:
        return queryset.filter(Exists(self._statements().filter(said_on__lt=value)))

    def _links(self) -> QuerySet[ClaimLink]:
        return links_visible(everything=self._everything()).filter(
            Q(from_claim=OuterRef("pk")) | Q(to_claim=OuterRef("pk"))
        )

    def filter_link_relation(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return queryset.filter(Exists(self._links().filter(relation=value)))

    def filter_link_status(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return queryset.filter(Exists(self._links().filter(status=value)))


class StatementFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", max_length=500, help_text="Words of the quote, accents and case ignored.")
    claim = IdFilter(field_name="claim_id")
    speaker = IdFilter(field_name="speaker_id")
    source = IdFilter(field_name="source_id")
    story = IdFilter(field_name="claim__story_id", help_text="A story's id.")
    stance = filters.ChoiceFilter(choices=Stance.choices)
    kind = filters.ChoiceFilter(choices=Statement.Kind.choices)
    review_status = filters.ChoiceFilter(choices=ReviewStatus.choices)
    said_after = filters.DateFilter(field_name="said_on", lookup_expr="gte")
    said_before = filters.DateFilter(field_name="said_on", lookup_expr="lt")
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Statement
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Statement], name: str, value: str) -> QuerySet[Statement]:
        return queryset.filter(folded_quote__contains=fold(value))


class EvidenceFilter(filters.FilterSet):
    claim = IdFilter(field_name="claim_id")
    source = IdFilter(field_name="source_id")
    effect = filters.ChoiceFilter(choices=Evidence.Effect.choices)
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Evidence
        fields: list[str] = []


class LinkFilter(filters.FilterSet):
    claim = IdFilter(method="filter_claim", help_text="A claim at either end.")
    relation = filters.ChoiceFilter(choices=ClaimLink.Relation.choices)
    status = filters.ChoiceFilter(choices=ClaimLink.Status.choices)
    origin = filters.ChoiceFilter(choices=ClaimLink.Origin.choices)
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = ClaimLink
        fields: list[str] = []

    def filter_claim(self, queryset: QuerySet[ClaimLink], name: str, value: int) -> QuerySet[ClaimLink]:
        return queryset.filter(Q(from_claim_id=value) | Q(to_claim_id=value))


class StoryFilter(filters.FilterSet):
    slug = filters.CharFilter(max_length=100)

    class Meta:
        model = Story
        fields: list[str] = []
