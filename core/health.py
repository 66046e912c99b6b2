"""Health for load balancers and orchestrators, and metrics for Prometheus.

* `/healthz`: the process is up and serving (no dependency is asked).
* `/readyz`: it can do its work: the database answers, the migrations are applied, and the broker
  answers (where one is configured). 503 with what failed otherwise, so a balancer sends no traffic.
* `/metrics`: Prometheus' text format (core.metrics), from loopback or with ATTEST_METRICS_TOKEN.
"""

import hmac
import logging
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core import metrics

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "migrations": _migrations(), "broker": _broker()}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503)


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"ok": True}
    except DatabaseError as error:
        return {"ok": False, "error": str(error).strip().splitlines()[0] if str(error).strip() else "unreachable"}


def _migrations() -> dict[str, Any]:
    try:
        plan = MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
    except DatabaseError as error:
        return {"ok": False, "error": f"cannot read the migrations: {error}".splitlines()[0]}
    if plan:
        return {"ok": False, "error": f"{len(plan)} migration(s) not applied: run manage.py migrate"}
    return {"ok": True}


def _broker() -> dict[str, Any]:

    if current_app.conf.task_always_eager:
        return {"ok": True, "note": "jobs run in-process"}
    try:
        with current_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return {"ok": True}
    except Exception as error:  # kombu raises the transport's own errors
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _may_scrape(request):
        return HttpResponse("Metrics are served to loopback or with the metrics token.\n", status=403)
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


def _may_scrape(request: HttpRequest) -> bool:
    token = settings.ATTEST_METRICS_TOKEN
    if token:
        given = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    return request.META.get("REMOTE_ADDR") in ("127.0.0.1", "::1")
