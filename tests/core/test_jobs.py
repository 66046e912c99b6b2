"""The jobs ledger: jobs recorded with the change that asks for them, never lost, and visible when they fail."""

import logging
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, LinkingRun
from claims.services import claim_update
from config.celery import app
from core.jobs import AttestTask, job_enqueue, jobs_relay, jobs_retry
from core.models import Job
from core.observability import RequestIdFilter, current_request_id, request_id_bound
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def linking_on(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ATTEST_LINK_ON_SAVE = True


def test_a_job_is_recorded_with_the_change_and_runs_after_the_commit(
    linking_on: None, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    claim = factories.ClaimFactory(text="The council did not approve the bridge budget.")
    with django_capture_on_commit_callbacks(execute=True):
        claim_update(claim=claim, text="The council never approved the bridge budget.")

    job = Job.objects.filter(task="claims.tasks.link_claim", args=[claim.pk]).latest("created_at")
    assert job.status == Job.Status.SUCCEEDED
    assert job.attempts == 1
    assert LinkingRun.objects.filter(claim=claim).exists()


def test_a_change_rolled_back_leaves_no_job(linking_on: None) -> None:
    claim = factories.ClaimFactory()
    before = Job.objects.count()

    def reword_then_fail() -> None:
        with transaction.atomic():
            claim_update(claim=claim, text="A reworded claim that is never saved.")
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        reword_then_fail()

    assert Job.objects.count() == before


def test_a_save_succeeds_while_the_broker_is_away_and_its_job_waits(
    linking_on: None, broker_away: None, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    claim = factories.ClaimFactory(text="The bridge opened in May.")
    with django_capture_on_commit_callbacks(execute=True):
        claim_update(claim=claim, text="The bridge opened in June.")

    assert Claim.objects.get(pk=claim.pk).text == "The bridge opened in June."
    waiting = Job.objects.filter(task="claims.tasks.link_claim", args=[claim.pk])
    assert [job.status for job in waiting] == [Job.Status.PENDING] * 2, "one for the new claim, one for its change"
    waiting.update(created_at=timezone.now() - timedelta(minutes=1))
    assert jobs_relay() == 0, "the broker is still away"
    assert {job.status for job in waiting} == {Job.Status.PENDING}


def test_the_relay_hands_over_what_waited(linking_on: None) -> None:
    claim = factories.ClaimFactory(text="The bridge opened in May.")
    job = Job.objects.create(task="claims.tasks.link_claim", args=[claim.pk])
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=1))

    assert jobs_relay() == 1  # jobs run in-process here, so handing over runs it

    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED
    assert jobs_relay() == 0, "nothing is handed over twice"


def test_a_job_that_fails_for_good_is_left_dead_with_its_error_and_can_be_retried(
    editor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="not-a-claim-id"), django_capture_on_commit_callbacks(execute=True):
        job_enqueue("claims.tasks.link_claim", "not-a-claim-id")

    job = dead = Job.objects.get(task="claims.tasks.link_claim", args=["not-a-claim-id"])
    assert dead.status == Job.Status.DEAD
    assert "not-a-claim-id" in dead.error
    client = Client()
    client.force_login(editor)
    listed = client.get(reverse("admin:core_job_changelist"), {"status__exact": "dead"}).content.decode()
    assert "claims.tasks.link_claim" in listed
    assert "not-a-claim-id" in listed

    claim = factories.ClaimFactory()
    Job.objects.filter(pk=job.pk).update(args=[claim.pk])  # the cause fixed, the job is retried by hand
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_retry(jobs=Job.objects.filter(pk=job.pk)) == 1

    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED


def test_a_request_has_an_id_that_its_jobs_carry(editor: User, researcher: User) -> None:
    claim = factories.ClaimFactory(text="The bridge opened in May.")
    client = Client()
    client.force_login(editor)
    review = reverse("admin:claims_claim_review", args=[claim.pk])

    response = client.post(
        review,
        {"action": "assign", "assignee": researcher.pk, "due_on": "", "version": claim.version},
        HTTP_X_REQUEST_ID="req-42-abcdef",
    )
    page = client.get(reverse("admin:index"))
    unsafe = client.get(reverse("admin:index"), HTTP_X_REQUEST_ID='bad id"with quotes')

    assert response["X-Request-ID"] == "req-42-abcdef"
    assert Job.objects.get(task="claims.tasks.send_notification").request_id == "req-42-abcdef"
    assert page["X-Request-ID"] != "req-42-abcdef", "each request has its own"
    assert len(page["X-Request-ID"]) == 32
    assert unsafe["X-Request-ID"] != 'bad id"with quotes', "an id unfit for a log line is replaced"


def test_log_lines_carry_the_request_id(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("attest.test")
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(request_id)s %(message)s"))
    lines: list[str] = []
    handler.emit = lambda record: lines.append(handler.format(record))  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        with request_id_bound("req-7-abcdefgh"):
            logger.warning("inside")
        logger.warning("outside")
    finally:
        logger.removeHandler(handler)

    assert lines == ["req-7-abcdefgh inside", " outside"]


def test_a_job_runs_with_the_id_of_the_request_that_queued_it(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    @app.task(base=AttestTask, name="tests.record_request_id")
    def record_request_id() -> None:
        seen.append(current_request_id())

    with request_id_bound("req-9-abcdefgh"), django_capture_on_commit_callbacks(execute=True):
        job_enqueue(record_request_id.name)

    assert seen == ["req-9-abcdefgh"]


def test_a_job_asked_for_later_waits_in_the_outbox_until_it_is_due(
    linking_on: None, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    claim = factories.ClaimFactory(text="The bridge opened in May.")
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue("claims.tasks.link_claim", claim.pk, after=timedelta(minutes=5))
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=1))

    assert Job.objects.get(pk=job.pk).status == Job.Status.PENDING, "not run at the commit"
    assert jobs_relay() == 0, "not due yet"
    Job.objects.filter(pk=job.pk).update(due_at=timezone.now() - timedelta(seconds=1))
    assert jobs_relay() == 1
    assert Job.objects.get(pk=job.pk).status == Job.Status.SUCCEEDED
