"""Fixtures shared by the claims tests: one story and its best-known claim, and a real Celery worker."""

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import Task
from django.conf import settings
from django.db import connection

from claims.models import Claim, Evidence, Story
from claims.services import evidence_add
from config.celery import app
from core.jobs import job_dispatch
from tests import factories
from tests.browser import chromium_launched
from tests.services import require_redis


def jobs_queued(callbacks: list[Callable[[], object]], task: Task) -> list[tuple[object, ...]]:
    """The arguments of each `task` job among the callbacks a commit ran, leaving out the other jobs queued with it."""
    jobs = [callback.args[0] for callback in callbacks if getattr(callback, "func", None) is job_dispatch]
    return [tuple(job.args) for job in jobs if job.task == task.name]


@pytest.fixture
def story(db: None) -> Story:
    return factories.StoryFactory(title="El Junquito siege")


@pytest.fixture
def opened_fire(story: Story) -> Claim:
    return factories.ClaimFactory(text="Oscar Pérez opened fire on police at El Junquito.", story=story)


@pytest.fixture
def claim(db: None) -> Claim:
    """A claim to take through review."""
    return factories.ClaimFactory(text="The council approved the bridge budget in March.")


@pytest.fixture
def evidence(claim: Claim) -> Evidence:
    """The council's minutes, refuting `claim`."""
    return evidence_add(claim=claim, source=factories.SourceFactory(), effect=Evidence.Effect.REFUTES, note="Minutes")


# The test settings run jobs in-process and have no setting to say otherwise, so the worker gets its own.
WORKER_SETTINGS = '''"""Test settings for a worker that takes its jobs from the broker."""

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
'''
WORKER_SECONDS = 60


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def shared_database_url() -> str:
    """The address of the database this test process uses, for another process to use it too."""
    params = connection.get_connection_params()
    user = quote(params.get("user") or "postgres")
    password = params.get("password")
    credentials = f"{user}:{quote(password)}@" if password else f"{user}@"
    name = quote(connection.settings_dict["NAME"])
    host = str(params.get("host") or "")
    if host.startswith("/"):
        # The embedded server listens on a Unix socket in a folder.
        return f"postgres://{credentials}/{name}?host={quote(host, safe='/')}"
    return f"postgres://{credentials}{host or 'localhost'}:{params.get('port') or 5432}/{name}"


@pytest.fixture
def broker() -> Iterator[str]:
    """Jobs sent to Redis rather than run in-process, for this test only."""
    url = require_redis()
    conf = app.conf
    in_process = (conf.task_always_eager, conf.broker_url)
    conf.task_always_eager, conf.broker_url = False, url
    drop_broker_pools()
    try:
        app.control.purge()  # jobs left over from an interrupted run
        yield url
    finally:
        conf.task_always_eager, conf.broker_url = in_process
        drop_broker_pools()


def drop_broker_pools() -> None:
    # The app keeps the connection and producer pools it made for the broker it had first; without
    # them it makes new ones, for the broker it has now. (kombu keeps the old ones for their other users.)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker(broker: str, tmp_path: Path) -> Iterator[Worker]:
    (tmp_path / "attest_worker_settings.py").write_text(WORKER_SETTINGS)
    environment = {
        **os.environ,
        "CELERY_BROKER_URL": broker,
        "DJANGO_SETTINGS_MODULE": "attest_worker_settings",
        "DATABASE_URL": shared_database_url(),
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(settings.BASE_DIR)]),
    }
    log = tmp_path / "worker.log"
    command = [sys.executable, "-m", "celery", "--app", "config", "worker", "--pool", "solo", "--loglevel", "INFO"]
    command += ["--queues", ",".join(settings.ATTEST_QUEUES)]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            command, cwd=settings.BASE_DIR, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield Worker(process, log)
    finally:
        process.terminate()  # a warm shutdown: the worker finishes its job and closes its connections
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Headless Chromium, driven by Playwright."""
    # Playwright's synchronous API runs an event loop in this thread, which Django's
    # ORM takes for async code; the test's own queries are plain synchronous ones.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield from chromium_launched()
