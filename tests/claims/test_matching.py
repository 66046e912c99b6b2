"""Matching a tweet or a sentence to the published claims that say the same thing."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection

from claims.matching import claim_matches, match_text
from claims.models import Claim, Verdict
from tests import factories
from tests.claims.published import publish

MINECRAFT = "The popular video game Minecraft is shutting down in 2020."
BOUNTY = "Iran has offered an $80 million bounty for the head of U.S. President Donald Trump."
DRAFT = "The U.S. Army is sending text messages informing people they have been selected for the military draft."
TWEET = (
    "Once more for the folks who missed it. Minecraft is NOT stopping, Mojang is NOT closing the game down 😱 "
    "#Minecrafthttps://t.co/V4Lzv97qOc — Helen Z (@HelenAngel) January 2, 2020"
)


LIBRARY = "The city council voted to close the Elm Street library in June."
BRIDGE = "The new river bridge will open to traffic in March."
SCHOOL = "The council has cut the school meals budget by half."


@pytest.fixture
def published(researcher: User, reviewer: User, editor: User) -> Callable[..., Claim]:
    def make(text: str) -> Claim:
        claim = factories.ClaimFactory(text=text, story=None)
        publish(claim, researcher=researcher, reviewer=reviewer, editor=editor, rating="unproven")
        return claim

    return make


def test_tweets_are_read_without_links_handles_hashtags_or_emoji() -> None:
    cleaned = match_text(TWEET)

    assert "http" not in cleaned
    assert "😱" not in cleaned
    assert "@" not in cleaned
    assert "#" not in cleaned
    assert "Minecraft is NOT stopping" in cleaned
    assert cleaned.endswith("Helen Z January 2, 2020")  # the signature's name and date, not the handle
    assert match_text("Thanks @realDonaldTrump #FreeIran2020") == "Thanks real Donald Trump Free Iran 2020"


@pytest.fixture
def embeddings_on(settings):  # type: ignore[no-untyped-def]
    """Embeddings switched on with the installed model, where it and pgvector are there; skips elsewhere."""
    pytest.importorskip("sentence_transformers", reason="embeddings are optional: requirements-embeddings.txt")
    from claims.linking.embeddings import embeddings_ready

    settings.ATTEST_EMBEDDINGS = True
    if not embeddings_ready():
        pytest.skip("this PostgreSQL server has no pgvector")


@pytest.mark.django_db
def test_a_tweet_with_a_link_handles_hashtags_and_emoji_finds_its_claim(published: Callable[..., Claim]) -> None:
    library, _, _ = published(LIBRARY), published(BRIDGE), published(SCHOOL)

    matches = claim_matches(
        "RT @RiversideNews: 🚨 Council VOTES to close #ElmStreet library in June!! https://t.co/Xy7Qa "
        "#SaveOurLibrary @MayorDavies"
    )

    assert matches[0].claim == library


@pytest.mark.django_db
def test_a_long_tweet_whose_rarest_words_no_claim_uses_still_finds_its_claim(
    published: Callable[..., Claim],
) -> None:
    library, _ = published(LIBRARY), published(BRIDGE)
    # Twelve names no published claim uses: the rarest words of the tweet, and none of them brings a claim in.
    names = "Quillfeather Brambleton Wexcombe Harrowgate Pellingford Ashbury Corrin Dunmarrow Fenwick Gorsey Hollin"
    names += " Ivel"

    matches = claim_matches(f"{names} all say the council voted to close the Elm Street library in June")

    assert [match.claim for match in matches][:1] == [library]


@pytest.mark.django_db
def test_a_paraphrasing_tweet_finds_the_published_claim_first(published: Callable[..., Claim]) -> None:
    minecraft, _, _ = published(MINECRAFT), published(BOUNTY), published(DRAFT)

    matches = claim_matches(TWEET)

    assert matches[0].claim == minecraft
    assert 0 < matches[0].score <= 1
    assert [match.score for match in matches] == sorted((match.score for match in matches), reverse=True)


@pytest.mark.django_db
def test_matches_carry_their_verdict_and_rating_without_a_query_each(
    published: Callable[..., Claim], django_assert_max_num_queries: Callable[..., object]
) -> None:
    for text in (MINECRAFT, "Minecraft servers close for good in 2020.", "Mojang is closing in 2020."):
        published(text)

    matches = claim_matches(TWEET)
    assert len(matches) == 3
    with django_assert_max_num_queries(0):  # type: ignore[operator]
        ratings = [match.verdict.rating.slug for match in matches]

    assert ratings == ["unproven"] * 3


@pytest.mark.django_db
def test_an_unpublished_claim_is_never_matched(published: Callable[..., Claim]) -> None:
    factories.ClaimFactory(text=MINECRAFT, story=None)  # recorded, but no verdict is published
    bounty = published(BOUNTY)

    assert claim_matches(TWEET) == []
    assert [match.claim for match in claim_matches("Iran offers an $80 million bounty on Trump's head")] == [bounty]


@pytest.mark.django_db
def test_a_withdrawn_verdict_takes_the_claim_out_of_matching(published: Callable[..., Claim]) -> None:
    minecraft = published(MINECRAFT)
    assert claim_matches(TWEET)

    Verdict.objects.filter(claim=minecraft).update(status=Verdict.Status.SUPERSEDED)

    assert claim_matches(TWEET) == []


@pytest.mark.django_db
def test_limit_and_empty_texts(published: Callable[..., Claim]) -> None:
    for text in (MINECRAFT, "Minecraft servers close for good in 2020.", "Mojang is closing in 2020."):
        published(text)

    assert len(claim_matches(TWEET, limit=2)) == 2
    assert claim_matches("😱 https://t.co/abc") == []
    assert claim_matches("") == []


@pytest.mark.django_db
def test_without_pgvector_matching_falls_back_to_words_and_says_so(
    published: Callable[..., Claim],
    settings,
    caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
) -> None:
    from claims.linking import embeddings

    settings.ATTEST_EMBEDDINGS = True
    embeddings._warned.clear()
    minecraft = published(MINECRAFT)
    with connection.cursor() as cursor:  # a server without pgvector has no vector column
        cursor.execute("ALTER TABLE claims_claimembedding DROP COLUMN IF EXISTS embedding")

    matches = claim_matches(TWEET)

    assert [match.claim for match in matches] == [minecraft]
    assert "full-text search only" in caplog.text


@pytest.mark.django_db
def test_without_the_embedding_model_matching_falls_back_to_words_and_says_so(
    published: Callable[..., Claim],
    settings,
    caplog: pytest.LogCaptureFixture,  # type: ignore[no-untyped-def]
) -> None:
    from claims.linking import embeddings

    settings.ATTEST_EMBEDDINGS = True
    settings.ATTEST_EMBEDDING_MODEL = "/nonexistent/embedding-model"
    embeddings._warned.clear()
    embeddings._model.cache_clear()
    library, _ = published(LIBRARY), published(BRIDGE)
    try:
        matches = claim_matches("Council votes to close #ElmStreet library")
    finally:
        embeddings._model.cache_clear()  # the next test loads the model it is given

    assert [match.claim for match in matches][:1] == [library]
    assert "cannot be loaded" in caplog.text
    assert "full-text search only" in caplog.text


@pytest.mark.django_db
@pytest.mark.usefixtures("embeddings_on")
def test_with_embeddings_an_unpublished_claim_is_never_matched_by_meaning(published: Callable[..., Claim]) -> None:
    from claims.linking.embeddings import embeddings_store

    draft = factories.ClaimFactory(text=LIBRARY, story=None)  # embedded by linking, but no verdict is published
    bridge = published(BRIDGE)
    embeddings_store([draft, bridge])

    matches = claim_matches("Council votes to shut down the Elm Street library")

    assert draft not in [match.claim for match in matches]


@pytest.mark.django_db
@pytest.mark.usefixtures("embeddings_on")
def test_with_embeddings_a_claim_found_by_words_and_meaning_comes_first(published: Callable[..., Claim]) -> None:
    from claims.linking.embeddings import embeddings_store

    claims = [published(LIBRARY), published(BRIDGE), published(SCHOOL)]
    embeddings_store(claims)

    matches = claim_matches("Elm Street's library is closing in June after the council vote 😢 #SaveOurLibrary")

    assert matches[0].claim == claims[0]
    assert matches[0].score > matches[1].score


@pytest.mark.django_db
@pytest.mark.usefixtures("embeddings_on")
def test_with_embeddings_a_claim_sharing_no_words_is_found(published: Callable[..., Claim]) -> None:
    from claims.linking.embeddings import embeddings_store

    resigned, weather = published("The minister resigned on Tuesday."), published("Heavy rain flooded the valley.")
    embeddings_store([resigned, weather])

    matches = claim_matches("A cabinet member stepped down")

    assert matches[0].claim == resigned
