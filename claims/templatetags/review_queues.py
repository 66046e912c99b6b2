"""The desk's queues on the admin's front page."""

from typing import Any

from django import template
from django.urls import reverse

from claims.review.selectors import QUEUES, review_queue_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def review_queues(context: dict[str, Any]) -> list[tuple[str, int, str]]:
    """(label, count, link) for each of the signed-in person's queues, and for suggested links to triage."""
    request = context["request"]
    counts = review_queue_counts(request.user)
    claims = reverse("admin:claims_claim_changelist")
    queues = [(label, counts[slug], f"{claims}?queue={slug}") for slug, label in QUEUES.items()]
    links = reverse("admin:claims_claimlink_changelist") + "?status__exact=suggested"
    return [*queues, ("Suggested links to triage", counts["links"], links)]
