"""A story's claims drawn as a graph, in SVG rendered on the server (no script, no outside library).

Claims sit on a circle, numbered; contradicting links are red, corroborating
green, duplicates grey, refinements blue; a suggested link is dashed and a
confirmed one solid. Each node links to its claim's page, and the legend
says who stated each claim.
"""

import math

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from claims.models import ClaimLink
from claims.selectors import StoryGraph

SIZE = 520
RADIUS = 200
NODE = 16
COLOURS: dict[str, str] = {
    ClaimLink.Relation.CONTRADICTS: "#c0392b",
    ClaimLink.Relation.CORROBORATES: "#1e8449",
    ClaimLink.Relation.DUPLICATES: "#7f8c8d",
    ClaimLink.Relation.REFINES: "#2e86c1",
}


def story_graph_svg(graph: StoryGraph) -> SafeString:
    if not graph.nodes:
        return format_html("<p>{}</p>", "No claims in this story yet.")
    centre = SIZE / 2
    places = {
        node.claim.pk: (
            f"{centre + RADIUS * math.cos(2 * math.pi * index / len(graph.nodes) - math.pi / 2):.1f}",
            f"{centre + RADIUS * math.sin(2 * math.pi * index / len(graph.nodes) - math.pi / 2):.1f}",
        )
        for index, node in enumerate(graph.nodes)
    }
    numbers = {node.claim.pk: index + 1 for index, node in enumerate(graph.nodes)}
    edges = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="{}"{}><title>{}</title></line>',
        (
            (
                *places[link.from_claim_id],
                *places[link.to_claim_id],
                COLOURS.get(link.relation, "#555"),
                3 if link.status == ClaimLink.Status.CONFIRMED else 2,
                SafeString(' stroke-dasharray="6 4"') if link.status == ClaimLink.Status.SUGGESTED else "",
                f"{numbers[link.from_claim_id]} {link.relation} {numbers[link.to_claim_id]} "
                f"({link.get_status_display().lower()}): {link.rationale}",
            )
            for link in graph.links
        ),
    )
    nodes = format_html_join(
        "",
        '<a href="{}"><circle cx="{}" cy="{}" r="{}" class="attest-node{}"><title>{}</title></circle>'
        '<text x="{}" y="{}" text-anchor="middle" dominant-baseline="central">{}</text></a>',
        (
            (
                reverse("admin:claims_claim_change", args=[node.claim.pk]),
                *places[node.claim.pk],
                NODE,
                " attest-node-suggested" if node.claim.review_status == "suggested" else "",
                node.claim.text,
                *places[node.claim.pk],
                numbers[node.claim.pk],
            )
            for node in graph.nodes
        ),
    )
    legend = format_html_join(
        "",
        '<li value="{}"><a href="{}">{}</a> <span class="attest-said-by">{}</span></li>',
        (
            (
                numbers[node.claim.pk],
                reverse("admin:claims_claim_change", args=[node.claim.pk]),
                node.claim.text,
                "; ".join(f"{speaker} {stance}" for speaker, stance in node.speakers) or "no statement yet",
            )
            for node in graph.nodes
        ),
    )
    return format_html(
        '<div class="attest-graph"><svg viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="Claims of this story and the links between them">{}{}</svg>'
        '<p class="attest-graph-key"><span style="color:{}">— contradicts</span> '
        '<span style="color:{}">— corroborates</span> <span style="color:{}">— duplicates</span> '
        '<span style="color:{}">— refines</span>; dashed: suggested, solid: confirmed.</p>'
        "<ol>{}</ol></div>",
        SIZE,
        SIZE,
        SIZE,
        SIZE,
        edges,
        nodes,
        COLOURS[ClaimLink.Relation.CONTRADICTS],
        COLOURS[ClaimLink.Relation.CORROBORATES],
        COLOURS[ClaimLink.Relation.DUPLICATES],
        COLOURS[ClaimLink.Relation.REFINES],
        legend,
    )
