"""A stack of Attest's own for each fault test: a PostgreSQL, a Redis, workers and a web server, all ours to break.

Nothing here touches the machine's shared services or the test database of the
rest of the suite: the PostgreSQL is an embedded server in a folder of its own
under .data/, the Redis a `redis-server` on a free port, and the web server and
workers are subprocesses pointed at them. Each test stops what it started.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings

from core import embedded_postgres
from tests.services import require

STACK_SETTINGS = '''"""Settings of a fault test's own stack: real jobs, on its own broker."""

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
ATTEST_LINK_ON_SAVE = True
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], Any], *, timeout: float, what: str, every: float = 0.2) -> Any:
    """Poll `condition` until it returns something true; fail saying `what` did not happen in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    pytest.fail(f"{what} did not happen within {timeout:.0f} s")


class RedisServer:
    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        wait_for(self.answers, timeout=10, what=f"Redis answering on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class Postgres:
    """An embedded PostgreSQL 18 in a folder of its own (inside the project, where the library wants it)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.socket_dir: Path | None = None

    @property
    def url(self) -> str:
        assert self.socket_dir is not None
        return f"postgres://postgres@/attest?host={quote(str(self.socket_dir), safe='/')}"

    def start(self) -> None:
        self.socket_dir = embedded_postgres.ensure_running(self.data_dir, "attest")

    def stop(self) -> None:
        embedded_postgres.stop(self.data_dir)

    def connect(self) -> psycopg.Connection[Any]:
        assert self.socket_dir is not None
        return psycopg.connect(host=str(self.socket_dir), dbname="attest", user="postgres", autocommit=True)

    def scalar(self, sql: str, *params: Any) -> Any:
        with self.connect() as connection:
            row = connection.execute(sql, params).fetchone()
        return row[0] if row else None


@dataclass
class Stack:
    """One deployment in miniature; `run`, `worker` and `web` start its processes with its settings."""

    postgres: Postgres
    redis: RedisServer
    folder: Path
    extra_environment: dict[str, str] = field(default_factory=dict)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def environment(self, **overrides: str) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "attest_stack_settings",
            "PYTHONPATH": os.pathsep.join([str(self.folder), str(settings.BASE_DIR)]),
            "DATABASE_URL": self.postgres.url,
            "CELERY_BROKER_URL": self.redis.url,
            "ATTEST_REQUIRE_SERVICES": "",
            **self.extra_environment,
            **overrides,
        }

    def run(self, *arguments: str, stdin: str | None = None, timeout: float = 180) -> str:
        """Run a management command to its end; its output."""
        result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, "manage.py", *arguments],
            cwd=settings.BASE_DIR,
            env=self.environment(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def python(self, code: str, timeout: float = 180) -> str:
        """Run Python with Django set up, as a shell would; what it prints."""
        return self.run("shell", "--no-imports", "--command", code, timeout=timeout)

    def _spawn(self, command: list[str], log_name: str, **environment: str) -> subprocess.Popen[bytes]:
        log = (self.folder / log_name).open("ab")
        process = subprocess.Popen(  # noqa: S603
            command, cwd=settings.BASE_DIR, env=self.environment(**environment), stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def worker(self, name: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "celery", "--app", "config", "worker", "--pool", "solo", "--loglevel", "INFO"]
        command += ["--hostname", f"{name}@%h", "--queues", ",".join(settings.ATTEST_QUEUES)]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        return self._spawn(command, f"worker-{name}.log")

    def web(self, port: int, **environment: str) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "config.wsgi"]
        command += ["--timeout", "30", "--graceful-timeout", "5", "--no-control-socket"]
        process = self._spawn(command, "web.log", **environment)
        # Django loads in each worker on its first request: wait until both serve.
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/healthz"), timeout=90, what="the web server serving")
        return process

    def log(self, name: str) -> str:
        path = self.folder / name
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (our own server, on loopback)
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    require(shutil.which("redis-server") is not None, "no redis-server to start (install Debian's redis-server)")
    (tmp_path / "attest_stack_settings.py").write_text(STACK_SETTINGS)
    postgres = Postgres(settings.BASE_DIR / ".data" / f"reliability-{uuid.uuid4().hex[:8]}")
    redis = RedisServer(free_port())
    stack = Stack(postgres=postgres, redis=redis, folder=tmp_path)
    try:
        postgres.start()
        redis.start()
        stack.run("migrate", "--noinput")
        yield stack
    finally:
        stack.stop_all()
        redis.stop()
        postgres.stop()
        shutil.rmtree(postgres.data_dir, ignore_errors=True)
