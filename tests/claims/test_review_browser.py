"""One claim through the whole review, in a real browser: headless Chromium driven by Playwright.

A researcher attaches evidence and proposes a verdict, a reviewer sends it
back with a reason, the researcher fixes it, a second reviewer approves, an
editor publishes; the history then shows every step.
"""

import pytest
from django.contrib.auth.models import User

from claims.models import ClaimStatus, Verdict
from tests import factories
from tests.browser import Desk

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_a_claim_goes_through_review_in_the_browser(
    rating_scale: None,
    browser: object,
    live_server,  # type: ignore[no-untyped-def]
    researcher: User,
    reviewer: User,
    second_reviewer: User,
    editor: User,
) -> None:
    source = factories.SourceFactory(title="Council minutes, 12 March")
    claim = factories.ClaimFactory(text="The council approved the bridge budget in March.")

    # The researcher attaches the minutes as evidence on the claim's page.
    carol = Desk(browser, live_server.url, researcher)
    carol.page.goto(f"/admin/claims/claim/{claim.pk}/change/")
    carol.page.click("#evidence-group .add-row a")
    carol.page.click("#evidence-group .dynamic-evidence .select2-selection")
    carol.page.fill(".select2-container--open .select2-search__field", "Council minutes")
    carol.page.click(".select2-results__option >> text=Council minutes, 12 March")
    carol.page.select_option("#id_evidence-0-effect", "refutes")
    carol.page.fill("#id_evidence-0-note", "The minutes of 12 March record no vote on the bridge.")
    carol.page.click("input[name=_continue]")
    carol.page.wait_for_selector(".messagelist .success")
    assert claim.evidence.get().source == source

    # ... and proposes a verdict resting on it, then submits it for review.
    carol.review(claim)
    carol.page.select_option("#id_rating", label="False")
    carol.page.fill("#id_conclusion", "No vote was taken.")
    carol.page.check("#verdict-form input[name=evidence]")
    carol.page.click("#verdict-form input[type=submit]")
    carol.page.wait_for_selector(".messagelist .success")
    carol.take_step("Submit for review")
    assert carol.status() == "In review"

    # A reviewer sends it back, saying why; without a reason it is refused.
    bob = Desk(browser, live_server.url, reviewer)
    bob.review(claim)
    bob.page.locator("input[value='Send back with changes']").click()
    assert "Say why the verdict needs changes" in bob.page.inner_text("#step-send_back")
    bob.take_step("Send back with changes", reason="Give the page of the minutes.")
    assert bob.status() == "Needs changes"

    # The researcher fixes the conclusion and submits again.
    carol.review(claim)
    assert "Give the page of the minutes." in carol.page.inner_text("#comments")
    carol.page.fill("#id_conclusion", "No vote was taken (minutes of 12 March, page 4).")
    carol.page.click("#verdict-form input[type=submit]")
    carol.page.wait_for_selector(".messagelist .success")
    carol.take_step("Submit for review")

    # A second reviewer approves; the researcher could not have.
    erin = Desk(browser, live_server.url, second_reviewer)
    erin.review(claim)
    erin.page.click("#approve-form input[type=submit]")
    erin.page.wait_for_selector(".messagelist .success")
    assert "ready to publish" in erin.page.inner_text("#approvals")

    # An editor publishes.
    alice = Desk(browser, live_server.url, editor)
    alice.review(claim)
    alice.take_step("Publish")
    assert alice.status() == "Published"
    assert "No vote was taken (minutes of 12 March, page 4)." in alice.page.inner_text("#published-verdict")

    # The history shows every step, and who took it.
    history = alice.page.locator("#history tbody tr").all_inner_texts()
    for who, what in [
        ("carol", "evidence"),
        ("carol", "verdict"),
        ("bob", "needs_changes"),
        ("erin", "approval"),
        ("alice", "published"),
    ]:
        assert any(who in row and what in row for row in history), f"no change to {what} by {who} in the history"

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED
    verdict = Verdict.objects.get(claim=claim, status=Verdict.Status.PUBLISHED)
    assert verdict.round == 2
    assert verdict.approvals.get().reviewer == second_reviewer
