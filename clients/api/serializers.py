"""How a client's webhooks, their deliveries and the events they carry read and are written in the API."""

from rest_framework import serializers

from clients.models import Event, WebhookDelivery
from clients.services import webhook_target_check
from core.api.base import StrictSerializer
from core.api.fields import AbsoluteUrlField


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:webhook-detail")
    target = serializers.URLField(source="url", help_text="Where events are POSTed.")
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))
    include_unpublished = serializers.BooleanField()
    active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class RegisteredWebhookSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="Signs every request; shown this once only.")


class WebhookWriteSerializer(StrictSerializer):
    target = serializers.URLField(
        max_length=2000,
        # The rule the service applies too; checked here so that the problem names the API's field.
        validators=[webhook_target_check],
        help_text="https address on the public internet.",
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), min_length=1, max_length=len(Event.choices)
    )
    include_unpublished = serializers.BooleanField(
        default=False, help_text="Also links between unpublished claims; for clients whose role may read them."
    )


class AttemptSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    milliseconds = serializers.IntegerField()


class DeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.ChoiceField(choices=Event.choices)
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices)
    attempts = serializers.IntegerField()
    payload = serializers.JSONField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    attempt_log = AttemptSerializer(many=True)


class EventClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    text = serializers.CharField()


class EventRatingSerializer(serializers.Serializer):
    slug = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.IntegerField(allow_null=True)


class EventVerdictSerializer(serializers.Serializer):
    rating = EventRatingSerializer()
    conclusion = serializers.CharField()
    published_at = serializers.DateTimeField()


class EventLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    relation = serializers.CharField()
    from_claim = EventClaimSerializer()
    to_claim = EventClaimSerializer()


class EventDataSerializer(serializers.Serializer):
    claim = EventClaimSerializer(required=False)
    verdict = EventVerdictSerializer(required=False)
    previous_verdict = EventVerdictSerializer(required=False, help_text="verdict.changed: the verdict replaced.")
    link = EventLinkSerializer(required=False, help_text="link.confirmed: the link.")


class EventSerializer(serializers.Serializer):
    """The body of every webhook request."""

    id = serializers.IntegerField(help_text="The delivery's id: the same event is never delivered under two ids.")
    event = serializers.ChoiceField(choices=Event.choices)
    created_at = serializers.DateTimeField()
    data = EventDataSerializer()  # type: ignore[assignment]
