"""The people and tools the security tests knock on the door as, and a newsroom with something to hide."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from claims.ingestion import ingestion_request
from claims.models import Claim, ClaimLink, Evidence, LinkCalibration, Notification
from claims.services import evidence_add
from clients.models import ApiClient, WebhookDelivery
from clients.services import webhook_register
from core.models import Job
from tests import api, factories

# The order of the columns in every matrix: three people at the desk, then one token of each scope.
SUBJECTS = ("anonymous", "researcher", "reviewer", "editor", "read:published", "read:all", "write")
TOKEN_SCOPES = {"read:published": ["read:published"], "read:all": ["read:all"], "write": ["write"]}


def suggested_link(from_claim: Claim, to_claim: Claim) -> ClaimLink:
    """A link the detector suggests, waiting for a reviewer, as a linking job leaves it."""
    return ClaimLink.objects.create(
        from_claim=from_claim,
        to_claim=to_claim,
        relation=ClaimLink.Relation.CORROBORATES,
        status=ClaimLink.Status.SUGGESTED,
        origin=ClaimLink.Origin.DETECTOR,
        detector="features-1",
        score=0.8,
        rationale="Both name the same works.",
    )


@dataclass
class Newsroom:
    """The `world` of the API tests, and what else the desk keeps to itself: a story with nothing published in it,
    evidence and a suggested link on the unpublished claim, an intake, a job, a calibration, and a webhook."""

    world: api.World
    clients: dict[str, APIClient]
    api_clients: dict[str, ApiClient]
    ids: dict[str, object]


@pytest.fixture
def newsroom(world: api.World, researcher: User, reviewer: User, editor: User) -> Newsroom:
    secret_story = factories.StoryFactory(title="Harbour dredging plan")
    secret_claim = factories.ClaimFactory(text="The harbour will be dredged next spring.", story=secret_story)
    secret_evidence = evidence_add(
        claim=world.unpublished, source=factories.SourceFactory(), effect=Evidence.Effect.SUPPORTS, added_by=editor
    )
    suggested = suggested_link(world.published, secret_claim)
    public_link = world.published.links_from.get(to_claim=world.other_published)
    secret_link = world.published.links_from.get(to_claim=world.unpublished)
    intake = ingestion_request(text="The mayor said the bridge would open in March.", requested_by=editor)
    job = Job.objects.create(task="claims.tasks.link_claim", args=[world.unpublished.pk])
    calibration = LinkCalibration.objects.create(
        detector="features-1",
        version="features-1+cal-test",
        confirmed=3,
        rejected=2,
        log_loss_before=0.7,
        log_loss_after=0.5,
        accuracy_before=0.5,
        accuracy_after=0.7,
    )

    clients: dict[str, APIClient] = {"anonymous": APIClient()}
    for name, user in (("researcher", researcher), ("reviewer", reviewer), ("editor", editor)):
        session = APIClient()
        session.force_login(user)
        clients[name] = session
    api_clients = {}
    for name, scopes in TOKEN_SCOPES.items():
        # Every token acts as an editor, so what it may do is what its scope allows.
        clients[name], api_clients[name] = api.token_client(name=f"Tool with {name}", roles=["editor"], scopes=scopes)
    webhook = webhook_register(
        client=api_clients["write"], url="https://hooks.partner.example/attest", events=["claim.published"]
    ).webhook
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, event="claim.published", key=f"claim:{world.published.pk}", payload={"claim": 1}
    )
    notification = Notification.objects.create(
        recipient=reviewer,
        claim=world.unpublished,
        event=Notification.Event.REVIEW_REQUESTED,
        key=f"review:{world.unpublished.pk}:test",
        subject="A verdict waits for your review",
        body="The treasurer has no money left.",
    )
    for client in clients.values():
        # A server error is a cell of the matrix like any other status, not an exception in the test.
        client.raise_request_exception = False

    published_statement = world.published.statements.get()
    secret_statement = world.unpublished.statements.get()
    public_source = published_statement.source
    return Newsroom(
        world=world,
        clients=clients,
        api_clients=api_clients,
        ids={
            "published claim": world.published.pk,
            "unpublished claim": world.unpublished.pk,
            "public statement": published_statement.pk,
            "secret statement": secret_statement.pk,
            "public evidence": Evidence.objects.get(claim=world.published).pk,
            "secret evidence": secret_evidence.pk,
            "public link": public_link.pk,
            "secret link": secret_link.pk,
            "suggested link": suggested.pk,
            "public story": world.published.story_id,
            "secret story": secret_story.pk,
            "public source": public_source.pk,
            "secret source": world.secret_source_id,
            "public speaker": world.public_speaker_id,
            "secret speaker": world.secret_speaker_id,
            "public outlet": public_source.outlet_id,
            "secret outlet": secret_statement.source.outlet_id,
            "intake": intake.pk,
            "webhook": webhook.pk,
            "job": job.pk,
            "calibration": calibration.pk,
            "verdict": world.published.verdicts.get().pk,
            "rating": world.published.verdicts.get().rating_id,
            "notification": notification.pk,
            "delivery": delivery.pk,
            "api client": api_clients["write"].pk,
            "api token": api_clients["write"].tokens.get().pk,
            "group": researcher.groups.get().pk,
            "user": researcher.pk,
            "version of unpublished claim": world.unpublished.version,
        },
    )
