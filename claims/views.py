"""The public pages: a page per published claim, and the latest published claims. Nothing unpublished shows."""

import json
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe

from claims.claimreview import claim_review
from claims.models import Claim, Evidence, ReviewStatus, Statement, Verdict

CLAIMS_PER_PAGE = 25
# What could end the script element or start markup inside it is written as a JSON escape instead.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def published_claims() -> QuerySet[Claim]:
    """Claims with a published verdict, with that verdict and its rating (readers see nothing else)."""
    published = Verdict.objects.filter(status=Verdict.Status.PUBLISHED)
    return Claim.objects.filter(Exists(published.filter(claim=OuterRef("pk")))).prefetch_related(
        Prefetch(
            "verdicts",
            queryset=published.select_related("rating", "imported_from__outlet"),
            to_attr="published_verdicts",
        )
    )


def json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a <script type="application/ld+json"> element, safe whatever the text inside says."""
    return mark_safe(json.dumps(data, ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES))  # noqa: S308


def claim_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A published claim for readers: its verdict and conclusion, the evidence, and who said it where."""
    claim = published_claims().select_related("story").filter(pk=pk).first()
    if claim is None:
        raise Http404("No published claim here.")
    verdict = claim.published_verdicts[0]  # type: ignore[attr-defined]
    evidence = verdict.evidence.select_related("source__outlet").order_by("effect", "-strength", "pk")
    statements = (
        Statement.objects.filter(claim=claim, review_status=ReviewStatus.ACCEPTED)
        .select_related("speaker", "source__outlet", "via_source")
        .order_by("said_on", "source__published_at", "pk")
    )
    context = {
        "claim": claim,
        "verdict": verdict,
        "evidence": list(evidence),
        "statements": list(statements),
        "claim_review": json_ld(claim_review(claim)),
        "Effect": Evidence.Effect,
    }
    return render(request, "claims/claim_page.html", {**context, "organisation": settings.ATTEST_ORGANISATION_NAME})


def claim_list(request: HttpRequest) -> HttpResponse:
    """The latest published claims, newest verdict first."""
    latest = Verdict.objects.filter(claim=OuterRef("pk"), status=Verdict.Status.PUBLISHED).values("published_at")
    claims = published_claims().annotate(published_at=Subquery(latest[:1])).order_by("-published_at", "-pk")
    page = Paginator(claims, CLAIMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "claims/claim_list.html", {"page": page, "organisation": settings.ATTEST_ORGANISATION_NAME})
