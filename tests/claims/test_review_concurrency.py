"""Review steps taken at the same moment by different people, each request on its own database connection.

The claim's row is held locked by the test until every request is waiting for it, so all of them have read the
claim before any of them writes: the race is certain, not left to timing.
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from claims.models import Approval, Claim, ClaimStatus, Evidence, Rating, Verdict
from claims.review.services import claim_submit, verdict_approve, verdict_propose
from claims.services import evidence_add, story_update
from tests import factories
from tests.conftest import _member_of

pytestmark = pytest.mark.django_db(transaction=True)
WAIT_SECONDS = 30


@pytest.fixture
def in_review(rating_scale: None, editor: User) -> Claim:
    """A verdict the editor wrote, in review, on a story whose verdicts need two approvals."""
    story = story_update(story=factories.StoryFactory(title="Bridge budget row"), required_approvals=2)
    claim = factories.ClaimFactory(text="The council approved the bridge budget in March.", story=story)
    evidence = evidence_add(claim=claim, source=factories.SourceFactory(), effect=Evidence.Effect.REFUTES)
    verdict_propose(
        claim=claim,
        by=editor,
        rating=Rating.objects.get(slug="false"),
        conclusion="The minutes say May.",
        evidence=[evidence],
    )
    claim_submit(claim=claim, by=editor)
    return claim


def signed_in(user: User) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is an answer to count, not an exception here
    client.force_login(user)
    return client


@contextmanager
def claim_held(claim: Claim, requests: int) -> Iterator[None]:
    """Hold the claim's row until `requests` other connections are waiting for it, then let them all go."""
    with transaction.atomic():
        Claim.objects.select_for_update().get(pk=claim.pk)
        yield
        deadline = time.monotonic() + WAIT_SECONDS
        while waiting_for_me() < requests:
            assert time.monotonic() < deadline, f"{waiting_for_me()} of {requests} requests reached the claim"
            time.sleep(0.05)


def waiting_for_me() -> int:
    # Waiters queue behind one another for a row, so each but the first is blocked by the one before it: count
    # every connection of this database waiting for a lock. The activity view is otherwise read once a transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def at_once(requests: list[Callable[[], Any]], claim: Claim) -> list[Any]:
    """The responses to `requests`, sent together from threads while the claim is held."""
    responses: list[Any] = [None] * len(requests)

    def send(index: int) -> None:
        try:
            responses[index] = requests[index]()
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=send, args=(index,)) for index in range(len(requests))]
    try:
        with claim_held(claim, len(requests)):
            for thread in threads:
                thread.start()
    finally:
        for thread in threads:
            thread.join(timeout=WAIT_SECONDS)
    return responses


def approve(client: Client, claim: Claim) -> Callable[[], Any]:
    path = f"/api/v1/claims/{claim.pk}/steps"
    return lambda: client.post(path, {"step": "approve"}, content_type="application/json")


def test_reviewers_approving_at_once_count_once_each_and_the_author_is_refused(
    in_review: Claim, editor: User, reviewer: User, second_reviewer: User
) -> None:
    bob_twice = signed_in(reviewer)  # one session, the button pressed twice
    responses = at_once(
        [
            approve(signed_in(editor), in_review),
            approve(bob_twice, in_review),
            approve(bob_twice, in_review),
            approve(signed_in(second_reviewer), in_review),
        ],
        in_review,
    )

    statuses = [response.status_code for response in responses]
    assert statuses[0] == 403
    assert "wrote or revised this verdict" in responses[0].json()["detail"]
    assert sorted(statuses[1:3]) == [200, 400]
    refused = next(response for response in responses[1:3] if response.status_code == 400)
    assert "already approved" in refused.json()["detail"]
    assert statuses[3] == 200
    approvers = sorted(Approval.objects.filter(verdict__claim=in_review).values_list("reviewer__username", flat=True))
    assert approvers == ["bob", "erin"]


def test_two_editors_publishing_at_once_publish_once(in_review: Claim, reviewer: User, second_reviewer: User) -> None:
    for approver in (reviewer, second_reviewer):
        verdict_approve(claim=in_review, by=approver)
    in_review.refresh_from_db()
    page = reverse("admin:claims_claim_review", args=[in_review.pk])
    # Both opened the review page at this version, and both press "publish".
    form = {"action": "step", "step": "publish", "reason": "", "version": str(in_review.version)}
    editors = [signed_in(_member_of("editor", name)) for name in ("frank", "grace")]

    responses = at_once([lambda client=client: client.post(page, form) for client in editors], in_review)

    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert "changed by someone else" in refused.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == ClaimStatus.PUBLISHED
    [published] = Verdict.objects.filter(claim=in_review, status=Verdict.Status.PUBLISHED)
    assert published.published_by.username in ("frank", "grace")  # type: ignore[union-attr]
