"""How outlets, actors and sources read and are written in the API; a story to read is sent to `/sources` too."""

from rest_framework import serializers

from claims.selectors import actors_visible, outlets_visible, stories_visible
from core.api.base import StrictSerializer
from core.api.fields import AbsoluteUrlField, VisibleRelatedField
from sources.models import LANGUAGE_TAG_PATTERN, Actor, Outlet, Source


class OutletSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:outlet-detail")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Outlet.Kind.choices)
    home_domain = serializers.CharField(allow_null=True)
    reliability = serializers.IntegerField(allow_null=True, help_text="The editors' rating, 1 (very low) to 5.")
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    created_at = serializers.DateTimeField()


class AliasSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:actor-detail")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Actor.Kind.choices)
    description = serializers.CharField()
    affiliation = serializers.IntegerField(source="affiliation_id", allow_null=True)
    wikidata_id = serializers.CharField(allow_null=True)
    aliases = AliasSerializer(many=True)
    created_at = serializers.DateTimeField()


class SourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = AbsoluteUrlField("api:source-detail")
    kind = serializers.ChoiceField(choices=Source.Kind.choices)
    title = serializers.CharField()
    address = serializers.URLField(source="url", allow_null=True, help_text="Where the source is published.")
    outlet = serializers.IntegerField(source="outlet_id", allow_null=True)
    author = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    retrieved_at = serializers.DateTimeField()
    language = serializers.CharField()
    created_at = serializers.DateTimeField()


class SourceDetailSerializer(SourceSerializer):
    text = serializers.CharField(help_text="The full text as retrieved.")


# ---------------------------------------------------------------------------------------------- writing


class OutletWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Outlet.Kind.choices, default=Outlet.Kind.NEWSPAPER)
    home_domain = serializers.CharField(max_length=253, required=False, allow_null=True, default=None)
    reliability = serializers.ChoiceField(
        choices=Outlet.Reliability.choices, required=False, allow_null=True, default=None
    )
    owner = VisibleRelatedField(outlets_visible, required=False, allow_null=True, default=None)


class OutletUpdateSerializer(OutletWriteSerializer):
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=Outlet.Kind.choices, required=False)
    home_domain = serializers.CharField(max_length=253, required=False, allow_null=True)
    reliability = serializers.ChoiceField(choices=Outlet.Reliability.choices, required=False, allow_null=True)
    owner = VisibleRelatedField(outlets_visible, required=False, allow_null=True)


class ActorWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Actor.Kind.choices, default=Actor.Kind.PERSON)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    affiliation = VisibleRelatedField(actors_visible, required=False, allow_null=True, default=None)
    wikidata_id = serializers.CharField(max_length=20, required=False, allow_null=True, default=None)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=50
    )


class ActorUpdateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=Actor.Kind.choices, required=False)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    affiliation = VisibleRelatedField(actors_visible, required=False, allow_null=True)
    wikidata_id = serializers.CharField(max_length=20, required=False, allow_null=True)


class AliasWriteSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)


class SourceSubmitSerializer(StrictSerializer):
    """A story to read (its text or link), or with `extract: false` a source to store as it is."""

    text = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    url = serializers.URLField(max_length=2000, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    story = VisibleRelatedField(stories_visible, required=False, allow_null=True, default=None)
    extract = serializers.BooleanField(
        default=True,
        help_text="true (the default): find who said what in a job, answering 202 with the intake to poll. "
        "false: store the source as given and answer 201.",
    )
    kind = serializers.ChoiceField(choices=Source.Kind.choices, default=Source.Kind.NEWS_ARTICLE)
    outlet = VisibleRelatedField(
        outlets_visible,
        required=False,
        allow_null=True,
        default=None,
        help_text="Who published it, an outlet's id; a story read in a job narrates as this outlet, "
        "which for a link wins over the outlet found by its domain.",
    )
    author = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    published_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    language = serializers.RegexField(LANGUAGE_TAG_PATTERN, max_length=35, default="en")


class SourceUpdateSerializer(StrictSerializer):
    title = serializers.CharField(max_length=500, required=False)
    kind = serializers.ChoiceField(choices=Source.Kind.choices, required=False)
    url = serializers.URLField(max_length=2000, required=False, allow_null=True)
    outlet = VisibleRelatedField(outlets_visible, required=False, allow_null=True)
    author = serializers.CharField(max_length=300, required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    language = serializers.RegexField(LANGUAGE_TAG_PATTERN, max_length=35, required=False)
