"""Endpoints for outlets, actors and sources; a story sent to `/sources` is read by the ingestion job."""

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from claims.api.serializers import IntakeSerializer
from claims.api.sources import filters
from claims.api.sources import serializers as s
from claims.ingestion import ingestion_request
from claims.selectors import actors_visible, outlets_visible, sources_visible
from clients.api.idempotency import HEADER, idempotent
from core.api.access import account
from core.api.base import ReadViewSet
from sources.models import Actor, ActorAlias, Outlet, Source
from sources.services import (
    actor_alias_add,
    actor_create,
    actor_update,
    outlet_create,
    outlet_update,
    source_create,
    source_update,
)


@extend_schema_view(list=extend_schema(summary="Outlets"), retrieve=extend_schema())
class OutletViewSet(ReadViewSet):
    serializer_class = s.OutletSerializer
    filterset_class = filters.OutletFilter
    queryset = Outlet.objects.none()

    def visible(self) -> QuerySet[Outlet]:
        return outlets_visible(everything=self.everything)

    @extend_schema(summary="Record an outlet", request=s.OutletWriteSerializer, responses={201: s.OutletSerializer})
    def create(self, request: Request) -> Response:
        return self.respond(outlet_create(**self.input(s.OutletWriteSerializer)), status.HTTP_201_CREATED)

    @extend_schema(summary="Change an outlet", request=s.OutletUpdateSerializer, responses={200: s.OutletSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        return self.respond(outlet_update(outlet=self.get_object(), **self.input(s.OutletUpdateSerializer)))


@extend_schema_view(list=extend_schema(summary="Actors: who speaks and who is spoken of"), retrieve=extend_schema())
class ActorViewSet(ReadViewSet):
    serializer_class = s.ActorSerializer
    filterset_class = filters.ActorFilter
    queryset = Actor.objects.none()
    write_permissions: dict[str, list[str]] = {"aliases": ["sources.add_actoralias"]}

    def visible(self) -> QuerySet[Actor]:
        return actors_visible(everything=self.everything)

    def decorate(self, queryset: QuerySet[Actor]) -> QuerySet[Actor]:
        return queryset.prefetch_related(Prefetch("aliases", queryset=ActorAlias.objects.order_by("name", "pk")))

    @extend_schema(
        summary="Record an actor",
        description="The name and every alias become names the actor is found by.",
        request=s.ActorWriteSerializer,
        responses={201: s.ActorSerializer},
    )
    def create(self, request: Request) -> Response:
        return self.respond(actor_create(**self.input(s.ActorWriteSerializer)), status.HTTP_201_CREATED)

    @extend_schema(summary="Change an actor", request=s.ActorUpdateSerializer, responses={200: s.ActorSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        return self.respond(actor_update(actor=self.get_object(), **self.input(s.ActorUpdateSerializer)))

    @extend_schema(
        summary="Add a name for an actor", request=s.AliasWriteSerializer, responses={201: s.ActorSerializer}
    )
    @action(detail=True, methods=["post"])
    def aliases(self, request: Request, pk: str) -> Response:
        actor = self.get_object()
        actor_alias_add(actor=actor, **self.input(s.AliasWriteSerializer))
        return self.respond(actor, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Sources: the documents statements appear in"),
    retrieve=extend_schema(summary="A source with its full text", responses={200: s.SourceDetailSerializer}),
)
class SourceViewSet(ReadViewSet):
    serializer_class = s.SourceSerializer
    filterset_class = filters.SourceFilter
    queryset = Source.objects.none()
    write_permissions: dict[str, list[str]] = {"create": ["claims.add_ingestion"]}
    problem_responses = {"create": ["422"]}

    def visible(self) -> QuerySet[Source]:
        return sources_visible(everything=self.everything)

    def decorate(self, queryset: QuerySet[Source]) -> QuerySet[Source]:
        # The text is read only on a source's own page.
        return queryset if self.action in ("retrieve", "partial_update", "create") else queryset.defer("text")

    def get_serializer_class(self) -> Any:
        return (
            s.SourceDetailSerializer if self.action in ("retrieve", "partial_update", "create") else s.SourceSerializer
        )

    @extend_schema(
        summary="Send a story to read, or store a source",
        description="With `text` or `url` (one of them), a job reads the story and suggests who said what: the "
        "answer is 202 with the intake to poll (`Location`); `outlet` says who published it, so its own "
        "reporting is the outlet's (for a link it wins over the outlet found by the domain). Send an "
        "`Idempotency-Key` header to make retries safe: a retry with the same key and body gets the first "
        "answer again (status and body as first sent, whatever the job has done since) "
        "and records nothing; the same key with another body is a 422. With `extract: false` the source is "
        "stored as given (201).",
        request=s.SourceSubmitSerializer,
        parameters=[
            OpenApiParameter(
                HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Up to 100 printable ASCII characters, unique per story you send.",
            )
        ],
        responses={202: IntakeSerializer, 201: s.SourceDetailSerializer},
    )
    @idempotent
    def create(self, request: Request) -> Response:
        data = self.input(s.SourceSubmitSerializer)
        if not data.pop("extract"):
            if not request.user.has_perm("sources.add_source"):
                raise exceptions.PermissionDenied("Your role does not allow you to add sources.")
            data.pop("story")
            url = data.pop("url") or None
            source = source_create(**data, url=url, created_by=account(request))
            return self.respond(source, status.HTTP_201_CREATED)
        intake = ingestion_request(
            text=data["text"],
            url=data["url"],
            title=data["title"],
            story=data["story"],
            outlet=data["outlet"],
            requested_by=account(request),
        )
        address = reverse("api:intake-detail", args=[intake.pk], request=request)
        body = IntakeSerializer(intake, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": address})

    @extend_schema(
        summary="Change a source's details",
        description="Its text cannot change once statements point into it.",
        request=s.SourceUpdateSerializer,
        responses={200: s.SourceDetailSerializer},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self.respond(source_update(source=self.get_object(), **self.input(s.SourceUpdateSerializer)))
