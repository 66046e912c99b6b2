"""Shared fixtures: the embedded database's lifetime, named users, and factories as fixtures."""

import importlib
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from claims.models import Story
from claims.seed import seed_load
from config import celery_app
from core import embedded_postgres
from core.roles import editorial_groups_sync
from tests import api, factories

_EMBEDDED_POSTGRES_TO_STOP = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    # The suite stops the embedded server only if it started it, so a developer's running
    # `make demo` keeps its database. With several test processes (pytest-xdist) the one that
    # hands out the tests decides, after every other has finished.
    if hasattr(config, "workerinput"):
        return
    data_dir = settings.DATABASES["default"].get("OPTIONS", {}).get("data_dir")
    config.stash[_EMBEDDED_POSTGRES_TO_STOP] = data_dir is not None and not (
        embedded_postgres.status(settings.EMBEDDED_POSTGRES_DIR).running
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    if config.stash.get(_EMBEDDED_POSTGRES_TO_STOP, False):
        from django.db import connections

        connections.close_all()
        embedded_postgres.stop(settings.EMBEDDED_POSTGRES_DIR)


@pytest.fixture(autouse=True)
def _broker_pools_dropped() -> Iterator[None]:
    # A job run in-process takes a producer from a pool that the Celery app
    # makes for the in-process broker and keeps; dropping it after each test
    # lets a later test point the app at a real broker.
    yield
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _member_of(role: str, username: str) -> User:
    groups = editorial_groups_sync()
    user: User = factories.UserFactory(username=username, is_staff=True)
    user.groups.add(groups[role])
    return user


@pytest.fixture
def editor(db: None) -> User:
    """Alice runs the desk."""
    return _member_of("editor", "alice")


@pytest.fixture
def reviewer(db: None) -> User:
    """Bob reviews claims and links."""
    return _member_of("reviewer", "bob")


@pytest.fixture
def second_reviewer(db: None) -> User:
    """Erin reviews too: a second pair of eyes when a story needs two approvals."""
    return _member_of("reviewer", "erin")


@pytest.fixture
def researcher(db: None) -> User:
    """Carol gathers sources and statements."""
    return _member_of("researcher", "carol")


@pytest.fixture
def outsider(db: None) -> User:
    """Dave has an account but no role."""
    user: User = factories.UserFactory(username="dave", is_staff=False)
    return user


@pytest.fixture
def editor_client(client, editor):  # type: ignore[no-untyped-def]
    client.force_login(editor)
    return client


@pytest.fixture
def rating_scale(db: None) -> None:
    """The default verdict scale, which a data migration creates, back after a transactional test flushed it."""
    from django.apps import apps

    importlib.import_module("claims.migrations.0008_default_rating_scale").scale_create(apps, None)


@pytest.fixture
def seed_story(db: None) -> Story:
    """The El Junquito story, loaded from fixtures/ as `make demo` loads it."""
    seed_load(settings.BASE_DIR / "fixtures" / "el-junquito")
    return Story.objects.get(slug="el-junquito-siege")


# ---------------------------------------------------------------------------------------------- the API


@pytest.fixture
def world(researcher: User, reviewer: User, editor: User, rating_scale: None) -> "api.World":
    story = factories.StoryFactory(title="Bridge budget row")
    published = factories.ClaimFactory(text="The new bridge will open in March.", story=story)
    other = factories.ClaimFactory(text="The bridge budget was approved by the council.", story=story)
    unpublished = factories.ClaimFactory(text="The treasurer has no money left.", story=story)
    public = factories.StatementFactory(claim=published)
    factories.StatementFactory(claim=other, quote="the budget had been approved", stance="denies")
    secret = factories.StatementFactory(claim=unpublished, quote="We have no money left")
    for claim in (published, other):
        api.publish(claim, researcher=researcher, reviewer=reviewer, editor=editor, source=public.source)
    factories.ClaimLinkFactory(from_claim=published, to_claim=other)
    factories.ClaimLinkFactory(from_claim=published, to_claim=unpublished, relation="corroborates")
    return api.World(
        published=published,
        other_published=other,
        unpublished=unpublished,
        public_speaker_id=public.speaker_id,
        secret_speaker_id=secret.speaker_id,
        public_source_id=public.source_id,
        secret_source_id=secret.source_id,
    )


@pytest.fixture
def anonymous(db: None) -> APIClient:
    return APIClient()


@pytest.fixture
def reader(db: None) -> APIClient:
    """A partner newsroom's token: published claims only."""
    return api.token_client(name="Partner newsroom", roles=[], scopes=["read:published"])[0]


@pytest.fixture
def desk_reader(db: None) -> APIClient:
    """A research tool acting as a reviewer, reading everything."""
    return api.token_client(name="Research tool", roles=["reviewer"], scopes=["read:all"])[0]


@pytest.fixture
def desk_writer(db: None) -> APIClient:
    """The newsroom's own tool, acting as an editor: reads everything and writes."""
    return api.token_client(name="Desk tool", roles=["editor"], scopes=["read:all", "write"])[0]
