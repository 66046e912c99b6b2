"""Prometheus metrics: requests, jobs, the queue, and link suggestions.

Counters and histograms are kept per process; with several gunicorn or Celery
processes, set PROMETHEUS_MULTIPROC_DIR (an empty folder, the same for every
process of a host) and each scrape adds them up (prometheus_client's multiprocess
mode). What is in the database (jobs by status, link suggestions made and
confirmed) and the broker's queue length are read at scrape time, so they are
right whichever process serves the scrape.
"""

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from celery import current_app
from celery.signals import task_failure, task_postrun, task_prerun
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

from core.models import Job

REQUESTS = Counter("attest_http_requests", "HTTP requests served.", ["method", "view", "status"])
REQUEST_SECONDS = Histogram(
    "attest_http_request_duration_seconds",
    "Time to serve a request.",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
JOB_SECONDS = Histogram(
    "attest_job_duration_seconds",
    "Time a job ran.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
JOB_FAILURES = Counter("attest_job_failures", "Jobs that failed for good.", ["task"])


class MetricsMiddleware:
    """Counts and times every request, by the name of the view that served it (not its URL: ids would explode)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else "unmatched"
        REQUEST_SECONDS.labels(view).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, view, str(response.status_code)).inc()
        return response


_started: dict[str, float] = {}


@task_prerun.connect
def _job_started(task_id: str, **_: Any) -> None:
    _started[task_id] = time.perf_counter()


@task_postrun.connect
def _job_ended(task_id: str, task: Any = None, **_: Any) -> None:
    started = _started.pop(task_id, None)
    if started is not None and task is not None:
        JOB_SECONDS.labels(task.name).observe(time.perf_counter() - started)


@task_failure.connect
def _job_failed(sender: Any = None, **_: Any) -> None:
    JOB_FAILURES.labels(getattr(sender, "name", "unknown")).inc()


# Gauges that read the database at scrape time. Each app adds its own (claims: link suggestions) with
# `store_gauge`, from its AppConfig.ready(), so this module needs to know none of them.
StoreGauge = Callable[[], Iterator[GaugeMetricFamily]]
_store_gauges: list[StoreGauge] = []


def store_gauge(gauge: StoreGauge) -> StoreGauge:
    """Have every scrape also report what `gauge` reads from the database; returns it, so it decorates."""
    if gauge not in _store_gauges:
        _store_gauges.append(gauge)
    return gauge


def _jobs_by_status() -> Iterator[GaugeMetricFamily]:
    jobs = GaugeMetricFamily("attest_jobs", "Jobs in the ledger, by status.", labels=["status"])
    counts = dict(Job.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    for status in Job.Status.values:
        jobs.add_metric([status], counts.get(status, 0))
    yield jobs


store_gauge(_jobs_by_status)


class StoreCollector(Collector):
    """What the database and the broker say now."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for gauge in _store_gauges:
            yield from gauge()
        depth = _broker_queue_length()
        if depth is not None:
            queue = GaugeMetricFamily("attest_queue_depth", "Jobs waiting in the broker's queues.", labels=["queue"])
            for name, length in depth.items():
                queue.add_metric([name], length)
            yield queue


def _broker_queue_length() -> dict[str, int] | None:
    if current_app.conf.task_always_eager or not current_app.conf.broker_url.startswith(("redis://", "rediss://")):
        return None
    try:
        with current_app.connection_for_read() as connection:
            client = connection.default_channel.client
            names = {queue.name for queue in current_app.amqp.queues.values()} or {"celery"}
            return {name: int(client.llen(name)) for name in sorted(names)}
    except Exception:  # an unreachable broker is shown by /readyz; the metrics still serve
        return None


_store = CollectorRegistry()
_store.register(StoreCollector())


def exposition() -> tuple[bytes, str]:
    """The current metrics in Prometheus' text format, and its content type."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    return generate_latest(processes) + generate_latest(_store), CONTENT_TYPE_LATEST
