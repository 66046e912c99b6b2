"""The admin in a real browser: headless Chromium driven by Playwright, one window per person."""

from collections.abc import Iterator

from django.contrib.auth.models import User

from claims.models import Claim
from tests.services import require_chromium

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_launched() -> Iterator[object]:
    """Chromium, for as long as the caller keeps the generator open (a fixture's body)."""
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


class Desk:
    """One person at their own browser window, signed in to the admin."""

    def __init__(self, browser: object, base_url: str, user: User) -> None:
        self.base_url = base_url
        self.page = browser.new_context(base_url=base_url).new_page()  # type: ignore[attr-defined]
        self.page.set_default_timeout(15_000)
        self.page.goto("/admin/login/")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_selector("#review-queues")

    def review(self, claim: Claim) -> None:
        self.page.goto(f"/admin/claims/claim/{claim.pk}/review/")

    def take_step(self, label: str, reason: str = "") -> None:
        form = self.page.locator("form.attest-step", has=self.page.locator(f"input[value='{label}']"))
        if reason:
            form.locator("textarea").fill(reason)
        form.locator(f"input[value='{label}']").click()
        self.page.wait_for_selector(".messagelist .success")

    def status(self) -> str:
        return self.page.inner_text("#claim-status")
