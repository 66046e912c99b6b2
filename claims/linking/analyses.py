"""Stored analyses: each claim parsed once, not once per job that meets it as a candidate.

The feature classifier keeps the analyses it made in a bounded in-process
cache, which does not hold a large archive and starts empty in every worker.
Before judging, the linking job fills that cache from the stored analyses of
the claims it compares, parses only the claims with none (or with one of
another text or analyser) and stores those, so the next job finds them.
"""

from collections.abc import Sequence

from claims.linking import features
from claims.models import Claim, ClaimAnalysis
from core.text import content_hash


def claim_analyses_prepare(claims: Sequence[Claim]) -> None:
    """Make the analyses of these claims' texts ready for the feature classifier, from this process or from the
    database; the claims with no stored analysis of their text are parsed (unless this process has just done so)
    and stored."""
    analyser = features.analyser_version()
    by_id = {claim.pk: claim for claim in claims}
    digests = {pk: content_hash(claim.text) for pk, claim in by_id.items()}
    stored_ids = {
        pk
        for pk, digest in ClaimAnalysis.objects.filter(claim_id__in=by_id, analyser=analyser).values_list(
            "claim_id", "text_digest"
        )
        if digest == digests[pk]
    }
    known = features.analyses_known(claim.text for claim in claims)
    to_read = [pk for pk in stored_ids if by_id[pk].text not in known]
    if to_read:
        read = ClaimAnalysis.objects.filter(claim_id__in=to_read).values_list("claim_id", "data")
        features.analyses_remember({by_id[pk].text: features.analysis_from_json(data) for pk, data in read})
    # In the order of their ids: two jobs storing the same analyses lock their rows in the same order.
    to_store = sorted((claim for pk, claim in by_id.items() if pk not in stored_ids), key=lambda claim: claim.pk)
    if not to_store:
        return
    analyses = features.analyse_many([claim.text for claim in to_store])
    ClaimAnalysis.objects.bulk_create(
        [
            ClaimAnalysis(
                claim_id=claim.pk,
                analyser=analyser,
                text_digest=digests[claim.pk],
                data=features.analysis_to_json(analysis),
            )
            for claim, analysis in zip(to_store, analyses, strict=True)
        ],
        update_conflicts=True,
        unique_fields=["claim"],
        update_fields=["analyser", "text_digest", "data", "analysed_at"],
    )
