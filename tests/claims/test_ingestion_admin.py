"""Giving Attest a story in the admin and reviewing what it suggests, over HTTP as an editor does.

The admin form is posted form-encoded, as a browser posts a form without a
file field. Jobs run in-process when the request's transaction commits.
"""

import html
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from claims.models import Claim, Ingestion, ReviewStatus, Statement
from claims.tasks import ingest
from sources.models import Source
from tests import factories
from tests.claims.conftest import jobs_queued

pytestmark = pytest.mark.django_db

BRIDGE_STORY = (
    "Bridge budget row\n\n"
    "Mayor Ana Ruiz said the new bridge would open in March.\n\n"
    "“We checked every cable twice,” she said.\n\n"
    "The treasurer denied that the bridge budget had been cut."
)
SCRIPT = "<script>alert(1)</script>"
PASTED_PAGE = f"""<html><body><article><h1>New bridge will open early</h1>
<p>Mayor Ana Ruiz said on Tuesday that the new bridge would open in March, ahead of the council's own schedule.</p>
{SCRIPT}
<p>“We checked every cable twice,” she said.</p>
</article></body></html>"""
FORM_ENCODED = "application/x-www-form-urlencoded"


def add_ingestion(client: Client, **fields: str) -> Any:
    data = {"submitted_text": "", "url": "", "title": "", "outlet": "", "story": "", **fields}
    return client.post(reverse("admin:claims_ingestion_add"), urlencode(data), content_type=FORM_ENCODED)


def page_text(response: Any) -> str:
    return str(response.content.decode())


def form_errors(response: Any) -> list[str]:
    lists = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', page_text(response), re.DOTALL)
    return [html.unescape(error) for errors in lists for error in re.findall(r"<li>(.*?)</li>", errors, re.DOTALL)]


def result_count(response: Any) -> int:
    match = re.search(r'(\d+) results? \(<a href="\?', page_text(response)) or re.search(
        r'<p class="paginator">\s*(\d+)', page_text(response)
    )
    assert match, "no result count on the page"
    return int(match.group(1))


@pytest.fixture
def read_story(editor_client: Client, django_capture_on_commit_callbacks: Any) -> Ingestion:
    """The bridge story, pasted by the editor and read."""
    with django_capture_on_commit_callbacks(execute=True):
        add_ingestion(editor_client, submitted_text=BRIDGE_STORY)
    return Ingestion.objects.get()


def test_add_page_asks_for_the_text_or_the_link(editor_client: Client) -> None:
    response = editor_client.get(reverse("admin:claims_ingestion_add"))

    assert response.status_code == 200
    assert "Paste the story&#x27;s text, or give its link" in page_text(response)
    assert 'name="submitted_text"' in page_text(response)
    assert 'name="url"' in page_text(response)


def test_pasted_story_is_read_and_its_page_links_to_the_suggestions(
    editor_client: Client, editor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = add_ingestion(editor_client, submitted_text=BRIDGE_STORY, title="Council bridge row")

    ingestion = Ingestion.objects.get()
    assert jobs_queued(queued, ingest) == [(ingestion.pk,)]
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:claims_ingestion_change", args=[ingestion.pk])
    assert (ingestion.status, ingestion.statements_suggested, ingestion.created_by) == ("succeeded", 3, editor)
    shown = page_text(editor_client.get(response["Location"]))
    assert ">Done<" in shown
    assert "100%" in shown
    [link] = re.findall(r'<a href="([^"]*)">Review the suggested statements</a>', shown)
    assert html.unescape(link) == (
        f"{reverse('admin:claims_statement_changelist')}?ingestion__id__exact={ingestion.pk}"
        "&review_status__exact=suggested"
    )
    assert result_count(editor_client.get(html.unescape(link))) == 3


def test_a_story_pasted_with_its_outlet_narrates_as_that_outlet(
    editor_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    reuters = factories.OutletFactory(name="Reuters", home_domain="reuters.com")
    form = page_text(editor_client.get(reverse("admin:claims_ingestion_add")))
    assert re.search(r'<select name="outlet"[^>]*class="[^"]*admin-autocomplete', form), "no outlet autocomplete"
    story = BRIDGE_STORY + "\n\nTwo cables of the old bridge snapped on Monday."

    with django_capture_on_commit_callbacks(execute=True):
        response = add_ingestion(editor_client, submitted_text=story, outlet=str(reuters.pk))

    assert response.status_code == 302, form_errors(response)
    ingestion = Ingestion.objects.get()
    assert ingestion.source is not None
    assert ingestion.source.outlet == reuters
    narrated = Statement.objects.filter(ingestion=ingestion, speaker__name="Reuters")
    assert [statement.claim.text for statement in narrated] == ["Two cables of the old bridge snapped on Monday."]
    assert not Statement.objects.filter(speaker__name="Unnamed reporter").exists()
    assert "Reuters" in page_text(editor_client.get(response["Location"]))


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({}, "Paste the story's text or give its link (one of the two)."),
        ({"submitted_text": BRIDGE_STORY, "outlet": "999999"}, "Select a valid choice."),
        ({"submitted_text": "   \n\n  "}, "Paste the story's text or give its link (one of the two)."),
        (
            {"submitted_text": BRIDGE_STORY, "url": "https://bugle.example/bridge"},
            "Paste the story's text or give its link (one of the two).",
        ),
        ({"submitted_text": "PK\x03\x04\x14\x00\x08"}, "Null characters are not allowed."),
        ({"submitted_text": "PK\x03\x04\x14\x01\x08 the mayor said"}, "This looks like a binary file"),
        ({"url": "ftp://bugle.example/bridge.txt"}, "starting with http:// or https://"),
    ],
    ids=["neither", "unknown-outlet", "white-space", "both", "binary-with-nul", "binary", "ftp"],
)
def test_bad_form_is_shown_again_with_the_reason(
    editor_client: Client, django_capture_on_commit_callbacks: Any, fields: dict[str, str], error: str
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        response = add_ingestion(editor_client, **fields)

    assert response.status_code == 200
    assert any(error in shown for shown in form_errors(response)), form_errors(response)
    assert (Ingestion.objects.count(), Source.objects.count(), len(queued)) == (0, 0, 0)


@pytest.mark.parametrize(
    "paste",
    [
        ("The mayor said the new bridge would open in March. " * 60_000)[:3_000_000],
        ((BRIDGE_STORY + "\n\n") * 20_000)[:3_000_000],
        ("Мэр сказал, что новый мост откроется в марте. " * 35_000)[:1_500_000],
    ],
    ids=["english", "with-typographic-quotes", "russian"],
)
def test_three_megabyte_paste_is_refused_with_a_form_error(
    editor_client: Client, django_capture_on_commit_callbacks: Any, paste: str
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        response = add_ingestion(editor_client, submitted_text=paste)

    assert response.status_code == 200
    assert f"The text has {len(paste.strip()):,} characters; Attest takes stories of up to 1,000,000." in form_errors(
        response
    )
    assert (Ingestion.objects.count(), len(queued)) == (0, 0)


def test_paste_larger_than_a_request_may_be_gets_the_page_saying_why(editor_client: Client) -> None:
    response = add_ingestion(editor_client, submitted_text="The mayor said the bridge would open. " * 350_000)

    assert response.status_code == 400
    assert "A pasted story can be up to about a million characters" in page_text(response)
    assert Ingestion.objects.count() == 0


def test_pasted_script_is_never_run_on_the_ingestion_or_source_pages(
    editor_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        add_ingestion(editor_client, submitted_text=PASTED_PAGE)
    ingestion = Ingestion.objects.get()
    assert ingestion.source is not None

    ingestion_page = page_text(editor_client.get(reverse("admin:claims_ingestion_change", args=[ingestion.pk])))
    source_page = page_text(editor_client.get(reverse("admin:sources_source_change", args=[ingestion.source.pk])))

    assert ingestion.status == "succeeded"
    assert SCRIPT not in ingestion_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ingestion_page
    assert SCRIPT not in source_page
    assert "alert(1)" not in ingestion.source.text
    assert "Mayor Ana Ruiz said on Tuesday" in source_page


def test_markup_in_a_plain_text_story_is_shown_as_text(
    editor_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    markup = '<img src=x onerror="alert(1)">'
    with django_capture_on_commit_callbacks(execute=True):
        add_ingestion(editor_client, submitted_text=f"Ana Ruiz said the bridge {markup} was safe.")
    ingestion = Ingestion.objects.get()
    assert ingestion.source is not None

    pages = [
        page_text(editor_client.get(reverse("admin:sources_source_change", args=[ingestion.source.pk]))),
        page_text(editor_client.get(reverse("admin:claims_ingestion_change", args=[ingestion.pk]))),
        page_text(editor_client.get(reverse("admin:claims_statement_changelist"))),
        page_text(editor_client.get(reverse("admin:claims_claim_changelist"))),
    ]

    assert markup in ingestion.source.text
    for shown in pages:
        assert "<img src=x" not in shown


def test_suggested_statements_are_listed_for_review(editor_client: Client, read_story: Ingestion) -> None:
    response = editor_client.get(
        reverse("admin:claims_statement_changelist"),
        {"ingestion__id__exact": str(read_story.pk), "review_status__exact": "suggested"},
    )

    assert response.status_code == 200
    assert result_count(response) == 3
    assert "We checked every cable twice" in html.unescape(page_text(response))


def test_accepting_suggestions_in_the_admin(editor_client: Client, read_story: Ingestion) -> None:
    selected = list(Statement.objects.filter(ingestion=read_story).values_list("pk", flat=True))

    response = editor_client.post(
        reverse("admin:claims_statement_changelist"),
        {"action": "accept_suggestions", "_selected_action": selected},
        follow=True,
    )

    assert "Accepted 3 statements." in page_text(response)
    assert set(Statement.objects.values_list("review_status", flat=True)) == {ReviewStatus.ACCEPTED}
    assert set(Claim.objects.values_list("review_status", flat=True)) == {ReviewStatus.ACCEPTED}


def test_discarding_suggestions_in_the_admin(editor_client: Client, read_story: Ingestion) -> None:
    selected = list(Statement.objects.filter(ingestion=read_story).values_list("pk", flat=True))

    response = editor_client.post(
        reverse("admin:claims_statement_changelist"),
        {"action": "discard_suggestions", "_selected_action": selected},
        follow=True,
    )

    assert "Discarded 3 suggestions." in page_text(response)
    assert (Statement.objects.count(), Claim.objects.count()) == (0, 0)
    assert Source.objects.filter(ingestions=read_story).exists()


@pytest.fixture
def failed_ingestion(editor_client: Client, django_capture_on_commit_callbacks: Any) -> Ingestion:
    with django_capture_on_commit_callbacks(execute=True):
        add_ingestion(editor_client, url="http://127.0.0.1/admin")
    ingestion = Ingestion.objects.get()
    assert ingestion.status == Ingestion.Status.FAILED
    return ingestion


def test_ingestion_page_renders_without_a_deprecation_warning(editor_client: Client, read_story: Ingestion) -> None:
    response = editor_client.get(reverse("admin:claims_ingestion_change", args=[read_story.pk]))

    assert response.status_code == 200


def test_failed_ingestion_page_says_why(editor_client: Client, failed_ingestion: Ingestion) -> None:
    shown = page_text(editor_client.get(reverse("admin:claims_ingestion_change", args=[failed_ingestion.pk])))

    assert ">Failed<" in shown
    assert "points to this server itself (127.0.0.1)" in shown


def test_retry_action_queues_a_failed_ingestion_again(
    editor_client: Client, failed_ingestion: Ingestion, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        response = editor_client.post(
            reverse("admin:claims_ingestion_changelist"),
            {"action": "retry_ingestions", "_selected_action": [failed_ingestion.pk]},
            follow=True,
        )

    failed_ingestion.refresh_from_db()
    assert "Queued 1 ingestion again." in page_text(response)
    assert (failed_ingestion.status, failed_ingestion.stage) == (Ingestion.Status.QUEUED, "queued again")
    assert len(queued) == 1


def test_reviewer_cannot_give_attest_a_story(client: Client, reviewer: User) -> None:
    client.force_login(reviewer)

    page = client.get(reverse("admin:claims_ingestion_add"))
    posted = add_ingestion(client, submitted_text=BRIDGE_STORY)

    assert (page.status_code, posted.status_code) == (403, 403)
    assert Ingestion.objects.count() == 0


def test_reviewer_cannot_retry_an_ingestion(
    client: Client, reviewer: User, failed_ingestion: Ingestion, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(reviewer)

    with django_capture_on_commit_callbacks() as queued:
        client.post(
            reverse("admin:claims_ingestion_changelist"),
            {"action": "retry_ingestions", "_selected_action": [failed_ingestion.pk]},
        )

    failed_ingestion.refresh_from_db()
    assert failed_ingestion.status == Ingestion.Status.FAILED
    assert queued == []
