"""Fixtures shared by the claims tests: one story and its best-known claim."""

import pytest

from claims.models import Claim, Story
from tests import factories


@pytest.fixture
def story(db: None) -> Story:
    return factories.StoryFactory(title="El Junquito siege")


@pytest.fixture
def opened_fire(story: Story) -> Claim:
    return factories.ClaimFactory(text="Oscar Pérez opened fire on police at El Junquito.", story=story)
