"""The admin's forms against random, oversized, NUL-bearing and script-bearing text: never a server error, and
whatever the page shows again is escaped.

Each text drawn is posted to every form the desk types into (the add forms of claims, statements, stories,
sources, actors, outlets, links, ratings and story intakes, and the review page's verdict, comment, approval and
dismissal), as an editor, who may use them all. The page that answers (the form again with its errors, or the
page a successful save leads to) must not carry the markup as markup.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claims.models import Claim, Evidence, Rating
from claims.review.services import claim_submit, verdict_propose
from claims.services import evidence_add
from tests import factories

SCRIPT = '<script>alert("attest")</script>'
OVERSIZE = "council " * 2_500  # 20,000 characters, beyond every limit a field has but a source's text
texts = st.one_of(
    st.text(max_size=120).map(lambda text: SCRIPT + text),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=400),
)


@dataclass(frozen=True)
class Form:
    name: str
    address: Callable[[dict[str, int]], str]
    fields: Callable[[str, dict[str, int]], dict[str, str]]
    shows_text_again: bool = True


def add(model: str) -> Callable[[dict[str, int]], str]:
    return lambda ids: reverse(f"admin:{model}_add")


def review_page(claim: str) -> Callable[[dict[str, int]], str]:
    return lambda ids: reverse("admin:claims_claim_review", args=[ids[claim]])


FORMS = [
    Form("claim", add("claims_claim"), lambda text, ids: {"text": text, "review_status": "accepted"}),
    Form(
        "statement",
        add("claims_statement"),
        lambda text, ids: {
            "claim": ids["claim"],
            "speaker": ids["speaker"],
            "source": ids["source"],
            "quote": text,
            "cue": text[:100],
            "stance": "asserts",
            "kind": "indirect",
            "review_status": "accepted",
        },
    ),
    Form("story", add("claims_story"), lambda text, ids: {"title": text, "slug": "fuzzed", "summary": text}),
    Form(
        "source",
        add("sources_source"),
        lambda text, ids: {"title": text, "kind": "news_article", "author": text[:300], "language": "en", "text": text},
    ),
    Form("actor", add("sources_actor"), lambda text, ids: {"name": text, "kind": "person", "description": text}),
    Form("outlet", add("sources_outlet"), lambda text, ids: {"name": text, "kind": "newspaper"}),
    Form(
        "link",
        add("claims_claimlink"),
        lambda text, ids: {
            "from_claim": ids["claim"],
            "to_claim": ids["in review"],
            "relation": "contradicts",
            "rationale": text,
        },
    ),
    Form(
        "rating",
        add("claims_rating"),
        lambda text, ids: {"label": text[:60], "slug": "fuzzed", "description": text, "position": "9"},
    ),
    Form("story intake", add("claims_ingestion"), lambda text, ids: {"submitted_text": text, "title": text[:500]}),
    Form(
        "verdict",
        review_page("claim"),
        lambda text, ids: {"action": "verdict", "rating": ids["rating"], "conclusion": text},
    ),
    Form("comment", review_page("claim"), lambda text, ids: {"action": "comment", "body": text}),
    Form("approval", review_page("in review"), lambda text, ids: {"action": "approve", "note": text}),
    # A refused step shows the claim's own steps again, not the reason typed.
    Form(
        "dismissal",
        review_page("claim"),
        lambda text, ids: {"action": "step", "step": "dismiss", "reason": text, "version": ids["claim version"]},
        shows_text_again=False,
    ),
]


@pytest.fixture
def desk(editor: User, researcher: User, rating_scale: None) -> tuple[Client, dict[str, int], dict[str, str]]:
    claim = factories.ClaimFactory(text="The council approved the bridge budget in March.")
    in_review = factories.ClaimFactory(text="The bridge will cost twice the estimate.")
    evidence = evidence_add(claim=in_review, source=factories.SourceFactory(), effect=Evidence.Effect.REFUTES)
    rating = Rating.objects.get(slug="false")
    verdict_propose(claim=in_review, by=researcher, rating=rating, conclusion="It will not.", evidence=[evidence])
    claim_submit(claim=in_review, by=researcher)
    statement = factories.StatementFactory(claim=claim)
    ids = {
        "claim": claim.pk,
        "claim version": Claim.objects.get(pk=claim.pk).version,
        "in review": in_review.pk,
        "speaker": statement.speaker_id,
        "source": statement.source_id,
        "rating": rating.pk,
    }
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    # The inline formsets of each add page, posted empty.
    management: dict[str, str] = {}
    for form in FORMS:
        page = client.get(form.address(ids)).content.decode()
        for prefix in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', page):
            management |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return client, ids, management


@settings(
    max_examples=2,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=texts)
@example(text=f"{SCRIPT}\x00 and a NUL")
@example(text="«— ¿? —»")  # not a letter or digit in it
@example(text=SCRIPT + OVERSIZE)
def test_every_form_takes_any_text(desk: tuple[Client, dict[str, int], dict[str, str]], text: str) -> None:
    client, ids, management = desk
    failures = []
    for form in FORMS:
        with transaction.atomic():
            response = client.post(form.address(ids), {**management, **form.fields(text, ids)})
            page = client.get(response["Location"]) if response.status_code == 302 else response
            transaction.set_rollback(True)
        shown: Any = page.content.decode()
        if response.status_code not in (200, 302) or page.status_code != 200:
            failures.append(f"{form.name}: {response.status_code}, then {page.status_code}")
        elif SCRIPT in shown:
            failures.append(f"{form.name}: the markup is on the page as markup")
        elif form.shows_text_again and text.startswith(SCRIPT) and escape(SCRIPT) not in shown:
            failures.append(f"{form.name}: the text typed is not shown again, so its escaping went unchecked")
    assert not failures, "\n".join(failures)
