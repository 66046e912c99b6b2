"""The review workflow: every step from a new claim to a published verdict, and every refusal on the way."""

from datetime import timedelta

import pghistory
import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from claims.models import Approval, Claim, ClaimLink, ClaimStatus, Evidence, Notification, Rating, Verdict
from claims.review import services
from claims.review.selectors import (
    claim_history,
    claims_assigned_to,
    claims_awaiting_review_by,
    claims_overdue,
    published_verdict,
    review_queue_counts,
)
from claims.services import claim_update, evidence_add, links_decide
from claims.tasks import link_claim, send_notification, send_owed_notifications
from tests import factories

pytestmark = pytest.mark.django_db


def rating(slug: str) -> Rating:
    return Rating.objects.get(slug=slug)


def fresh(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


def in_review(claim: Claim, evidence: Evidence, researcher: User) -> Claim:
    services.verdict_propose(
        claim=claim, by=researcher, rating=rating("false"), conclusion="The minutes show no vote.", evidence=[evidence]
    )
    return services.claim_submit(claim=claim, by=researcher)


# ---------------------------------------------------------------------------------------------- the whole way


def test_a_claim_goes_from_new_to_published(
    claim: Claim, evidence: Evidence, researcher: User, reviewer: User, editor: User
) -> None:
    assert claim.status == ClaimStatus.NEW

    services.claim_research_start(claim=claim, by=researcher)
    assert fresh(claim).status == ClaimStatus.IN_RESEARCH
    assert fresh(claim).assignee == researcher, "whoever takes a claim up is its assignee"

    in_review(fresh(claim), evidence, researcher)
    assert fresh(claim).status == ClaimStatus.IN_REVIEW

    services.verdict_approve(claim=claim, by=reviewer)
    verdict = services.claim_publish(claim=claim, by=editor)

    assert fresh(claim).status == ClaimStatus.PUBLISHED
    assert published_verdict(claim) == verdict
    assert verdict.rating == rating("false")
    assert verdict.published_by == editor
    assert list(verdict.evidence.all()) == [evidence]


def test_every_step_counts_a_new_version_of_the_claim(claim: Claim, researcher: User) -> None:
    before = fresh(claim).version

    services.claim_research_start(claim=claim, by=researcher)

    assert fresh(claim).version == before + 1


# ---------------------------------------------------------------------------------------------- refusals by role


def test_a_researcher_may_neither_approve_nor_publish(
    claim: Claim, evidence: Evidence, researcher: User, reviewer: User
) -> None:
    in_review(claim, evidence, researcher)
    other_researcher = factories.UserFactory(username="ruth", is_staff=True)
    other_researcher.groups.add(*researcher.groups.all())

    with pytest.raises(PermissionDenied):
        services.verdict_approve(claim=claim, by=other_researcher)
    services.verdict_approve(claim=claim, by=reviewer)
    with pytest.raises(PermissionDenied):
        services.claim_publish(claim=claim, by=researcher)
    assert fresh(claim).status == ClaimStatus.IN_REVIEW


def test_a_reviewer_may_not_publish(claim: Claim, evidence: Evidence, researcher: User, reviewer: User) -> None:
    in_review(claim, evidence, researcher)
    services.verdict_approve(claim=claim, by=reviewer)

    with pytest.raises(PermissionDenied, match="publish"):
        services.claim_publish(claim=claim, by=reviewer)
    assert not Verdict.objects.filter(claim=claim, status=Verdict.Status.PUBLISHED).exists()


def test_someone_without_a_role_may_not_take_a_claim_up(claim: Claim, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        services.claim_research_start(claim=claim, by=outsider)
    with pytest.raises(PermissionDenied):
        services.verdict_propose(claim=claim, by=outsider, rating=None, conclusion="")
    assert fresh(claim).status == ClaimStatus.NEW


def test_a_reviewer_may_not_write_verdicts(claim: Claim, reviewer: User) -> None:
    with pytest.raises(PermissionDenied, match="write verdicts"):
        services.verdict_propose(claim=claim, by=reviewer, rating=rating("true"), conclusion="Yes.")


# ---------------------------------------------------------------------------------------------- two-person rule


def test_whoever_wrote_a_verdict_cannot_approve_it(claim: Claim, evidence: Evidence, editor: User) -> None:
    services.verdict_propose(claim=claim, by=editor, rating=rating("false"), conclusion="No.", evidence=[evidence])
    services.claim_submit(claim=claim, by=editor)

    with pytest.raises(PermissionDenied, match="someone else must approve"):
        services.verdict_approve(claim=claim, by=editor)
    assert not Approval.objects.exists()


def test_whoever_revised_a_verdict_cannot_approve_it_either(
    claim: Claim, evidence: Evidence, researcher: User, editor: User
) -> None:
    services.verdict_propose(claim=claim, by=researcher, rating=rating("false"), conclusion="No.", evidence=[evidence])
    services.verdict_propose(
        claim=claim, by=editor, rating=rating("false"), conclusion="No, says the record.", evidence=[evidence]
    )
    services.claim_submit(claim=claim, by=researcher)

    with pytest.raises(PermissionDenied):
        services.verdict_approve(claim=claim, by=editor)


def test_the_database_refuses_an_approval_by_the_author(claim: Claim, evidence: Evidence, editor: User) -> None:
    services.verdict_propose(claim=claim, by=editor, rating=rating("false"), conclusion="No.", evidence=[evidence])
    verdict = Verdict.objects.get(claim=claim)

    with pytest.raises(DatabaseError, match="cannot be approved by someone who wrote it"), transaction.atomic():
        Approval.objects.create(verdict=verdict, round=1, reviewer=editor)


def test_one_reviewer_approves_once_per_round(
    claim: Claim, evidence: Evidence, researcher: User, reviewer: User
) -> None:
    in_review(claim, evidence, researcher)
    services.verdict_approve(claim=claim, by=reviewer)

    with pytest.raises(ValidationError, match="already approved"):
        services.verdict_approve(claim=claim, by=reviewer)
    assert Approval.objects.count() == 1


def test_a_story_can_require_two_approvals(
    claim: Claim, evidence: Evidence, researcher: User, reviewer: User, second_reviewer: User, editor: User
) -> None:
    story = claim.story
    assert story is not None
    story.required_approvals = 2
    story.save()
    in_review(claim, evidence, researcher)
    services.verdict_approve(claim=claim, by=reviewer)

    with pytest.raises(ValidationError, match="needs 1 more approval"):
        services.claim_publish(claim=claim, by=editor)

    services.verdict_approve(claim=claim, by=second_reviewer)
    services.claim_publish(claim=claim, by=editor)
    assert fresh(claim).status == ClaimStatus.PUBLISHED


# ---------------------------------------------------------------------------------------------- sending back


def test_sending_back_needs_a_reason(claim: Claim, evidence: Evidence, researcher: User, reviewer: User) -> None:
    in_review(claim, evidence, researcher)

    with pytest.raises(ValidationError) as refused:
        services.claim_send_back(claim=claim, by=reviewer, reason="   ")
    assert "reason" in refused.value.message_dict
    assert fresh(claim).status == ClaimStatus.IN_REVIEW


def test_a_verdict_sent_back_is_revised_and_needs_approving_again(
    claim: Claim, evidence: Evidence, researcher: User, reviewer: User, second_reviewer: User, editor: User
) -> None:
    in_review(claim, evidence, researcher)
    services.verdict_approve(claim=claim, by=second_reviewer)
    comment = services.claim_send_back(claim=claim, by=reviewer, reason="Quote the minutes' page number.")

    assert fresh(claim).status == ClaimStatus.NEEDS_CHANGES
    assert comment.kind == comment.Kind.CHANGES_REQUESTED
    assert comment.round == 1

    services.verdict_propose(
        claim=claim, by=researcher, rating=rating("false"), conclusion="Minutes, p. 4: no vote.", evidence=[evidence]
    )
    services.claim_submit(claim=claim, by=researcher)
    with pytest.raises(ValidationError, match="more approval"):
        services.claim_publish(claim=claim, by=editor)  # erin's approval was for round 1
    services.verdict_approve(claim=claim, by=reviewer)
    services.claim_publish(claim=claim, by=editor)

    assert Verdict.objects.get(claim=claim).conclusion == "Minutes, p. 4: no vote."
    assert Verdict.objects.get(claim=claim).round == 2


def test_a_verdict_in_review_cannot_be_rewritten(claim: Claim, evidence: Evidence, researcher: User) -> None:
    in_review(claim, evidence, researcher)

    with pytest.raises(ValidationError, match="send it back to research first"):
        services.verdict_propose(claim=claim, by=researcher, rating=rating("true"), conclusion="Actually true.")
    assert Verdict.objects.get(claim=claim).rating == rating("false")


# ---------------------------------------------------------------------------------------------- incomplete verdicts


def test_a_verdict_is_submitted_only_when_complete(claim: Claim, researcher: User) -> None:
    services.verdict_propose(claim=claim, by=researcher, rating=None, conclusion="")
    with pytest.raises(ValidationError, match="choose a rating; write the conclusion"):
        services.claim_submit(claim=claim, by=researcher)

    services.verdict_propose(claim=claim, by=researcher, rating=rating("false"), conclusion="No.")
    with pytest.raises(ValidationError, match="must rest on at least one piece of evidence"):
        services.claim_submit(claim=claim, by=researcher)

    services.verdict_propose(claim=claim, by=researcher, rating=rating("unproven"), conclusion="Nobody can tell.")
    services.claim_submit(claim=claim, by=researcher)
    assert fresh(claim).status == ClaimStatus.IN_REVIEW


def test_a_verdict_rests_only_on_its_own_claims_evidence(claim: Claim, researcher: User) -> None:
    other = factories.ClaimFactory()
    foreign = evidence_add(claim=other, source=factories.SourceFactory(), effect=Evidence.Effect.SUPPORTS)

    with pytest.raises(ValidationError) as refused:
        services.verdict_propose(
            claim=claim, by=researcher, rating=rating("true"), conclusion="Yes.", evidence=[foreign]
        )
    assert "evidence" in refused.value.message_dict


def test_steps_from_the_wrong_status_are_refused(claim: Claim, editor: User) -> None:
    with pytest.raises(ValidationError, match="A claim that is new cannot be published"):
        services.claim_publish(claim=claim, by=editor)
    with pytest.raises(ValidationError, match="cannot be sent back"):
        services.claim_send_back(claim=claim, by=editor, reason="Why not")
    with pytest.raises(ValidationError, match="Only a verdict in review can be approved"):
        services.verdict_approve(claim=claim, by=editor)
    assert fresh(claim).status == ClaimStatus.NEW


# ---------------------------------------------------------------------------------------------- dismissing


def test_dismissing_needs_a_reason_and_can_be_undone(claim: Claim, reviewer: User, editor: User) -> None:
    with pytest.raises(ValidationError):
        services.claim_dismiss(claim=claim, by=reviewer, reason="")

    services.claim_dismiss(claim=claim, by=reviewer, reason="An opinion, not a checkable fact.")
    assert fresh(claim).status == ClaimStatus.DISMISSED
    assert fresh(claim).comments.get().body == "An opinion, not a checkable fact."

    with pytest.raises(PermissionDenied):
        services.claim_reinstate(claim=claim, by=reviewer)
    services.claim_reinstate(claim=claim, by=editor)
    assert fresh(claim).status == ClaimStatus.NEW


def test_a_researcher_may_not_dismiss(claim: Claim, researcher: User) -> None:
    with pytest.raises(PermissionDenied):
        services.claim_dismiss(claim=claim, by=researcher, reason="Not interesting.")


# ---------------------------------------------------------------------------------------------- corrections


def published(claim: Claim, evidence: Evidence, researcher: User, reviewer: User, editor: User) -> Verdict:
    in_review(claim, evidence, researcher)
    services.verdict_approve(claim=claim, by=reviewer)
    return services.claim_publish(claim=claim, by=editor)


def test_a_correction_keeps_the_published_verdict_up_until_it_is_published(
    claim: Claim, evidence: Evidence, researcher: User, reviewer: User, second_reviewer: User, editor: User
) -> None:
    original = published(claim, evidence, researcher, reviewer, editor)

    with pytest.raises(ValidationError):
        services.claim_reopen(claim=claim, by=editor, reason="")
    correction = services.claim_reopen(claim=claim, by=editor, reason="The council voted after all, in April.")

    assert fresh(claim).status == ClaimStatus.IN_RESEARCH
    assert correction.corrects == original
    assert published_verdict(claim) == original, "readers still see the published verdict"

    services.verdict_propose(
        claim=claim, by=researcher, rating=rating("mostly-false"), conclusion="Voted in April.", evidence=[evidence]
    )
    services.claim_submit(claim=claim, by=researcher)
    services.verdict_approve(claim=claim, by=second_reviewer)
    services.claim_publish(claim=claim, by=editor)

    original.refresh_from_db()
    assert published_verdict(claim) == correction
    assert original.status == Verdict.Status.SUPERSEDED
    assert published_verdict(claim).rating == rating("mostly-false")  # type: ignore[union-attr]


def test_a_published_claim_keeps_its_wording(
    claim: Claim, evidence: Evidence, researcher: User, reviewer: User, editor: User
) -> None:
    published(claim, evidence, researcher, reviewer, editor)

    with pytest.raises(ValidationError) as refused:
        claim_update(claim=claim, text="The council approved the budget in April.")
    assert "reopen it" in str(refused.value.message_dict["text"])
    assert fresh(claim).text == "The council approved the bridge budget in March."


# ---------------------------------------------------------------------------------------------- conflicts


def test_a_stale_save_is_refused_with_what_changed(claim: Claim, editor: User, reviewer: User) -> None:
    opened_at = fresh(claim).version
    with pghistory.context(user=reviewer.pk):
        claim_update(claim=claim, text="The council approved the bridge budget in May.", expected_version=opened_at)

    with pytest.raises(services.ClaimConflict) as refused:
        claim_update(claim=claim, text="The council approved the bridge budget in June.", expected_version=opened_at)

    message = refused.value.messages[0]
    assert "changed by someone else" in message
    assert "bob" in message
    assert "in May" in message
    assert fresh(claim).text == "The council approved the bridge budget in May."


# ---------------------------------------------------------------------------------------------- assignment, queues


def test_assignment_and_the_desks_queues(
    claim: Claim, evidence: Evidence, researcher: User, reviewer: User, second_reviewer: User, editor: User
) -> None:
    late = factories.ClaimFactory(text="The bridge cost twice its budget.")
    yesterday = timezone.localdate() - timedelta(days=1)
    services.claim_assign(claim=late, assignee=researcher, due_on=yesterday, by=editor)
    services.claim_assign(claim=claim, assignee=researcher, due_on=None, by=reviewer)

    assert set(claims_assigned_to(researcher)) == {claim, late}
    assert list(claims_overdue()) == [late]

    in_review(claim, evidence, researcher)
    assert list(claims_awaiting_review_by(reviewer)) == [claim]
    assert list(claims_awaiting_review_by(researcher)) == [], "researchers do not review"
    services.verdict_approve(claim=claim, by=reviewer)
    assert list(claims_awaiting_review_by(reviewer)) == [], "approved this round: off bob's queue"
    assert list(claims_awaiting_review_by(second_reviewer)) == [claim]
    assert review_queue_counts(researcher)["mine"] == 2


def test_a_researcher_may_not_assign(claim: Claim, researcher: User, reviewer: User) -> None:
    with pytest.raises(PermissionDenied):
        services.claim_assign(claim=claim, assignee=reviewer, due_on=None, by=researcher)


# ---------------------------------------------------------------------------------------------- notifications


def test_the_new_assignee_is_mailed_after_the_commit(
    claim: Claim, researcher: User, editor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks() as queued:
        services.claim_assign(claim=claim, assignee=researcher, due_on=None, by=editor)
        assert mail.outbox == [], "nothing is sent before the commit"

    assert len(queued) == 1
    for callback in queued:
        callback()
    assert [message.to for message in mail.outbox] == [[researcher.email]]
    assert "Assigned to you" in mail.outbox[0].subject
    assert f"/admin/claims/claim/{claim.pk}/change/" in mail.outbox[0].body


def test_reviewers_hear_of_a_verdict_waiting_and_its_authors_of_changes_requested(
    claim: Claim,
    evidence: Evidence,
    researcher: User,
    reviewer: User,
    second_reviewer: User,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        in_review(claim, evidence, researcher)
    assert sorted(message.to[0] for message in mail.outbox) == sorted([reviewer.email, second_reviewer.email])
    assert all("Waiting for your review" in message.subject for message in mail.outbox)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_send_back(claim=claim, by=reviewer, reason="Which page of the minutes?")
    assert [message.to for message in mail.outbox] == [[researcher.email]]
    assert "Which page of the minutes?" in mail.outbox[0].body


def test_a_step_that_fails_sends_nothing(
    claim: Claim, researcher: User, editor: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    def assign_then_fail() -> None:
        with transaction.atomic():
            services.claim_assign(claim=claim, assignee=researcher, due_on=None, by=editor)
            raise RuntimeError("the request failed after the assignment")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        assign_then_fail()

    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_notification_is_sent_once_however_often_its_job_runs(claim: Claim, researcher: User, editor: User) -> None:
    services.claim_assign(claim=claim, assignee=researcher, due_on=None, by=editor)
    notification = Notification.objects.get()

    send_notification.apply(args=[notification.pk])
    send_notification.apply(args=[notification.pk])

    assert len(mail.outbox) == 1
    assert Notification.objects.get().sent_at is not None


# ---------------------------------------------------------------------------------------------- history


def test_the_history_shows_every_step_with_who_took_it(
    claim: Claim, evidence: Evidence, researcher: User, reviewer: User, editor: User
) -> None:
    with pghistory.context(user=researcher.pk):
        in_review(claim, evidence, researcher)
    with pghistory.context(user=reviewer.pk):
        services.verdict_approve(claim=claim, by=reviewer)
    with pghistory.context(user=editor.pk):
        services.claim_publish(claim=claim, by=editor)

    steps = [
        (entry.by, change.after)
        for entry in claim_history(claim)
        if entry.what.startswith("claim ")
        for change in entry.changes
        if change.field == "status" and change.before is not None
    ]
    assert steps == [("carol", "in_research"), ("carol", "in_review"), ("alice", "published")]
    approvals = [entry for entry in claim_history(claim) if entry.what.startswith("approval")]
    assert [entry.by for entry in approvals] == ["bob"]


def test_the_history_records_bulk_changes(claim: Claim, reviewer: User) -> None:
    others = [factories.ClaimFactory(text=f"The bridge opened in {month}.") for month in ("May", "June")]
    for other in others:
        factories.suggested_link(
            from_claim=claim, to_claim=other, relation="contradicts", detector="features-1", score=0.9, rationale="x"
        )

    Claim.objects.filter(pk=claim.pk).update(due_on=timezone.localdate())  # a bulk update, by a script
    with pghistory.context(user=reviewer.pk):
        links_decide(links=ClaimLink.objects.filter(from_claim=claim), status="rejected", by=reviewer)

    history = claim_history(claim)
    rejected = [entry for entry in history if entry.what.startswith("link") and entry.by == "bob"]
    assert [change.after for entry in rejected for change in entry.changes if change.field == "status"] == [
        "rejected",
        "rejected",
    ]
    bulk = [entry for entry in history if any(change.field == "due_on" for change in entry.changes)]
    assert len(bulk) == 1
    assert bulk[0].by == "unknown", "a change made outside Attest has no author, but is recorded"


def test_the_history_names_the_job_that_made_a_change(claim: Claim, settings) -> None:  # type: ignore[no-untyped-def]
    denial = factories.ClaimFactory(text="The council did not approve the bridge budget in March.")

    link_claim.apply(args=[denial.pk])

    made = [entry for entry in claim_history(claim) if entry.what.startswith("link")]
    assert made, "the linking job suggested the contradiction"
    assert {entry.by for entry in made} == {"job claims.tasks.link_claim"}


def test_an_e_mail_whose_job_was_lost_is_sent_by_the_periodic_job(
    claim: Claim,
    researcher: User,
    editor: User,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    services.claim_assign(claim=claim, assignee=researcher, due_on=None, by=editor)  # its job never ran
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=30))

    with django_capture_on_commit_callbacks(execute=True):  # a periodic job runs outside any transaction
        queued = send_owed_notifications.apply().get()

    assert queued == 1
    assert [message.to for message in mail.outbox] == [[researcher.email]]
    assert send_owed_notifications.apply().get() == 0, "sent once"
