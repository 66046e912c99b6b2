"""Reads of the review workflow: a claim's verdicts and approvals, the desk's queues, and the history of changes."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm
from pghistory.models import Events

from claims.models import Approval, Claim, ClaimLink, ClaimStatus, Comment, Verdict
from claims.rules import is_reviewer

CLOSED = (ClaimStatus.PUBLISHED, ClaimStatus.DISMISSED)


def draft_verdict(claim: Claim) -> Verdict | None:
    """The verdict being researched or reviewed, if any."""
    return Verdict.objects.select_related("rating").filter(claim=claim, status=Verdict.Status.DRAFT).first()


def published_verdict(claim: Claim) -> Verdict | None:
    """The verdict readers see, if the claim has one."""
    return (
        Verdict.objects.select_related("rating", "published_by")
        .filter(claim=claim, status=Verdict.Status.PUBLISHED)
        .first()
    )


def verdict_writers(verdict: Verdict) -> set[int]:
    """Who wrote or revised `verdict`: the people who cannot approve it."""
    writers = set(verdict.co_authors.values_list("pk", flat=True))
    return writers | {verdict.author_id} if verdict.author_id is not None else writers


def approvals_needed(*, claim: Claim, verdict: Verdict) -> int:
    """How many more approvals the verdict needs in its current round before it can be published."""
    required = claim.story.required_approvals if claim.story_id and claim.story else 1
    given = verdict.approvals.filter(round=verdict.round).count()
    return max(0, required - given)


def comment_threads(claim: Claim) -> list[tuple[int, list[tuple[Comment, int]]]]:
    """The claim's comments by review round, latest round first; within a round, each thread in the order
    it was written, every comment with its depth (0 for a comment, 1 for a reply to it, ...)."""
    comments = list(Comment.objects.filter(claim=claim).select_related("author").order_by("created_at", "pk"))
    replies: dict[int | None, list[Comment]] = {}
    for comment in comments:
        replies.setdefault(comment.parent_id, []).append(comment)
    rounds: dict[int, list[tuple[Comment, int]]] = {}

    def walk(comment: Comment, depth: int) -> None:
        rounds.setdefault(comment.round, []).append((comment, depth))
        for reply in replies.get(comment.pk, []):
            walk(reply, depth + 1)

    for comment in replies.get(None, []):
        walk(comment, 0)
    return sorted(rounds.items(), reverse=True)


# ---------------------------------------------------------------------------------------------- queues


def _open() -> Q:
    return ~Q(status__in=CLOSED)


def claims_assigned_to(user: User) -> QuerySet[Claim]:
    """The open claims `user` is working on, soonest due first."""
    return Claim.objects.filter(_open(), assignee=user).order_by("due_on", "pk")


def claims_awaiting_review_by(user: User) -> QuerySet[Claim]:
    """Claims in review that `user` may approve and has not yet: not their own verdicts, not approved this round."""
    if not is_reviewer(user):
        return Claim.objects.none()
    drafts = Verdict.objects.filter(claim=OuterRef("pk"), status=Verdict.Status.DRAFT)
    written = drafts.filter(Q(author=user) | Q(co_authors=user))
    approved = Approval.objects.filter(
        verdict__claim=OuterRef("pk"), verdict__status=Verdict.Status.DRAFT, reviewer=user
    ).filter(round=OuterRef("draft_round"))
    return (
        Claim.objects.filter(status=ClaimStatus.IN_REVIEW)
        .annotate(draft_round=Subquery(drafts.values("round")[:1]))
        .exclude(Exists(written))
        .exclude(Exists(approved))
        .order_by("due_on", "updated_at", "pk")
    )


def claims_overdue(today: date | None = None) -> QuerySet[Claim]:
    """Open claims past their due date, longest overdue first."""
    today = today or timezone.localdate()
    return Claim.objects.filter(_open(), due_on__lt=today).order_by("due_on", "pk")


def links_to_triage() -> QuerySet[ClaimLink]:
    return ClaimLink.objects.filter(status=ClaimLink.Status.SUGGESTED)


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    count: int
    url_query: str


QUEUES = {
    "mine": "Assigned to me",
    "review": "Waiting for my review",
    "overdue": "Overdue",
}


def queue_claims(slug: str, user: User) -> QuerySet[Claim]:
    """The claims of one of the desk's queues (see QUEUES)."""
    if slug == "mine":
        return claims_assigned_to(user)
    if slug == "review":
        return claims_awaiting_review_by(user)
    if slug == "overdue":
        return claims_overdue()
    raise ValueError(f"No queue called {slug!r}")


def review_queue_counts(user: User) -> dict[str, int]:
    """How many items wait in each of `user`'s queues, and how many suggested links wait for triage."""
    counts = {slug: queue_claims(slug, user).count() for slug in QUEUES}
    counts["links"] = links_to_triage().count()
    return counts


# ---------------------------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class Step:
    """A transition of a claim's review as the admin offers it: its service is `claims.review.services.<service>`."""

    name: str
    label: str
    needs_reason: bool


STEPS = (
    Step("start_research", "Start research", False),
    Step("resume_research", "Resume research", False),
    Step("submit_for_review", "Submit for review", False),
    Step("send_back", "Send back with changes", True),
    Step("publish", "Publish", False),
    Step("dismiss", "Dismiss as not check-worthy", True),
    Step("reinstate", "Reinstate", False),
    Step("reopen", "Reopen for a correction", True),
)


def steps_for(claim: Claim, user: User) -> list[Step]:
    """The steps of review `user` may take on `claim` now (approving is separate: see `may_approve`)."""
    return [
        step
        for step in STEPS
        if can_proceed(getattr(claim, step.name)) and has_transition_perm(getattr(claim, step.name), user)
    ]


def may_approve(claim: Claim, user: User, verdict: Verdict | None) -> bool:
    return (
        claim.status == ClaimStatus.IN_REVIEW
        and verdict is not None
        and bool(is_reviewer(user))
        and user.pk not in verdict_writers(verdict)
        and not verdict.approvals.filter(round=verdict.round, reviewer=user).exists()
    )


# ---------------------------------------------------------------------------------------------- history


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    by: str
    """The person, or the job, that made the change; "unknown" for a change made outside Attest."""
    what: str
    """What changed, e.g. "claim changed", "statement #12 created"."""
    changes: tuple[Change, ...]
    save: str | None = None
    """The request or job that made the change (pghistory's context), the same for every change it made."""


# Bookkeeping columns that say nothing to a reader.
_UNSHOWN = frozenset(
    {
        "updated_at",
        "created_at",
        "folded_text",
        "folded_quote",
        "version",
        # The support job's bookkeeping: a change of level is shown, the figures and wording behind it are not.
        "support_explanation",
        "support_score",
        "support_assessed_at",
    }
)
_KIND = {
    "claims.ClaimEvent": "claim",
    "claims.StatementEvent": "statement",
    "claims.EvidenceEvent": "evidence",
    "claims.ClaimLinkEvent": "link",
    "claims.VerdictEvent": "verdict",
    "claims.ApprovalEvent": "approval",
}


def claim_history(claim: Claim) -> list[HistoryEntry]:
    """Every recorded change to a claim and to its statements, evidence, links, verdicts and approvals, oldest first."""
    events = list(Events.objects.references(claim).order_by("pgh_created_at", "pgh_id"))
    verdicts = list(Verdict.objects.filter(claim=claim))
    if verdicts:
        events += list(Events.objects.references(verdicts).filter(pgh_model="claims.ApprovalEvent"))
    return _entries(events)


def object_history(obj: Any) -> list[HistoryEntry]:
    """Every recorded change to one statement, link, piece of evidence or verdict, oldest first."""
    return _entries(list(Events.objects.tracks(obj).order_by("pgh_created_at", "pgh_id")))


def _entries(events: list[Events]) -> list[HistoryEntry]:
    user_ids = {
        int(event.pgh_context["user"]) for event in events if event.pgh_context and event.pgh_context.get("user")
    }
    names = {user.pk: user.get_username() for user in User.objects.filter(pk__in=user_ids)}
    # Each change is read against the object's previous event: in the order of its event table's ids,
    # since every event of one transaction carries the same timestamp.
    previous: dict[tuple[str, str], dict[str, Any]] = {}
    entries: list[tuple[tuple[datetime, int], HistoryEntry]] = []
    for event in sorted(events, key=lambda event: (event.pgh_model, event.pgh_id)):
        key = (event.pgh_obj_model, str(event.pgh_obj_id))
        before = previous.get(key, {})
        data = event.pgh_data or {}
        previous[key] = data
        changes = tuple(
            Change(field, before.get(field), value)
            for field, value in data.items()
            if field not in _UNSHOWN
            and not field.startswith("pgh_")
            and (event.pgh_label != "created" or value not in (None, "", [], {}))
            and before.get(field) != value
        )
        if event.pgh_label == "changed" and not changes:
            continue  # only bookkeeping changed, e.g. the version an approval counts
        kind = _KIND.get(event.pgh_model, event.pgh_model)
        entry = HistoryEntry(
            at=event.pgh_created_at,
            by=_author(event.pgh_context, names),
            what=f"{kind} #{event.pgh_obj_id} {event.pgh_label}",
            changes=changes if event.pgh_label != "deleted" else (),
            save=str(event.pgh_context_id) if event.pgh_context_id else None,
        )
        entries.append(((event.pgh_created_at, event.pgh_id), entry))
    return [entry for _, entry in sorted(entries, key=lambda item: item[0])]


def _author(context: dict[str, Any] | None, names: dict[int, str]) -> str:
    if not context:
        return "unknown"
    if context.get("user"):
        return names.get(int(context["user"]), f"user #{context['user']}")
    if context.get("job"):
        return f"job {context['job']}"
    if context.get("command"):
        return f"command {context['command']}"
    return "unknown"


def changes_since(*, claim: Claim, version: int) -> str:
    """Who changed what on `claim` after `version`, in a sentence: what a second editor needs to know.

    The claim's page saves its statements, evidence and links with it, so their changes since are listed too.
    """
    events = list(
        Events.objects.tracks(claim).filter(pgh_model="claims.ClaimEvent").order_by("pgh_created_at", "pgh_id")
    )
    later = [event for event in events if (event.pgh_data or {}).get("version", 0) > version]
    if not later:
        return "it was saved again"
    # What the saves since `version` changed, on the claim and on the statements, evidence and links saved with it.
    saves = {str(event.pgh_context_id) if event.pgh_context_id else None for event in later}
    since = later[0].pgh_created_at
    entries = [entry for entry in claim_history(claim) if entry.at >= since and entry.save in saves]
    parts = []
    for entry in entries:
        shown = "; ".join(f"{change.field}: “{change.before}” → “{change.after}”" for change in entry.changes)
        what = "" if entry.what.startswith("claim #") else f"{entry.what}: "
        parts.append(
            f"{entry.by} at {timezone.localtime(entry.at):%H:%M}" + (f" ({what}{shown})" if what or shown else "")
        )
    if not parts:
        # Saved with nothing a reader sees changed, only its version: say who saved it, and when.
        saved = _entries(later[-1:])[0]
        return f"{saved.by} saved it at {timezone.localtime(saved.at):%H:%M}, changing nothing it shows"
    return ", then ".join(parts)
