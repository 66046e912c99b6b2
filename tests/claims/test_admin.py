"""The editors' claim pages, exercised over HTTP by a signed-in editor."""

import html
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, ClaimLink, Evidence, Statement, Story
from claims.services import evidence_add
from sources.models import Actor, Source
from tests import factories
from tests.admin_pages import page_form, post_page

pytestmark = pytest.mark.django_db


def result_count(response) -> int:  # type: ignore[no-untyped-def]
    match = re.search(r'(\d+) results? \(<a href="\?">', response.content.decode()) or re.search(
        r'<p class="paginator">\s*(\d+)', response.content.decode()
    )
    assert match, "no result count on the page"
    return int(match.group(1))


def test_claim_list_shows_seed_claims_with_counts(editor_client: Client, seed_story: Story) -> None:
    response = editor_client.get(reverse("admin:claims_claim_changelist"))

    assert response.status_code == 200
    assert "Oscar Pérez opened fire on police at El Junquito." in response.content.decode()
    assert result_count(response) == seed_story.claims.count()


@pytest.mark.parametrize("term", ["perez opened fire", "PÉREZ OPENED FIRE", "Pérez opened"])
def test_claim_search_ignores_case_and_accents(editor_client: Client, seed_story: Story, term: str) -> None:
    response = editor_client.get(reverse("admin:claims_claim_changelist"), {"q": term})

    assert result_count(response) == 1
    assert "Oscar Pérez opened fire on police" in response.content.decode()


def test_claim_search_finds_quotes_and_speakers(editor_client: Client, seed_story: Story) -> None:
    by_quote = editor_client.get(reverse("admin:claims_claim_changelist"), {"q": "shooting at us with RPGs"})
    by_speaker = editor_client.get(reverse("admin:claims_claim_changelist"), {"q": "diosdado cabello"})

    assert "Security forces fired rocket-propelled grenades" in by_quote.content.decode()
    assert result_count(by_speaker) == 1
    assert "opened fire on police" in by_speaker.content.decode()


def test_claim_filters_by_speaker_stance_and_link_status(editor_client: Client, seed_story: Story) -> None:
    cabello = Actor.objects.get(name="Diosdado Cabello")
    url = reverse("admin:claims_claim_changelist")

    by_speaker = editor_client.get(url, {"speaker": cabello.pk})
    with_confirmed_links = editor_client.get(url, {"link_status": "confirmed"})
    with_suggested_links = editor_client.get(url, {"link_status": "suggested"})

    assert result_count(by_speaker) == 1
    linked = Claim.objects.filter(links_from__isnull=False) | Claim.objects.filter(links_to__isnull=False)
    assert result_count(with_confirmed_links) == linked.distinct().count()
    assert "0 results" in with_suggested_links.content.decode()


@pytest.mark.parametrize(
    "page",
    [
        "admin:claims_claim_changelist",
        "admin:claims_statement_changelist",
        "admin:claims_claimlink_changelist",
        "admin:claims_story_changelist",
        "admin:sources_actor_changelist",
        "admin:sources_source_changelist",
        "admin:sources_outlet_changelist",
    ],
)
def test_list_pages_run_a_constant_number_of_queries(editor_client: Client, page: str) -> None:
    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(reverse(page))
        assert response.status_code == 200
        return len(queries)

    _add_linked_statements(2)
    few = queries_for_page()
    _add_linked_statements(12)
    many = queries_for_page()

    assert many == few


def _add_linked_statements(count: int) -> None:
    for _ in range(count):
        statement = factories.StatementFactory()
        other = factories.ClaimFactory(story=statement.claim.story)
        factories.ClaimLinkFactory(from_claim=statement.claim, to_claim=other)


def test_claim_change_page_shows_statements_and_links(editor_client: Client, seed_story: Story) -> None:
    claim = Claim.objects.get(text="Oscar Pérez opened fire on police at El Junquito.")

    response = editor_client.get(reverse("admin:claims_claim_change", args=[claim.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Mr Pérez had opened fire on police" in page
    assert "tweeted" in page
    assert "Cabello says Pérez opened fire on police" in page


def _claim_form(story: Story, text: str, **statement: str) -> dict[str, str]:
    form = {
        "text": text,
        "story": str(story.pk),
        "review_status": "accepted",
        "statements-TOTAL_FORMS": "1" if statement else "0",
        "statements-INITIAL_FORMS": "0",
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "links_from-TOTAL_FORMS": "0",
        "links_from-INITIAL_FORMS": "0",
        "links_to-TOTAL_FORMS": "0",
        "links_to-INITIAL_FORMS": "0",
    }
    form.update({f"statements-0-{name}": value for name, value in {"review_status": "accepted", **statement}.items()})
    return form


def test_adding_a_claim_with_a_statement_locates_the_quote(editor_client: Client, seed_story: Story) -> None:
    report = Source.objects.get(title__startswith="Venezuela helicopter attack")
    perez = Actor.objects.get(name="Oscar Pérez")
    form = _claim_form(
        seed_story,
        "Oscar Pérez's whereabouts after the siege are unknown.",
        speaker=str(perez.pk),
        stance="asserts",
        kind="indirect",
        cue="unclear",
        source=str(report.pk),
        quote="It is unclear what became of Mr Pérez.",
    )

    response = editor_client.post(reverse("admin:claims_claim_add"), form)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    statement = Statement.objects.get(claim__text="Oscar Pérez's whereabouts after the siege are unknown.")
    assert report.text[statement.span_start : statement.span_end] == "It is unclear what became of Mr Pérez."


def test_a_quote_not_in_the_source_is_a_form_error_and_saves_nothing(editor_client: Client, seed_story: Story) -> None:
    report = Source.objects.get(title__startswith="Venezuela helicopter attack")
    claims_before = Claim.objects.count()
    form = _claim_form(
        seed_story,
        "Oscar Pérez surrendered.",
        speaker=str(Actor.objects.get(name="Oscar Pérez").pk),
        stance="asserts",
        kind="direct",
        source=str(report.pk),
        quote="We surrender",
    )

    response = editor_client.post(reverse("admin:claims_claim_add"), form)

    assert response.status_code == 200
    assert "The quote does not occur in the text" in response.content.decode()
    assert Claim.objects.count() == claims_before


def test_a_span_that_disagrees_with_the_quote_is_a_form_error(editor_client: Client, seed_story: Story) -> None:
    report = Source.objects.get(title__startswith="Venezuela helicopter attack")
    form = _claim_form(
        seed_story,
        "Oscar Pérez is missing.",
        speaker=str(Actor.objects.get(name="Oscar Pérez").pk),
        stance="asserts",
        kind="indirect",
        source=str(report.pk),
        quote="It is unclear what became of Mr Pérez.",
        span_start="0",
        span_end="38",
    )

    response = editor_client.post(reverse("admin:claims_claim_add"), form)

    assert response.status_code == 200
    assert "is not the source text at 0–38" in response.content.decode()
    assert not Claim.objects.filter(text="Oscar Pérez is missing.").exists()


def test_duplicate_claim_in_story_is_a_form_error(editor_client: Client, seed_story: Story) -> None:
    response = editor_client.post(
        reverse("admin:claims_claim_add"), _claim_form(seed_story, "oscar perez opened fire on police at el junquito.")
    )

    assert response.status_code == 200
    assert "The same claim is already recorded" in response.content.decode()


def test_confirm_and_reject_actions_decide_suggested_links(editor_client: Client, editor, seed_story: Story) -> None:  # type: ignore[no-untyped-def]
    claims = list(seed_story.claims.order_by("pk")[:3])
    first = factories.suggested_link(
        from_claim=claims[0], to_claim=claims[1], relation="corroborates", detector="test/1", score=0.9, rationale="r"
    )
    second = factories.suggested_link(
        from_claim=claims[1], to_claim=claims[2], relation="corroborates", detector="test/1", score=0.4, rationale="r"
    )
    url = reverse("admin:claims_claimlink_changelist")

    queue = editor_client.get(url).content.decode()
    editor_client.post(url, {"action": "confirm_links", "_selected_action": [first.pk]})
    editor_client.post(url, {"action": "reject_links", "_selected_action": [second.pk]})

    # The review queue lists suggestions first, the most confident at the top.
    assert queue.index(f"/{first.pk}/change/") < queue.index(f"/{second.pk}/change/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decided_by) == (ClaimLink.Status.CONFIRMED, editor)
    assert (second.status, second.decided_by) == (ClaimLink.Status.REJECTED, editor)


def test_reviewer_cannot_delete_claims_and_outsider_cannot_enter(
    client: Client, reviewer, outsider, seed_story: Story
) -> None:  # type: ignore[no-untyped-def]
    claim = seed_story.claims.first()
    assert claim is not None

    client.force_login(reviewer)
    reviewer_delete = client.get(reverse("admin:claims_claim_delete", args=[claim.pk]))
    reviewer_list = client.get(reverse("admin:claims_claim_changelist"))
    client.force_login(outsider)
    outsider_list = client.get(reverse("admin:claims_claim_changelist"))

    assert reviewer_delete.status_code == 403
    assert reviewer_list.status_code == 200
    assert outsider_list.status_code == 302
    assert "/admin/login/" in outsider_list["Location"]


def test_story_page_lists_its_claims(editor_client: Client, seed_story: Story) -> None:
    response = editor_client.get(reverse("admin:claims_story_change", args=[seed_story.pk]))

    assert response.status_code == 200
    assert "Oscar Pérez has ties to the United States, specifically the CIA." in response.content.decode()


# ---------------------------------------------------------------------------------------------- the claim's inlines


@pytest.fixture
def worked_claim(db: None) -> Claim:
    """A claim with one of each thing its page edits below it: a statement, evidence, and a link to another claim."""
    statement = factories.StatementFactory(cue="said")
    claim = statement.claim
    evidence_add(claim=claim, source=factories.SourceFactory(), effect=Evidence.Effect.SUPPORTS, note="Minutes")
    factories.ClaimLinkFactory(from_claim=claim, to_claim=factories.ClaimFactory(story=claim.story))
    return claim


def claim_page(claim: Claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])


@pytest.mark.parametrize(
    ("inline", "changes"),
    [
        ("statements", {"stance": "denies", "cue": "denied"}),
        ("evidence", {"effect": "refutes", "note": "Page 4 of the minutes."}),
        ("links_from", {"relation": "corroborates", "rationale": "Both say the bridge opens."}),
    ],
)
def test_a_row_changed_in_the_claims_page_is_saved(
    editor_client: Client, worked_claim: Claim, inline: str, changes: dict[str, str]
) -> None:
    response = post_page(
        editor_client, claim_page(worked_claim), **{f"{inline}-0-{name}": value for name, value in changes.items()}
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    row = getattr(worked_claim, inline).get()
    assert {name: getattr(row, name) for name in changes} == changes
    shown = page_form(editor_client, claim_page(worked_claim))
    assert {name: shown[f"{inline}-0-{name}"] for name in changes} == {name: [value] for name, value in changes.items()}


def test_rows_deleted_in_the_claims_page_are_deleted(editor_client: Client, worked_claim: Claim) -> None:
    response = post_page(
        editor_client,
        claim_page(worked_claim),
        **{"statements-0-DELETE": "on", "evidence-0-DELETE": "on", "links_from-0-DELETE": "on"},
    )

    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert not worked_claim.statements.exists()
    assert not worked_claim.evidence.exists()
    assert not worked_claim.links_from.exists()


def test_links_to_the_claim_are_shown_and_not_changed_from_its_page(editor_client: Client, worked_claim: Claim) -> None:
    other = worked_claim.links_from.get().to_claim
    data = page_form(editor_client, claim_page(other))
    assert data["links_to-TOTAL_FORMS"] == ["1"]
    data["links_to-0-relation"] = ["duplicates"]  # not on the page: shown, not editable

    response = editor_client.post(claim_page(other), data)

    assert response.status_code == 302
    assert other.links_to.get().relation == "contradicts"


def test_a_statement_change_that_breaks_a_rule_is_a_form_error(editor_client: Client, worked_claim: Claim) -> None:
    response = post_page(editor_client, claim_page(worked_claim), **{"statements-0-quote": "words nobody said"})

    assert response.status_code == 200
    assert "The quote is not the source text at 15–49" in response.content.decode()
    assert worked_claim.statements.get().quote == "the new bridge would open in March"


@pytest.fixture
def opened_by_carol(worked_claim: Claim, researcher: User) -> tuple[Client, dict[str, list[str]]]:
    """Carol's browser, and the claim's page as she opened it: she is about to change the statement's cue."""
    carol = Client()
    carol.force_login(researcher)
    opened = page_form(carol, claim_page(worked_claim))
    return carol, {**opened, "statements-0-cue": ["told reporters"]}


def test_a_second_editor_is_told_of_the_statement_the_first_changed(
    editor_client: Client, worked_claim: Claim, opened_by_carol: tuple[Client, dict[str, list[str]]]
) -> None:
    second, opened = opened_by_carol
    post_page(editor_client, claim_page(worked_claim), **{"statements-0-stance": "denies"})

    refused = second.post(claim_page(worked_claim), opened)

    assert refused.status_code == 200
    message = re.sub(r"\s+", " ", html.unescape(refused.content.decode()))
    assert re.search(
        r"Since you opened it: alice at \d\d:\d\d \(statement #\d+ changed: stance: “asserts” → “denies”\)", message
    ), message
    assert worked_claim.statements.get().cue == "said"


def test_saving_a_page_unchanged_leaves_another_editors_page_current(
    editor_client: Client, worked_claim: Claim, opened_by_carol: tuple[Client, dict[str, list[str]]]
) -> None:
    second, opened = opened_by_carol
    assert post_page(editor_client, claim_page(worked_claim)).status_code == 302

    saved = second.post(claim_page(worked_claim), opened)

    assert saved.status_code == 302
    assert worked_claim.statements.get().cue == "told reporters"
