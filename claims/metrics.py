"""What the claims app adds to every metrics scrape (core.metrics): the detector's suggestions, by their fate."""

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from claims.models import ClaimLink
from core.metrics import store_gauge


@store_gauge
def link_suggestions() -> Iterator[GaugeMetricFamily]:
    links = GaugeMetricFamily(
        "attest_link_suggestions",
        "Links the detector suggested, by what reviewers made of them.",
        labels=["status"],
    )
    decided = dict(
        ClaimLink.objects.filter(origin=ClaimLink.Origin.DETECTOR)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    for status in ClaimLink.Status.values:
        links.add_metric([status], decided.get(status, 0))
    yield links
