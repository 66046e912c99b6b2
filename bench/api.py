"""The API under load: requests per second and latency of the claim list, a claim and match, against raw SQL.

    .venv/bin/python bench/api.py [--claims N] [--published-share F] [--seconds S] [--threads T] [--workers W]
                                  [--seed S] [--database-url URL] [--keep]

It starts its own embedded PostgreSQL in `.data/bench-api-<pid>` (or uses `--database-url`, which must hold no
claims), loads N generated claims with statements and published verdicts on a share of them, serves the API with
gunicorn (W sync workers) on 127.0.0.1, and drives it from a second process (bench/loadgen.py: T threads, each
keeping one request in flight) for S seconds per endpoint, as a fact-check tool with a read:published token:

* the claim list, `GET /api/v1/claims` (25 a page, with statements, verdicts and links);
* a published claim, `GET /api/v1/claims/{id}`, drawn at random;
* matching, `POST /api/v1/match` with the words of a stored claim, reordered and with one left out.

Then it runs the SQL that one list request runs (captured from Django) straight through psycopg, and prints the
framework's overhead: the list's median latency over the median time of its SQL alone. The last line is

    list_p99_ms=N detail_p99_ms=N match_p99_ms=N list_rps=N overhead_ratio=X
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common
from bench.common import percentile

DATABASE = "attest_bench_api"
AIM_P99_MS = 50
AIM_OVERHEAD = 4.0


def token_create() -> str:
    from clients.services import client_create, token_issue

    return token_issue(client=client_create(name="Bench fact-check tool"), scopes=["read:published"]).secret


# ---------------------------------------------------------------------------------------------------- serving


@contextmanager
def gunicorn(environment: dict[str, str], workers: int) -> Iterator[str]:
    port = common.free_port()
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "config.wsgi:application",
        "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=common.REPO_ROOT, env=environment)  # noqa: S603 (our own command)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/ratings", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start serving the API")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Measured:
    name: str
    requests: int
    seconds: float
    errors: int
    latencies: list[float]
    load_average: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def line(self) -> str:
        p50, p99 = percentile(self.latencies, 50), percentile(self.latencies, 99)
        return (
            f"{self.name:8} {self.requests:7,} requests in {self.seconds:4.1f} s = {self.rps:6.1f}/s; "
            f"p50 {p50:6.1f} ms, p90 {percentile(self.latencies, 90):6.1f} ms, p99 {p99:6.1f} ms, "
            f"max {max(self.latencies):6.1f} ms; {self.errors} non-2xx; load average after {self.load_average:.1f}"
        )


def drive(name: str, base: str, token: str, requests: list[dict[str, Any]], seconds: float, threads: int) -> Measured:
    """Run bench/loadgen.py against `requests` in a process of its own and read back what it measured."""
    spec = {
        "base_url": base, "headers": {"Authorization": f"Bearer {token}"}, "requests": requests,
        "seconds": seconds, "threads": threads, "seed": 7,
    }  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(spec, file)
    try:
        output = subprocess.run(  # noqa: S603 (our own interpreter and script)
            [sys.executable, str(common.REPO_ROOT / "bench" / "loadgen.py"), file.name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(file.name)
    result = json.loads(output)
    load_average = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return Measured(
        name, result["requests"], result["seconds"], result["error_count"], result["latencies_ms"], load_average
    )


# ---------------------------------------------------------------------------------------------------- raw SQL


def list_queries(token: str) -> list[str]:
    """The SQL one claim list request runs, as Django sent it (with its parameters in place)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.get("/api/v1/claims")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/claims")
    assert response.status_code == 200, response.content[:500]
    return [query["sql"] for query in captured.captured_queries]


def raw_sql_ms(database_url: str, queries: list[str], rounds: int) -> list[float]:
    """Milliseconds to run `queries` in a row through psycopg on one warm connection, fetching every row."""
    import psycopg

    timings = []
    with psycopg.connect(database_url, autocommit=True) as connection:
        for _ in range(rounds):
            started = time.perf_counter()
            for query in queries:
                cursor = connection.execute(query.encode())
                if cursor.description:
                    cursor.fetchall()
            timings.append(1000 * (time.perf_counter() - started))
    return timings


# ---------------------------------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--claims", type=common.positive_int, default=100_000, help="claims to load (default 100000)")
    parser.add_argument(
        "--published-share", type=float, default=0.3, help="share of claims with a published verdict (default 0.3)"
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds of load per endpoint (default 15)")
    parser.add_argument("--threads", type=common.positive_int, default=2, help="requests in flight (default 2)")
    parser.add_argument("--workers", type=common.positive_int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the generated data (default 2025)")
    parser.add_argument("--database-url", metavar="URL", help="an empty PostgreSQL database to use instead")
    parser.add_argument("--keep", action="store_true", help="leave the embedded server and its data in place")
    args = parser.parse_args(argv)
    if not 0 < args.published_share <= 1:
        parser.error("--published-share is a share: more than 0, at most 1")

    database_url, data_dir = common.database_provide(args.database_url, bench="api", database=DATABASE)
    # Production settings, as a deployment serves the API: no debug, request limits on (set high enough not to
    # refuse the bench, so their cost is in the figures).
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ATTEST_METRICS_TOKEN": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "false",
        "ATTEST_API_RATE_CLIENT": "100000000/minute",
        "ATTEST_LINK_ON_SAVE": "false",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(environment)
    try:
        common.setup_django()
        from django.core.management import call_command

        from claims.models import Claim

        call_command("migrate", verbosity=0, interactive=False)
        if Claim.objects.exists():
            parser.error("--database-url: the database holds claims; give an empty one")
        print(f"loading {args.claims:,} claims …", flush=True)
        # A second, denying statement for every third claim.
        loaded = common.claims_generate(
            claims=args.claims,
            statements=args.claims + (args.claims + 2) // 3,
            published_share=args.published_share,
            seed=args.seed,
        )
        published = loaded["published"]
        print(
            f"loaded {args.claims:,} claims ({len(published):,} published, {loaded['links']:,} links) with "
            f"statements and verdicts in {loaded['seconds']:.0f} s, VACUUM ANALYZE included",
            flush=True,
        )
        token = token_create()
        from django.db import connections

        queries = list_queries(token)
        connections.close_all()
        rng = random.Random(args.seed)  # noqa: S311 (seeded, for repeatable requests)
        details = [{"method": "GET", "path": f"/api/v1/claims/{pk}"} for pk in rng.sample(published, 500)]
        matches = []
        for pk in rng.sample(published, 200):
            words = loaded["texts"][pk].split()
            words.pop(rng.randrange(len(words)))
            rng.shuffle(words)
            matches.append({"method": "POST", "path": "/api/v1/match", "json": {"text": " ".join(words)}})
        load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        with gunicorn(environment, args.workers) as base:
            drive("warm-up", base, token, [{"method": "GET", "path": "/api/v1/claims"}, *details[:50]], 3, 2)
            results = [
                drive("list", base, token, [{"method": "GET", "path": "/api/v1/claims"}], args.seconds, args.threads),
                drive("detail", base, token, details, args.seconds, args.threads),
                drive("match", base, token, matches, args.seconds, args.threads),
            ]
        raw = raw_sql_ms(database_url, queries, rounds=300)
    finally:
        common.embedded_server_release(data_dir, keep=args.keep)

    listing, detail, match = results
    print()
    print(f"load average before the runs: {load_before:.1f}")
    print(
        f"gunicorn {args.workers} sync workers on 127.0.0.1; load from another process, {args.threads} threads "
        f"each keeping a request in flight, {args.seconds:g} s per endpoint; read:published token"
    )
    for result in results:
        print("  " + result.line())
    raw_p50 = statistics.median(raw)
    ratio = percentile(listing.latencies, 50) / raw_p50
    print(
        f"raw SQL of one list request ({len(queries)} statements through psycopg, one warm connection): "
        f"p50 {raw_p50:.2f} ms, p99 {percentile(raw, 99):.2f} ms; overhead (list p50 / SQL p50) {ratio:.1f}×"
    )
    print(f"aims: p99 ≤ {AIM_P99_MS} ms for list and detail at 100,000 claims; overhead ≤ {AIM_OVERHEAD:g}×")
    print(
        f"machine: {common.machine()}, {os.cpu_count()} cores shared by the server, PostgreSQL and the load; "
        f"Python {platform.python_version()}"
    )
    print(
        f"list_p99_ms={percentile(listing.latencies, 99):.1f} detail_p99_ms={percentile(detail.latencies, 99):.1f} "
        f"match_p99_ms={percentile(match.latencies, 99):.1f} list_rps={listing.rps:.1f} overhead_ratio={ratio:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
