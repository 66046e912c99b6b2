"""The public page of a published claim, and the list of published claims."""

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from claims.models import Claim
from tests import factories
from tests.claims.published import publish


@pytest.fixture
def published_claim(researcher: User, reviewer: User, editor: User) -> Claim:
    speaker = factories.ActorFactory(name="Ana Morales")
    source = factories.SourceFactory(title="Council report", url="https://bulletin.example/report")
    claim = factories.ClaimFactory(text="The bridge opens in March </script><script>alert(1)</script>.")
    factories.StatementFactory(claim=claim, speaker=speaker, source=source)
    publish(
        claim,
        researcher=researcher,
        reviewer=reviewer,
        editor=editor,
        conclusion="The council has not approved the budget.",
        evidence_from=source,
    )
    return claim


@pytest.mark.django_db
def test_the_page_shows_the_verdict_evidence_and_who_said_it(client: Client, published_claim: Claim) -> None:
    response = client.get(f"/claims/{published_claim.pk}/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "False" in page
    assert "The council has not approved the budget." in page
    assert "Refutes" in page
    assert "Council report" in page
    assert "Ana Morales" in page


@pytest.mark.django_db
def test_the_page_embeds_its_claim_review_safely(client: Client, published_claim: Claim) -> None:
    page = client.get(f"/claims/{published_claim.pk}/").content.decode()

    (markup,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    review = json.loads(markup)
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == published_claim.text
    assert review["url"].endswith(f"/claims/{published_claim.pk}/")
    assert "<script>alert(1)" not in page


@pytest.mark.django_db
def test_an_unpublished_claim_has_no_page(client: Client) -> None:
    claim = factories.ClaimFactory(text="A claim still in research.")

    response = client.get(f"/claims/{claim.pk}/")

    assert response.status_code == 404
    assert "A claim still in research." not in response.content.decode()
    assert client.get("/claims/999999/").status_code == 404


@pytest.mark.django_db
def test_the_list_shows_published_claims_only(client: Client, published_claim: Claim) -> None:
    factories.ClaimFactory(text="A claim still in research.")

    page = client.get("/claims/").content.decode()

    assert f"/claims/{published_claim.pk}/" in page
    assert "A claim still in research." not in page
