"""Fixtures of the tests of what every app shares (core) and of the API as a whole."""

from collections.abc import Iterator

import pytest

from config.celery import app


@pytest.fixture
def broker_away() -> Iterator[None]:
    """A broker address where nothing listens, as when Redis is down."""
    conf = app.conf
    before = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:9/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = before
        app._pool = None
        app.amqp._producer_pool = None
