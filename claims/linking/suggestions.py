"""The linking job's write path: judge a claim against its candidates and suggest links for review.

Safe to run twice (a pair already linked, in any status, is not judged
again, and the database refuses a second link for a pair and relation) and
under two workers at once (runs for one claim queue on its row lock; two
runs that reach the same pair from either end leave one link).
"""

import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from claims.linking.analyses import claim_analyses_prepare
from claims.linking.classifier import FeatureClassifier, Judgement, classifier
from claims.linking.retrieval import candidate_claims, claim_voices
from claims.models import Claim, ClaimLink, LinkingRun
from claims.services import LinkSuggestion, links_suggest

logger = logging.getLogger(__name__)


def claim_links_suggest(*, claim_id: int) -> LinkingRun | None:
    """Compare one claim with its candidates and suggest the links the detector finds; None if the claim is gone."""
    detector = classifier()
    with transaction.atomic():
        # Suggestions can always be made again, so the run does not wait for its commit to reach the disk (on
        # a busy disk that wait was most of a slow run). Should the server crash before it does, the run and
        # its suggestions are lost together, and the periodic re-scan finds the claim never linked.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
        # Runs for the same claim wait for each other here instead of judging the same pairs twice.
        # FOR NO KEY UPDATE, not FOR UPDATE: a run on another claim that links to this one takes a
        # key-share lock on this row for its foreign key, and must not wait on us while we wait on it.
        claim = Claim.objects.select_for_update(no_key=True).filter(pk=claim_id).first()
        if claim is None:
            logger.info("Claim %s no longer exists; nothing to link.", claim_id)
            return None
        run = LinkingRun.objects.create(claim=claim, detector=detector.version)
        candidates = list(candidate_claims(claim))
        linked = _already_linked(claim, candidates)
        fresh = [candidate for candidate in candidates if candidate.pk not in linked]
        if isinstance(detector, FeatureClassifier):
            claim_analyses_prepare([claim, *fresh])
        judgements = detector.judge_many([(claim.text, candidate.text) for candidate in fresh])
        voices = claim_voices([claim.pk, *(candidate.pk for candidate in fresh)])
        one_voice = {
            candidate.pk for candidate in fresh if claim.pk in voices and voices.get(candidate.pk) == voices[claim.pk]
        }
        suggested = links_suggest(
            suggestions=[
                LinkSuggestion(
                    from_claim_id=claim.pk,
                    to_claim_id=candidate.pk,
                    relation=judgement.relation,
                    score=round(judgement.score, 3),
                    rationale=judgement.rationale,
                )
                for candidate, judgement in zip(fresh, judgements, strict=True)
                if judgement.relation != "unrelated"
                and judgement.score >= settings.ATTEST_LINK_MIN_SCORE
                and (candidate.pk not in one_voice or not _one_voice_mismatch(judgement))
            ],
            detector=detector.version,
        )
        run.candidates, run.suggested, run.finished_at = len(candidates), suggested, timezone.now()
        run.save(update_fields=["candidates", "suggested", "finished_at"])
    return run


def _one_voice_mismatch(judgement: Judgement) -> bool:
    """Whether a contradiction between two sentences of one speaker in one source is not between two propositions.

    One speaker's sentences in one story go on from each other ("nobody here is armed" … "the police are armed
    with grenade launchers"): they contradict each other only where the conflict sits on a predicate both give
    the same doer, or swaps who did what to whom, or is all that sets them apart (the feature classifier's
    `shared_frame`, `roles` and `replaced`). A backend without those features is trusted.
    """
    features = judgement.features
    if judgement.relation != "contradicts" or "replaced" not in features:
        return False
    return not (features["shared_frame"] or features["roles"] or not features["replaced"])


def _already_linked(claim: Claim, candidates: list[Claim]) -> set[int]:
    """Candidates already linked to `claim`: a confirmed link is kept, a rejected one is not suggested again."""
    ids = [candidate.pk for candidate in candidates]
    pairs = ClaimLink.objects.filter(
        Q(from_claim=claim, to_claim_id__in=ids) | Q(to_claim=claim, from_claim_id__in=ids)
    ).values_list("from_claim_id", "to_claim_id")
    return {other for pair in pairs for other in pair if other != claim.pk}
