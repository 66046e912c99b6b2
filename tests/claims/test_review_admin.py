"""The review desk in the admin over HTTP: the review page's forms, the queues, and two editors at once."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimStatus, Evidence, Rating, Verdict
from claims.review import services

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def review_url(claim: Claim) -> str:
    return reverse("admin:claims_claim_review", args=[claim.pk])


def step(client: Client, claim: Claim, name: str, reason: str = "") -> str:
    claim.refresh_from_db()
    response = client.post(
        review_url(claim), {"action": "step", "step": name, "reason": reason, "version": claim.version}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_researcher_writes_and_submits_a_verdict_on_the_review_page(
    claim: Claim, evidence: Evidence, researcher: User
) -> None:
    client = signed_in(researcher)
    page = client.get(review_url(claim)).content.decode()
    assert 'id="verdict-form"' in page

    response = client.post(
        review_url(claim),
        {
            "action": "verdict",
            "rating": Rating.objects.get(slug="false").pk,
            "conclusion": "The minutes record no vote.",
            "evidence": [evidence.pk],
        },
        follow=True,
    )
    assert "Draft verdict saved." in response.content.decode()
    assert "The minutes record no vote." in response.content.decode()

    page = step(client, claim, "submit_for_review")
    assert "Done: submit for review." in page
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW


def test_sending_back_without_a_reason_shows_why_and_changes_nothing(
    claim: Claim, evidence: Evidence, researcher: User, reviewer: User
) -> None:
    services.verdict_propose(
        claim=claim, by=researcher, rating=Rating.objects.get(slug="false"), conclusion="No.", evidence=[evidence]
    )
    services.claim_submit(claim=claim, by=researcher)

    page = step(signed_in(reviewer), claim, "send_back", reason="")

    assert "Say why the verdict needs changes" in page
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW


def test_the_page_offers_only_the_steps_the_role_allows(
    claim: Claim, evidence: Evidence, researcher: User, reviewer: User, editor: User
) -> None:
    services.verdict_propose(
        claim=claim, by=researcher, rating=Rating.objects.get(slug="false"), conclusion="No.", evidence=[evidence]
    )
    services.claim_submit(claim=claim, by=researcher)

    as_researcher = signed_in(researcher).get(review_url(claim)).content.decode()
    as_reviewer = signed_in(reviewer).get(review_url(claim)).content.decode()
    as_editor = signed_in(editor).get(review_url(claim)).content.decode()

    assert 'id="approve-form"' not in as_researcher
    assert 'id="step-send_back"' not in as_researcher
    assert 'id="approve-form"' in as_reviewer
    assert 'id="step-publish"' not in as_reviewer
    assert 'id="step-publish"' in as_editor


def test_a_refused_step_posted_anyway_is_refused_with_a_message(
    claim: Claim, evidence: Evidence, researcher: User
) -> None:
    services.verdict_propose(
        claim=claim, by=researcher, rating=Rating.objects.get(slug="false"), conclusion="No.", evidence=[evidence]
    )
    services.claim_submit(claim=claim, by=researcher)

    page = step(signed_in(researcher), claim, "publish")

    assert "does not allow you to publish" in page
    assert not Verdict.objects.filter(status=Verdict.Status.PUBLISHED).exists()


def test_someone_without_admin_access_cannot_open_a_review_page(claim: Claim, outsider: User) -> None:
    response = signed_in(outsider).get(review_url(claim))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_comments_and_replies_are_shown_by_round(claim: Claim, researcher: User, reviewer: User) -> None:
    client = signed_in(researcher)
    client.post(review_url(claim), {"action": "comment", "body": "Who took the minutes?"})
    question = claim.comments.get()
    signed_in(reviewer).post(review_url(claim), {"action": "comment", "body": "The clerk.", "parent": question.pk})

    page = client.get(review_url(claim)).content.decode()

    assert page.index("Who took the minutes?") < page.index("The clerk.")
    assert claim.comments.get(body="The clerk.").parent == question


def test_the_front_page_counts_each_queue(claim: Claim, researcher: User, editor: User) -> None:
    services.claim_assign(claim=claim, assignee=researcher, due_on=None, by=editor)

    page = signed_in(researcher).get(reverse("admin:index")).content.decode()

    assigned = re.search(r'queue=mine">Assigned to me</a></th><td class="attest-count">(\d+)<', page)
    assert assigned is not None
    assert assigned.group(1) == "1"
    listed = signed_in(researcher).get(reverse("admin:claims_claim_changelist"), {"queue": "mine"})
    assert claim.text in listed.content.decode()


def test_two_editors_saving_one_claim_the_second_is_told_what_changed(
    claim: Claim, editor: User, reviewer: User
) -> None:
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    first, second = signed_in(editor), signed_in(reviewer)
    opened = re.search(r'name="opened_version" value="(\d+)"', first.get(url).content.decode())
    assert opened is not None
    assert re.search(r'name="opened_version" value="(\d+)"', second.get(url).content.decode())

    def form(text: str) -> dict[str, str]:
        data = {"text": text, "story": str(claim.story_id), "review_status": "accepted"}
        data["opened_version"] = opened.group(1)  # type: ignore[union-attr]
        for prefix in ("statements", "evidence", "links_from", "links_to"):
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        return data

    saved = first.post(url, form("The council approved the bridge budget in May."))
    assert saved.status_code == 302
    refused = second.post(url, form("The council approved the bridge budget in June."))

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "changed by someone else" in page
    assert "alice" in page
    claim.refresh_from_db()
    assert claim.text == "The council approved the bridge budget in May."
