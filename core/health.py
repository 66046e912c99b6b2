"""Health for load balancers and orchestrators, and metrics for Prometheus.

* `/healthz`: the process is up and serving (no dependency is asked).
* `/readyz`: it can do its work: the database answers, the migrations are applied, and the broker
  answers (where one is configured). 503 with what failed otherwise, so a balancer sends no traffic.
* `/metrics`: Prometheus' text format (core.metrics), with ATTEST_METRICS_TOKEN, or without it from loopback
  by a request that came to the app directly; 404 when ATTEST_METRICS is off.
"""

import hmac
import logging
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.settings import api_settings

from core import metrics

logger = logging.getLogger(__name__)
LOOPBACK = ("127.0.0.1", "::1")
# Headers a reverse proxy adds (RFC 7239's and the common de facto ones): a request carrying one came through a
# proxy, so its loopback address is the proxy's, not its client's.
FORWARDING_HEADERS = (
    "HTTP_FORWARDED",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_REAL_IP",
)


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
    if not settings.ATTEST_METRICS:
        return HttpResponseNotFound("Metrics are turned off (ATTEST_METRICS).\n")
    if not _may_scrape(request):
        return HttpResponse(
            "Metrics are served with the metrics token, or without it to a request made on this host directly.\n",
            status=403,
        )
    body, content_type = metrics.exposition()
    return HttpResponse(body, content_type=content_type)


def _may_scrape(request: HttpRequest) -> bool:
    token = settings.ATTEST_METRICS_TOKEN
    if token:
        given = request.META.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    return _made_on_this_host(request)


def _made_on_this_host(request: HttpRequest) -> bool:
    """Whether the request came straight from loopback, not through a reverse proxy on it."""
    # With proxies configured (ATTEST_API_NUM_PROXIES) the address is always a proxy's and the real client is the
    # forwarded one, even on a request that arrives without a forwarding header.
    if api_settings.NUM_PROXIES or any(header in request.META for header in FORWARDING_HEADERS):
        return False
    return request.META.get("REMOTE_ADDR") in LOOPBACK
