"""The embedded PostgreSQL: started on demand, shared, brought back after a crash, stopped on request."""

import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from core import embedded_postgres


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Inside the project, not /tmp: run as root, the server loosens its data folder's parents.
    path = settings.BASE_DIR / ".data" / f"test-embedded-{os.getpid()}"
    yield path
    embedded_postgres.stop(path)
    shutil.rmtree(path, ignore_errors=True)


def can_query(socket_dir: Path, database: str) -> bool:
    with psycopg.connect(host=str(socket_dir), dbname=database, user="postgres") as connection:
        return connection.execute("SELECT 1").fetchone() == (1,)


def test_starts_on_demand_with_the_application_database(data_dir: Path) -> None:
    assert not embedded_postgres.status(data_dir).running

    socket_dir = embedded_postgres.ensure_running(data_dir, database="newsroom")

    assert embedded_postgres.status(data_dir).running
    assert can_query(socket_dir, "newsroom")
    assert embedded_postgres.ensure_running(data_dir, database="newsroom") == socket_dir


def test_comes_back_after_a_crash_and_keeps_its_data(data_dir: Path) -> None:
    socket_dir = embedded_postgres.ensure_running(data_dir, database="newsroom")
    with psycopg.connect(host=str(socket_dir), dbname="newsroom", user="postgres", autocommit=True) as connection:
        connection.execute("CREATE TABLE kept (note text)")
        connection.execute("INSERT INTO kept VALUES ('still here')")
    crashed_pid = embedded_postgres.status(data_dir).pid
    assert crashed_pid is not None
    os.kill(crashed_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while embedded_postgres.status(data_dir).running and time.monotonic() < deadline:
        time.sleep(0.1)

    socket_dir = embedded_postgres.ensure_running(data_dir, database="newsroom")

    with psycopg.connect(host=str(socket_dir), dbname="newsroom", user="postgres") as connection:
        assert connection.execute("SELECT note FROM kept").fetchone() == ("still here",)
    assert embedded_postgres.status(data_dir).pid != crashed_pid


def test_stop_stops_only_a_running_server(data_dir: Path) -> None:
    embedded_postgres.ensure_running(data_dir, database="newsroom")

    assert embedded_postgres.stop(data_dir) is True
    assert not embedded_postgres.status(data_dir).running
    assert embedded_postgres.stop(data_dir) is False
