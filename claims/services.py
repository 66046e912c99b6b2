"""Every write to stories, claims, statements, evidence and links."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from claims.models import Claim, ClaimLink, ClaimStatus, Evidence, Ingestion, ReviewStatus, Stance, Statement, Story
from claims.review.services import claim_locked
from claims.support.services import support_queue, support_queue_for_actors
from claims.webhooks import link_confirmed_announce
from core.jobs import job_enqueue
from core.roles import editorial_groups_sync
from core.validation import save_validated, update_validated
from sources.models import Actor, ActorAlias, Source

# A verdict is about these words: while reviewers judge it, and once it is published, they stay as they are.
FROZEN_WORDING = (ClaimStatus.IN_REVIEW, ClaimStatus.PUBLISHED)


@transaction.atomic
def story_create(*, title: str, slug: str = "", summary: str = "", occurred_on: date | None = None) -> Story:
    """Open a story: the news event that groups claims."""
    return save_validated(
        Story(title=title, slug=slug or slugify(title)[:100], summary=summary, occurred_on=occurred_on)
    )


@transaction.atomic
def story_update(*, story: Story, **changes: Any) -> Story:
    """Change a story's title, slug, summary or date."""
    return update_validated(story, changes)


@transaction.atomic
def claim_create(
    *,
    text: str,
    story: Story | None = None,
    about: Iterable[Actor] = (),
    created_by: User | None = None,
    review_status: str = ReviewStatus.ACCEPTED,
) -> Claim:
    """Record a checkable proposition; refused when the story already has the same claim."""
    claim = save_validated(Claim(text=text, story=story, created_by=created_by, review_status=review_status))
    claim.about.set(list(about))
    linking_queue(claim=claim)
    support_queue(claim_ids=[claim.pk], with_linked=False)
    return claim


@transaction.atomic
def claim_update(
    *, claim: Claim, about: Iterable[Actor] | None = None, expected_version: int | None = None, **changes: Any
) -> Claim:
    """Reword a claim, move it to another story, or change whom it is about.

    With `expected_version` (the version the editor started from), a claim saved by someone else
    since is refused with ClaimConflict rather than overwritten.
    """
    claim = claim_locked(claim=claim, expected_version=expected_version)
    if "text" in changes and " ".join(str(changes["text"]).split()) != claim.text and claim.status in FROZEN_WORDING:
        raise ValidationError(
            {"text": f"A claim {claim.get_status_display().lower()} keeps its wording: reopen it to reword it."}
        )
    claim = update_validated(claim, {**changes, "version": claim.version + 1})
    if about is not None:
        claim.about.set(list(about))
    linking_queue(claim=claim)
    # The claims linked to this one quote its wording in their explanations.
    support_queue(claim_ids=[claim.pk])
    return claim


@transaction.atomic
def statement_record(
    *,
    claim: Claim,
    speaker: Actor,
    source: Source,
    quote: str = "",
    span: tuple[int, int] | None = None,
    stance: str = Stance.ASSERTS,
    kind: str = Statement.Kind.INDIRECT,
    cue: str = "",
    said_on: date | None = None,
    via_source: Source | None = None,
    via_statement: Statement | None = None,
    created_by: User | None = None,
    review_status: str = ReviewStatus.ACCEPTED,
    ingestion: Ingestion | None = None,
    suggestion_reason: str = "",
) -> Statement:
    """Record that `speaker` asserted, denied or questioned `claim` in `source`.

    The quote must be the source's text at `span`; without a span it is
    located in the text, and must occur there exactly once.
    """
    span_start, span_end = span if span is not None else (None, None)
    statement = save_validated(
        Statement(
            claim=claim,
            speaker=speaker,
            source=source,
            quote=quote,
            span_start=span_start,
            span_end=span_end,
            stance=stance,
            kind=kind,
            cue=cue,
            said_on=said_on,
            via_source=via_source,
            via_statement=via_statement,
            created_by=created_by,
            review_status=review_status,
            ingestion=ingestion,
            suggestion_reason=suggestion_reason,
        )
    )
    linking_queue(claim=claim)
    support_queue(claim_ids=[claim.pk])
    return statement


@transaction.atomic
def statement_update(*, statement: Statement, **changes: Any) -> Statement:
    """Correct a statement: its speaker, stance, kind, cue, span or channel, or the claim it states."""
    before = _stored_claim_ids(Statement, statement.pk, "claim_id")
    statement = update_validated(statement, changes)
    linking_queue(claim=statement.claim)
    support_queue(claim_ids=[*before, statement.claim_id])
    return statement


def _stored_claim_ids(model: type[Statement | Evidence | ClaimLink], pk: int | None, *fields: str) -> list[int]:
    """The claims a row points to as stored, before a change to it: moving it away changes their support too."""
    if pk is None:
        return []
    return [claim_id for row in model.objects.filter(pk=pk).values_list(*fields) for claim_id in row]


@transaction.atomic
def statements_delete(*, statements: Iterable[Statement]) -> None:
    """Delete statements; the claims they stated are assessed again."""
    _delete_and_reassess(Statement.objects.filter(pk__in=[statement.pk for statement in statements]), "claim_id")


@transaction.atomic
def evidence_delete(*, evidence: Iterable[Evidence]) -> None:
    """Remove evidence from its claims, which are assessed again."""
    _delete_and_reassess(Evidence.objects.filter(pk__in=[item.pk for item in evidence]), "claim_id")


@transaction.atomic
def links_delete(*, links: Iterable[ClaimLink]) -> None:
    """Delete links; both claims of each are assessed again."""
    rows = ClaimLink.objects.filter(pk__in=[link.pk for link in links])
    _delete_and_reassess(rows, "from_claim_id", "to_claim_id", with_linked=False)


@transaction.atomic
def claims_delete(*, claims: Iterable[Claim]) -> None:
    """Delete claims, with their evidence and links; the claims they were linked to are assessed again."""
    ids = {claim.pk for claim in claims}
    links = ClaimLink.objects.filter(Q(from_claim_id__in=ids) | Q(to_claim_id__in=ids))
    neighbours = {pk for pair in links.values_list("from_claim_id", "to_claim_id") for pk in pair} - ids
    Claim.objects.filter(pk__in=ids).delete()
    support_queue(claim_ids=neighbours, with_linked=False)


def _delete_and_reassess(rows: QuerySet[Any], *claim_fields: str, with_linked: bool = True) -> None:
    claim_ids = [claim_id for row in rows.values_list(*claim_fields) for claim_id in row]
    rows.delete()
    support_queue(claim_ids=claim_ids, with_linked=with_linked)


def linking_queue(*, claim: Claim) -> None:
    """Queue the linking job for `claim` once the transaction commits; the job is safe to run repeatedly."""
    if not settings.ATTEST_LINK_ON_SAVE:
        return
    job_enqueue("claims.tasks.link_claim", claim.pk)


@transaction.atomic
def evidence_add(
    *,
    claim: Claim,
    source: Source,
    effect: str,
    strength: int = Evidence.Strength.MODERATE,
    quote: str = "",
    span: tuple[int, int] | None = None,
    note: str = "",
    added_by: User | None = None,
) -> Evidence:
    """Attach a source, or a passage of it, that supports or refutes `claim`."""
    span_start, span_end = span if span is not None else (None, None)
    evidence = save_validated(
        Evidence(
            claim=claim,
            source=source,
            effect=effect,
            strength=strength,
            quote=quote,
            span_start=span_start,
            span_end=span_end,
            note=note,
            added_by=added_by,
        )
    )
    support_queue(claim_ids=[claim.pk])
    return evidence


@transaction.atomic
def evidence_update(*, evidence: Evidence, **changes: Any) -> Evidence:
    """Change a piece of evidence's effect, strength, source, passage or note."""
    before = _stored_claim_ids(Evidence, evidence.pk, "claim_id")
    evidence = update_validated(evidence, changes)
    support_queue(claim_ids=[*before, evidence.claim_id])
    return evidence


@transaction.atomic
def link_draw(
    *,
    from_claim: Claim,
    to_claim: Claim,
    relation: str,
    rationale: str = "",
    drawn_by: User | None = None,
) -> ClaimLink:
    """An editor's own link between two claims: confirmed as it is drawn (webhooks hear of it as link.confirmed)."""
    now = timezone.now()
    link = save_validated(
        ClaimLink(
            from_claim=from_claim,
            to_claim=to_claim,
            relation=relation,
            origin=ClaimLink.Origin.PERSON,
            status=ClaimLink.Status.CONFIRMED,
            rationale=rationale,
            created_by=drawn_by,
            decided_by=drawn_by,
            decided_at=now,
        )
    )
    support_queue(claim_ids=[from_claim.pk, to_claim.pk], with_linked=False)
    link_confirmed_announce(link=link)
    return link


@dataclass(frozen=True)
class LinkSuggestion:
    """What a detector found between two claims."""

    from_claim_id: int
    to_claim_id: int
    relation: str
    score: float
    rationale: str


@transaction.atomic
def links_suggest(*, suggestions: Sequence[LinkSuggestion], detector: str) -> int:
    """A detector's suggestions in one insert; a pair and relation already linked is left as it is.

    The linking job writes many links a claim: validating each in Python cost two dozen queries a
    link, so this relies on the database's own constraints, which refuse anything invalid, and on
    its unique index, which makes a repeated suggestion a no-op.
    """
    rows = [
        ClaimLink(
            from_claim_id=suggestion.from_claim_id,
            to_claim_id=suggestion.to_claim_id,
            relation=suggestion.relation,
            origin=ClaimLink.Origin.DETECTOR,
            detector=detector,
            status=ClaimLink.Status.SUGGESTED,
            score=suggestion.score,
            rationale=suggestion.rationale,
        )
        for suggestion in suggestions
    ]
    if not rows:
        return 0
    claim_ids = {suggestion.from_claim_id for suggestion in suggestions}
    involved = ClaimLink.objects.filter(Q(from_claim_id__in=claim_ids) | Q(to_claim_id__in=claim_ids))
    before = involved.count()
    ClaimLink.objects.bulk_create(rows, ignore_conflicts=True)
    added = involved.count() - before
    if added:
        support_queue(claim_ids=claim_ids | {suggestion.to_claim_id for suggestion in suggestions}, with_linked=False)
    return added


@transaction.atomic
def link_update(*, link: ClaimLink, **changes: Any) -> ClaimLink:
    """Change a link's claims, relation or rationale."""
    before = _stored_claim_ids(ClaimLink, link.pk, "from_claim_id", "to_claim_id")
    link = update_validated(link, changes)
    support_queue(claim_ids=[*before, link.from_claim_id, link.to_claim_id], with_linked=False)
    return link


def link_confirm(*, link: ClaimLink, by: User) -> ClaimLink:
    """A reviewer accepts a link; API clients' webhooks hear of it (link.confirmed) once it commits."""
    return _link_decide(link, ClaimLink.Status.CONFIRMED, by)[0]


def link_reject(*, link: ClaimLink, by: User) -> ClaimLink:
    """A reviewer turns a link down; it stays, rejected, so it is not suggested again."""
    return _link_decide(link, ClaimLink.Status.REJECTED, by)[0]


@transaction.atomic
def _link_decide(link: ClaimLink, status: str, by: User) -> tuple[ClaimLink, bool]:
    # Decide on the row as it is now, not as the caller last read it: a
    # decision another reviewer made meanwhile is kept, not overwritten.
    link = ClaimLink.objects.select_for_update().get(pk=link.pk)
    if link.status == status:
        return link, False
    link = update_validated(link, {"status": status, "decided_by": by, "decided_at": timezone.now()})
    support_queue(claim_ids=[link.from_claim_id, link.to_claim_id], with_linked=False)
    if status == ClaimLink.Status.CONFIRMED:
        link_confirmed_announce(link=link)
    return link, True


@transaction.atomic
def links_decide(*, links: Iterable[ClaimLink], status: str, by: User) -> int:
    """Confirm or reject several links at once; returns how many changed."""
    if status not in (ClaimLink.Status.CONFIRMED, ClaimLink.Status.REJECTED):
        raise ValueError(f"A decision is confirmed or rejected, not {status!r}.")
    # In primary-key order, so two reviewers deciding overlapping selections cannot deadlock.
    return sum(_link_decide(link, status, by)[1] for link in sorted(links, key=lambda link: link.pk))


@transaction.atomic
def actor_merge(*, target: Actor, merged: Sequence[Actor]) -> Actor:
    """Fold `merged` actors into `target`: their aliases, statements, affiliations and mentions move over."""
    merged = [actor for actor in merged if actor.pk != target.pk]
    if not merged:
        raise ValidationError("Choose at least one actor other than the one kept.")
    # Lock every row involved in primary-key order, so two merges over
    # overlapping actors wait for each other instead of deadlocking.
    ids = sorted([target.pk, *(actor.pk for actor in merged)])
    list(Actor.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    merged_ids = [actor.pk for actor in merged]
    # Read before the move: afterwards, only the target names who spoke.
    support_queue_for_actors(actor_ids=[target.pk, *merged_ids])

    _statements_move(merged_ids, target)
    Actor.objects.filter(affiliation_id__in=merged_ids).exclude(pk=target.pk).update(affiliation=target)
    for claim in Claim.objects.filter(about__in=merged_ids).distinct():
        claim.about.add(target)
    Claim.about.through.objects.filter(actor_id__in=merged_ids).delete()

    known = {name.lower() for name in target.aliases.values_list("name", flat=True)}
    for alias in ActorAlias.objects.filter(actor_id__in=merged_ids).order_by("pk"):
        if alias.name.lower() not in known:
            known.add(alias.name.lower())
            ActorAlias.objects.filter(pk=alias.pk).update(actor=target)
    for actor in merged:
        if not target.description and actor.description:
            target.description = actor.description
        if not target.wikidata_id and actor.wikidata_id:
            target.wikidata_id = actor.wikidata_id
            Actor.objects.filter(pk=actor.pk).update(wikidata_id=None)
    if target.affiliation_id in merged_ids:
        target.affiliation = None
    Actor.objects.filter(pk__in=merged_ids).delete()
    return save_validated(target)


def _statements_move(from_ids: list[int], target: Actor) -> None:
    # A statement the target already has (same claim, source and span) is the
    # same attribution recorded twice: keep the target's, and repoint what
    # relayed the duplicate before removing it.
    for statement in Statement.objects.filter(speaker_id__in=from_ids).order_by("pk"):
        kept = Statement.objects.filter(
            speaker=target,
            claim_id=statement.claim_id,
            source_id=statement.source_id,
            span_start=statement.span_start,
            span_end=statement.span_end,
        ).first()
        if kept is None:
            Statement.objects.filter(pk=statement.pk).update(speaker=target)
        else:
            Statement.objects.filter(via_statement=statement).update(via_statement=kept)
            statement.delete()


@transaction.atomic
def demo_accounts_ensure() -> list[tuple[str, str, str]]:
    """Staff accounts for trying Attest out, one per role: (username, password, role)."""
    groups = editorial_groups_sync()
    User = get_user_model()
    accounts = []
    for role, group in groups.items():
        username, password = role, f"attest-{role}-demo"
        user = User.objects.filter(username=username).first() or User(username=username)
        user.is_staff = True
        user.email = f"{role}@attest.example"  # review e-mails go to the console in the demo
        user.set_password(password)
        user.save()
        user.groups.set([group])
        accounts.append((username, password, role))
    return accounts


@transaction.atomic
def suggestions_accept(*, statements: Iterable[Statement]) -> int:
    """Accept suggested statements, and the suggested claims they state; returns how many statements changed."""
    ids = [statement.pk for statement in statements]
    support_queue(claim_ids=Statement.objects.filter(pk__in=ids).values_list("claim_id", flat=True))
    changed = Statement.objects.filter(pk__in=ids, review_status=ReviewStatus.SUGGESTED).update(
        review_status=ReviewStatus.ACCEPTED, updated_at=timezone.now()
    )
    Claim.objects.filter(statements__pk__in=ids, review_status=ReviewStatus.SUGGESTED).update(
        review_status=ReviewStatus.ACCEPTED, updated_at=timezone.now()
    )
    return changed


@transaction.atomic
def suggestions_discard(*, statements: Iterable[Statement]) -> int:
    """Delete suggested statements, and their suggested claims once nothing states them; returns how many went."""
    ids = [statement.pk for statement in statements]
    suggested = Statement.objects.filter(pk__in=ids, review_status=ReviewStatus.SUGGESTED)
    claim_ids = set(suggested.values_list("claim_id", flat=True))
    # A statement another one relays through keeps its place: the relay is repointed to nothing.
    Statement.objects.filter(via_statement__in=suggested).update(via_statement=None)
    discarded, _ = suggested.delete()
    Claim.objects.filter(pk__in=claim_ids, review_status=ReviewStatus.SUGGESTED, statements__isnull=True).delete()
    support_queue(claim_ids=Claim.objects.filter(pk__in=claim_ids).values_list("pk", flat=True))
    return discarded
