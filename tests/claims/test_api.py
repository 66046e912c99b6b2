"""The claims endpoints: what each kind of reader sees, filters, search, paging, query counts, writes and review."""

import itertools
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from claims.models import Claim, ClaimLink, ClaimStatus, Verdict
from claims.review.services import claim_reopen
from tests import factories
from tests.api import World, problem_of, publish, token_client

CLAIMS = "/api/v1/claims"


def texts(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [claim["text"] for claim in response.json()["results"]]


# ---------------------------------------------------------------------------------------------- who sees what


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_outside_the_desk_only_published_claims_are_listed(who: str, world: World, request: Any) -> None:
    client = request.getfixturevalue(who)
    assert sorted(texts(client.get(CLAIMS))) == sorted([world.published.text, world.other_published.text])


def test_read_all_lists_every_claim_with_its_working_state(desk_reader: APIClient, world: World) -> None:
    body = desk_reader.get(CLAIMS).json()
    assert {claim["text"] for claim in body["results"]} == {
        world.published.text,
        world.other_published.text,
        world.unpublished.text,
    }
    unpublished = next(claim for claim in body["results"] if claim["id"] == world.unpublished.pk)
    assert unpublished["desk"]["status"] == ClaimStatus.NEW
    assert unpublished["desk"]["version"] >= 1


def test_a_read_all_token_without_a_desk_role_sees_published_claims_only(world: World) -> None:
    from tests.api import token_client

    client, _ = token_client(name="Curious", roles=[], scopes=["read:all"])
    assert world.unpublished.text not in texts(client.get(CLAIMS))


def test_an_unpublished_claim_is_not_found_outside_the_desk(reader: APIClient, world: World) -> None:
    response = reader.get(f"{CLAIMS}/{world.unpublished.pk}")
    assert response.status_code == 404
    assert world.unpublished.text not in problem_of(response)["detail"]


def test_published_claim_shows_its_statements_verdict_and_public_links_only(reader: APIClient, world: World) -> None:
    body = reader.get(f"{CLAIMS}/{world.published.pk}").json()
    assert body["desk"] is None
    statement = body["statements"][0]
    assert statement["quote"] == "the new bridge would open in March"
    assert statement["speaker"]["id"] == world.public_speaker_id
    assert statement["span"]["end"] - statement["span"]["start"] == len(statement["quote"])
    assert (statement["stance"], statement["kind"], statement["cue"]) == ("asserts", "indirect", "said")
    assert body["verdict"]["rating"]["slug"] == "false"
    assert body["verdict"]["conclusion"] == "Nothing in the record supports it."
    assert body["verdict"]["rating"]["schema_org"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    }
    assert body["support"]["level"] == "unsupported"
    # The link to the unpublished claim is not shown; the one between published claims is.
    assert [link["claim"]["id"] for link in body["links"]] == [world.other_published.pk]
    assert body["links"][0]["direction"] == "outgoing"


def test_the_desk_sees_every_link_and_the_draft_state(desk_reader: APIClient, world: World) -> None:
    body = desk_reader.get(f"{CLAIMS}/{world.published.pk}").json()
    assert {link["claim"]["id"] for link in body["links"]} == {world.other_published.pk, world.unpublished.pk}
    assert body["desk"]["status"] == ClaimStatus.PUBLISHED


def test_a_correction_keeps_the_published_verdict_visible(reader: APIClient, world: World, editor: User) -> None:
    claim_reopen(claim=world.published, by=editor, reason="A new council document.")
    body = reader.get(f"{CLAIMS}/{world.published.pk}").json()
    assert body["verdict"]["rating"]["slug"] == "false"
    assert body["desk"] is None


def test_filters_do_not_reveal_unpublished_claims(reader: APIClient, world: World) -> None:
    assert texts(reader.get(CLAIMS, {"actor": world.secret_speaker_id})) == []
    assert texts(reader.get(CLAIMS, {"q": "treasurer"})) == []
    assert texts(reader.get(CLAIMS, {"status": "new"})) == []
    assert texts(reader.get(CLAIMS, {"link_relation": "corroborates"})) == []


# ---------------------------------------------------------------------------------------------- filters, search


def test_search_ignores_accents_and_case(desk_reader: APIClient, story: Any) -> None:
    factories.ClaimFactory(text="Oscar Pérez opened fire on police at El Junquito.", story=story)
    factories.ClaimFactory(text="The police surrounded the house.", story=story)
    assert texts(desk_reader.get(CLAIMS, {"q": "PEREZ"})) == ["Oscar Pérez opened fire on police at El Junquito."]


def test_filters_by_story_actor_stance_rating_and_link(reader: APIClient, world: World) -> None:
    published, other = world.published.text, world.other_published.text
    assert set(texts(reader.get(CLAIMS, {"story": world.published.story_id}))) == {published, other}
    assert texts(reader.get(CLAIMS, {"actor": world.public_speaker_id})) == [published]
    assert texts(reader.get(CLAIMS, {"stance": "denies"})) == [other]
    assert set(texts(reader.get(CLAIMS, {"rating": "false"}))) == {published, other}
    assert texts(reader.get(CLAIMS, {"rating": "true"})) == []
    assert set(texts(reader.get(CLAIMS, {"link_relation": "contradicts", "link_status": "confirmed"}))) == {
        published,
        other,
    }
    assert set(texts(reader.get(CLAIMS, {"published_after": "2000-01-01T00:00:00Z"}))) == {published, other}
    assert texts(reader.get(CLAIMS, {"created_before": "2000-01-01T00:00:00Z"})) == []


def test_review_status_filter_for_the_desk(desk_reader: APIClient, world: World) -> None:
    assert texts(desk_reader.get(CLAIMS, {"status": "new"})) == [world.unpublished.text]


@pytest.mark.parametrize(
    "params",
    [
        {"stance": "shouts"},
        {"story": "abc"},
        {"created_after": "yesterday"},
        {"ordering": "text"},
        {"page_size": "0"},
        {"page_size": "1000"},
        {"stanse": "asserts"},
        {"cursor": "not-a-cursor"},
    ],
)
def test_a_bad_filter_ordering_paging_or_parameter_is_a_400(reader: APIClient, world: World, params: dict) -> None:
    response = reader.get(CLAIMS, params)
    assert response.status_code == 400
    body = problem_of(response)
    assert set(body["errors"]) == set(params)


# ---------------------------------------------------------------------------------------------- pages


def test_cursor_pages_cover_every_claim_once(desk_reader: APIClient, story: Any) -> None:
    for n in range(7):
        factories.ClaimFactory(text=f"Claim number {n} about the bridge.", story=story)
    seen: list[str] = []
    response = desk_reader.get(CLAIMS, {"page_size": 3})
    while True:
        body = response.json()
        seen += [claim["text"] for claim in body["results"]]
        if not body["next"]:
            break
        response = desk_reader.get(body["next"])
    assert len(seen) == 7
    assert seen == [f"Claim number {n} about the bridge." for n in reversed(range(7))]


def test_ordering_by_creation_oldest_first(desk_reader: APIClient, story: Any) -> None:
    first = factories.ClaimFactory(text="The first claim.", story=story)
    factories.ClaimFactory(text="The second claim.", story=story)
    assert texts(desk_reader.get(CLAIMS, {"ordering": "created_at"}))[0] == first.text


def _published_claims(count: int, researcher: User, reviewer: User, editor: User) -> None:
    story = factories.StoryFactory()
    source = factories.SourceFactory()
    for n in range(count):
        claim = factories.ClaimFactory(text=f"The new bridge will open in March ({n}).", story=story)
        factories.StatementFactory(claim=claim, source=source)
        publish(claim, researcher=researcher, reviewer=reviewer, editor=editor, source=source)
    claims = list(Claim.objects.order_by("pk"))
    for first, second in itertools.pairwise(claims):
        factories.ClaimLinkFactory(from_claim=first, to_claim=second)


def _queries(client: APIClient, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return len(queries)


PATHS = ["claims", "statements", "links", "evidence", "sources", "actors", "outlets", "stories", "claimreviews"]


@pytest.mark.parametrize("who", ["reader", "desk_reader"])
def test_list_queries_do_not_grow_with_the_page(
    who: str, request: Any, researcher: User, reviewer: User, editor: User
) -> None:
    client = request.getfixturevalue(who)
    _published_claims(5, researcher, reviewer, editor)
    for path in PATHS:
        url = f"/api/v1/{path}"
        client.get(url)  # the first request of a token records its use
        small, large = _queries(client, url, {"page_size": 2}), _queries(client, url, {"page_size": 5})
        assert small == large, path
        assert small <= 12, path


def test_claim_list_query_count_is_constant_and_small(
    reader: APIClient, researcher: User, reviewer: User, editor: User, django_assert_num_queries: Any
) -> None:
    _published_claims(6, researcher, reviewer, editor)
    reader.get(CLAIMS)
    # token, page, about, statements, verdicts, links (both ways at once), rating scale
    with django_assert_num_queries(7):
        assert len(reader.get(CLAIMS, {"page_size": 2}).json()["results"]) == 2
    with django_assert_num_queries(7):
        assert len(reader.get(CLAIMS, {"page_size": 6}).json()["results"]) == 6


# ---------------------------------------------------------------------------------------------- writes


def test_create_claim_through_the_service(desk_writer: APIClient, story: Any) -> None:
    response = desk_writer.post(CLAIMS, {"text": "  The bridge   cost 3 million.  ", "story": story.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == "The bridge cost 3 million."  # as the service words it
    assert Claim.objects.get(pk=body["id"]).created_by.api_client.name == "Desk tool"


def test_duplicate_claim_is_a_400_naming_the_field(desk_writer: APIClient, opened_fire: Claim) -> None:
    response = desk_writer.post(CLAIMS, {"text": opened_fire.text, "story": opened_fire.story_id}, format="json")
    assert response.status_code == 400
    assert "text" in problem_of(response)["errors"]


def test_a_duplicate_of_a_claim_the_caller_may_not_read_is_refused_without_naming_it(
    desk_writer: APIClient, world: World
) -> None:
    writer, _ = token_client(name="Partner desk", roles=["editor"], scopes=["read:published", "write"])
    for text in (world.unpublished.text, world.unpublished.text.upper()):
        response = writer.post(CLAIMS, {"text": text, "story": world.unpublished.story_id}, format="json")
        assert response.status_code == 400, response.content
        problem = problem_of(response)
        assert problem["errors"] == {"text": ["The same claim is already recorded in this story."]}
        assert f"#{world.unpublished.pk}" not in response.content.decode()
        assert "Bridge budget row" not in response.content.decode()
    # A published twin, and any twin for the desk, is named, with where it is.
    published = writer.post(CLAIMS, {"text": world.published.text, "story": world.published.story_id}, format="json")
    assert f"as claim #{world.published.pk}" in problem_of(published)["errors"]["text"][0]
    desk = desk_writer.post(
        CLAIMS, {"text": world.unpublished.text, "story": world.unpublished.story_id}, format="json"
    )
    assert problem_of(desk)["errors"]["text"] == [
        f"The same claim is already recorded in “Bridge budget row” as claim #{world.unpublished.pk}."
    ]


def test_unknown_fields_are_refused(desk_writer: APIClient, story: Any) -> None:
    response = desk_writer.post(CLAIMS, {"text": "A claim.", "storey": story.pk}, format="json")
    assert response.status_code == 400
    assert problem_of(response)["errors"] == {"storey": ["This field is unknown here."]}


def test_update_with_a_stale_version_is_a_409_with_the_conflict_message(
    desk_writer: APIClient, opened_fire: Claim
) -> None:
    url = f"{CLAIMS}/{opened_fire.pk}"
    version = desk_writer.get(url).json()["desk"]["version"]
    first = desk_writer.patch(url, {"expected_version": version, "text": "Pérez fired first."}, format="json")
    assert first.status_code == 200, first.content
    stale = desk_writer.patch(url, {"expected_version": version, "text": "Pérez never fired."}, format="json")
    assert stale.status_code == 409
    detail = problem_of(stale)["detail"]
    assert detail.startswith("This claim was changed by someone else while you were working on it")
    opened_fire.refresh_from_db()
    assert opened_fire.text == "Pérez fired first."


@pytest.mark.parametrize("who", ["reader", "desk_reader"])
def test_tokens_without_the_write_scope_cannot_write(who: str, request: Any, story: Any) -> None:
    response = request.getfixturevalue(who).post(CLAIMS, {"text": "A claim."}, format="json")
    assert response.status_code == 403
    assert "write scope" in problem_of(response)["detail"]


def test_anonymous_writes_need_a_token(anonymous: APIClient, story: Any) -> None:
    response = anonymous.post(CLAIMS, {"text": "A claim."}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    problem_of(response)


def test_a_role_without_the_permission_cannot_write(story: Any) -> None:
    from tests.api import token_client

    client, _ = token_client(name="Reviewer tool", roles=["reviewer"], scopes=["read:all", "write"])
    response = client.post(CLAIMS, {"text": "A claim."}, format="json")
    assert response.status_code == 403
    assert "role" in problem_of(response)["detail"]


def test_statement_evidence_and_link_writes_go_through_the_services(desk_writer: APIClient, opened_fire: Claim) -> None:
    source = factories.SourceFactory(text="Officials said Mr Pérez opened fire on police at El Junquito.")
    speaker = factories.ActorFactory(name="Officials")
    statement = desk_writer.post(
        "/api/v1/statements",
        {"claim": opened_fire.pk, "speaker": speaker.pk, "source": source.pk, "quote": "Mr Pérez opened fire"},
        format="json",
    )
    assert statement.status_code == 201, statement.content
    assert statement.json()["span"] == {"start": 15, "end": 35}
    wrong = desk_writer.post(
        "/api/v1/statements",
        {"claim": opened_fire.pk, "speaker": speaker.pk, "source": source.pk, "quote": "not in the text"},
        format="json",
    )
    assert wrong.status_code == 400
    assert "quote" in problem_of(wrong)["errors"]
    evidence = desk_writer.post(
        "/api/v1/evidence", {"claim": opened_fire.pk, "source": source.pk, "effect": "supports"}, format="json"
    )
    assert evidence.status_code == 201, evidence.content
    other = factories.ClaimFactory(text="Mr Pérez never fired a shot.", story=opened_fire.story)
    link = desk_writer.post(
        "/api/v1/links", {"from_claim": opened_fire.pk, "to_claim": other.pk, "relation": "contradicts"}, format="json"
    )
    assert link.status_code == 201, link.content
    assert link.json()["status"] == "confirmed"


def test_link_decisions(opened_fire: Claim, reviewer: User) -> None:
    from tests.api import token_client

    client, _ = token_client(name="Triage tool", roles=["reviewer"], scopes=["read:all", "write"])
    other = factories.ClaimFactory(text="Mr Pérez never fired a shot.", story=opened_fire.story)
    link = factories.suggested_link(
        from_claim=opened_fire, to_claim=other, relation="contradicts", detector="test", score=0.9, rationale="r"
    )
    response = client.post(f"/api/v1/links/{link.pk}/decision", {"decision": "rejected"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "rejected"
    bulk = client.post("/api/v1/links/decisions", {"links": [link.pk], "decision": "confirmed"}, format="json")
    assert bulk.json() == {"changed": 1}
    assert ClaimLink.objects.get(pk=link.pk).status == "confirmed"


# ---------------------------------------------------------------------------------------------- review steps


def test_review_through_the_api_from_new_to_published(opened_fire: Claim) -> None:
    from claims.services import evidence_add
    from tests.api import token_client

    researcher, _ = token_client(name="Research desk", roles=["researcher"], scopes=["read:all", "write"])
    reviewer, _ = token_client(name="Review desk", roles=["reviewer"], scopes=["read:all", "write"])
    editor, _ = token_client(name="Editor desk", roles=["editor"], scopes=["read:all", "write"])
    url = f"{CLAIMS}/{opened_fire.pk}"
    evidence = evidence_add(claim=opened_fire, source=factories.SourceFactory(), effect="supports")

    def step(client: APIClient, name: str, **extra: Any) -> Any:
        return client.post(f"{url}/steps", {"step": name, **extra}, format="json")

    assert step(researcher, "start_research").status_code == 200
    draft = researcher.post(
        f"{url}/verdict",
        {"rating": "mostly-true", "conclusion": "Police footage shows it.", "evidence": [evidence.pk]},
        format="json",
    )
    assert draft.status_code == 200, draft.content
    assert draft.json()["desk"]["draft_verdict"]["rating"]["slug"] == "mostly-true"
    assert step(researcher, "submit_for_review").status_code == 200
    # A researcher may not approve: the service says so, as a 403.
    denied = step(researcher, "approve")
    assert denied.status_code == 403
    problem_of(denied)
    assert step(reviewer, "send_back").status_code == 400  # a reason is needed
    assert step(reviewer, "approve", reason="Checked the footage.").status_code == 200
    published = step(editor, "publish")
    assert published.status_code == 200, published.content
    assert published.json()["verdict"]["rating"]["slug"] == "mostly-true"
    assert Verdict.objects.get(claim=opened_fire, status="published").published_by.api_client.name == "Editor desk"
    # A step the claim cannot take now is a 400 with the service's words.
    again = step(editor, "publish")
    assert again.status_code == 400
    assert "cannot be published" in problem_of(again)["detail"]


def test_a_step_with_a_stale_version_is_a_409(desk_writer: APIClient, opened_fire: Claim) -> None:
    response = desk_writer.post(
        f"{CLAIMS}/{opened_fire.pk}/steps", {"step": "start_research", "expected_version": 99}, format="json"
    )
    assert response.status_code == 409
    problem_of(response)


def test_an_unknown_step_is_a_400(desk_writer: APIClient, opened_fire: Claim) -> None:
    response = desk_writer.post(f"{CLAIMS}/{opened_fire.pk}/steps", {"step": "fly"}, format="json")
    assert response.status_code == 400
    assert "step" in problem_of(response)["errors"]


def test_ratings_list_the_scale(anonymous: APIClient, db: None) -> None:
    body = anonymous.get("/api/v1/ratings").json()
    assert [rating["slug"] for rating in body][:2] == ["true", "mostly-true"]
    assert body[0]["schema_org"]["bestRating"] == 5


# ---------------------------------------------------------------------------------------------- match, ClaimReview


def test_match_finds_published_claims_best_first(anonymous: APIClient, world: World) -> None:
    response = anonymous.post("/api/v1/match", {"text": "Will the new bridge open in March?"}, format="json")
    assert response.status_code == 200, response.content
    matches = response.json()["matches"]
    assert matches[0]["claim"]["id"] == world.published.pk
    assert matches[0]["verdict"]["rating"]["slug"] == "false"
    assert matches[0]["url"].endswith(f"/api/v1/claims/{world.published.pk}")
    assert [match["score"] for match in matches] == sorted((match["score"] for match in matches), reverse=True)
    unpublished = anonymous.post("/api/v1/match", {"text": "The treasurer has no money left"}, format="json")
    assert world.unpublished.pk not in [match["claim"]["id"] for match in unpublished.json()["matches"]]


def test_match_refuses_a_bad_limit(anonymous: APIClient, db: None) -> None:
    response = anonymous.post("/api/v1/match", {"text": "bridge", "limit": 0}, format="json")
    assert response.status_code == 400
    assert "limit" in problem_of(response)["errors"]


def test_claimreview_of_a_published_claim(anonymous: APIClient, world: World) -> None:
    response = anonymous.get(f"{CLAIMS}/{world.published.pk}/claimreview")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    review = response.json()
    assert (review["@type"], review["claimReviewed"]) == ("ClaimReview", world.published.text)
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    }
    assert anonymous.get(f"{CLAIMS}/{world.unpublished.pk}/claimreview").status_code == 404


def test_an_unproven_verdict_has_the_same_rating_in_the_api_and_in_its_claimreview(
    reader: APIClient, researcher: User, reviewer: User, editor: User, rating_scale: None
) -> None:
    claim = factories.ClaimFactory(text="The tunnel was dug by hand.")
    publish(claim, researcher=researcher, reviewer=reviewer, editor=editor, rating="unproven")
    rating = reader.get(f"{CLAIMS}/{claim.pk}").json()["verdict"]["rating"]["schema_org"]
    review = reader.get(f"{CLAIMS}/{claim.pk}/claimreview").json()
    # Off the scale there is no value to give, and no ends of a scale to place it between.
    assert rating == review["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}
    scale = {row["slug"]: row["schema_org"] for row in reader.get("/api/v1/ratings").json()}
    assert scale["unproven"] == rating
    assert scale["false"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    }


def test_claimreview_feed_pages_published_claims_only(anonymous: APIClient, world: World) -> None:
    body = anonymous.get("/api/v1/claimreviews", {"page_size": 1}).json()
    assert len(body["results"]) == 1
    seen = {body["results"][0]["claimReviewed"]}
    seen |= {review["claimReviewed"] for review in anonymous.get(body["next"]).json()["results"]}
    assert seen == {world.published.text, world.other_published.text}


def test_claimreview_import_needs_write_and_records_claims(desk_writer: APIClient, reader: APIClient, db: None) -> None:
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "ClaimReview",
                "url": "https://factcheck.example/moon-cheese",
                "claimReviewed": "The moon is made of cheese.",
                "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1},
                "author": {"@type": "Organization", "name": "Example Fact Check", "url": "https://factcheck.example"},
            },
            {"@type": "ClaimReview", "claimReviewed": "A review without a page or a rating."},
        ],
    }
    assert reader.post("/api/v1/claimreviews/import", document, format="json").status_code == 403
    response = desk_writer.post("/api/v1/claimreviews/import", document, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["unchanged"], len(body["errors"])) == (1, 0, 1)
    assert body["claims"][0]["text"] == "The moon is made of cheese."
    again = desk_writer.post("/api/v1/claimreviews/import", document, format="json").json()
    assert (again["created"], again["unchanged"]) == (0, 1)
    not_claimreview = desk_writer.post("/api/v1/claimreviews/import", {"@type": "Article"}, format="json")
    assert not_claimreview.status_code == 400
    assert "ClaimReview" in problem_of(not_claimreview)["detail"]
