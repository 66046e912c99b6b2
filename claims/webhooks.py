"""What claims tell API clients' webhooks: a claim published, a published verdict corrected, a link confirmed.

The services that cause these events call these functions inside their own transaction, so an event is owed
exactly when its change commits (clients.services.webhook_event_record queues the sending job after commit).
"""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, ClaimLink, Verdict
from claims.selectors import claims_published
from clients.models import Event
from clients.selectors import webhooks_for
from clients.services import webhook_event_record


def _claim(claim: Claim) -> dict[str, Any]:
    address = settings.ATTEST_SITE_URL.rstrip("/") + reverse("api:claim-detail", args=[claim.pk])
    return {"id": claim.pk, "url": address, "text": claim.text}


def _verdict(verdict: Verdict) -> dict[str, Any]:
    rating = verdict.rating
    return {
        "rating": {"slug": rating.slug, "label": rating.label, "value": rating.value} if rating else None,
        "conclusion": verdict.conclusion,
        "published_at": verdict.published_at.isoformat() if verdict.published_at else None,
    }


def _envelope(event: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"event": event, "created_at": timezone.now().isoformat(), "data": data}


def verdict_published_announce(*, verdict: Verdict, replaced: Verdict | None) -> None:
    """A claim's first published verdict is claim.published; one that replaces another is verdict.changed."""
    claim = verdict.claim
    if replaced is None:
        event, data = Event.CLAIM_PUBLISHED, {"claim": _claim(claim), "verdict": _verdict(verdict)}
    else:
        event = Event.VERDICT_CHANGED
        data = {"claim": _claim(claim), "verdict": _verdict(verdict), "previous_verdict": _verdict(replaced)}
    webhook_event_record(event=event, key=f"{event}:{verdict.pk}", payload=_envelope(event, data), public=True)


def link_confirmed_announce(*, link: ClaimLink) -> None:
    """A confirmed link; readers of published claims only hear of it when both its claims are published."""
    if not webhooks_for(event=Event.LINK_CONFIRMED).exists():
        return  # nobody listens: spare the link decision the queries below
    public = claims_published().filter(pk__in=[link.from_claim_id, link.to_claim_id]).count() == 2
    data = {
        "link": {
            "id": link.pk,
            "url": settings.ATTEST_SITE_URL.rstrip("/") + reverse("api:link-detail", args=[link.pk]),
            "relation": link.relation,
            "from_claim": _claim(link.from_claim),
            "to_claim": _claim(link.to_claim),
        }
    }
    decided = link.decided_at.isoformat() if link.decided_at else ""
    event = Event.LINK_CONFIRMED
    webhook_event_record(event=event, key=f"{event}:{link.pk}:{decided}", payload=_envelope(event, data), public=public)
