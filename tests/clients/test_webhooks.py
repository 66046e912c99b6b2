"""Webhooks: owed in the transaction of the change, sent after commit, signed, retried, sent once, never inward."""

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from rest_framework.test import APIClient

from claims.models import Claim, Rating
from claims.review.services import claim_publish, claim_reopen, claim_submit, verdict_approve, verdict_propose
from claims.services import link_confirm, link_suggest
from clients.models import ApiClient, WebhookDelivery
from clients.services import webhook_register
from clients.tasks import deliver_webhook
from tests import factories
from tests.api import publish, token_client


@dataclass
class Receiver:
    """A real HTTP server in a thread that answers with the statuses it is given, then 200."""

    port: int = 0
    answers: list[int] = field(default_factory=list)
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/attest"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append((dict(self.headers), body))
            self.send_response(state.answers.pop(0) if state.answers else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def opened_fire(db: None) -> Claim:
    return factories.ClaimFactory(text="Oscar Pérez opened fire on police at El Junquito.")


@pytest.fixture
def subscriber(db: None, receiver: Receiver) -> tuple[ApiClient, str]:
    client = factories_client()
    registered = webhook_register(
        client=client, url=receiver.url, events=["claim.published", "verdict.changed", "link.confirmed"]
    )
    return client, registered.secret


def factories_client() -> ApiClient:
    from clients.services import client_create

    return client_create(name="Fact-check tool", roles=[])


@pytest.fixture
def publish_claim(researcher: User, reviewer: User, editor: User) -> Callable[[Claim], None]:
    """Take a claim through review to publication, as the desk would."""
    return lambda claim: publish(claim, researcher=researcher, reviewer=reviewer, editor=editor)


def test_publishing_sends_one_signed_event_after_commit(
    subscriber: tuple[ApiClient, str],
    receiver: Receiver,
    opened_fire: Claim,
    publish_claim: Callable[[Claim], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _, secret = subscriber
    with override_settings(ATTEST_WEBHOOK_ALLOWED_HOSTS={receiver.host}):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            publish_claim(opened_fire)
        assert receiver.requests == []  # nothing is sent before the change commits
        delivery = WebhookDelivery.objects.get()
        assert delivery.event == "claim.published"
        for callback in queued:
            callback()
    (headers, body), *rest = receiver.requests
    assert rest == []
    payload = json.loads(body)
    assert payload["event"] == "claim.published"
    assert payload["id"] == delivery.pk
    assert payload["data"]["claim"]["text"] == opened_fire.text
    assert payload["data"]["verdict"]["rating"]["slug"] == "false"
    assert headers["Attest-Event"] == "claim.published"
    assert headers["Attest-Delivery"] == str(delivery.pk)
    # The receiver's check, as the README tells it.
    parts = dict(part.split("=", 1) for part in headers["Attest-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(parts["v1"], expected)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    assert delivery.attempt_log.get().status_code == 200


def test_a_delivered_event_is_not_sent_again_when_the_job_runs_twice(
    subscriber: tuple[ApiClient, str],
    receiver: Receiver,
    opened_fire: Claim,
    publish_claim: Callable[[Claim], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with override_settings(ATTEST_WEBHOOK_ALLOWED_HOSTS={receiver.host}):
        with django_capture_on_commit_callbacks(execute=True):
            publish_claim(opened_fire)
        delivery = WebhookDelivery.objects.get()
        deliver_webhook.delay(delivery.pk)
        deliver_webhook.delay(delivery.pk)
    assert len(receiver.requests) == 1


def test_a_failing_receiver_is_retried_and_every_attempt_logged(
    subscriber: tuple[ApiClient, str],
    receiver: Receiver,
    opened_fire: Claim,
    publish_claim: Callable[[Claim], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver.answers = [500, 503]
    with (
        override_settings(ATTEST_WEBHOOK_ALLOWED_HOSTS={receiver.host}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish_claim(opened_fire)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("succeeded", 3)
    assert [attempt.status_code for attempt in delivery.attempt_log.all()] == [500, 503, 200]
    assert len({body for _, body in receiver.requests}) == 1  # the same delivery each time


def test_a_receiver_that_keeps_failing_is_given_up_on(
    subscriber: tuple[ApiClient, str],
    receiver: Receiver,
    opened_fire: Claim,
    publish_claim: Callable[[Claim], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver.answers = [500] * 10
    with (
        override_settings(ATTEST_WEBHOOK_ALLOWED_HOSTS={receiver.host}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        publish_claim(opened_fire)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.attempt_log.count() == 3


def test_webhooks_are_never_sent_to_this_machine_unless_allowed(
    subscriber: tuple[ApiClient, str],
    receiver: Receiver,
    opened_fire: Claim,
    publish_claim: Callable[[Claim], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        publish_claim(opened_fire)
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    (attempt,) = delivery.attempt_log.all()  # a refused address is not tried again
    assert "Attest fetches only public web pages" in attempt.error


def test_a_correction_is_a_verdict_changed_event(
    subscriber: tuple[ApiClient, str],
    opened_fire: Claim,
    publish_claim: Callable[[Claim], None],
    researcher: User,
    reviewer: User,
    editor: User,
) -> None:
    publish_claim(opened_fire)
    claim_reopen(claim=opened_fire, by=editor, reason="New footage.")
    verdict_propose(
        claim=opened_fire,
        by=researcher,
        rating=Rating.objects.get(slug="unproven"),
        conclusion="New footage leaves it open.",
    )
    claim_submit(claim=opened_fire, by=researcher)
    verdict_approve(claim=opened_fire, by=reviewer)
    claim_publish(claim=opened_fire, by=editor)
    events = list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True))
    assert events == ["claim.published", "verdict.changed"]
    changed = WebhookDelivery.objects.get(event="verdict.changed").payload["data"]
    assert (changed["previous_verdict"]["rating"]["slug"], changed["verdict"]["rating"]["slug"]) == (
        "false",
        "unproven",
    )


def test_links_between_unpublished_claims_are_not_told_to_readers_of_published_claims(
    subscriber: tuple[ApiClient, str], opened_fire: Claim, reviewer: User
) -> None:
    other = factories.ClaimFactory(text="Mr Pérez never fired.", story=opened_fire.story)
    link = link_suggest(
        from_claim=opened_fire, to_claim=other, relation="contradicts", detector="test", score=0.9, rationale="r"
    )
    link_confirm(link=link, by=reviewer)
    assert not WebhookDelivery.objects.exists()


def test_a_confirmed_link_between_published_claims_is_told(
    subscriber: tuple[ApiClient, str], opened_fire: Claim, publish_claim: Callable[[Claim], None], reviewer: User
) -> None:
    other = factories.ClaimFactory(text="Mr Pérez never fired.", story=opened_fire.story)
    for claim in (opened_fire, other):
        publish_claim(claim)
    link = link_suggest(
        from_claim=opened_fire, to_claim=other, relation="contradicts", detector="test", score=0.9, rationale="r"
    )
    link_confirm(link=link, by=reviewer)
    link_confirm(link=link, by=reviewer)  # already confirmed: no second event
    assert list(
        WebhookDelivery.objects.filter(event="link.confirmed").values_list("payload__data__link__id", flat=True)
    ) == [link.pk]


def test_clients_register_and_stop_webhooks_through_the_api(db: None) -> None:
    client, _ = token_client(name="Hook user", roles=[], scopes=["read:published", "write"])
    created = client.post(
        "/api/v1/webhooks",
        {"target": "https://hooks.example.org/attest", "events": ["claim.published"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["secret"].startswith("whsec_")
    webhook_id = created.json()["id"]
    listed = client.get("/api/v1/webhooks").json()["results"]
    assert [hook["id"] for hook in listed] == [webhook_id]
    assert "secret" not in listed[0]
    assert client.get(f"/api/v1/webhooks/{webhook_id}/deliveries").json() == {
        "next": None,
        "previous": None,
        "results": [],
    }
    assert client.delete(f"/api/v1/webhooks/{webhook_id}").status_code == 204
    assert client.get(f"/api/v1/webhooks/{webhook_id}").json()["active"] is False
    unpublished = client.post(
        "/api/v1/webhooks",
        {"target": "https://hooks.example.org/a", "events": ["link.confirmed"], "include_unpublished": True},
        format="json",
    )
    assert unpublished.status_code == 400  # its role may not read unpublished claims


def test_deliveries_are_paged_like_every_list(db: None) -> None:
    client, api_client = token_client(name="Hook user", roles=[], scopes=["read:published"])
    webhook = webhook_register(client=api_client, url="https://hooks.example.org/attest", events=["claim.published"])
    for number in range(5):
        WebhookDelivery.objects.create(
            webhook=webhook.webhook, event="claim.published", key=f"claim:{number}", payload={"number": number}
        )
    address = f"/api/v1/webhooks/{webhook.webhook.pk}/deliveries?page_size=2"
    seen = []
    while address:
        page = client.get(address)
        assert page.status_code == 200, page.content
        assert len(page.json()["results"]) <= 2
        seen += [delivery["payload"]["number"] for delivery in page.json()["results"]]
        address = page.json()["next"]
    assert seen == [4, 3, 2, 1, 0]  # newest first, each once
    refused = client.get(f"/api/v1/webhooks/{webhook.webhook.pk}/deliveries?page_size=101")
    assert refused.status_code == 400
    assert "page_size" in refused.json()["errors"]
    unknown = client.get(f"/api/v1/webhooks/{webhook.webhook.pk}/deliveries?ordering=created_at")
    assert unknown.status_code == 400  # nothing orders deliveries but their age


def test_webhooks_are_a_clients_own(anonymous: APIClient, editor_client: Any, db: None) -> None:
    assert anonymous.get("/api/v1/webhooks").status_code == 401
    assert editor_client.get("/api/v1/webhooks").status_code == 403
