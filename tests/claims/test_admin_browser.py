"""A claim's page in a real browser: what an editor changes in its Statements section is what is saved."""

import pytest
from django.contrib.auth.models import User

from tests import factories
from tests.browser import Desk

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_statements_stance_and_cue_changed_on_the_claims_page_are_saved(
    browser: object,
    live_server,  # type: ignore[no-untyped-def]
    editor: User,
) -> None:
    statement = factories.StatementFactory(cue="said")
    alice = Desk(browser, live_server.url, editor)

    alice.page.goto(f"/admin/claims/claim/{statement.claim_id}/change/")
    alice.page.select_option("#id_statements-0-stance", "denies")
    alice.page.fill("#id_statements-0-cue", "denied")
    alice.page.click("input[name=_continue]")
    alice.page.wait_for_selector(".messagelist .success")

    assert alice.page.input_value("#id_statements-0-stance") == "denies"
    assert alice.page.input_value("#id_statements-0-cue") == "denied"
    statement.refresh_from_db()
    assert (statement.stance, statement.cue) == ("denies", "denied")
