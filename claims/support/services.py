"""Writing a claim's support assessment, and queueing it whenever what it reads changes."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import Claim, ClaimLink, Evidence, Statement
from claims.support.assessment import LINK_FACTOR, Assessment, assess
from claims.support.selectors import support_facts
from core.jobs import job_enqueue
from sources.models import Source
from sources.selectors import actors_affiliated_with, outlets_owned_by

logger = logging.getLogger(__name__)


def claim_support_assess(*, claim_id: int) -> Assessment | None:
    """Recompute one claim's support level, score and explanation from the record; None if the claim is gone.

    Only the support fields are written, and only when they change: the claim's version, which
    editors' forms check, and its updated time, which the linking re-scan follows, stay as they are.
    """
    with transaction.atomic():
        # Runs for one claim take turns here, and each reads after the one before it wrote, so the
        # last to finish has read the latest record, whatever order the workers took them in.
        # FOR NO KEY UPDATE, as the linking job: a link being drawn to this claim must not wait on it.
        locked = Claim.objects.select_for_update(no_key=True).filter(pk=claim_id).values_list("pk", flat=True)
        if locked.first() is None:
            logger.info("Claim %s no longer exists; no support to assess.", claim_id)
            return None
        assessment = assess(support_facts(claim_id=claim_id))
        unchanged = Q(
            support_level=assessment.level,
            support_score=assessment.score,
            support_explanation=assessment.explanation,
            support_assessed_at__isnull=False,
        )
        Claim.objects.filter(pk=claim_id).exclude(unchanged).update(
            support_level=assessment.level,
            support_score=assessment.score,
            support_explanation=assessment.explanation,
            support_assessed_at=timezone.now(),
        )
    return assessment


def support_queue(*, claim_ids: Iterable[int | None], with_linked: bool = True) -> None:
    """Queue the support job for these claims once the transaction commits.

    With `with_linked`, also for the claims that confirmed links tie to them, which read their
    support one hop away; a change to a link itself needs only its two claims.
    """
    ids = {pk for pk in claim_ids if pk is not None}
    if with_linked and ids:
        links = ClaimLink.objects.filter(
            Q(from_claim_id__in=ids) | Q(to_claim_id__in=ids),
            status=ClaimLink.Status.CONFIRMED,
            relation__in=list(LINK_FACTOR),
        ).values_list("from_claim_id", "to_claim_id")
        ids |= {pk for pair in links for pk in pair}
    if not ids:
        return
    # One job for all of them: a linking run touches a claim for each link it suggests, and a job apiece
    # cost more than the run's own work. The same claims asked for again in the transaction are not queued again.
    job_enqueue("claims.tasks.assess_claims_support", sorted(ids), coalesce=True)


def support_queue_for_sources(*, source_ids: Iterable[int]) -> None:
    """Queue the job for the claims with statements or evidence in these sources, or in copies of them."""
    ids = set(source_ids)
    if not ids:
        return
    copies = Source.objects.filter(relay_links__original_source_id__in=ids).values("pk")
    in_sources = Q(source_id__in=ids) | Q(source_id__in=copies)
    claim_ids = set(Statement.objects.filter(in_sources | Q(via_source_id__in=ids)).values_list("claim_id", flat=True))
    claim_ids |= set(Evidence.objects.filter(in_sources).values_list("claim_id", flat=True))
    support_queue(claim_ids=claim_ids)


def support_queue_for_outlets(*, outlet_ids: Iterable[int]) -> None:
    """Queue the job for the claims whose statements or evidence appeared in these outlets or the ones they own."""
    owned = outlets_owned_by(set(outlet_ids))
    support_queue_for_sources(source_ids=Source.objects.filter(outlet_id__in=owned).values_list("pk", flat=True))


def support_queue_for_actors(*, actor_ids: Iterable[int]) -> None:
    """Queue the job for the claims these actors, or actors affiliated with them, made statements on."""
    speakers = actors_affiliated_with(set(actor_ids))
    support_queue(claim_ids=Statement.objects.filter(speaker_id__in=speakers).values_list("claim_id", flat=True))
