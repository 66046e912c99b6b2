"""Taking a claim to a published verdict through the review services, as the desk does."""

from django.contrib.auth.models import User

from claims.models import Claim, Evidence, Rating, Verdict
from claims.review.services import claim_publish, claim_submit, verdict_approve, verdict_propose
from claims.services import evidence_add
from sources.models import Source


def publish(
    claim: Claim,
    *,
    researcher: User,
    reviewer: User,
    editor: User,
    rating: str = "false",
    conclusion: str = "No record supports it.",
    evidence_from: Source | None = None,
) -> Verdict:
    evidence: list[Evidence] = []
    if evidence_from is not None:
        evidence.append(
            evidence_add(claim=claim, source=evidence_from, effect=Evidence.Effect.REFUTES, added_by=researcher)
        )
    verdict_propose(
        claim=claim, by=researcher, rating=Rating.objects.get(slug=rating), conclusion=conclusion, evidence=evidence
    )
    claim_submit(claim=claim, by=researcher)
    verdict_approve(claim=claim, by=reviewer)
    return claim_publish(claim=claim, by=editor)
