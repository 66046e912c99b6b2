"""factory-boy factories. They create through the services, so every object obeys the same rules as real data."""

from typing import Any

import factory
from django.contrib.auth import get_user_model

from claims import services as claim_services
from claims.models import Claim, ClaimLink, Statement, Story
from sources import services as source_services
from sources.models import Actor, Outlet, Source

ARTICLE = (
    "The mayor said the new bridge would open in March. "
    "Opposition councillors denied that the budget had been approved. "
    "“We have no money left,” the treasurer said."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@newsroom.example")
    password = factory.django.Password("correct horse battery staple")


class OutletFactory(factory.Factory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Daily Bulletin {n}")
    kind = Outlet.Kind.NEWSPAPER
    home_domain = factory.Sequence(lambda n: f"bulletin{n}.example")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Outlet:
        return source_services.outlet_create(**kwargs)


class ActorFactory(factory.Factory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Speaker Number{n}")
    kind = Actor.Kind.PERSON
    aliases: list[str] = []

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Actor:
        return source_services.actor_create(**kwargs)


class SourceFactory(factory.Factory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Council report {n}")
    kind = Source.Kind.NEWS_ARTICLE
    outlet = factory.SubFactory(OutletFactory)
    text = factory.Sequence(lambda n: f"{ARTICLE} (Report {n}.)")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Source:
        return source_services.source_create(**kwargs)


class StoryFactory(factory.Factory):
    class Meta:
        model = Story

    title = factory.Sequence(lambda n: f"Bridge budget row {n}")

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Story:
        return claim_services.story_create(**kwargs)


class ClaimFactory(factory.Factory):
    class Meta:
        model = Claim

    text = factory.Sequence(lambda n: f"The new bridge will open in March ({n}).")
    story = factory.SubFactory(StoryFactory)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Claim:
        return claim_services.claim_create(**kwargs)


class StatementFactory(factory.Factory):
    class Meta:
        model = Statement

    claim = factory.SubFactory(ClaimFactory)
    speaker = factory.SubFactory(ActorFactory)
    source = factory.SubFactory(SourceFactory)
    quote = "the new bridge would open in March"
    cue = "said"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Statement:
        return claim_services.statement_record(**kwargs)


class ClaimLinkFactory(factory.Factory):
    class Meta:
        model = ClaimLink

    from_claim = factory.SubFactory(ClaimFactory)
    to_claim = factory.SubFactory(ClaimFactory)
    relation = ClaimLink.Relation.CONTRADICTS
    rationale = "The two claims cannot both be true."

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> ClaimLink:
        return claim_services.link_draw(**kwargs)


def suggested_link(
    *, from_claim: Claim, to_claim: Claim, relation: str, score: float, rationale: str, detector: str = "test/1"
) -> ClaimLink:
    """A detector's suggestion, written the way the linking job writes it (claims.services.links_suggest)."""
    claim_services.links_suggest(
        suggestions=[
            claim_services.LinkSuggestion(
                from_claim_id=from_claim.pk,
                to_claim_id=to_claim.pk,
                relation=relation,
                score=score,
                rationale=rationale,
            )
        ],
        detector=detector,
    )
    return ClaimLink.objects.get(from_claim=from_claim, to_claim=to_claim, relation=relation)
