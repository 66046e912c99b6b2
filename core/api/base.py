"""The base of every endpoint: strict about the query parameters and fields it is sent, cursor-paged, ordered."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions, mixins, serializers, status, views, viewsets
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.access import reads_all

# Understood everywhere: `format` picks the browsable page or JSON.
ALWAYS_ALLOWED = frozenset({"format"})
PAGE_PARAMETERS = frozenset({"cursor", "page_size"})


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` over the view's `ordering_fields`; anything else is refused rather than ignored."""

    def remove_invalid_fields(
        self, queryset: QuerySet, fields: Iterable[str], view: Any, request: Request
    ) -> list[str]:
        fields = list(fields)
        valid = list(super().remove_invalid_fields(queryset, fields, view, request))
        if len(valid) != len(fields):
            allowed = ", ".join(f"{name}, -{name}" for name in view.ordering_fields)
            raise exceptions.ValidationError({"ordering": [f"Order by one of: {allowed}."]})
        # The id breaks ties, so a cursor always finds its place.
        return valid + (["-id"] if not any(field.lstrip("-") == "id" for field in valid) else [])


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the request names none of the view's filters: a filter set copies
    every filter and builds a form per request, a good share of a plain list's Python time."""

    def filter_queryset(self, request: Request, queryset: QuerySet, view: Any) -> QuerySet:
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None and not set(filterset_class.base_filters) & set(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a misspelt field is an error rather than silently dropped."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key) for key in data if key not in known)
            if unknown:
                raise exceptions.ValidationError({key: ["This field is unknown here."] for key in unknown})
        return super().to_internal_value(data)


def query_parameters_refuse_unknown(request: Request, allowed: Iterable[str]) -> None:
    """A 400 naming each query parameter of `request` not in `allowed` (or `format`), rather than ignoring it."""
    unknown = sorted(set(request.query_params) - ALWAYS_ALLOWED - set(allowed))
    if unknown:
        raise exceptions.ValidationError({name: ["This query parameter is unknown here."] for name in unknown})


class StrictQueryView(views.APIView):
    """An endpoint outside a view set (`/match`) that, like every other, understands only the parameters it names."""

    query_parameters: frozenset[str] = frozenset()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        query_parameters_refuse_unknown(request, self.query_parameters)


class ApiViewSet(viewsets.GenericViewSet):
    filter_backends = [FilterBackend, StrictOrderingFilter]
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = "[0-9]+"
    # Query parameters an action understands besides filters and paging, e.g. {"retrieve": {"expand"}}.
    query_parameters: dict[str, frozenset[str]] = {}
    # Actions besides `list` that answer with a page of a list (see `page`), e.g. a webhook's deliveries.
    paged_actions: frozenset[str] = frozenset()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        allowed = set(ALWAYS_ALLOWED) | set(self.query_parameters.get(self.action or "", ()))
        if self.action == "list" or self.action in self.paged_actions:
            allowed |= PAGE_PARAMETERS
        if self.action == "list":
            if any(issubclass(backend, OrderingFilter) for backend in self.filter_backends):
                allowed.add("ordering")
            filterset_class = getattr(self, "filterset_class", None)
            if filterset_class is not None:
                allowed |= set(filterset_class.base_filters)
        query_parameters_refuse_unknown(request, allowed)

    @property
    def everything(self) -> bool:
        """Whether this request may see unpublished claims and the desk's working parts."""
        return reads_all(self.request)

    def visible(self) -> QuerySet:
        """What this request may see; a view narrows it for readers outside the desk."""
        raise NotImplementedError

    def decorate(self, queryset: QuerySet) -> QuerySet:
        """`queryset` with what its representation reads joined or prefetched."""
        return queryset

    def get_queryset(self) -> QuerySet:
        return self.decorate(self.visible())

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "reads_all": self.everything}

    def input(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The request body, validated by `serializer_class`."""
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def page(self, queryset: QuerySet, serializer_class: type[serializers.Serializer]) -> Response:
        """A page of `queryset`, each as `serializer_class` shows it, in the envelope of every list."""
        page = self.paginate_queryset(queryset)
        assert page is not None, "the view is paged"
        items = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(items)

    def respond(self, obj: Model, code: int = status.HTTP_200_OK, **kwargs: Any) -> Response:
        """The representation of `obj` as this request may see it, read again after a write."""
        instance = self.decorate(type(obj)._default_manager.filter(pk=obj.pk)).get()
        return Response(self.get_serializer(instance).data, status=code, **kwargs)


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """A list and a page per object; writes are each view's own actions, calling services."""
