"""A client's own webhooks: register one (its secret shown once), list them, follow deliveries, stop one."""

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiWebhook, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from clients.api import serializers as s
from clients.api.access import token_of
from clients.models import Webhook, WebhookAttempt
from clients.selectors import deliveries_of
from clients.services import SIGNATURE_HEADER, webhook_deactivate, webhook_register
from core.api.access import ClientOnly, reads_all
from core.api.base import ReadViewSet


@extend_schema_view(
    list=extend_schema(summary="Your webhooks"),
    retrieve=extend_schema(summary="One of your webhooks"),
)
class WebhookViewSet(mixins.DestroyModelMixin, ReadViewSet):
    serializer_class = s.WebhookSerializer
    queryset = Webhook.objects.none()
    permission_classes = [ClientOnly]
    http_method_names = ["get", "post", "delete", "head", "options"]
    filter_backends: list[type] = []
    paged_actions = frozenset({"deliveries"})

    def visible(self) -> QuerySet[Webhook]:
        token = token_of(self.request)
        return Webhook.objects.filter(client_id=token.client_id if token else None)

    @extend_schema(
        summary="Register a webhook",
        description="Events are POSTed as JSON, signed with the secret returned here, once; see the "
        "`claim.published`, `verdict.changed` and `link.confirmed` webhooks in this document.",
        request=s.WebhookWriteSerializer,
        responses={201: s.RegisteredWebhookSerializer},
    )
    def create(self, request: Request) -> Response:
        token = token_of(request)
        assert token is not None  # ClientOnly
        data = self.input(s.WebhookWriteSerializer)
        if data["include_unpublished"] and not reads_all(request):
            # The role may read them, but this token may not: what it is told must not be more than it may read.
            raise exceptions.ValidationError(
                {"include_unpublished": ["This token may not read unpublished claims: it has no read:all scope."]}
            )
        registered = webhook_register(
            client=token.client,
            url=data["target"],
            events=data["events"],
            include_unpublished=data["include_unpublished"],
        )
        body = s.WebhookSerializer(registered.webhook, context=self.get_serializer_context()).data
        return Response({**body, "secret": registered.secret}, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Stop a webhook", description="Nothing more is sent to it; its record stays.")
    def destroy(self, request: Request, pk: str) -> Response:
        webhook_deactivate(webhook=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Deliveries of a webhook, newest first, with every attempt",
        responses={200: s.DeliverySerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        deliveries = deliveries_of(self.get_object()).prefetch_related(
            Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("at", "pk"))
        )
        return self.page(deliveries, s.DeliverySerializer)


_SIGNED = [
    OpenApiParameter(
        SIGNATURE_HEADER,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=True,
        description='"t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook secret>". Check it, '
        "and that t is recent, before trusting the body.",
    ),
    OpenApiParameter("Attest-Event", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
    OpenApiParameter(
        "Attest-Delivery",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=True,
        description="The delivery's id; a retry of the same delivery repeats it.",
    ),
]


def _webhook(name: str, summary: str) -> OpenApiWebhook:
    return OpenApiWebhook(
        name=name,
        decorator=extend_schema(
            summary=summary,
            description="Answer with any 2xx to acknowledge; anything else, or no answer in 10 seconds, is "
            "retried with growing waits for about a day.",
            request=s.EventSerializer,
            parameters=_SIGNED,
            responses={200: None},
        ),
    )


WEBHOOKS = [
    _webhook("claim.published", "A claim's first verdict is published"),
    _webhook("verdict.changed", "A published verdict is replaced by a correction"),
    _webhook("link.confirmed", "A link between claims is confirmed"),
]
