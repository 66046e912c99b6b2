"""What the desk has not published stays at the desk: nothing of it reaches a reader outside, by any road.

An unpublished claim about "Zanzibar" is linked to the published ones (a confirmed link and a suggested one),
has its own speaker, source, outlet, story, evidence and draft verdict, and its speaker's words also wait as a
suggested statement on a published claim. Every list, filter, search, match, ClaimReview and public page a
reader outside the desk can reach is asked about it, and no answer may name it; the desk, asked the same, does.
A hidden object's 404 must be the same as a missing one's, so a reader cannot tell that it exists.
"""

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from claims.models import Claim, Evidence, Rating, ReviewStatus
from claims.review.services import verdict_propose
from claims.services import evidence_add, link_draw, statement_record
from claims.support.services import claim_support_assess
from tests import api, factories
from tests.security.conftest import Newsroom, suggested_link

SECRET = "zanzibar"
MISSING_ID = 987654


@dataclass
class Hidden:
    claim: Claim
    ids: dict[str, int]


@pytest.fixture
def hidden(newsroom: Newsroom, researcher: User, editor: User) -> Hidden:
    world = newsroom.world
    outlet = factories.OutletFactory(name="Zanzibar Times", home_domain="zanzibar-times.example")
    memo = factories.SourceFactory(
        title="Zanzibar memo", outlet=outlet, text="“The Zanzibar account is empty,” the whistleblower wrote."
    )
    speaker = factories.ActorFactory(name="Zanzibar Whistleblower", aliases=["the Zanzibar source"])
    story = factories.StoryFactory(title="Zanzibar inquiry")
    claim = factories.ClaimFactory(text="The Zanzibar account is empty.", story=story)
    statement = statement_record(claim=claim, speaker=speaker, source=memo, quote="The Zanzibar account is empty")
    evidence = evidence_add(
        claim=claim, source=memo, effect=Evidence.Effect.SUPPORTS, note="Zanzibar ledger, page 2", added_by=editor
    )
    verdict_propose(
        claim=claim,
        by=researcher,
        rating=Rating.objects.get(slug="mostly-true"),
        conclusion="The Zanzibar ledger bears it out.",
        evidence=[evidence],
    )
    confirmed = link_draw(from_claim=world.published, to_claim=claim, relation="contradicts", drawn_by=editor)
    suggested = suggested_link(world.other_published, claim)
    # The whistleblower's words, read by a job into a published claim, wait for an editor to accept them.
    leak = factories.SourceFactory(
        title="Zanzibar leak", text="The whistleblower said the new bridge would open in March."
    )
    waiting = statement_record(
        claim=world.published,
        speaker=speaker,
        source=leak,
        quote="the new bridge would open in March",
        review_status=ReviewStatus.SUGGESTED,
    )
    for published in (world.published, world.other_published):
        claim_support_assess(claim_id=published.pk)
    return Hidden(
        claim=claim,
        ids={
            "claim": claim.pk,
            "statement": statement.pk,
            "waiting statement": waiting.pk,
            "evidence": evidence.pk,
            "confirmed link": confirmed.pk,
            "suggested link": suggested.pk,
            "story": story.pk,
            "source": memo.pk,
            "leak": leak.pk,
            "speaker": speaker.pk,
            "outlet": outlet.pk,
        },
    )


def outsiders(newsroom: Newsroom) -> dict[str, APIClient]:
    """Everyone outside the desk: no account, and tokens without read:all, or with it but without a desk role."""
    no_role = api.token_client(name="Aggregator", roles=[], scopes=["read:published", "read:all"])[0]
    return {
        "anonymous": newsroom.clients["anonymous"],
        "read:published": newsroom.clients["read:published"],
        "write": newsroom.clients["write"],
        "read:all without a role": no_role,
    }


def reads(hidden: Hidden, newsroom: Newsroom) -> list[tuple[str, str, dict[str, Any]]]:
    """Every road a reader has to claims: (method, path, parameters or body)."""
    ids, world = hidden.ids, newsroom.world
    return [
        ("GET", "/api/v1/claims", {}),
        ("GET", "/api/v1/claims", {"q": SECRET}),
        ("GET", "/api/v1/claims", {"q": "account empty"}),
        ("GET", "/api/v1/claims", {"actor": ids["speaker"]}),
        ("GET", "/api/v1/claims", {"story": ids["story"]}),
        ("GET", "/api/v1/claims", {"story_slug": hidden.claim.story.slug}),  # type: ignore[union-attr]
        ("GET", "/api/v1/claims", {"status": "new"}),
        ("GET", "/api/v1/claims", {"review_status": "suggested"}),
        ("GET", "/api/v1/claims", {"link_status": "suggested"}),
        ("GET", "/api/v1/claims", {"link_relation": "contradicts"}),
        ("GET", "/api/v1/claims", {"stance": "asserts", "rating": "mostly-true"}),
        ("GET", f"/api/v1/claims/{world.published.pk}", {}),
        ("GET", f"/api/v1/claims/{world.other_published.pk}", {}),
        ("GET", f"/api/v1/claims/{world.published.pk}/claimreview", {}),
        ("GET", "/api/v1/claimreviews", {}),
        ("GET", "/api/v1/statements", {}),
        ("GET", "/api/v1/statements", {"claim": ids["claim"]}),
        ("GET", "/api/v1/statements", {"claim": world.published.pk}),
        ("GET", "/api/v1/statements", {"speaker": ids["speaker"]}),
        ("GET", "/api/v1/statements", {"source": ids["source"]}),
        ("GET", "/api/v1/statements", {"q": SECRET}),
        ("GET", "/api/v1/statements", {"review_status": "suggested"}),
        ("GET", "/api/v1/evidence", {}),
        ("GET", "/api/v1/evidence", {"claim": ids["claim"]}),
        ("GET", "/api/v1/evidence", {"source": ids["source"]}),
        ("GET", "/api/v1/links", {}),
        ("GET", "/api/v1/links", {"claim": ids["claim"]}),
        ("GET", "/api/v1/links", {"status": "suggested"}),
        ("GET", "/api/v1/stories", {}),
        ("GET", "/api/v1/stories", {"slug": hidden.claim.story.slug}),  # type: ignore[union-attr]
        ("GET", "/api/v1/sources", {}),
        ("GET", "/api/v1/sources", {"q": SECRET}),
        ("GET", "/api/v1/sources", {"outlet": ids["outlet"]}),
        ("GET", "/api/v1/actors", {}),
        ("GET", "/api/v1/actors", {"q": SECRET}),
        ("GET", "/api/v1/outlets", {}),
        ("GET", "/api/v1/outlets", {"q": SECRET}),
        ("GET", "/api/v1/intakes", {}),
        ("POST", "/api/v1/match", {"text": "The Zanzibar account is empty."}),
        ("POST", "/api/v1/match", {"text": "Zanzibar whistleblower says the account is empty", "limit": 50}),
        ("GET", "/claims/", {}),
        ("GET", f"/claims/{world.published.pk}/", {}),
        ("GET", f"/claims/{world.other_published.pk}/", {}),
    ]


def ask(client: APIClient, method: str, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, format="json") if method == "POST" else client.get(path, data)


def test_no_answer_outside_the_desk_names_an_unpublished_claim(hidden: Hidden, newsroom: Newsroom) -> None:
    leaks = []
    for who, client in outsiders(newsroom).items():
        for method, path, data in reads(hidden, newsroom):
            response = ask(client, method, path, data)
            assert response.status_code == 200, (who, method, path, data, response.content[:300])
            body = response.content.decode()
            if SECRET in body.lower():
                where = body.lower().index(SECRET)
                leaks.append(f"{who}: {method} {path} {data}: …{body[max(0, where - 120) : where + 60]}…")
    assert not leaks, "\n".join(leaks)


def test_the_desk_asking_the_same_sees_it(hidden: Hidden, newsroom: Newsroom) -> None:
    # The roads above do lead to the secret for the desk, so the test before this one can fail.
    desk = newsroom.clients["read:all"]
    seen = [
        (method, path, data)
        for method, path, data in reads(hidden, newsroom)
        if SECRET in ask(desk, method, path, data).content.decode().lower()
    ]
    assert len(seen) >= 25
    published = desk.get(f"/api/v1/claims/{newsroom.world.published.pk}").json()
    assert SECRET in str(published["support"]["explanation"]).lower()


# A hidden object's address, and the same address with an id nothing has.
HIDDEN_ADDRESSES = [
    ("GET", "/api/v1/claims/{claim}", None),
    ("GET", "/api/v1/claims/{claim}/claimreview", None),
    ("GET", "/api/v1/statements/{statement}", None),
    ("GET", "/api/v1/statements/{waiting statement}", None),
    ("GET", "/api/v1/evidence/{evidence}", None),
    ("GET", "/api/v1/links/{confirmed link}", None),
    ("GET", "/api/v1/links/{suggested link}", None),
    ("GET", "/api/v1/stories/{story}", None),
    ("GET", "/api/v1/sources/{source}", None),
    ("GET", "/api/v1/sources/{leak}", None),
    ("GET", "/api/v1/actors/{speaker}", None),
    ("GET", "/api/v1/outlets/{outlet}", None),
    ("GET", "/claims/{claim}/", None),
]
# What a token that writes but does not read everything may send about a hidden object.
HIDDEN_WRITES = [
    ("PATCH", "/api/v1/claims/{claim}", {"expected_version": 1, "text": "Changed."}),
    ("POST", "/api/v1/claims/{claim}/steps", {"step": "submit_for_review"}),
    ("POST", "/api/v1/claims/{claim}/verdict", {"rating": "false", "conclusion": "No."}),
    ("PATCH", "/api/v1/statements/{statement}", {"cue": "wrote"}),
    ("PATCH", "/api/v1/evidence/{evidence}", {"note": "Seen."}),
    ("POST", "/api/v1/links/{suggested link}/decision", {"decision": "confirmed"}),
    ("PATCH", "/api/v1/sources/{source}", {"author": "Someone"}),
    ("PATCH", "/api/v1/actors/{speaker}", {"description": "Someone"}),
    ("POST", "/api/v1/actors/{speaker}/aliases", {"name": "Someone"}),
    ("PATCH", "/api/v1/outlets/{outlet}", {"reliability": 1}),
    ("POST", "/api/v1/links/decisions", {"links": ["{suggested link}"], "decision": "rejected"}),
    ("POST", "/api/v1/statements", {"claim": "{claim}", "speaker": "{speaker}", "source": "{source}"}),
    ("POST", "/api/v1/evidence", {"claim": "{claim}", "source": "{source}", "effect": "supports"}),
    ("POST", "/api/v1/links", {"from_claim": "{claim}", "to_claim": "{claim}", "relation": "duplicates"}),
    ("POST", "/api/v1/claims", {"text": "A claim in a hidden story.", "story": "{story}", "about": ["{speaker}"]}),
    ("POST", "/api/v1/outlets", {"name": "Zanzibar Daily", "owner": "{outlet}"}),
]


def fill(template: Any, ids: dict[str, int]) -> Any:
    """`template` with each "{name}" replaced by that hidden object's id (a number where the whole value is one)."""
    if isinstance(template, dict):
        return {key: fill(value, ids) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, ids) for value in template]
    if isinstance(template, str) and (whole := re.fullmatch(r"\{([a-z ]+)\}", template)):
        return ids[whole.group(1)]
    if isinstance(template, str):
        return re.sub(r"\{([a-z ]+)\}", lambda match: str(ids[match.group(1)]), template)
    return template


def answer(client: APIClient, method: str, path: str, body: Any) -> tuple[int, str]:
    response = getattr(client, method.lower())(path, body, format="json") if body else client.get(path)
    return response.status_code, response.content.decode()


def test_a_hidden_object_answers_exactly_as_a_missing_one(hidden: Hidden, newsroom: Newsroom) -> None:
    missing = dict.fromkeys(hidden.ids, MISSING_ID)
    different = []
    for who, client in outsiders(newsroom).items():
        checks = HIDDEN_ADDRESSES + (HIDDEN_WRITES if who == "write" else [])
        for method, path, body in checks:
            status, shown = answer(client, method, fill(path, hidden.ids), fill(body, hidden.ids))
            missing_status, missing_shown = answer(client, method, fill(path, missing), fill(body, missing))
            # The address itself is echoed (as the problem's `instance`): compare with the ids put back.
            for name, pk in hidden.ids.items():
                shown = re.sub(rf"(?<![0-9]){pk}(?![0-9])", str(missing[name]), shown)
            assert status in (400, 404), (who, method, path, status, shown[:300])
            if (status, shown) != (missing_status, missing_shown):
                different.append(
                    f"{who}: {method} {path}: {status} {shown[:200]} ≠ {missing_status} {missing_shown[:200]}"
                )
    assert not different, "\n".join(different)


def test_a_token_that_may_not_read_unpublished_claims_is_not_told_of_them_by_webhook(newsroom: Newsroom) -> None:
    body = {"target": "https://hooks.partner.example/all", "events": ["link.confirmed"], "include_unpublished": True}

    refused = newsroom.clients["write"].post("/api/v1/webhooks", body, format="json")
    writes_and_reads_all = api.token_client(name="Desk tool", roles=["editor"], scopes=["read:all", "write"])[0]
    registered = writes_and_reads_all.post("/api/v1/webhooks", body, format="json")

    assert refused.status_code == 400
    assert "include_unpublished" in refused.json()["errors"]
    assert registered.status_code == 201
    assert registered.json()["include_unpublished"] is True
