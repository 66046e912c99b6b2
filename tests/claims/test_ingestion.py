"""Reading a pasted or linked story into a source and suggested statements, through the services and the job.

Jobs run in-process in tests; each is queued on commit, so a test runs it by
executing the captured commit callbacks. Pages come from a server on 127.0.0.1.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from pytest_django.fixtures import Settings

from claims.ingestion import (
    UNNAMED_REPORTER,
    TransientIngestionError,
    clean_pasted_text,
    ingestion_request,
    ingestion_retry,
    ingestion_run,
)
from claims.models import Claim, Ingestion, ReviewStatus, Stance, Statement, Story
from claims.services import suggestions_accept, suggestions_discard
from claims.tasks import ingest as ingest_job
from core.text import fold
from sources.models import Actor, Outlet, Source
from sources.services import actor_create
from tests import factories
from tests.claims.conftest import jobs_queued
from tests.sources.test_fetching import ARTICLE as BUGLE_ARTICLE
from tests.sources.test_fetching import NewsroomSite, page, redirect

pytestmark = pytest.mark.django_db

EL_JUNQUITO = settings.BASE_DIR / "fixtures" / "el-junquito"

BRIDGE_STORY = (
    "Bridge budget row\n\n"
    "Mayor Ana Ruiz said the new bridge would open in March.\n\n"
    "“We checked every cable twice,” she said.\n\n"
    "The treasurer denied that the bridge budget had been cut."
)

GAZETTE_PAGE = """<!doctype html>
<html lang="en"><head><title>New bridge will open early | Riverside Gazette</title>
<meta property="og:site_name" content="Riverside Gazette"></head>
<body><nav><a href="/">Home</a></nav><article><h1>New bridge will open early</h1>
<p>Mayor Ana Ruiz said on Tuesday that the new bridge would open in March, ahead of the council's own schedule.</p>
<script>document.write("SCRIPT-IN-PAGE")</script>
<p>“We checked every cable twice,” she said.</p>
<p>The treasurer denied that the bridge budget had been cut.</p>
</article></body></html>"""


def rows() -> dict[str, int]:
    """How many rows each table an ingestion writes to holds."""
    return {
        model.__name__: model.objects.count() for model in (Ingestion, Source, Statement, Claim, Story, Actor, Outlet)
    }


@pytest.fixture
def ingest(django_capture_on_commit_callbacks: Any) -> Callable[..., Ingestion]:
    """Request an ingestion and run its job when the request commits; the ingestion as the job left it."""

    def ingest(**given: Any) -> Ingestion:
        with django_capture_on_commit_callbacks(execute=True):
            ingestion = ingestion_request(**given)
        ingestion.refresh_from_db()
        return ingestion

    return ingest


@pytest.fixture(scope="module")
def site() -> Iterator[NewsroomSite]:
    site = NewsroomSite()
    site.pages.update(
        {
            "/bridge": page(GAZETTE_PAGE.encode()),
            "/politics/minister-denies-cut": page(BUGLE_ARTICLE),
            "/loop-a": redirect("/loop-b"),
            "/loop-b": redirect("/loop-a"),
            "/slow": sleeping(site),
        }
    )
    yield site
    site.close()


def sleeping(site: NewsroomSite) -> Callable[[BaseHTTPRequestHandler], None]:
    def answer_late(request: BaseHTTPRequestHandler) -> None:
        site.stopping.wait(3)

    return answer_late


@pytest.fixture
def allowed_site(site: NewsroomSite, settings: Settings) -> NewsroomSite:
    settings.ATTEST_FETCH_ALLOWED_HOSTS = {site.host_port}
    return site


def suggested_statements(ingestion: Ingestion) -> list[Statement]:
    return list(
        Statement.objects.filter(ingestion=ingestion)
        .exclude(speaker__name=UNNAMED_REPORTER)  # the outlet's own reporting: tests/claims/test_propositions.py
        .select_related("speaker", "claim", "source")
        .order_by("span_start")
    )


def statement_saying(ingestion: Ingestion, words: str) -> Statement:
    statements = suggested_statements(ingestion)
    found = [statement for statement in statements if words in statement.quote]
    assert len(found) == 1, f"{len(found)} statements say {words!r}, among: " + "; ".join(
        f"{statement.speaker.name}: {statement.quote!r}" for statement in statements
    )
    return found[0]


# --- A pasted story ------------------------------------------------------------------------------


def test_pasted_story_becomes_a_source_with_suggested_statements(
    django_capture_on_commit_callbacks: Any, editor: Any
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        ingestion = ingestion_request(text=f"  {BRIDGE_STORY}\n\n", requested_by=editor)
    waiting = Ingestion.objects.get(pk=ingestion.pk)
    for job in queued:
        job()
    ingestion.refresh_from_db()

    assert (waiting.status, waiting.progress, len(queued)) == (Ingestion.Status.QUEUED, 0, 1)
    assert ingestion.status == Ingestion.Status.SUCCEEDED
    assert (ingestion.progress, ingestion.stage, ingestion.error, ingestion.attempts) == (100, "done", "", 1)
    assert ingestion.finished_at is not None
    assert ingestion.created_by == editor
    assert ingestion.source is not None
    assert ingestion.source.text == BRIDGE_STORY
    assert ingestion.source.title == "Bridge budget row"
    statements = suggested_statements(ingestion)
    assert len(statements) == ingestion.statements_suggested == 3
    for statement in statements:
        assert statement.review_status == ReviewStatus.SUGGESTED
        assert BRIDGE_STORY[statement.span_start : statement.span_end] == statement.quote
        assert statement.claim.review_status == ReviewStatus.SUGGESTED
    [story] = {statement.claim.story for statement in statements}
    assert story is not None
    assert story.title == "Bridge budget row"


def test_job_is_queued_only_when_the_request_commits(django_capture_on_commit_callbacks: Any) -> None:
    class Abandoned(Exception):
        pass

    with django_capture_on_commit_callbacks() as queued, suppress(Abandoned), transaction.atomic():
        ingestion_request(text=BRIDGE_STORY)
        raise Abandoned

    assert queued == []
    assert Ingestion.objects.count() == 0


def test_running_the_job_again_suggests_nothing_more(ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(text=BRIDGE_STORY)
    before = rows()

    ingestion_run(ingestion_id=ingestion.pk)
    ingestion_run(ingestion_id=ingestion.pk + 1000)  # a missing ingestion is skipped

    assert rows() == before
    ingestion.refresh_from_db()
    assert (ingestion.status, ingestion.attempts, ingestion.statements_suggested) == (Ingestion.Status.SUCCEEDED, 1, 3)


@pytest.mark.parametrize(
    "again",
    [BRIDGE_STORY, BRIDGE_STORY.replace("\n", "\r\n"), f"\n{BRIDGE_STORY}   "],
    ids=["same-text", "windows-line-endings", "surrounding-space"],
)
def test_the_same_story_twice_gives_one_source_and_no_duplicate_statement(
    ingest: Callable[..., Ingestion], again: str
) -> None:
    first = ingest(text=BRIDGE_STORY)
    statements = Statement.objects.count()

    second = ingest(text=again)

    assert second.status == Ingestion.Status.SUCCEEDED
    assert second.source == first.source
    assert (second.statements_suggested, Statement.objects.count()) == (0, statements)
    assert Source.objects.count() == 1


# --- Speakers ------------------------------------------------------------------------------------


@pytest.fixture
def seed_article() -> str:
    return (EL_JUNQUITO / "el-junquito-bbc.txt").read_text(encoding="utf-8")


def test_seed_article_speakers_are_the_actors_already_known(
    seed_story: Story, seed_article: str, ingest: Callable[..., Ingestion]
) -> None:
    bbc_report = Source.objects.get(title=seed_story.title)
    perez, authorities, cabello = (
        Actor.objects.get(name=name) for name in ("Oscar Pérez", "Venezuelan authorities", "Diosdado Cabello")
    )
    before = rows()

    ingestion = ingest(text=seed_article)

    assert ingestion.status == Ingestion.Status.SUCCEEDED, ingestion.error
    assert ingestion.source == bbc_report
    assert Actor.objects.count() == before["Actor"], "new actors: " + ", ".join(
        Actor.objects.order_by("-pk").values_list("name", flat=True)[: Actor.objects.count() - before["Actor"]]
    )
    assert Source.objects.count() == before["Source"]
    assert statement_saying(ingestion, "he had offered to turn himself in").speaker == perez  # "Mr Perez said"
    assert statement_saying(ingestion, "They’re shooting at us").speaker == perez  # "he said"
    assert statement_saying(ingestion, "they had arrested five people").speaker == authorities  # "The authorities"
    # The tweet says what the hand-made claim says: it joins that claim, and the desk's statement stands alone.
    opened_fire = Claim.objects.get(text="Oscar Pérez opened fire on police at El Junquito.")
    assert list(opened_fire.statements.values_list("speaker", flat=True)) == [cabello.pk]
    offered = statement_saying(ingestion, "he had offered to turn himself in")
    assert offered.via_source == Source.objects.get(title="Oscar Pérez's video from the besieged house in El Junquito")
    assert offered.via_source in bbc_report.relays.all()
    assert {statement.claim.story for statement in suggested_statements(ingestion)} == {seed_story}


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        (
            "Mayor Ana Ruiz said the new bridge would open in March.\n\n"
            "“We checked every cable twice,” she said. Ms Ruiz added that the budget was safe.",
            "Ana Ruiz",
            Actor.Kind.PERSON,
        ),
        (
            "Residents said the water was brown. They added that they would protest on Friday.",
            "Residents",
            Actor.Kind.GROUP,
        ),
        (
            "The Health Ministry said the clinic was closed. It added that the staff had left.",
            "Health Ministry",
            Actor.Kind.ORGANISATION,
        ),
    ],
    ids=["person", "group", "organisation"],
)
def test_unknown_speaker_becomes_one_new_actor(
    ingest: Callable[..., Ingestion], text: str, name: str, kind: str
) -> None:
    before = Actor.objects.count()

    ingestion = ingest(text=text)

    assert Actor.objects.count() == before + 1
    actor = Actor.objects.get(name=name)
    assert actor.kind == kind
    statements = suggested_statements(ingestion)
    assert len(statements) >= 2
    assert {statement.speaker for statement in statements} == {actor}


# --- What the claims say -------------------------------------------------------------------------


def test_reported_speech_becomes_a_claim_in_the_reporters_words(ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(
        text="Prominent government member Diosdado Cabello tweeted that Mr Pérez had opened fire on police."
    )

    [statement] = suggested_statements(ingestion)
    assert statement.claim.text == "Mr Pérez opened fire on police."
    assert statement.quote == "Mr Pérez had opened fire on police"
    assert (statement.kind, statement.stance, statement.cue) == ("indirect", Stance.ASSERTS, "tweeted")


def test_direct_quote_keeps_its_words_without_the_quotation_marks(ingest: Callable[..., Ingestion]) -> None:
    text = "Ana Ruiz runs the council.\n\n“We checked every cable twice,” Ana Ruiz said."

    ingestion = ingest(text=text)

    [statement] = suggested_statements(ingestion)
    assert statement.quote == "We checked every cable twice"
    assert statement.claim.text == "Ana Ruiz’s group checked every cable twice."
    assert text[statement.span_start : statement.span_end] == statement.quote
    assert statement.kind == "direct"


def test_denial_is_recorded_with_the_denied_claim(ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(text="The treasurer denied that the bridge budget had been cut.")

    [statement] = suggested_statements(ingestion)
    assert statement.stance == Stance.DENIES
    assert statement.claim.text == "The bridge budget was cut."
    assert statement.speaker.name == "treasurer"


def test_split_quotation_claim_is_the_speakers_words_only(ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(text="“The bridge is safe,” Mayor Ana Ruiz said. “We checked it twice.”")

    statements = suggested_statements(ingestion)
    assert [statement.quote for statement in statements] == ["The bridge is safe", "We checked it twice"]
    # One claim per sentence of the quotation, none with the reporter's words or the quotation marks.
    claims = [statement.claim.text for statement in statements]
    assert claims == ["The bridge is safe.", "Ana Ruiz’s group checked it twice."]


def test_ingestion_records_the_story_its_claims_joined(ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(text=BRIDGE_STORY)

    assert ingestion.story is not None
    assert ingestion.story == suggested_statements(ingestion)[0].claim.story


# --- Accepting and discarding suggestions --------------------------------------------------------


def test_accepting_suggestions_accepts_their_claims(ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(text=BRIDGE_STORY)
    accepted, left = suggested_statements(ingestion)[:2], suggested_statements(ingestion)[2]

    count = suggestions_accept(statements=accepted)

    assert count == 2
    for statement in accepted:
        statement.refresh_from_db()
        assert statement.review_status == statement.claim.review_status == ReviewStatus.ACCEPTED
    left.refresh_from_db()
    assert left.review_status == left.claim.review_status == ReviewStatus.SUGGESTED
    assert suggestions_accept(statements=accepted) == 0


def test_discarding_suggestions_deletes_them_and_claims_no_one_else_states(ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(
        text="Ana Ruiz said the bridge was safe.\n\nTom Reyes said the bridge was safe.\n\n"
        "Tom Reyes said the budget was gone."
    )
    ruiz_safe, reyes_safe, reyes_budget = suggested_statements(ingestion)
    assert ruiz_safe.claim == reyes_safe.claim
    suggestions_accept(statements=[reyes_budget])

    discarded = suggestions_discard(statements=[ruiz_safe, reyes_budget])

    assert discarded == 1
    assert not Statement.objects.filter(pk=ruiz_safe.pk).exists()
    assert Claim.objects.filter(pk=ruiz_safe.claim_id, review_status=ReviewStatus.SUGGESTED).exists()
    reyes_budget.refresh_from_db()
    assert reyes_budget.review_status == reyes_budget.claim.review_status == ReviewStatus.ACCEPTED

    assert suggestions_discard(statements=[reyes_safe]) == 1

    assert not Claim.objects.filter(pk=reyes_safe.claim_id).exists()
    assert list(Statement.objects.all()) == [reyes_budget]


# --- A linked story ------------------------------------------------------------------------------


def test_linked_story_is_fetched_into_a_source_of_its_outlet(
    allowed_site: NewsroomSite, ingest: Callable[..., Ingestion]
) -> None:
    url = allowed_site.url("/bridge")

    ingestion = ingest(url=url)

    assert ingestion.status == Ingestion.Status.SUCCEEDED, ingestion.error
    source = ingestion.source
    assert source is not None
    assert (source.url, source.title) == (url, "New bridge will open early")
    assert source.outlet is not None
    assert (source.outlet.name, source.outlet.home_domain) == ("Riverside Gazette", "127.0.0.1")
    assert "SCRIPT-IN-PAGE" not in source.text
    assert "Mayor Ana Ruiz said on Tuesday" in source.text
    assert ingestion.statements_suggested == 3


def test_linked_page_naming_its_own_address_is_recorded_under_it(
    allowed_site: NewsroomSite, ingest: Callable[..., Ingestion]
) -> None:
    ingestion = ingest(url=allowed_site.url("/politics/minister-denies-cut"))

    assert ingestion.source is not None
    assert ingestion.source.url == "https://bugle.example/politics/minister-denies-cut"
    assert ingestion.source.outlet is not None
    assert ingestion.source.outlet.home_domain == "bugle.example"


def test_the_outlet_the_editor_names_wins_over_the_one_the_domain_finds(
    allowed_site: NewsroomSite, ingest: Callable[..., Ingestion]
) -> None:
    wire = factories.OutletFactory(name="Wire Service", home_domain="wire.example")

    ingestion = ingest(url=allowed_site.url("/bridge"), outlet=wire)

    assert ingestion.source is not None
    assert ingestion.source.outlet == wire
    assert not Outlet.objects.filter(home_domain="127.0.0.1").exists()


def test_the_same_link_twice_gives_one_source(allowed_site: NewsroomSite, ingest: Callable[..., Ingestion]) -> None:
    first = ingest(url=allowed_site.url("/bridge"))
    statements = Statement.objects.count()

    second = ingest(url=allowed_site.url("/bridge"))

    assert second.source == first.source
    assert (Source.objects.count(), Outlet.objects.count(), Statement.objects.count()) == (1, 1, statements)


def test_pasted_html_is_read_as_a_page_without_its_scripts(ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(text=GAZETTE_PAGE)

    assert ingestion.status == Ingestion.Status.SUCCEEDED, ingestion.error
    assert ingestion.source is not None
    assert "SCRIPT-IN-PAGE" not in ingestion.source.text
    assert "<" not in ingestion.source.text
    assert ingestion.source.text.startswith("New bridge will open early\n\nMayor Ana Ruiz said")
    assert ingestion.submitted_text == GAZETTE_PAGE.strip()


def test_plain_text_story_with_a_stray_tag_is_still_read(seed_article: str, ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(text=seed_article.replace("It is unclear", "<script>alert(1)</script> It is unclear"))

    # A plain-text story is stored as the words it has, tag included; pages show it escaped.
    assert ingestion.status == Ingestion.Status.SUCCEEDED, ingestion.error
    assert ingestion.source is not None
    assert "<script>alert(1)</script> It is unclear" in ingestion.source.text


def test_pasted_html_without_an_article_fails_with_a_readable_sentence(ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(text="<div><a href='/'>Home</a></div>")

    assert ingestion.status == Ingestion.Status.FAILED
    assert ingestion.error[:1].isupper(), repr(ingestion.error)


# --- Refused input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({}, "Paste the story's text or give its link, not both and not neither."),
        ({"text": ""}, "not both and not neither"),
        ({"text": "  \n\t\n  "}, "not both and not neither"),
        ({"text": "The mayor said\x00\x01\x02 PK\x03\x04"}, "This looks like a binary file, not the text of a story."),
        ({"text": "\x7fELF\x02\x01\x01\x00\x00"}, "binary file"),
        ({"text": BRIDGE_STORY, "url": "https://bugle.example/bridge"}, "not both and not neither"),
        ({"url": "ftp://bugle.example/bridge.txt"}, "Give the story's web address, starting with http:// or https://."),
        ({"url": "bugle.example/bridge"}, "starting with http:// or https://"),
        ({"url": "javascript:alert(1)"}, "starting with http:// or https://"),
        ({"url": "http://"}, "starting with http:// or https://"),
    ],
    ids=[
        "neither",
        "empty-text",
        "white-space-only",
        "binary",
        "executable",
        "both",
        "ftp",
        "no-scheme",
        "javascript",
        "no-host",
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_written(
    django_capture_on_commit_callbacks: Any, given: dict[str, Any], message: str
) -> None:
    before = rows()

    with django_capture_on_commit_callbacks() as queued, pytest.raises(ValidationError) as refused:
        ingestion_request(**given)

    assert message in " ".join(refused.value.messages)
    assert rows() == before
    assert queued == []


def test_fifty_megabyte_paste_is_refused_quickly(django_capture_on_commit_callbacks: Any) -> None:
    paragraph = "The mayor said the new bridge would open in March, and the treasurer denied it.\n\n"
    text = paragraph * (50_000_000 // len(paragraph))
    before = rows()

    started = time.monotonic()
    with pytest.raises(ValidationError) as cleaned:
        clean_pasted_text(text)
    with django_capture_on_commit_callbacks() as queued, pytest.raises(ValidationError) as requested:
        ingestion_request(text=text)
    seconds = time.monotonic() - started

    expected = f"The text has {len(text.strip()):,} characters; Attest takes stories of up to 1,000,000."
    assert cleaned.value.messages == requested.value.messages == [expected]
    # Reading it as a story would take many minutes; refusing it takes well under a second on a quiet machine.
    assert seconds < 30
    assert rows() == before
    assert queued == []


def test_paste_just_within_the_limit_is_taken(settings: Settings, ingest: Callable[..., Ingestion]) -> None:
    settings.ATTEST_INGEST_MAX_CHARACTERS = len(BRIDGE_STORY)

    assert ingest(text=BRIDGE_STORY).status == Ingestion.Status.SUCCEEDED
    with pytest.raises(ValidationError, match="Attest takes stories of up to"):
        ingestion_request(text=BRIDGE_STORY + ".")


# --- Links that cannot be read -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (
            "http://127.0.0.1/admin",
            "The address points to this server itself (127.0.0.1); Attest fetches only public web pages.",
        ),
        ("http://10.0.0.5/", "The address points to a private network (10.0.0.5)"),
        ("http://169.254.169.254/latest/meta-data/", "link-local address, such as a cloud metadata service"),
    ],
)
def test_link_to_an_address_off_the_public_web_fails_the_ingestion(
    ingest: Callable[..., Ingestion], address: str, message: str
) -> None:
    before = rows()

    ingestion = ingest(url=address)

    assert ingestion.status == Ingestion.Status.FAILED
    assert message in ingestion.error
    assert (ingestion.stage, ingestion.source) == ("failed", None)
    assert ingestion.finished_at is not None
    assert rows() == {**before, "Ingestion": before["Ingestion"] + 1}


def test_failed_link_succeeds_when_retried_once_its_server_is_allowed(
    site: NewsroomSite, settings: Settings, django_capture_on_commit_callbacks: Any, ingest: Callable[..., Ingestion]
) -> None:
    settings.ATTEST_FETCH_ALLOWED_HOSTS = set()
    failed = ingest(url=site.url("/bridge"))
    assert failed.status == Ingestion.Status.FAILED
    assert "uses port" in failed.error
    assert "Attest fetches only public web pages" in failed.error

    settings.ATTEST_FETCH_ALLOWED_HOSTS = {site.host_port}
    with django_capture_on_commit_callbacks(execute=True) as queued:
        ingestion_retry(ingestion=failed)
    failed.refresh_from_db()

    assert jobs_queued(queued, ingest_job) == [(failed.pk,)]
    assert failed.status == Ingestion.Status.SUCCEEDED
    assert (failed.error, failed.attempts, failed.statements_suggested) == ("", 2, 3)
    assert failed.source is not None
    assert failed.source.url == site.url("/bridge")


def test_redirect_loop_fails_the_ingestion(allowed_site: NewsroomSite, ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(url=allowed_site.url("/loop-a"))

    assert ingestion.status == Ingestion.Status.FAILED
    assert "redirects in a loop" in ingestion.error
    assert Source.objects.count() == 0


def test_link_that_times_out_is_left_to_be_retried(
    allowed_site: NewsroomSite, settings: Settings, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ATTEST_FETCH_TIMEOUT = 0.3
    with django_capture_on_commit_callbacks():
        ingestion = ingestion_request(url=allowed_site.url("/slow"))
    before = rows()

    with pytest.raises(TransientIngestionError, match=r"did not answer within 0\.3 seconds"):
        ingestion_run(ingestion_id=ingestion.pk)

    ingestion.refresh_from_db()
    assert (ingestion.status, ingestion.stage, ingestion.attempts) == (Ingestion.Status.QUEUED, "waiting to retry", 1)
    assert ingestion.error.startswith("Attempt 1 failed and will be retried: ")
    assert "did not answer within 0.3 seconds" in ingestion.error
    assert ingestion.source is None
    assert rows() == before


def test_link_that_times_out_in_process_ends_failed_with_the_reason(
    allowed_site: NewsroomSite, settings: Settings, ingest: Callable[..., Ingestion]
) -> None:
    settings.ATTEST_FETCH_TIMEOUT = 0.3

    ingestion = ingest(url=allowed_site.url("/slow"))

    assert ingestion.status == Ingestion.Status.FAILED
    assert "did not answer within 0.3 seconds" in ingestion.error


# --- Retrying ------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Ingestion.Status.SUCCEEDED, Ingestion.Status.QUEUED])
def test_only_a_failed_ingestion_is_retried(
    ingest: Callable[..., Ingestion], django_capture_on_commit_callbacks: Any, status: str
) -> None:
    if status == Ingestion.Status.SUCCEEDED:
        ingestion = ingest(text=BRIDGE_STORY)
    else:
        with django_capture_on_commit_callbacks():
            ingestion = ingestion_request(text=BRIDGE_STORY)

    with django_capture_on_commit_callbacks() as queued, pytest.raises(ValidationError) as refused:
        ingestion_retry(ingestion=ingestion)

    assert refused.value.messages == ["Only a failed ingestion can be retried."]
    assert queued == []
    ingestion.refresh_from_db()
    assert ingestion.status == status


def test_short_form_speaker_is_recorded_under_the_full_name_the_text_gives(ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(text="Mr Perez said he would surrender.\n\nOscar Pérez is a pilot.")

    [statement] = suggested_statements(ingestion)
    assert fold(statement.speaker.name) == "oscar perez"


def test_a_described_speaker_is_one_actor_under_their_name_with_the_description(
    ingest: Callable[..., Ingestion],
) -> None:
    ingestion = ingest(
        text="Venezuela's interior minister, Néstor Reverol, said the group had opened fire first.\n\n"
        "Néstor Reverol said two officers died. Reverol said the operation was over.\n\n"
        "The minister said the bodies would be returned."
    )

    reverol = Actor.objects.get(name="Néstor Reverol")
    assert reverol.description == "Venezuela's interior minister"
    assert {statement.speaker for statement in suggested_statements(ingestion)} == {reverol}


def test_a_known_actors_description_is_left_as_the_desk_wrote_it(ingest: Callable[..., Ingestion]) -> None:
    reverol = actor_create(name="Néstor Reverol", description="Venezuelan Minister of Interior and Justice")

    ingestion = ingest(text="Venezuela's interior minister, Néstor Reverol, said the group had opened fire first.")

    [statement] = suggested_statements(ingestion)
    assert statement.speaker == reverol
    reverol.refresh_from_db()
    assert reverol.description == "Venezuelan Minister of Interior and Justice"
    assert not Actor.objects.filter(name__icontains="minister").exists()


def test_a_relative_pronoun_is_never_an_actor(ingest: Callable[..., Ingestion]) -> None:
    ingestion = ingest(text="Reporters spoke to Governor Ana Ruiz, who said the dam was safe.")

    [statement] = suggested_statements(ingestion)
    assert statement.speaker.name == "Ana Ruiz"
    assert not Actor.objects.filter(name__in=["who", "which", "that"]).exists()
