"""What the support assessment reads, in a fixed number of queries however many statements and links a claim has."""

from collections.abc import Collection

from django.db.models import Q

from claims.models import ClaimLink, Evidence, ReviewStatus, Stance, Statement
from claims.support.assessment import EvidenceFact, LinkFact, Publisher, Speaker, StatementFact, SupportFacts
from sources.models import Actor, Outlet, Source, SourceRelay
from sources.selectors import ChainLink, actor_affiliations, outlet_owners


def support_facts(*, claim_id: int) -> SupportFacts:
    """A claim's statements, evidence and links, and the own support of the claims confirmed links tie it to."""
    links = list(
        ClaimLink.objects.filter(Q(from_claim_id=claim_id) | Q(to_claim_id=claim_id))
        .select_related("from_claim", "to_claim")
        .order_by("pk")
    )
    link_facts = []
    for link in links:
        other = link.to_claim if link.from_claim_id == claim_id else link.from_claim
        link_facts.append(
            LinkFact(other_claim_id=other.pk, other_text=other.text, relation=link.relation, status=link.status)
        )
    linked_ids = {fact.other_claim_id for fact in link_facts if fact.status == ClaimLink.Status.CONFIRMED}

    # Of a linked claim only its own support is read: accepted assertions and supporting evidence.
    statements = list(
        Statement.objects.filter(
            Q(claim_id=claim_id)
            | Q(claim_id__in=linked_ids, review_status=ReviewStatus.ACCEPTED, stance=Stance.ASSERTS)
        )
        .select_related("speaker", "source__outlet", "via_source", "via_statement__source")
        .order_by("claim_id", "source_id", "span_start", "pk")
    )
    evidence = list(
        Evidence.objects.filter(Q(claim_id=claim_id) | Q(claim_id__in=linked_ids, effect=Evidence.Effect.SUPPORTS))
        .select_related("source__outlet")
        .order_by("claim_id", "pk")
    )
    wire_stories = _wire_stories({item.source_id for item in evidence})

    outlet_ids = {s.source.outlet_id for s in statements if s.source.outlet_id is not None}
    outlet_ids |= {e.source.outlet_id for e in evidence if e.source.outlet_id is not None}
    outlet_ids |= {story.outlet_id for story in wire_stories.values() if story.outlet_id is not None}
    owners = outlet_owners(outlet_ids)
    affiliations = actor_affiliations({s.speaker_id for s in statements})

    return SupportFacts(
        claim_id=claim_id,
        statements=tuple(_statement_fact(s, affiliations) for s in statements),
        evidence=tuple(_evidence_fact(e, wire_stories.get(e.source_id), owners) for e in evidence),
        links=tuple(link_facts),
    )


def _wire_stories(source_ids: Collection[int]) -> dict[int, Source]:
    """The wire agency story each of these sources copies, if it relays one."""
    relays = (
        SourceRelay.objects.filter(
            relaying_source_id__in=source_ids, original_source__outlet__kind=Outlet.Kind.WIRE_AGENCY
        )
        .select_related("original_source__outlet")
        .order_by("original_source_id")
    )
    stories: dict[int, Source] = {}
    for relay in relays:
        stories.setdefault(relay.relaying_source_id, relay.original_source)
    return stories


def _publisher(outlet: Outlet | None) -> Publisher | None:
    return Publisher(name=outlet.name, reliability=outlet.reliability) if outlet is not None else None


def _statement_fact(statement: Statement, affiliations: dict[int, tuple[ChainLink, ...]]) -> StatementFact:
    speaker: Actor = statement.speaker
    chain = affiliations.get(speaker.pk) or (ChainLink(pk=speaker.pk, name=speaker.name, kind=speaker.kind),)
    if statement.via_source is not None:
        via = statement.via_source.title
    elif statement.via_statement is not None:
        via = statement.via_statement.source.title
    else:
        via = ""
    return StatementFact(
        claim_id=statement.claim_id,
        speaker=Speaker(
            name=speaker.name,
            official=any(link.kind == Actor.Kind.GOVERNMENT_BODY for link in chain),
            group=f"actor:{chain[-1].pk}",
            group_name=chain[-1].name,
        ),
        stance=statement.stance,
        accepted=statement.review_status == ReviewStatus.ACCEPTED,
        quote=statement.quote,
        cue=statement.cue,
        source_title=statement.source.title,
        publisher=_publisher(statement.source.outlet),
        via=via,
    )


def _evidence_fact(
    evidence: Evidence, wire_story: Source | None, owners: dict[int, tuple[ChainLink, ...]]
) -> EvidenceFact:
    # A copy of a wire story counts as the story itself: under the agency's owner, or the story if it has no outlet.
    origin = wire_story or evidence.source
    chain = owners.get(origin.outlet_id) if origin.outlet_id is not None else None
    if chain:
        group, group_name = f"outlet:{chain[-1].pk}", chain[-1].name
    else:
        group, group_name = f"source:{origin.pk}", origin.title
    return EvidenceFact(
        claim_id=evidence.claim_id,
        effect=evidence.effect,
        strength=evidence.strength,
        source_title=evidence.source.title,
        publisher=_publisher(evidence.source.outlet),
        group=group,
        group_name=group_name,
        copy_of=wire_story.title if wire_story is not None else "",
    )
