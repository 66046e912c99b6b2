"""Endpoints for claims, statements, evidence, links, stories, ratings and story intakes. Thin: services decide."""

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from claims.api import filters
from claims.api import serializers as s
from claims.api.representations import Row, claim_rows, claims_represent
from claims.claimreview import claim_review, claim_reviews, claimreviews_import
from claims.matching import claim_matches
from claims.models import Claim, ClaimLink, Evidence, Ingestion, Rating, Statement, Story, Verdict
from claims.review import services as review
from claims.selectors import (
    claims_visible,
    evidence_visible,
    links_visible,
    rating_scale,
    statements_visible,
    stories_visible,
)
from claims.services import (
    claim_create,
    claim_update,
    evidence_add,
    evidence_update,
    link_confirm,
    link_draw,
    link_reject,
    links_decide,
    statement_record,
    statement_update,
)
from core.api import base
from core.api.access import account
from core.api.base import ApiViewSet
from core.api.fields import span_tuple


class JsonLdRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class ReadViewSet(base.ReadViewSet):
    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "rating_scale": rating_scale()}


# A review step and the service that takes it: (claim, who, reason, expected version) → anything.
STEP_SERVICES: dict[str, Callable[[Claim, User, str, int | None], object]] = {
    "start_research": lambda claim, by, reason, version: review.claim_research_start(
        claim=claim, by=by, expected_version=version
    ),
    "resume_research": lambda claim, by, reason, version: review.claim_research_resume(
        claim=claim, by=by, expected_version=version
    ),
    "submit_for_review": lambda claim, by, reason, version: review.claim_submit(
        claim=claim, by=by, expected_version=version
    ),
    "send_back": lambda claim, by, reason, version: review.claim_send_back(
        claim=claim, by=by, reason=reason, expected_version=version
    ),
    "approve": lambda claim, by, reason, version: review.verdict_approve(claim=claim, by=by, note=reason),
    "publish": lambda claim, by, reason, version: review.claim_publish(claim=claim, by=by, expected_version=version),
    "dismiss": lambda claim, by, reason, version: review.claim_dismiss(
        claim=claim, by=by, reason=reason, expected_version=version
    ),
    "reinstate": lambda claim, by, reason, version: review.claim_reinstate(
        claim=claim, by=by, expected_version=version
    ),
    "reopen": lambda claim, by, reason, version: review.claim_reopen(
        claim=claim, by=by, reason=reason, expected_version=version
    ),
}


@extend_schema_view(
    list=extend_schema(summary="Claims, newest first", description="Published claims, or all with read:all."),
    retrieve=extend_schema(summary="A claim with its statements, verdict and links"),
)
class ClaimViewSet(ReadViewSet):
    serializer_class = s.ClaimSerializer
    filterset_class = filters.ClaimFilter
    queryset = Claim.objects.none()
    ordering_fields = ["created_at", "updated_at", "id"]
    write_permissions: dict[str, list[str]] = {"steps": [], "verdict": []}
    problem_responses = {"partial_update": ["409"], "steps": ["409"]}

    def visible(self) -> QuerySet[Claim]:
        return claims_visible(everything=self.everything)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, DjangoValidationError) and hasattr(exc, "error_dict"):
            exc = DjangoValidationError({field: self.unnamed(errors) for field, errors in exc.error_dict.items()})
        return super().handle_exception(exc)

    def unnamed(self, errors: list[DjangoValidationError]) -> list[DjangoValidationError]:
        """`errors` with a duplicate the caller may not read told of without its id or story, as links and
        evidence answer of a claim the caller may not read: as if it were not there to name."""
        return [
            DjangoValidationError(
                "The same claim is already recorded "
                + ("in this story." if error.params["has_story"] else "without a story."),
                code="duplicate",
            )
            if error.code == "duplicate"
            and error.params
            and not self.visible().filter(pk=error.params["claim"]).exists()
            else error
            for error in errors
        ]

    def represent(self, rows: Sequence[Row]) -> list[dict[str, Any]]:
        """The claims of `rows` (from claim_rows) as this request may see them."""
        context = self.get_serializer_context()
        return claims_represent(rows, everything=self.everything, scale=context["rating_scale"], context=context)

    def list(self, request: Request) -> Response:
        rows = self.paginate_queryset(claim_rows(self.filter_queryset(self.get_queryset()), everything=self.everything))
        assert rows is not None
        return self.get_paginated_response(self.represent(rows))

    def retrieve(self, request: Request, pk: str) -> Response:
        found = self.represent(list(claim_rows(self.get_queryset().filter(pk=pk), everything=self.everything)))
        if not found:
            raise exceptions.NotFound("No Claim matches the given query.")
        return Response(found[0])

    def respond(self, obj: Model, code: int = status.HTTP_200_OK, **kwargs: Any) -> Response:
        rows = list(claim_rows(Claim.objects.filter(pk=obj.pk), everything=self.everything))
        return Response(self.represent(rows)[0], status=code, **kwargs)

    @extend_schema(summary="Record a claim", request=s.ClaimCreateSerializer, responses={201: s.ClaimSerializer})
    def create(self, request: Request) -> Response:
        data = self.input(s.ClaimCreateSerializer)
        claim = claim_create(
            text=data["text"], story=data.get("story"), about=data.get("about", ()), created_by=account(request)
        )
        return self.respond(claim, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reword a claim, move it or change whom it is about",
        description="`expected_version` is the version you read (`desk.version`); if someone saved the claim "
        "since, nothing is written and the answer is 409 saying what changed.",
        request=s.ClaimUpdateSerializer,
        responses={200: s.ClaimSerializer},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        data = self.input(s.ClaimUpdateSerializer)
        version = data.pop("expected_version")
        claim = claim_update(claim=claim, expected_version=version, **data)
        return self.respond(claim)

    @extend_schema(
        summary="Take a step of review",
        description="Start research, submit for review, send back, approve, publish, dismiss, reinstate or "
        "reopen. A role that may not take the step gets 403; a step the claim cannot take now gets 400; a claim "
        "saved since `expected_version` gets 409.",
        request=s.StepSerializer,
        responses={200: s.ClaimSerializer},
    )
    @action(detail=True, methods=["post"])
    def steps(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        data = self.input(s.StepSerializer)
        STEP_SERVICES[data["step"]](claim, account(request), data["reason"], data.get("expected_version"))
        return self.respond(claim)

    @extend_schema(
        summary="The claim's ClaimReview (schema.org JSON-LD)",
        description="For a published claim; any other is not found.",
        responses={
            (200, "application/ld+json"): s.ClaimReviewSerializer,
            (200, "application/json"): s.ClaimReviewSerializer,
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[JsonLdRenderer, JSONRenderer])
    def claimreview(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        try:
            return Response(claim_review(claim))
        except ValueError:
            raise exceptions.NotFound("This claim has no published verdict, so it has no ClaimReview.") from None

    @extend_schema(
        summary="Write or revise the draft verdict",
        request=s.VerdictProposeSerializer,
        responses={200: s.ClaimSerializer},
    )
    @action(detail=True, methods=["post"])
    def verdict(self, request: Request, pk: str) -> Response:
        claim = self.get_object()
        data = self.input(s.VerdictProposeSerializer)
        review.verdict_propose(
            claim=claim,
            by=account(request),
            rating=data["rating"],
            conclusion=data["conclusion"],
            evidence=data.get("evidence", ()),
        )
        return self.respond(claim)


@extend_schema_view(list=extend_schema(summary="Statements: who said what, where"), retrieve=extend_schema())
class StatementViewSet(ReadViewSet):
    serializer_class = s.StatementSerializer
    filterset_class = filters.StatementFilter
    queryset = Statement.objects.none()
    ordering_fields = ["created_at", "updated_at", "id"]

    def visible(self) -> QuerySet[Statement]:
        return statements_visible(everything=self.everything)

    def decorate(self, queryset: QuerySet[Statement]) -> QuerySet[Statement]:
        return queryset.select_related("claim", "speaker", "source")

    @extend_schema(
        summary="Record a statement",
        description="The quote must be the source's text at `span`; without a span it is found in the text, "
        "where it must occur once.",
        request=s.StatementCreateSerializer,
        responses={201: s.StatementSerializer},
    )
    def create(self, request: Request) -> Response:
        data = self.input(s.StatementCreateSerializer)
        data["span"] = span_tuple(data["span"])
        statement = statement_record(**data, created_by=account(request))
        return self.respond(statement, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Correct a statement", request=s.StatementUpdateSerializer, responses={200: s.StatementSerializer}
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        statement = self.get_object()
        data = self.input(s.StatementUpdateSerializer)
        if "span" in data:
            span = span_tuple(data.pop("span"))
            data["span_start"], data["span_end"] = span if span else (None, None)
        statement = statement_update(statement=statement, **data)
        return self.respond(statement)


@extend_schema_view(list=extend_schema(summary="Evidence for and against claims"), retrieve=extend_schema())
class EvidenceViewSet(ReadViewSet):
    serializer_class = s.EvidenceSerializer
    filterset_class = filters.EvidenceFilter
    queryset = Evidence.objects.none()

    def visible(self) -> QuerySet[Evidence]:
        return evidence_visible(everything=self.everything)

    def decorate(self, queryset: QuerySet[Evidence]) -> QuerySet[Evidence]:
        return queryset.select_related("claim", "source")

    @extend_schema(summary="Add evidence", request=s.EvidenceCreateSerializer, responses={201: s.EvidenceSerializer})
    def create(self, request: Request) -> Response:
        data = self.input(s.EvidenceCreateSerializer)
        data["span"] = span_tuple(data["span"])
        evidence = evidence_add(**data, added_by=account(request))
        return self.respond(evidence, status.HTTP_201_CREATED)

    @extend_schema(summary="Change evidence", request=s.EvidenceUpdateSerializer, responses={200: s.EvidenceSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        evidence = evidence_update(evidence=self.get_object(), **self.input(s.EvidenceUpdateSerializer))
        return self.respond(evidence)


@extend_schema_view(list=extend_schema(summary="Links between claims"), retrieve=extend_schema())
class LinkViewSet(ReadViewSet):
    serializer_class = s.LinkSerializer
    filterset_class = filters.LinkFilter
    queryset = ClaimLink.objects.none()
    write_permissions: dict[str, list[str]] = {
        "decision": ["claims.change_claimlink"],
        "decisions": ["claims.change_claimlink"],
    }

    def visible(self) -> QuerySet[ClaimLink]:
        return links_visible(everything=self.everything)

    def decorate(self, queryset: QuerySet[ClaimLink]) -> QuerySet[ClaimLink]:
        return queryset.select_related("from_claim", "to_claim")

    @extend_schema(
        summary="Draw a link",
        description="A person's link is confirmed as it is drawn.",
        request=s.LinkCreateSerializer,
        responses={201: s.LinkSerializer},
    )
    def create(self, request: Request) -> Response:
        link = link_draw(**self.input(s.LinkCreateSerializer), drawn_by=account(request))
        return self.respond(link, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Confirm or reject a link", request=s.LinkDecisionSerializer, responses={200: s.LinkSerializer}
    )
    @action(detail=True, methods=["post"])
    def decision(self, request: Request, pk: str) -> Response:
        link = self.get_object()
        decide = link_confirm if self.input(s.LinkDecisionSerializer)["decision"] == "confirmed" else link_reject
        return self.respond(decide(link=link, by=account(request)))

    @extend_schema(
        summary="Confirm or reject several links",
        request=s.LinksDecisionSerializer,
        responses={200: s.LinksDecidedSerializer},
    )
    @action(detail=False, methods=["post"])
    def decisions(self, request: Request) -> Response:
        data = self.input(s.LinksDecisionSerializer)
        changed = links_decide(links=data["links"], status=data["decision"], by=account(request))
        return Response({"changed": changed})


@extend_schema_view(list=extend_schema(summary="Stories"), retrieve=extend_schema())
class StoryViewSet(ReadViewSet):
    serializer_class = s.StorySerializer
    filterset_class = filters.StoryFilter
    queryset = Story.objects.none()

    def visible(self) -> QuerySet[Story]:
        return stories_visible(everything=self.everything)


@extend_schema_view(list=extend_schema(summary="The verdict scale"))
class RatingViewSet(mixins.ListModelMixin, ApiViewSet):
    serializer_class = s.RatingScaleSerializer
    queryset = Rating.objects.none()
    pagination_class = None
    filter_backends: list[type] = []

    def visible(self) -> QuerySet[Rating]:
        return Rating.objects.filter(active=True).order_by("position")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "rating_scale": rating_scale()}


@extend_schema_view(
    list=extend_schema(summary="Story intakes", description="Yours, or all with read:all."),
    retrieve=extend_schema(summary="A story intake: poll it until it succeeds or fails"),
)
class IntakeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = s.IntakeSerializer
    queryset = Ingestion.objects.none()

    def visible(self) -> QuerySet[Ingestion]:
        if self.everything:
            return Ingestion.objects.all()
        if not self.request.user.is_authenticated:
            return Ingestion.objects.none()
        return Ingestion.objects.filter(created_by=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Recent ClaimReviews, newest verdict first",
        description="Each published claim's ClaimReview (schema.org JSON-LD), paged by cursor.",
        responses={200: s.ClaimReviewSerializer(many=True)},
    )
)
class ClaimReviewViewSet(mixins.ListModelMixin, ApiViewSet):
    queryset = Verdict.objects.none()
    filter_backends: list[type] = []
    ordering = ["-published_at", "-id"]
    write_permissions: dict[str, list[str]] = {"import_reviews": ["claims.add_claim"]}

    def visible(self) -> QuerySet[Verdict]:
        return Verdict.objects.filter(status=Verdict.Status.PUBLISHED)

    def decorate(self, queryset: QuerySet[Verdict]) -> QuerySet[Verdict]:
        return queryset.select_related("claim")

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None
        return self.get_paginated_response(claim_reviews([verdict.claim for verdict in page]))

    @extend_schema(
        summary="Import ClaimReview JSON-LD",
        description="One ClaimReview, a list of them, or an @graph: the claims reviewed are recorded.",
        request=OpenApiTypes.OBJECT,
        responses={200: s.ClaimReviewImportedSerializer},
    )
    @action(detail=False, methods=["post"], url_path="import")
    def import_reviews(self, request: Request) -> Response:
        result = claimreviews_import(document=request.data, by=account(request))
        # A review may join a claim this client cannot read: the answer does not name it.
        readable = set(claims_visible(everything=self.everything).filter(pk__in=[c.pk for c in result.claims]))
        reviews = [
            {"url": review.url, "outcome": review.outcome, "claim": review.claim if review.claim in readable else None}
            for review in result.reviews
        ]
        body = {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "joined": result.joined,
            "skipped": result.skipped,
            "reviews": reviews,
            "claims": [review["claim"] for review in reviews if review["claim"] is not None],
            "errors": result.errors,
        }
        return Response(s.ClaimReviewImportedSerializer(body, context=self.get_serializer_context()).data)


class MatchView(base.StrictQueryView):
    """The published claims a text repeats, best first, with their verdicts: open to every reader."""

    permission_classes: list[type] = []

    @extend_schema(
        summary="Match a text against published claims",
        request=s.MatchRequestSerializer,
        responses={200: s.MatchesSerializer},
        operation_id="match",
    )
    def post(self, request: Request) -> Response:
        data = s.MatchRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        matches = claim_matches(data.validated_data["text"], limit=data.validated_data["limit"])
        context = {"request": request, "rating_scale": rating_scale()}
        rows = [
            {
                "score": match.score,
                "claim": match.claim,
                "verdict": match.verdict,
                "url": reverse("api:claim-detail", args=[match.claim.pk], request=request),
            }
            for match in matches
        ]
        return Response(s.MatchesSerializer({"matches": rows}, context=context).data)
