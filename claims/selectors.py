"""Reads about claims, statements and links, shaped for the editors' lists and pages."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from claims.attribution.propositions import gists_of, same_gist
from claims.models import (
    Claim,
    ClaimLink,
    Evidence,
    Ingestion,
    LinkingRun,
    Rating,
    ReviewStatus,
    Statement,
    Story,
    Verdict,
)
from sources.models import Actor, Outlet, Source


def _count(queryset: QuerySet) -> Coalesce:
    """COUNT(*) of a correlated queryset as a subquery, so counts from several tables do not multiply rows."""
    counted = queryset.order_by().annotate(group=Value(1)).values("group").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _links_of_outer_claim() -> QuerySet[ClaimLink]:
    return ClaimLink.objects.filter(Q(from_claim=OuterRef("pk")) | Q(to_claim=OuterRef("pk")))


def claims_in_story(slug: str = "") -> QuerySet[Claim]:
    """Every claim, or a story's given its slug, in the order they were recorded; Story.DoesNotExist if none has it."""
    claims = Claim.objects.order_by("pk")
    return claims.filter(story=Story.objects.get(slug=slug)) if slug else claims


def claims_needing_linking() -> QuerySet[Claim]:
    """Claims never compared, or changed since they last were: what a bulk import leaves behind."""
    last_run = LinkingRun.objects.filter(claim=OuterRef("pk")).order_by("-started_at").values("started_at")[:1]
    return (
        Claim.objects.annotate(last_run=Subquery(last_run))
        .filter(Q(last_run__isnull=True) | Q(last_run__lt=F("updated_at")))
        .order_by("pk")
    )


def last_linking_run(claim: Claim) -> LinkingRun | None:
    return claim.linking_runs.order_by("-started_at", "-pk").first()


def claims_with_counts() -> QuerySet[Claim]:
    """Claims with their story and the counts an editor scans a list by."""
    statements = Statement.objects.filter(claim=OuterRef("pk"))
    published = Verdict.objects.filter(claim=OuterRef("pk"), status=Verdict.Status.PUBLISHED)
    return Claim.objects.select_related("story", "assignee").annotate(
        published_rating=Subquery(published.values("rating__label")[:1]),
        statement_count=_count(statements),
        denial_count=_count(statements.filter(stance="denies")),
        # Asserted by someone and denied by someone else: contested, whatever the links say.
        contested=Exists(statements.filter(stance="asserts")) & Exists(statements.filter(stance="denies")),
        confirmed_link_count=_count(_links_of_outer_claim().filter(status=ClaimLink.Status.CONFIRMED)),
        suggested_link_count=_count(_links_of_outer_claim().filter(status=ClaimLink.Status.SUGGESTED)),
    )


def claims_with_link_status(status: str) -> QuerySet[Claim]:
    """Claims with at least one link, in either direction, in `status`."""
    return Claim.objects.filter(Q(links_from__status=status) | Q(links_to__status=status))


def stories_with_counts() -> QuerySet[Story]:
    return Story.objects.annotate(claim_count=_count(Claim.objects.filter(story=OuterRef("pk"))))


def actors_with_statement_counts() -> QuerySet[Actor]:
    return Actor.objects.select_related("affiliation").annotate(
        statement_count=_count(Statement.objects.filter(speaker=OuterRef("pk")))
    )


def actors_who_spoke() -> QuerySet[Actor]:
    return Actor.objects.filter(Exists(Statement.objects.filter(speaker=OuterRef("pk")))).order_by("name")


def statements_in_source(source: Source) -> QuerySet[Statement]:
    """A source's statements in reading order, with what labelling them needs."""
    return (
        Statement.objects.filter(source=source, span_start__isnull=False)
        .select_related("speaker", "claim")
        .order_by("span_start", "span_end", "pk")
    )


def statements_by_actor(actor: Actor) -> QuerySet[Statement]:
    """Everything `actor` said, newest source first."""
    return (
        Statement.objects.filter(speaker=actor)
        .select_related("claim", "source", "source__outlet")
        .order_by("-source__published_at", "-pk")
    )


def ingestions_of(source: Source) -> QuerySet[Ingestion]:
    """The ingestions that read `source`, newest first."""
    return Ingestion.objects.filter(source=source).order_by("-created_at", "-pk")


def links_in_review_order() -> QuerySet[ClaimLink]:
    """Links with `queue_rank` 0 for those awaiting a decision, so a reviewer's queue sorts them first."""
    return ClaimLink.objects.select_related("from_claim", "to_claim").annotate(
        queue_rank=Case(When(status=ClaimLink.Status.SUGGESTED, then=Value(0)), default=Value(1))
    )


@dataclass(frozen=True)
class GraphNode:
    claim: Claim
    speakers: tuple[tuple[str, str], ...]  # (speaker, stance)


@dataclass(frozen=True)
class StoryGraph:
    nodes: tuple[GraphNode, ...]
    links: tuple[ClaimLink, ...]


def story_graph(story: Story) -> StoryGraph:
    """A story's claims with who stated them, and the links among them that are not rejected."""
    claims = list(
        Claim.objects.filter(story=story)
        .prefetch_related(Prefetch("statements", queryset=Statement.objects.select_related("speaker")))
        .order_by("pk")
    )
    ids = [claim.pk for claim in claims]
    links = ClaimLink.objects.filter(from_claim_id__in=ids, to_claim_id__in=ids).exclude(
        status=ClaimLink.Status.REJECTED
    )
    nodes = tuple(
        GraphNode(
            claim=claim,
            speakers=tuple(
                dict.fromkeys((statement.speaker.name, statement.stance) for statement in claim.statements.all())
            ),
        )
        for claim in claims
    )
    return StoryGraph(nodes=nodes, links=tuple(links.order_by("pk")))


# ---------------------------------------------------------------------------------------------- published reads
# What readers outside the desk may see: claims with a published verdict, and only what such claims rest on.
# Each takes `everything`, which the desk's own reads set, so one function serves both.


def claims_published() -> QuerySet[Claim]:
    """Claims with a published verdict (a claim reopened for a correction keeps its published verdict meanwhile)."""
    return Claim.objects.filter(Exists(Verdict.objects.filter(claim=OuterRef("pk"), status=Verdict.Status.PUBLISHED)))


def claims_visible(*, everything: bool) -> QuerySet[Claim]:
    return Claim.objects.all() if everything else claims_published()


def statements_visible(*, everything: bool) -> QuerySet[Statement]:
    """Statements of published claims that the desk has accepted, or all of them for the desk."""
    if everything:
        return Statement.objects.all()
    return Statement.objects.filter(
        Exists(Verdict.objects.filter(claim=OuterRef("claim_id"), status=Verdict.Status.PUBLISHED)),
        review_status=ReviewStatus.ACCEPTED,
    )


def links_visible(*, everything: bool) -> QuerySet[ClaimLink]:
    """Confirmed links between two published claims, or all links for the desk."""
    if everything:
        return ClaimLink.objects.all()
    published = Verdict.objects.filter(status=Verdict.Status.PUBLISHED)
    return ClaimLink.objects.filter(
        Exists(published.filter(claim=OuterRef("from_claim_id"))),
        Exists(published.filter(claim=OuterRef("to_claim_id"))),
        status=ClaimLink.Status.CONFIRMED,
    )


def evidence_visible(*, everything: bool) -> QuerySet[Evidence]:
    """The evidence published verdicts rest on, or all evidence for the desk."""
    if everything:
        return Evidence.objects.all()
    cited = Verdict.evidence.through.objects.filter(
        evidence_id=OuterRef("pk"), verdict__status=Verdict.Status.PUBLISHED
    )
    return Evidence.objects.filter(Exists(cited))


def sources_visible(*, everything: bool) -> QuerySet[Source]:
    """Sources a published statement or a published verdict's evidence points to, or all of them for the desk."""
    if everything:
        return Source.objects.all()
    statements = statements_visible(everything=False)
    return Source.objects.filter(
        Exists(statements.filter(source=OuterRef("pk")))
        | Exists(statements.filter(via_source=OuterRef("pk")))
        | Exists(evidence_visible(everything=False).filter(source=OuterRef("pk")))
    )


def actors_visible(*, everything: bool) -> QuerySet[Actor]:
    """Actors who speak in, or are the subject of, a published claim, or all of them for the desk."""
    if everything:
        return Actor.objects.all()
    about = Claim.about.through.objects.filter(
        actor_id=OuterRef("pk"),
        claim_id__in=claims_published().values("pk"),
    )
    return Actor.objects.filter(
        Exists(statements_visible(everything=False).filter(speaker=OuterRef("pk"))) | Exists(about)
    )


def outlets_visible(*, everything: bool) -> QuerySet[Outlet]:
    if everything:
        return Outlet.objects.all()
    return Outlet.objects.filter(Exists(sources_visible(everything=False).filter(outlet=OuterRef("pk"))))


def stories_visible(*, everything: bool) -> QuerySet[Story]:
    if everything:
        return Story.objects.all()
    return Story.objects.filter(Exists(claims_published().filter(story=OuterRef("pk"))))


def actor_most_quoted(*, candidates: Sequence[Actor], kind: str | None) -> Actor:
    """Of the actors who answer to one name, the one the name most likely means: of `kind` if any is, then
    the one most often quoted."""
    fitting = [actor for actor in candidates if actor.kind == kind] or list(candidates)
    ranked = Actor.objects.filter(pk__in=[actor.pk for actor in fitting]).annotate(quoted=Count("statements"))
    return ranked.order_by("-quoted", "pk")[0]


@dataclass(frozen=True)
class RatingScale:
    """The ends of the verdict scale, as schema.org's bestRating and worstRating."""

    best: int | None
    worst: int | None


def rating_scale() -> RatingScale:
    """The highest and lowest value among the active ratings."""
    ends = Rating.objects.filter(active=True, value__isnull=False).aggregate(best=Max("value"), worst=Min("value"))
    return RatingScale(best=ends["best"], worst=ends["worst"])


# Claims asked about for one proposition: those sharing its names and numbers, most recent first.
SAME_CLAIM_CANDIDATES = 20


def claims_saying_the_same(wording: str) -> list[Claim]:
    """Claims in any story that say what `wording` says (`propositions.same_gist`), the oldest first."""
    gist = gists_of([wording])[0]
    words = sorted(gist.names | gist.numbers) or sorted((lemma for lemma, _ in gist.words), key=len, reverse=True)[:2]
    words = [word for word in words if re.fullmatch(r"[\w-]+", word)]
    if not words:
        return []
    query = SearchQuery(" & ".join(f"'{word}'" for word in words), search_type="raw", config="simple")
    candidates = list(Claim.objects.filter(search_vector=query).order_by("-pk")[:SAME_CLAIM_CANDIDATES])
    if not candidates:
        return []
    gists = gists_of([candidate.text for candidate in candidates])
    return sorted(
        (candidate for candidate, other in zip(candidates, gists, strict=True) if same_gist(gist, other)),
        key=lambda claim: claim.pk,
    )


def claims_needing_wording(ingestion: Ingestion) -> QuerySet[Claim]:
    """The claims an intake suggested in words close to the quote, for an editor to reword."""
    return Claim.objects.filter(needs_wording=True, statements__ingestion=ingestion).distinct()
