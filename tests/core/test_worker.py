"""`make worker`: a real Celery worker on the local Redis answers the application."""

import os
import subprocess
import sys
import time

from config.celery import app
from tests.services import require_redis


def test_a_worker_started_like_make_worker_answers_on_redis() -> None:
    broker = require_redis()
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "--app", "config", "worker", "--pool", "solo", "--hostname", "attest-test@%h"],
        env={**os.environ, "CELERY_BROKER_URL": broker, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        app.conf.broker_url = broker
        replies: list = []
        deadline = time.monotonic() + 120  # a worker starting on a busy machine can take a while
        while not replies and time.monotonic() < deadline and worker.poll() is None:
            replies = app.control.ping(timeout=1)
        assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else "worker exited"
        assert any(name.startswith("attest-test@") for reply in replies for name in reply)
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        app.conf.broker_url = None
