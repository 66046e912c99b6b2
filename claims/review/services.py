"""Every write of the review workflow: taking a claim from new to a published verdict, and back for a correction.

Each step locks the claim's row, checks that the claim is where the step starts
and that the person may take it (`rules`, claims.rules), does its work and
counts a new version of the claim. What a step owes to others (an e-mail to the
assignee, the reviewers, the authors) is queued to be sent after the commit.
Refusals are exceptions a page or the API can show as they are:
`PermissionDenied` for the wrong role, `ValidationError` for anything else.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from claims.models import Approval, Claim, ClaimStatus, Comment, Evidence, Rating, Verdict
from claims.review.notifications import notify_assigned, notify_review_requested, notify_sent_back
from claims.review.selectors import approvals_needed, changes_since, draft_verdict, verdict_writers
from claims.webhooks import verdict_published_announce
from core.exceptions import answered_with
from core.validation import save_validated, update_validated
from sources.models import Source

# Where a draft verdict may still be written: once submitted it waits, unchanged, for its reviewers.
WRITABLE = (ClaimStatus.NEW, ClaimStatus.IN_RESEARCH, ClaimStatus.NEEDS_CHANGES)
OPEN = (ClaimStatus.NEW, ClaimStatus.IN_RESEARCH, ClaimStatus.IN_REVIEW, ClaimStatus.NEEDS_CHANGES)


@answered_with(409)
class ClaimConflict(ValidationError):
    """Someone else saved the claim since the caller read it; nothing was written."""


def claim_locked(*, claim: Claim | int, expected_version: int | None = None) -> Claim:
    """The claim's row as it is now, locked until the transaction ends.

    With `expected_version`, refuses with ClaimConflict when the claim was saved since that version,
    saying who changed what, so a second editor is never silently overwritten.
    """
    pk = claim if isinstance(claim, int) else claim.pk
    locked = Claim.objects.select_for_update(of=("self",)).select_related("story").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        changes = changes_since(claim=locked, version=expected_version)
        raise ClaimConflict(
            "This claim was changed by someone else while you were working on it, so your changes were not "
            f"saved. Since you opened it: {changes}. Look at the claim as it is now and make your change again."
        )
    return locked


def _saved(claim: Claim, *fields: str) -> Claim:
    claim.version += 1
    claim.save(update_fields=[*fields, "version", "updated_at"])
    return claim


def _take_step(claim: Claim, step: str, by: User, verb: str) -> None:
    """Move `claim` by its transition method `step`, if it stands where the step starts and `by` may take it."""
    method = getattr(claim, step)
    if not can_proceed(method):
        raise ValidationError(f"A claim that is {claim.get_status_display().lower()} cannot be {verb}.")
    if not has_transition_perm(method, by):
        raise PermissionDenied(f"Your role does not allow you to {step.replace('_', ' ')} a claim.")
    method()


def _require(by: User, permission: str, doing: str) -> None:
    if not by.has_perm(permission):
        raise PermissionDenied(f"Your role does not allow you to {doing}.")


def _reason(reason: str, why: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": f"Say why {why}: the researcher and the history need it."})
    return reason


@transaction.atomic
def claim_assign(
    *, claim: Claim, assignee: User | None, due_on: date | None, by: User, expected_version: int | None = None
) -> Claim:
    """Give a claim to someone to work on, with a due date; the new assignee hears of it by e-mail."""
    _require(by, "claims.assign_claim", "assign claims")
    claim = claim_locked(claim=claim, expected_version=expected_version)
    if assignee is not None and not assignee.is_active:
        raise ValidationError({"assignee": f"{assignee} has no active account."})
    changed_hands = assignee is not None and assignee.pk != claim.assignee_id
    claim.assignee, claim.due_on = assignee, due_on
    _saved(claim, "assignee", "due_on")
    if changed_hands and assignee is not None and assignee.pk != by.pk:
        notify_assigned(claim=claim, assignee=assignee, by=by)
    return claim


@transaction.atomic
def claim_research_start(*, claim: Claim, by: User, expected_version: int | None = None) -> Claim:
    """Take up a new claim; it is assigned to whoever takes it up, unless it already has an assignee."""
    claim = claim_locked(claim=claim, expected_version=expected_version)
    _take_step(claim, "start_research", by, "taken up")
    if claim.assignee_id is None:
        claim.assignee = by
    return _saved(claim, "status", "assignee")


@transaction.atomic
def verdict_propose(
    *,
    claim: Claim,
    by: User,
    rating: Rating | None,
    conclusion: str,
    evidence: Iterable[Evidence] = (),
) -> Verdict:
    """Write or revise the claim's draft verdict: its rating, conclusion and the evidence it rests on.

    A new claim is taken up on the way. Whoever writes or revises a draft counts as its author,
    and so cannot approve it.
    """
    _require(by, "claims.write_verdict", "write verdicts")
    claim = claim_locked(claim=claim)
    if claim.status == ClaimStatus.NEW:
        _take_step(claim, "start_research", by, "taken up")
        claim.assignee = claim.assignee or by
        _saved(claim, "status", "assignee")
    if claim.status not in WRITABLE:
        raise ValidationError(
            f"The verdict of a claim that is {claim.get_status_display().lower()} cannot be changed"
            + (": send it back to research first." if claim.status == ClaimStatus.IN_REVIEW else ".")
        )
    if rating is not None and not rating.active:
        raise ValidationError({"rating": f"“{rating}” is no longer on the scale; choose another rating."})
    evidence = list(evidence)
    foreign = [item for item in evidence if item.claim_id != claim.pk]
    if foreign:
        raise ValidationError({"evidence": "A verdict can rest only on the evidence recorded for its own claim."})
    verdict = draft_verdict(claim)
    if verdict is None:
        verdict = Verdict(claim=claim, author=by)
    verdict.rating, verdict.conclusion = rating, conclusion.strip()
    save_validated(verdict)
    verdict.evidence.set(evidence)
    if by.pk != verdict.author_id:
        verdict.co_authors.add(by)
    return verdict


@transaction.atomic
def claim_submit(*, claim: Claim, by: User, expected_version: int | None = None) -> Claim:
    """Put the draft verdict before reviewers, opening a new review round; the reviewers hear of it."""
    claim = claim_locked(claim=claim, expected_version=expected_version)
    _take_step(claim, "submit_for_review", by, "submitted for review")
    verdict = draft_verdict(claim)
    problems = _incomplete(verdict)
    if problems:
        raise ValidationError(f"The verdict is not ready for review: {'; '.join(problems)}.")
    assert verdict is not None
    verdict.round += 1
    verdict.submitted_at = timezone.now()
    verdict.save(update_fields=["round", "submitted_at", "updated_at"])
    _saved(claim, "status")
    notify_review_requested(claim=claim, verdict=verdict, by=by)
    return claim


def _incomplete(verdict: Verdict | None) -> list[str]:
    if verdict is None:
        return ["it has not been written"]
    problems = []
    if verdict.rating is None:
        problems.append("choose a rating")
    if not verdict.conclusion:
        problems.append("write the conclusion")
    if verdict.rating is not None and verdict.rating.requires_evidence and not verdict.evidence.exists():
        problems.append(f"a verdict of “{verdict.rating}” must rest on at least one piece of evidence")
    return problems


@transaction.atomic
def claim_send_back(*, claim: Claim, by: User, reason: str, expected_version: int | None = None) -> Comment:
    """A reviewer returns the verdict to research, saying what must change; its authors hear of it."""
    reason = _reason(reason, "the verdict needs changes")
    claim = claim_locked(claim=claim, expected_version=expected_version)
    _take_step(claim, "send_back", by, "sent back")
    verdict = draft_verdict(claim)
    assert verdict is not None  # a claim in review has its draft
    _saved(claim, "status")
    comment = save_validated(
        Comment(claim=claim, round=verdict.round, author=by, kind=Comment.Kind.CHANGES_REQUESTED, body=reason)
    )
    notify_sent_back(claim=claim, verdict=verdict, by=by, reason=reason)
    return comment


@transaction.atomic
def claim_research_resume(*, claim: Claim, by: User, expected_version: int | None = None) -> Claim:
    """Take a sent-back claim up again (revising its verdict does this too)."""
    claim = claim_locked(claim=claim, expected_version=expected_version)
    _take_step(claim, "resume_research", by, "taken up again")
    return _saved(claim, "status")


@transaction.atomic
def verdict_approve(*, claim: Claim, by: User, note: str = "") -> Approval:
    """A reviewer approves the verdict in review; nobody who wrote or revised it may."""
    _require(by, "claims.review_claim", "approve verdicts")
    claim = claim_locked(claim=claim)
    if claim.status != ClaimStatus.IN_REVIEW:
        raise ValidationError(f"Only a verdict in review can be approved; this claim is {claim.get_status_display()}.")
    verdict = draft_verdict(claim)
    assert verdict is not None
    if by.pk in verdict_writers(verdict):
        raise PermissionDenied("You wrote or revised this verdict, so someone else must approve it.")
    if verdict.approvals.filter(round=verdict.round, reviewer=by).exists():
        raise ValidationError("You have already approved this verdict in this round.")
    try:
        with transaction.atomic():
            approval = Approval.objects.create(verdict=verdict, round=verdict.round, reviewer=by)
    except IntegrityError as error:
        # A second approval by the same person in the same moment: one stands.
        raise ValidationError("You have already approved this verdict in this round.") from error
    if note.strip():
        save_validated(
            Comment(claim=claim, round=verdict.round, author=by, kind=Comment.Kind.APPROVAL, body=note.strip())
        )
    _saved(claim)
    return approval


@transaction.atomic
def claim_publish(*, claim: Claim, by: User, expected_version: int | None = None) -> Verdict:
    """An editor publishes the approved verdict; a correction takes the place of the verdict it corrects.

    API clients' webhooks are told (claim.published, or verdict.changed for a correction) once this commits.
    """
    claim = claim_locked(claim=claim, expected_version=expected_version)
    _take_step(claim, "publish", by, "published")
    verdict = draft_verdict(claim)
    assert verdict is not None
    missing = approvals_needed(claim=claim, verdict=verdict)
    if missing:
        raise ValidationError(
            f"The verdict needs {missing} more approval{'s' if missing != 1 else ''} in this round before it "
            "can be published."
        )
    now = timezone.now()
    replaced = Verdict.objects.filter(claim=claim, status=Verdict.Status.PUBLISHED).select_related("rating").first()
    # The verdict readers see is replaced in one transaction: never none, never two.
    Verdict.objects.filter(claim=claim, status=Verdict.Status.PUBLISHED).update(
        status=Verdict.Status.SUPERSEDED, updated_at=now
    )
    verdict.status, verdict.published_at, verdict.published_by = Verdict.Status.PUBLISHED, now, by
    save_validated(verdict)
    _saved(claim, "status")
    verdict_published_announce(verdict=verdict, replaced=replaced)
    return verdict


@dataclass(frozen=True)
class ImportedVerdict:
    """Another fact-checker's verdict as their review gives it: the rating on this deployment's scale and in
    their words, their conclusion, and when they published it (None when the review gives no date)."""

    rating: Rating
    rating_name: str
    conclusion: str
    published_at: datetime | None

    def fields(self) -> dict[str, object]:
        """The verdict's fields that the review sets, whenever it is imported."""
        return {"rating": self.rating, "imported_rating": self.rating_name[:200], "conclusion": self.conclusion.strip()}


@transaction.atomic
def verdict_import_publish(
    *, claim: Claim, source: Source, imported: ImportedVerdict, by: User | None
) -> tuple[Verdict, bool]:
    """Publish another fact-checker's verdict on `claim`, read from their review page `source`, or bring the
    one imported from that page up to date: (verdict, whether anything changed).

    The verdict did not pass this desk's review, and says so: it names the review it comes from, and whoever
    ran the import as its publisher (nobody, for a job). A new claim is published on the way. Without a
    `published_at` (the review gave no date), a new verdict is dated now and an imported one keeps its date.
    """
    if by is not None:
        _require(by, "claims.publish_claim", "publish imported verdicts")
    claim = claim_locked(claim=claim)
    verdict = _imported_from(source, claim)
    if verdict is not None:
        return _imported_refresh(verdict, imported)
    if claim.verdicts.filter(status=Verdict.Status.PUBLISHED).exists():
        raise ValidationError({"claim": f"Claim #{claim.pk} already has a published verdict."})
    if claim.status == ClaimStatus.NEW:
        claim.publish_imported()
        _saved(claim, "status")
    elif claim.status != ClaimStatus.PUBLISHED:
        raise ValidationError(
            {"claim": f"Claim #{claim.pk} is {claim.get_status_display().lower()} at this desk; nothing was imported."}
        )
    verdict = Verdict(claim=claim, status=Verdict.Status.PUBLISHED, author=by, published_by=by, imported_from=source)
    return _imported_refresh(verdict, imported)


@transaction.atomic
def verdict_import_receive(
    *, claim: Claim, source: Source, imported: ImportedVerdict, by: User | None
) -> tuple[Verdict, bool]:
    """Keep another fact-checker's verdict on a claim this desk already has, read from their review page
    `source`, beside the claim's own verdicts; or bring the one received from that page up to date:
    (verdict, whether anything changed).

    Readers never see a received verdict: the claim keeps its status and its published verdict, if it has one.
    """
    if by is not None:
        _require(by, "claims.write_verdict", "record other fact-checkers' verdicts")
    claim = claim_locked(claim=claim)  # one import at a time per claim
    verdict = _imported_from(source, claim)
    if verdict is None:
        verdict = Verdict(claim=claim, status=Verdict.Status.RECEIVED, author=by, imported_from=source)
    return _imported_refresh(verdict, imported)


def _imported_from(source: Source, claim: Claim) -> Verdict | None:
    """The verdict already imported from the review page `source`, which must be `claim`'s."""
    verdict = Verdict.objects.filter(imported_from=source).first()
    if verdict is not None and verdict.claim_id != claim.pk:
        raise ValidationError({"imported_from": f"This review is already imported for claim #{verdict.claim_id}."})
    return verdict


def _imported_refresh(verdict: Verdict, imported: ImportedVerdict) -> tuple[Verdict, bool]:
    """Save a new imported verdict, dated now if the review gives no date, or bring a stored one up to date."""
    if verdict.pk is None:
        for name, value in imported.fields().items():
            setattr(verdict, name, value)
        verdict.published_at = imported.published_at or timezone.now()
        return save_validated(verdict), True
    stale = {name: value for name, value in imported.fields().items() if getattr(verdict, name) != value}
    if imported.published_at is not None and verdict.published_at != imported.published_at:
        stale["published_at"] = imported.published_at
    if not stale:
        return verdict, False
    return update_validated(verdict, stale), True


@transaction.atomic
def claim_dismiss(*, claim: Claim, by: User, reason: str, expected_version: int | None = None) -> Comment:
    """Set a claim aside as not check-worthy, saying why."""
    reason = _reason(reason, "the claim is not worth checking")
    claim = claim_locked(claim=claim, expected_version=expected_version)
    _take_step(claim, "dismiss", by, "dismissed")
    verdict = draft_verdict(claim)
    _saved(claim, "status")
    return save_validated(
        Comment(claim=claim, round=verdict.round if verdict else 0, author=by, kind=Comment.Kind.DISMISSAL, body=reason)
    )


@transaction.atomic
def claim_reinstate(*, claim: Claim, by: User, expected_version: int | None = None) -> Claim:
    """Bring a dismissed claim back to new."""
    claim = claim_locked(claim=claim, expected_version=expected_version)
    _take_step(claim, "reinstate", by, "reinstated")
    return _saved(claim, "status")


@transaction.atomic
def claim_reopen(*, claim: Claim, by: User, reason: str, expected_version: int | None = None) -> Verdict:
    """Reopen a published claim for a correction: a new draft, starting from the published verdict, which
    stays what readers see until the correction is published."""
    reason = _reason(reason, "the published verdict needs a correction")
    claim = claim_locked(claim=claim, expected_version=expected_version)
    _take_step(claim, "reopen", by, "reopened")
    published = Verdict.objects.get(claim=claim, status=Verdict.Status.PUBLISHED)
    correction = save_validated(
        Verdict(claim=claim, author=by, rating=published.rating, conclusion=published.conclusion, corrects=published)
    )
    correction.evidence.set(published.evidence.all())
    _saved(claim, "status")
    save_validated(
        Comment(claim=claim, round=0, author=by, kind=Comment.Kind.NOTE, body=f"Reopened for a correction: {reason}")
    )
    return correction


@transaction.atomic
def comment_add(*, claim: Claim, by: User, body: str, parent: Comment | None = None) -> Comment:
    """A remark on a claim, in its current review round, or a reply in the thread of an earlier one."""
    _require(by, "claims.comment_claim", "comment on claims")
    body = body.strip()
    if not body:
        raise ValidationError({"body": "Write the comment."})
    if parent is not None and parent.claim_id != claim.pk:
        raise ValidationError({"parent": "A reply belongs to the same claim as the comment it answers."})
    verdict = draft_verdict(claim)
    round_ = parent.round if parent is not None else (verdict.round if verdict else 0)
    return save_validated(Comment(claim=claim, round=round_, author=by, body=body, parent=parent))
