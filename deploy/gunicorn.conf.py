"""gunicorn's settings for Attest (`gunicorn --config deploy/gunicorn.conf.py config.wsgi`), from the environment."""

import os
import shutil
import tempfile
from typing import Any

from gunicorn.glogging import Logger

from core.observability import access_log_atoms

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request slower than this is cut off and its worker replaced; the proxy's own timeout should be a little longer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Replacing workers now and then bounds the memory a long-lived process can gather.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# The reverse proxy in front terminates TLS and says so in X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'


class AccessLogger(Logger):
    """gunicorn's logger, hiding any credential a client put in the address (`?access_token=...`)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        return access_log_atoms(super().atoms(resp, req, environ, request_time))


logger_class = AccessLogger

# Prometheus' multiprocess mode: every worker writes its counters to one folder, emptied at start.
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="attest-metrics-")


def on_starting(server: object) -> None:
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
