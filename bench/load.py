"""The soak: a whole deployment under a mixed load for minutes, watched for errors, queue depth and memory.

    .venv/bin/python bench/load.py [--claims N] [--statements N] [--minutes M] [--threads T] [--seed S]
                                   [--data DIR] [--keep]

In a folder of its own (`--data`, default `.data/bench-load`) it starts an embedded PostgreSQL, generates N claims
with their statements (or reuses what a run with `--keep` left there), and starts a deployment as docs/deploy.md
describes it, on this machine: a private `redis-server` on a free port as the broker, gunicorn with
deploy/gunicorn.conf.py (2 workers), two Celery workers (one for `ingest`, one for `linking`, `notifications`
and `celery`) and the jobs relay, all with the production settings. A second process then drives it from
127.0.0.1 for M minutes with T threads, each keeping one request in flight: API reads as a fact-check tool
(the claim list, searched and filtered, a claim, its statements, the ClaimReview feed), matching, writes with a
write token (claims, statements on them, stories sent to be read, which start jobs), and an editor's admin
pages (the claim list, a claim's page, its review page). Every 15 s it samples the broker's queues and the job
ledger; it reads the memory of each server process once warmed up and at the end. The last line is

    rps=N errors=N worst_p99_ms=N max_queue_depth=N max_rss_growth_pct=N
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common
from bench.common import percentile

DATABASE = "attest_bench_load"
DEFAULT_DATA = common.REPO_ROOT / ".data" / "bench-load"
SAMPLE_EVERY_SECONDS = 15.0
# Memory is first read once every kind of page has been served a few times: growth after that is what a
# long-running process gathers, not the imports and caches of its first requests.
WARM_UP_SECONDS = 45.0
QUEUES = ("ingest", "linking", "notifications", "celery")
# kombu's Redis transport keeps a queue's higher priorities in lists of their own beside it.
PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")
EDITOR_USERNAME = "bench-load-editor"
WEB_WORKERS = 2
AIM_GROWTH_PCT = 10.0

# What one thread of the load does, and how often, out of the sum of the weights.
MIX: dict[str, int] = {
    "GET /api/v1/claims": 8,
    "GET /api/v1/claims?q=": 8,
    "GET /api/v1/claims?story=&stance=": 6,
    "GET /api/v1/claims/{id}": 12,
    "GET /api/v1/statements?claim=": 8,
    "GET /api/v1/claimreviews": 6,
    "POST /api/v1/match": 10,
    "POST /api/v1/claims": 5,
    "POST /api/v1/statements": 5,
    "POST /api/v1/sources (ingest)": 2,
    "GET /admin/claims/claim/": 6,
    "GET /admin/claims/claim/{id}/change/": 6,
    "GET /admin/claims/claim/{id}/review/": 6,
}


# ---------------------------------------------------------------------------------------------------- the data


def production_environment(database_url: str) -> dict[str, str]:
    """The settings every process of the bench runs with: production's, on loopback."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ATTEST_METRICS_TOKEN": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        # gunicorn is reached directly on loopback, without the TLS proxy production has in front.
        "SECURE_SSL_REDIRECT": "false",
        # Counted, as in production, but set high enough never to refuse the bench.
        "ATTEST_API_RATE_CLIENT": "100000000/minute",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }


def dataset_ensure(folder: Path, *, claims: int, statements: int, seed: int) -> tuple[str, float | None]:
    """Django set up on the folder's server, with the dataset generated unless a kept one matches.

    Returns the database URL and the seconds generation took (None when the kept dataset was reused).
    """
    from core import embedded_postgres

    marker = folder / "dataset.json"
    wanted = {"claims": claims, "statements": statements, "seed": seed}
    found = json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else None
    if found is not None and found.get("complete") and found["size"] != wanted:
        raise SystemExit(f"{folder} holds another dataset ({found['size']}); remove the folder or give another --data")
    reuse = found is not None and found.get("complete")
    if not reuse:
        if folder.exists() and found is None and any(folder.iterdir()):
            raise SystemExit(f"{folder} is not empty and holds no bench dataset; give an empty or new --data")
        if found is not None:  # an earlier generation did not finish: start again
            embedded_postgres.stop(folder / "postgres")
            shutil.rmtree(folder / "postgres", ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"size": wanted, "complete": False}), encoding="utf-8")
    socket_dir = embedded_postgres.ensure_running(folder / "postgres", database=DATABASE)
    database_url = f"postgres://postgres@/{DATABASE}?host={socket_dir}"
    os.environ.update(production_environment(database_url))
    common.setup_django()
    from django.core.management import call_command
    from django.db import connections

    # What a release runs before the new code serves (docs/deploy.md): the admin's pages need the static files.
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    if reuse:
        return database_url, None
    print(f"generating {claims:,} claims and {statements:,} statements …", flush=True)
    generated = common.claims_generate(claims=claims, statements=statements, published_share=0.3, seed=seed)
    connections.close_all()
    marker.write_text(json.dumps({"size": wanted, "complete": True}), encoding="utf-8")
    return database_url, float(generated["seconds"])


@dataclass
class Plan:
    """What the load generator needs to know: tokens, an editor's login and ids and words to ask for."""

    base_url: str
    reader_token: str
    writer_token: str
    editor_password: str
    published: list[int]
    match_texts: list[str]
    claims: list[int]
    stories: list[int]
    actors: list[int]
    search_words: list[str]
    quotes: list[tuple[int, str]]  # (source id, a sentence found once in it)
    threads: int
    seconds: float
    warm_up_seconds: float
    seed: int
    run: str


def plan_make(base_url: str, *, threads: int, seconds: float, seed: int) -> Plan:
    """Accounts for the load (made afresh on every run) and a sample of what the database holds."""
    from django.contrib.auth.models import User

    from claims.models import Claim, Statement, Story, Verdict
    from clients.services import client_create, token_issue
    from core.roles import editorial_groups_sync
    from sources.models import Actor

    rng = random.Random(seed)  # noqa: S311 (seeded, for repeatable requests)
    run = secrets.token_hex(4)  # names this run's accounts and texts apart from a kept dataset's earlier runs
    reader = client_create(name=f"Bench soak fact-check tool {run}")
    writer = client_create(name=f"Bench soak newsroom tool {run}", roles=["editor"])
    password = secrets.token_urlsafe(16)
    editor = User.objects.filter(username=EDITOR_USERNAME).first() or User(username=EDITOR_USERNAME)
    editor.is_staff = True
    editor.set_password(password)
    editor.save()
    editor.groups.set([editorial_groups_sync()["editor"]])

    published = list(
        Verdict.objects.filter(status=Verdict.Status.PUBLISHED).order_by("?").values_list("claim_id", flat=True)[:500]
    )
    texts = dict(Claim.objects.filter(pk__in=published).values_list("pk", "text"))
    match_texts = []
    for pk in published[:200]:
        words = texts[pk].split()
        words.pop(rng.randrange(len(words)))
        rng.shuffle(words)
        match_texts.append(" ".join(words))
    quotes = [
        (source_id, quote)
        for source_id, quote in Statement.objects.order_by("?").values_list("source_id", "quote")[:500]
    ]
    return Plan(
        base_url=base_url,
        reader_token=token_issue(client=reader, scopes=["read:published"]).secret,
        writer_token=token_issue(client=writer, scopes=["read:all", "write"]).secret,
        editor_password=password,
        published=published,
        match_texts=match_texts,
        claims=list(Claim.objects.order_by("?").values_list("pk", flat=True)[:500]),
        stories=list(Story.objects.values_list("pk", flat=True)[:300]),
        actors=list(Actor.objects.values_list("pk", flat=True)[:2000]),
        search_words=[*common.PLACES, "bridge", "refinery", "council approved", "police blocked", "perez"],
        quotes=quotes,
        threads=threads,
        seconds=seconds,
        warm_up_seconds=min(WARM_UP_SECONDS, seconds / 4),
        seed=seed,
        run=run,
    )


# ---------------------------------------------------------------------------------------------------- the load


class Session:
    """One thread's client: API tokens on API requests, the editor's session cookies on admin pages.

    The production settings mark the cookies Secure, which httpx rightly keeps from a plain http:// address;
    the bench speaks to gunicorn directly on loopback, so it carries them itself.
    """

    def __init__(self, plan: Plan, number: int) -> None:
        import httpx

        self.plan = plan
        self.number = number
        self.rng = random.Random(plan.seed * 1000 + number)  # noqa: S311 (reproducible requests)
        self.client = httpx.Client(base_url=plan.base_url, timeout=60.0)
        self.cookies: dict[str, str] = {}
        self.created_claims: list[int] = []
        self.made = 0

    def keep_cookies(self, response: Any) -> None:
        for header in response.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def admin(self, method: str, path: str, data: dict[str, str] | None = None) -> Any:
        headers = {
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            "Origin": self.plan.base_url,
            # Header values are ASCII: a search for "Asunción" goes in percent-encoded, as a browser sends it.
            "Referer": self.plan.base_url + quote(path, safe="/?=&"),
        }
        response = self.client.request(method, path, data=data, headers=headers)
        self.keep_cookies(response)
        return response

    def log_in(self) -> None:
        self.admin("GET", "/admin/login/")
        form = {
            "username": EDITOR_USERNAME,
            "password": self.plan.editor_password,
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            "next": "/admin/",
        }
        response = self.admin("POST", "/admin/login/?next=/admin/", form)
        if response.status_code != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"the editor could not log in to the admin: {response.status_code}")

    def api(self, method: str, path: str, *, token: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.request(method, path, json=body, headers={"Authorization": f"Bearer {token}"})

    def unique_number(self) -> int:
        # Above every generated claim's number, and different per run, thread and request.
        self.made += 1
        return 10**9 + (int(self.plan.run, 16) % 10**4) * 10**5 + self.number * 10**4 + self.made

    def request(self, endpoint: str) -> Any:
        """Send one request of the kind `endpoint` names; the response."""
        plan, rng = self.plan, self.rng
        read, write = plan.reader_token, plan.writer_token
        if endpoint == "GET /api/v1/claims":
            return self.api("GET", "/api/v1/claims", token=read)
        if endpoint == "GET /api/v1/claims?q=":
            return self.api("GET", f"/api/v1/claims?q={rng.choice(plan.search_words)}", token=read)
        if endpoint == "GET /api/v1/claims?story=&stance=":
            stance = rng.choice(["asserts", "denies", "questions"])
            return self.api("GET", f"/api/v1/claims?story={rng.choice(plan.stories)}&stance={stance}", token=read)
        if endpoint == "GET /api/v1/claims/{id}":
            return self.api("GET", f"/api/v1/claims/{rng.choice(plan.published)}", token=read)
        if endpoint == "GET /api/v1/statements?claim=":
            return self.api("GET", f"/api/v1/statements?claim={rng.choice(plan.published)}", token=read)
        if endpoint == "GET /api/v1/claimreviews":
            return self.api("GET", "/api/v1/claimreviews", token=read)
        if endpoint == "POST /api/v1/match":
            return self.api("POST", "/api/v1/match", token=read, body={"text": rng.choice(plan.match_texts)})
        if endpoint == "POST /api/v1/claims":
            body = {"text": common.claim_text(rng, self.unique_number()), "story": rng.choice(plan.stories)}
            response = self.api("POST", "/api/v1/claims", token=write, body=body)
            if response.status_code == 201:
                self.created_claims.append(response.json()["id"])
            return response
        if endpoint == "POST /api/v1/statements":
            source, quote = rng.choice(plan.quotes)
            body = {"claim": self.created_claims.pop(), "speaker": rng.choice(plan.actors), "source": source}
            return self.api("POST", "/api/v1/statements", token=write, body={**body, "quote": quote})
        if endpoint == "POST /api/v1/sources (ingest)":
            number = self.unique_number()
            speaker = f"Speaker {rng.randrange(common.ACTORS)}"
            text = (
                f"{common.claim_text(rng, number)} {speaker} said the work would take a year. "
                f'"We were never told," said Ana Ruiz, a spokeswoman for the council in {rng.choice(common.PLACES)}.'
            )
            body = {"text": text, "title": f"Soak report {number}", "story": rng.choice(plan.stories)}
            return self.api("POST", "/api/v1/sources", token=write, body=body)
        if endpoint == "GET /admin/claims/claim/":
            query = f"?q={rng.choice(plan.search_words)}" if rng.random() < 0.5 else ""
            return self.admin("GET", f"/admin/claims/claim/{query}")
        if endpoint == "GET /admin/claims/claim/{id}/change/":
            return self.admin("GET", f"/admin/claims/claim/{rng.choice(plan.claims)}/change/")
        if endpoint == "GET /admin/claims/claim/{id}/review/":
            return self.admin("GET", f"/admin/claims/claim/{rng.choice(plan.claims)}/review/")
        raise ValueError(endpoint)


@dataclass
class Served:
    """What the load saw of one endpoint after the warm-up."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)


def load_thread(plan: Plan, number: int, served: dict[str, Served], lock: threading.Lock, measure_from: float) -> None:
    import httpx

    session = Session(plan, number)
    session.log_in()
    endpoints, weights = list(MIX), list(MIX.values())
    deadline = measure_from + plan.seconds
    try:
        while time.perf_counter() < deadline:
            endpoint = session.rng.choices(endpoints, weights)[0]
            if endpoint == "POST /api/v1/statements" and not session.created_claims:
                endpoint = "POST /api/v1/claims"  # a statement needs a claim of the run's own to be about
            started = time.perf_counter()
            try:
                response = session.request(endpoint)
                status, failure = response.status_code, None
            except httpx.HTTPError as error:
                status, failure = 0, f"{type(error).__name__}: {error}"
            elapsed = 1000 * (time.perf_counter() - started)
            wrong = status == 0 or status >= 400
            if wrong and failure is None:
                failure = f"{status} {response.request.method} {response.request.url.raw_path.decode()}: "
                failure += response.text[:300].replace("\n", " ")
            with lock:
                # The warm-up's timings are left out, but not its errors.
                entry = served.setdefault(endpoint if started >= measure_from else "warm-up", Served())
                entry.latencies_ms.append(elapsed)
                entry.statuses[status] = entry.statuses.get(status, 0) + 1
                if wrong:
                    entry.errors += 1
                    if len(entry.examples) < 3:
                        entry.examples.append(failure or "")
    finally:
        session.client.close()


def load_run(plan: Plan, results: Any) -> None:
    """The load generator's process: the threads of the load; what they saw goes back through `results`."""
    served: dict[str, Served] = {}
    lock = threading.Lock()
    measure_from = time.perf_counter() + plan.warm_up_seconds
    failures: list[str] = []

    def thread_main(number: int) -> None:
        try:
            load_thread(plan, number, served, lock, measure_from)
        except Exception as error:  # a thread that cannot go on says why, and the others carry on
            failures.append(f"thread {number}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=thread_main, args=(n,)) for n in range(plan.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - measure_from
    results.put(
        {"served": {name: vars(entry) for name, entry in served.items()}, "seconds": seconds, "failures": failures}
    )


# ---------------------------------------------------------------------------------------------------- the deployment


@dataclass
class Deployment:
    """The processes under test, each logging to a file in the bench's folder."""

    folder: Path
    environment: dict[str, str]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def spawn(self, name: str, command: list[str], **environment: str) -> subprocess.Popen[bytes]:
        log = (self.folder / "logs" / f"{name}.log").open("wb")  # this run's alone
        process = subprocess.Popen(  # noqa: S603 (our own commands)
            command,
            cwd=common.REPO_ROOT,
            env={**self.environment, **environment},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.folder / "logs" / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def says(self, name: str, words: str) -> bool:
        return words in self.log(name)

    def stop(self) -> None:
        # The web server and workers first, the broker last, so that no worker loses it mid-job.
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until(condition: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not happen within {seconds:.0f} s")
        time.sleep(0.3)


@contextmanager
def deployment(folder: Path, database_url: str) -> Iterator[tuple[Deployment, str, str]]:
    """Broker, web server, two workers and the relay, with the production settings; (them, web URL, broker URL)."""
    import httpx
    import redis

    (folder / "logs").mkdir(parents=True, exist_ok=True)
    redis_port, web_port = common.free_port(), common.free_port()
    broker_url = f"redis://127.0.0.1:{redis_port}/0"
    environment = {
        **production_environment(database_url),
        "CELERY_BROKER_URL": broker_url,
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "WEB_CONCURRENCY": str(WEB_WORKERS),
        # Workers are not replaced during the soak, so that memory growth is what one process gathers.
        "GUNICORN_MAX_REQUESTS": "0",
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
    }
    stack = Deployment(folder, environment)
    python = sys.executable
    try:
        stack.spawn("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""])
        client = redis.Redis.from_url(broker_url)

        def broker_answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        wait_until(broker_answers, seconds=15, what="Redis answering")
        celery = [python, "-m", "celery", "--app", "config", "worker", "--concurrency", "1", "--loglevel", "INFO"]
        # One process each: the two web workers and PostgreSQL need the rest of two cores.
        stack.spawn("worker-ingest", [*celery, "--queues", "ingest", "--hostname", "ingest@%h"])
        stack.spawn("worker-linking", [*celery, "--queues", "linking,notifications,celery", "--hostname", "linking@%h"])
        stack.spawn("relay", [python, "manage.py", "relay_jobs"])
        gunicorn = [python, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "config.wsgi"]
        stack.spawn("gunicorn", gunicorn)
        base_url = f"http://127.0.0.1:{web_port}"

        def web_serves() -> bool:
            try:
                return httpx.get(f"{base_url}/readyz", timeout=10).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(web_serves, seconds=300, what="gunicorn serving /readyz")
        for name in ("worker-ingest", "worker-linking"):
            wait_until(partial(stack.says, name, " ready."), seconds=300, what=f"{name} ready")
        for name, process in stack.processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see {folder / 'logs'}")
        yield stack, base_url, broker_url
    finally:
        stack.stop()


def workers_prime(plan: Plan) -> None:
    """Have each worker run its first job (a story read, a claim linked) before the load, so that the memory
    first read includes the language model and the classifier they load then."""
    import httpx
    from django.db import connections

    from core.models import Job

    headers = {"Authorization": f"Bearer {plan.writer_token}"}
    story = {"text": f"The council approved the new bridge in Quito ({plan.run}). Ana Ruiz said it would take a year."}
    claim = {"text": f"The council approved the new bridge in Quito on the day of run {plan.run}."}
    with httpx.Client(base_url=plan.base_url, headers=headers, timeout=60.0) as client:
        client.post("/api/v1/sources", json={**story, "title": f"Soak primer {plan.run}"}).raise_for_status()
        client.post("/api/v1/claims", json=claim).raise_for_status()
    done = Job.objects.filter(status=Job.Status.SUCCEEDED)
    wait_until(
        lambda: (
            done.filter(task="claims.tasks.ingest").exists() and done.filter(task="claims.tasks.link_claim").exists()
        ),
        seconds=300,
        what="the first story read and claim linked",
    )
    connections.close_all()


# ---------------------------------------------------------------------------------------------------- watching


def memory_of(stack: Deployment) -> dict[str, tuple[int, int]]:
    """Resident memory of each process, by name: (pid, bytes); a Celery worker counts with its pool."""
    import psutil

    found: dict[str, tuple[int, int]] = {}
    for name, process in stack.processes.items():
        if name == "redis" or process.poll() is not None:
            continue
        main = psutil.Process(process.pid)
        if name == "gunicorn":
            found["gunicorn master"] = (main.pid, main.memory_info().rss)
            for number, worker in enumerate(sorted(main.children(), key=lambda child: child.pid), start=1):
                found[f"gunicorn worker {number}"] = (worker.pid, worker.memory_info().rss)
        else:
            total = main.memory_info().rss + sum(child.memory_info().rss for child in main.children(recursive=True))
            found[f"celery {name.removeprefix('worker-')}" if name.startswith("worker") else name] = (main.pid, total)
    return found


@dataclass
class QueueSample:
    seconds: float
    broker: dict[str, int]
    unacked: int
    ledger: dict[str, int]

    @property
    def waiting(self) -> int:
        return sum(self.broker.values())


def queue_sample(client: Any, started: float) -> QueueSample:
    from django.db import connection
    from django.db.models import Count

    from core.models import Job

    broker = {queue: sum(int(client.llen(queue + suffix)) for suffix in PRIORITY_SUFFIXES) for queue in QUEUES}
    ledger = dict(Job.objects.values_list("status").annotate(count=Count("pk")).order_by())
    connection.close()
    return QueueSample(time.perf_counter() - started, broker, int(client.hlen("unacked")), ledger)


def queue_watch(broker_url: str, started: float, samples: list[QueueSample], stop: threading.Event) -> None:
    import redis

    client = redis.Redis.from_url(broker_url)
    while True:
        samples.append(queue_sample(client, started))
        if stop.wait(SAMPLE_EVERY_SECONDS):
            samples.append(queue_sample(client, started))
            return


# ---------------------------------------------------------------------------------------------------- the report


def server_errors(stack: Deployment) -> list[str]:
    """Lines of the servers' logs that report an error, and the access log's 5xx answers."""
    lines = []
    for name in stack.processes:
        for line in stack.log(name).splitlines():
            if (
                '"level": "ERROR"' in line
                or "Traceback" in line
                or ": ERROR/" in line
                or ": CRITICAL/" in line
                or (name == "gunicorn" and '" 5' in line and "HTTP/1" in line)
            ):
                lines.append(f"{name}: {line[:300]}")
    return lines


def report(
    served: dict[str, dict[str, Any]],
    seconds: float,
    samples: list[QueueSample],
    memory_start: dict[str, tuple[int, int]],
    memory_middle: dict[str, tuple[int, int]],
    memory_end: dict[str, tuple[int, int]],
) -> dict[str, float]:
    measured = [entry for endpoint, entry in served.items() if endpoint != "warm-up"]
    total = sum(len(entry["latencies_ms"]) for entry in measured)
    errors = sum(entry["errors"] for entry in measured)
    print(f"{total:,} requests in {seconds:.0f} s after the warm-up = {total / seconds:.1f}/s; {errors} errors")
    print(f"  {'endpoint':40} {'requests':>8} {'/s':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6}")
    worst = 0.0
    for endpoint in MIX:
        entry = served.get(endpoint)
        if not entry or not entry["latencies_ms"]:
            print(f"  {endpoint:40} {0:>8}")
            continue
        latencies = entry["latencies_ms"]
        p99 = percentile(latencies, 99)
        worst = max(worst, p99)
        print(
            f"  {endpoint:40} {len(latencies):>8,} {len(latencies) / seconds:>6.1f} {percentile(latencies, 50):>8.0f} "
            f"{p99:>8.0f} {max(latencies):>8.0f} {entry['errors']:>6}"
        )
        for example in entry["examples"]:
            print(f"      {example}")
    warm_up = served.get("warm-up")
    if warm_up and warm_up["errors"]:
        errors += warm_up["errors"]
        print(f"  errors during the warm-up: {warm_up['errors']}")
        for example in warm_up["examples"]:
            print(f"      {example}")
    print(f"job queues every {SAMPLE_EVERY_SECONDS:.0f} s (waiting in Redis per queue, delivered and unacknowledged;")
    print("  the job ledger by status):")
    for sample in samples:
        broker = " ".join(f"{queue}={count}" for queue, count in sample.broker.items())
        ledger = " ".join(f"{status}={count}" for status, count in sorted(sample.ledger.items()))
        print(f"  {sample.seconds:6.0f} s  {broker} unacked={sample.unacked}  ledger: {ledger or 'empty'}")
    print("memory (RSS) once warmed up, half-way and at the end:")
    growth_max = 0.0
    for name, (pid, start) in memory_start.items():
        end_pid, end = memory_end.get(name, (None, None))
        if end is None or end_pid != pid:
            print(f"  {name:22} {start / 2**20:7.1f} MiB → replaced or gone (pid {pid} → {end_pid})")
            continue
        growth = 100 * (end - start) / start
        if name != "relay":
            growth_max = max(growth_max, growth)
        middle = memory_middle.get(name, (pid, 0))[1] / 2**20
        print(f"  {name:22} {start / 2**20:7.1f} → {middle:7.1f} → {end / 2**20:7.1f} MiB  {growth:+6.1f}%")
    return {
        "rps": total / seconds,
        "errors": errors,
        "worst_p99_ms": worst,
        "max_queue_depth": max((sample.waiting for sample in samples), default=0),
        "max_rss_growth_pct": growth_max,
    }


# ---------------------------------------------------------------------------------------------------- entry point


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--claims", type=common.positive_int, default=100_000, help="claims (default 100000)")
    parser.add_argument(
        "--statements", type=common.positive_int, default=1_000_000, help="statements (default 1000000)"
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="minutes of load (default 10)")
    parser.add_argument("--threads", type=common.positive_int, default=3, help="requests in flight (default 3)")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the data and the requests (default 2025)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the bench's folder (default .data/bench-load)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data for the next run")
    args = parser.parse_args(argv)
    if args.minutes <= 0:
        parser.error("--minutes must be more than 0")
    folder = args.data.resolve()

    from core import embedded_postgres

    load_before = os.getloadavg()[0]
    try:
        database_url, generation_seconds = dataset_ensure(
            folder, claims=args.claims, statements=args.statements, seed=args.seed
        )
        if generation_seconds is None:
            print(f"reusing the dataset kept in {folder}", flush=True)
        else:
            print(f"generated in {generation_seconds:.0f} s, VACUUM ANALYZE included", flush=True)
        with deployment(folder, database_url) as (stack, base_url, broker_url):
            plan = plan_make(base_url, threads=args.threads, seconds=60 * args.minutes, seed=args.seed)
            workers_prime(plan)
            print(
                f"serving on {base_url}: gunicorn with {WEB_WORKERS} workers, 2 Celery workers, the relay; "
                f"{plan.threads} threads of load for {args.minutes:g} min after a {plan.warm_up_seconds:.0f} s "
                "warm-up",
                flush=True,
            )
            samples: list[QueueSample] = []
            stop = threading.Event()
            started = time.perf_counter()
            watcher = threading.Thread(target=queue_watch, args=(broker_url, started, samples, stop))
            watcher.start()
            context = multiprocessing.get_context("spawn")
            results = context.Queue()
            generator = context.Process(target=load_run, args=(plan, results))
            generator.start()
            time.sleep(plan.warm_up_seconds)
            memory_start = memory_of(stack)
            time.sleep(plan.seconds / 2)
            memory_middle = memory_of(stack)
            load_middle = os.getloadavg()[0]
            outcome = results.get(timeout=plan.warm_up_seconds + plan.seconds + 600)
            generator.join()
            memory_end = memory_of(stack)
            stop.set()
            watcher.join()
            errors_logged = server_errors(stack)
    finally:
        embedded_postgres.stop(folder / "postgres")
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    print()
    print(
        f"{args.claims:,} claims, {args.statements:,} statements; load average {load_before:.1f} before, "
        f"{load_middle:.1f} during, {os.getloadavg()[0]:.1f} after (on {os.cpu_count()} cores)"
    )
    for failure in outcome["failures"]:
        print(f"load thread stopped: {failure}")
    figures = report(outcome["served"], outcome["seconds"], samples, memory_start, memory_middle, memory_end)
    print(f"server logs: {len(errors_logged)} error lines")
    for line in errors_logged[:10]:
        print(f"  {line}")
    print(
        f"machine: {common.machine()}, {os.cpu_count()} cores shared by the load, the servers, the workers and "
        f"PostgreSQL; Python {platform.python_version()}. Aims: 0 errors, memory growth ≤ {AIM_GROWTH_PCT:g}%."
    )
    if args.keep:
        print(f"kept the dataset in {folder}; the next run with the same sizes reuses it")
    errors = int(figures["errors"]) + len(outcome["failures"])
    print(
        f"rps={figures['rps']:.1f} errors={errors} worst_p99_ms={figures['worst_p99_ms']:.0f} "
        f"max_queue_depth={figures['max_queue_depth']} max_rss_growth_pct={figures['max_rss_growth_pct']:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
