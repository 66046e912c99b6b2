"""Filters of the outlet, actor and source lists; a value that is not valid is a 400."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters import rest_framework as filters

from core.api.filters import IdFilter, MomentFilter
from core.text import fold
from sources.models import Actor, ActorAlias, Outlet, Source


class OutletFilter(filters.FilterSet):
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=200)
    kind = filters.ChoiceFilter(choices=Outlet.Kind.choices)
    domain = filters.CharFilter(field_name="home_domain", max_length=253)

    class Meta:
        model = Outlet
        fields: list[str] = []


class ActorFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q", max_length=200, help_text="Any of the actor's names, accents and case ignored."
    )
    kind = filters.ChoiceFilter(choices=Actor.Kind.choices)
    affiliation = IdFilter(field_name="affiliation_id")
    wikidata_id = filters.CharFilter(max_length=20)

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Actor], name: str, value: str) -> QuerySet[Actor]:
        folded = fold(value)
        if not folded:
            return queryset
        return queryset.filter(Exists(ActorAlias.objects.filter(actor=OuterRef("pk"), folded__contains=folded)))


class SourceFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", max_length=200, help_text="Words of the title or the address.")
    kind = filters.ChoiceFilter(choices=Source.Kind.choices)
    outlet = IdFilter(field_name="outlet_id")
    published_after = MomentFilter(field_name="published_at", lookup_expr="gte")
    published_before = MomentFilter(field_name="published_at", lookup_expr="lt")
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[Source], name: str, value: str) -> QuerySet[Source]:
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(url__icontains=value)) if value else queryset
