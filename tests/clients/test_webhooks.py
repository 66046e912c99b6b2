"""Webhooks: owed in the transaction of the change, sent after commit, signed, retried, sent once, never inward."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models.functions import Now
from django.test import override_settings
from rest_framework.test import APIClient

from claims.models import Claim, Evidence, Rating
from claims.review.services import claim_publish, claim_reopen, claim_submit, verdict_approve, verdict_propose
from claims.services import evidence_add, link_confirm
from clients import services
from clients.models import ApiClient, WebhookAttempt, WebhookDelivery
from clients.services import webhook_register
from clients.tasks import deliver_webhook
from core.jobs import jobs_relay
from core.models import Job
from tests import factories
from tests.api import problem_of, publish, token_client
from tests.claims.conftest import WORKER_SECONDS, Worker, broker, worker  # noqa: F401 (fixtures)


@dataclass
class Receiver:
    """A real HTTP server in a thread that answers with the statuses it is given, then 200, after `delay` seconds."""

    port: int = 0
    answers: list[int] = field(default_factory=list)
    delay: float = 0.0
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
            time.sleep(state.delay)
            try:
                self.send_response(state.answers.pop(0) if state.answers else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # Attest stopped waiting

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
    with override_settings(ATTEST_WEBHOOK_ALLOWED_HOSTS={receiver.host}):
        registered = webhook_register(
            client=client, url=receiver.url, events=["claim.published", "verdict.changed", "link.confirmed"]
        )
    return client, registered.secret


def relay() -> int:
    """Run the jobs that are due, as the relay beside the web server does without a broker; returns the attempts."""
    before = WebhookAttempt.objects.count()
    jobs_relay(older_than=timedelta(0))
    return WebhookAttempt.objects.count() - before


def next_attempt_wait() -> timedelta:
    """The wait the delivery's next attempt was queued with; the wait is then over."""
    job = Job.objects.get(task=deliver_webhook.name, status=Job.Status.PENDING)
    Job.objects.filter(pk=job.pk).update(due_at=Now(), created_at=Now() - timedelta(seconds=1))
    return job.due_at - job.created_at


def factories_client() -> ApiClient:
    from clients.services import client_create

    return client_create(name="Fact-check tool", roles=[])


@pytest.fixture
def publish_claim(researcher: User, reviewer: User, editor: User, rating_scale: None) -> Callable[[Claim], None]:
    """Take a claim through review to publication, as the desk would (on the default scale, which a test that
    commits its transactions has to make again)."""
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
        delivery = WebhookDelivery.objects.get()
        assert delivery.event == "claim.published"
        for callback in queued:
            callback()
        assert receiver.requests == []  # the relay sends it, not the request
        assert relay() == 1
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


def test_publishing_through_the_api_does_not_wait_for_a_slow_receiver(
    subscriber: tuple[ApiClient, str],
    receiver: Receiver,
    opened_fire: Claim,
    researcher: User,
    reviewer: User,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    evidence = evidence_add(claim=opened_fire, source=factories.SourceFactory(), effect=Evidence.Effect.REFUTES)
    verdict_propose(
        claim=opened_fire, by=researcher, rating=Rating.objects.get(slug="false"), conclusion="No.", evidence=[evidence]
    )
    claim_submit(claim=opened_fire, by=researcher)
    verdict_approve(claim=opened_fire, by=reviewer)
    desk, _ = token_client(name="Editor desk", roles=["editor"], scopes=["read:all", "write"])
    receiver.delay = 2.0
    monkeypatch.setattr(services, "WEBHOOK_TIMEOUT_SECONDS", 0.5)

    with override_settings(ATTEST_WEBHOOK_ALLOWED_HOSTS={receiver.host}):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            published = desk.post(f"/api/v1/claims/{opened_fire.pk}/steps", {"step": "publish"}, format="json")
        answered_in = time.monotonic() - started
        assert published.status_code == 200, published.content
        assert answered_in < 1.0, f"the editor waited {answered_in:.1f} s for the receiver"
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, receiver.requests) == ("pending", 0, [])

        started = time.monotonic()
        assert relay() == 1
        assert time.monotonic() - started < 1.5, "an attempt gives up at its timeout"
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", 1)
        assert "did not answer within 0.5 seconds" in delivery.attempt_log.get().error
        assert relay() == 0, "the next attempt waits for its time"

        receiver.delay = 0.0
        assert next_attempt_wait() == timedelta(seconds=30)
        assert relay() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)


def test_a_delivered_event_is_not_sent_again_when_the_job_runs_twice(
    subscriber: tuple[ApiClient, str],
    receiver: Receiver,
    opened_fire: Claim,
    publish_claim: Callable[[Claim], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver.answers = [500]
    with override_settings(ATTEST_WEBHOOK_ALLOWED_HOSTS={receiver.host}):
        with django_capture_on_commit_callbacks(execute=True):
            publish_claim(opened_fire)
        relay()
        delivery = WebhookDelivery.objects.get()
        deliver_webhook.delay(delivery.pk, tried=0)  # the first attempt's job again: it was made
        assert len(receiver.requests) == 1
        next_attempt_wait()
        relay()
        deliver_webhook.delay(delivery.pk, tried=1)
        deliver_webhook.delay(delivery.pk, tried=1)
    assert len(receiver.requests) == 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)
    assert not Job.objects.filter(task=deliver_webhook.name, status=Job.Status.PENDING).exists()


def test_a_failing_receiver_is_retried_after_growing_waits_and_every_attempt_logged(
    subscriber: tuple[ApiClient, str],
    receiver: Receiver,
    opened_fire: Claim,
    publish_claim: Callable[[Claim], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver.answers = [500, 503]
    with override_settings(ATTEST_WEBHOOK_ALLOWED_HOSTS={receiver.host}):
        with django_capture_on_commit_callbacks(execute=True):
            publish_claim(opened_fire)
        assert relay() == 1
        assert relay() == 0
        assert next_attempt_wait() == timedelta(seconds=30)
        assert relay() == 1
        assert next_attempt_wait() == timedelta(minutes=1)
        assert relay() == 1
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("succeeded", 3)
    assert [attempt.status_code for attempt in delivery.attempt_log.all()] == [500, 503, 200]
    assert len({body for _, body in receiver.requests}) == 1  # the same delivery each time
    attempt_jobs = Job.objects.filter(task=deliver_webhook.name)
    assert [job.status for job in attempt_jobs] == [Job.Status.SUCCEEDED] * 3  # each attempt a job of its own


def test_a_receiver_that_keeps_failing_is_given_up_on_after_about_a_day(
    subscriber: tuple[ApiClient, str],
    receiver: Receiver,
    opened_fire: Claim,
    publish_claim: Callable[[Claim], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    receiver.answers = [500] * 20
    waits = []
    with override_settings(ATTEST_WEBHOOK_ALLOWED_HOSTS={receiver.host}):
        with django_capture_on_commit_callbacks(execute=True):
            publish_claim(opened_fire)
        while relay():
            if Job.objects.filter(task=deliver_webhook.name, status=Job.Status.PENDING).exists():
                waits.append(next_attempt_wait())
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.attempt_log.count() == len(waits) + 1 == 13
    assert waits[:3] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
    assert waits == sorted(waits), "the waits grow"
    assert timedelta(hours=23) < sum(waits, timedelta()) < timedelta(hours=25), "as the README says: about a day"


def test_webhooks_are_never_sent_to_this_machine_unless_allowed(
    subscriber: tuple[ApiClient, str],
    receiver: Receiver,
    opened_fire: Claim,
    publish_claim: Callable[[Claim], None],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Registered while it was allowed; the address is checked again at each delivery.
    with django_capture_on_commit_callbacks(execute=True):
        publish_claim(opened_fire)
    relay()
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    (attempt,) = delivery.attempt_log.all()  # a refused address is not tried again
    assert "Attest fetches only public web pages" in attempt.error
    assert not Job.objects.filter(task=deliver_webhook.name, status=Job.Status.PENDING).exists()


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "a link-local address, such as a cloud metadata service"),
        ("http://127.0.0.1/hooks", "this server itself"),
        ("http://localhost/hooks", "this server itself"),
        ("https://10.1.2.3/hooks", "a private network"),
        ("http://[::ffff:192.168.0.1]/hooks", "a private network"),
        ("https://hooks.example.org:8443/attest", "port 8443"),
        ("ftp://hooks.example.org/attest", "Attest fetches only http and https pages"),
        ("https://user:secret@hooks.example.org/attest", "user name or password"),
    ],
)
def test_an_address_off_the_public_internet_is_refused_at_registration(db: None, target: str, reason: str) -> None:
    client, api_client = token_client(name="Hook user", roles=[], scopes=["read:published", "write"])

    refused = client.post("/api/v1/webhooks", {"target": target, "events": ["claim.published"]}, format="json")

    assert refused.status_code == 400, refused.content
    assert any(reason in message for message in problem_of(refused)["errors"]["target"]), refused.json()
    with pytest.raises(ValidationError) as raised:
        webhook_register(client=api_client, url=target, events=["claim.published"])
    assert any(reason in message for message in raised.value.message_dict["url"])
    assert not api_client.webhooks.exists()


def test_an_address_allowed_by_the_settings_is_registered(db: None, receiver: Receiver) -> None:
    client, _ = token_client(name="Hook user", roles=[], scopes=["read:published", "write"])
    body = {"target": receiver.url, "events": ["claim.published"]}

    assert client.post("/api/v1/webhooks", body, format="json").status_code == 400
    with override_settings(ATTEST_WEBHOOK_ALLOWED_HOSTS={receiver.host}):
        assert client.post("/api/v1/webhooks", body, format="json").status_code == 201


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
    link = factories.suggested_link(
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
    link = factories.suggested_link(
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


@pytest.fixture
def receiver_allowed_for_workers(receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker started after this reads the receiver as an allowed address, as a deployment's settings would."""
    monkeypatch.setenv("ATTEST_WEBHOOK_ALLOWED_HOSTS", receiver.host)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_delivers_and_the_relay_hands_it_the_retry_once_due(
    receiver: Receiver,
    receiver_allowed_for_workers: None,
    worker: Worker,  # noqa: F811 (the fixture imported above)
    opened_fire: Claim,
    publish_claim: Callable[[Claim], None],
) -> None:
    receiver.answers = [503]
    with override_settings(ATTEST_WEBHOOK_ALLOWED_HOSTS={receiver.host}):
        webhook_register(client=factories_client(), url=receiver.url, events=["claim.published"])
    publish_claim(opened_fire)

    def attempts_made(count: int) -> WebhookDelivery:
        deadline = time.monotonic() + WORKER_SECONDS
        while (delivery := WebhookDelivery.objects.get()).attempts < count:
            assert worker.process.poll() is None, f"the worker stopped:\n{worker.output()}"
            assert time.monotonic() < deadline, f"no attempt {count} in {WORKER_SECONDS} s:\n{worker.output()}"
            time.sleep(0.2)
        return delivery

    assert attempts_made(1).status == "pending"
    assert next_attempt_wait() == timedelta(seconds=30)
    assert jobs_relay(older_than=timedelta(0)) >= 1  # handed to the broker
    delivery = attempts_made(2)
    assert (delivery.status, len(receiver.requests)) == ("succeeded", 2)
