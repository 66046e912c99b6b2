"""Faults Attest survives: a worker killed mid-job, the broker away, the database restarted, a job failing for good.

Each test runs a small deployment of its own (tests/reliability/conftest.py) and breaks it.
"""

import http.cookiejar
import re
import signal
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from tests.reliability.conftest import Stack, free_port, wait_for

pytestmark = [pytest.mark.services, pytest.mark.reliability]

STORY = (settings.BASE_DIR / "fixtures" / "el-junquito" / "el-junquito-bbc.txt").read_text()


def long_story(tmp_path: Path, copies: int) -> Path:
    """The seed story's report, told again and again: long enough that reading it takes a worker some seconds."""
    paragraphs = [f"Dispatch {number}.\n\n{STORY}" for number in range(copies)]
    path = tmp_path / "long-story.txt"
    path.write_text("\n\n".join(paragraphs))
    return path


def test_a_worker_killed_in_the_middle_of_a_job_leaves_it_to_another_with_nothing_doubled(
    stack: Stack, tmp_path: Path
) -> None:
    # The job comes back from the broker this long after its worker took it; the run it finds is then stale.
    stack.extra_environment.update(CELERY_VISIBILITY_TIMEOUT="6", ATTEST_INGEST_LEASE="3")
    stack.run("ingest", str(long_story(tmp_path, copies=20)), "--title", "The siege, told twenty times")
    ingestion_id = stack.postgres.scalar("SELECT id FROM claims_ingestion")

    first = stack.worker("first")
    wait_for(
        lambda: (
            stack.postgres.scalar("SELECT stage FROM claims_ingestion WHERE id = %s", ingestion_id)
            == "finding who said what"
        ),
        timeout=120,
        what="the first worker reading the story",
        every=0.05,
    )
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert stack.postgres.scalar("SELECT status FROM claims_ingestion WHERE id = %s", ingestion_id) == "running"

    stack.worker("second")
    wait_for(
        lambda: (
            stack.postgres.scalar("SELECT status FROM claims_ingestion WHERE id = %s", ingestion_id)
            in ("succeeded", "failed")
        ),
        timeout=300,
        what="the second worker finishing the story",
    )

    row = stack.postgres.scalar(
        "SELECT json_build_array(status, attempts, statements_suggested, error) FROM claims_ingestion WHERE id = %s",
        ingestion_id,
    )
    status, attempts, suggested, error = row
    assert (status, error) == ("succeeded", "")
    assert attempts == 2, "taken over by the second worker"
    assert stack.postgres.scalar("SELECT count(*) FROM sources_source") == 3, "the story, and the video and tweet"
    statements = stack.postgres.scalar("SELECT count(*) FROM claims_statement WHERE ingestion_id = %s", ingestion_id)
    assert statements == suggested
    duplicated = stack.postgres.scalar(
        "SELECT count(*) FROM (SELECT source_id, span_start, span_end, claim_id FROM claims_statement "
        "GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) AS twice"
    )
    assert duplicated == 0
    job = stack.postgres.scalar(
        "SELECT json_build_array(status, attempts) FROM config_job WHERE task = 'claims.tasks.ingest'"
    )
    assert job == ["succeeded", 2]


def test_saves_succeed_while_the_broker_is_away_and_their_jobs_run_once_it_is_back(stack: Stack) -> None:
    stack.worker("linker")
    stack.redis.stop()

    created = stack.python(
        "from claims.services import claim_create\n"
        "for text in ['The council approved the bridge budget.', 'The council did not approve the bridge budget.']:\n"
        "    print(claim_create(text=text).pk)\n",
        timeout=60,
    )
    claim_ids = [int(line) for line in created.split()]
    assert len(claim_ids) == 2, "both saves succeeded with the broker away"
    waiting = stack.postgres.scalar("SELECT json_agg(task ORDER BY task) FROM config_job WHERE status = 'pending'")
    assert waiting == ["claims.tasks.assess_claims_support"] * 2 + ["claims.tasks.link_claim"] * 2
    assert stack.postgres.scalar("SELECT count(*) FROM claims_linkingrun") == 0

    stack.redis.start()
    time.sleep(6)  # the relay hands over only what waited longer than a moment
    relayed = stack.run("relay_jobs", "--once")
    assert "Handed 4 waiting jobs to the broker." in relayed

    wait_for(
        lambda: stack.postgres.scalar("SELECT count(DISTINCT claim_id) FROM claims_linkingrun") == 2,
        timeout=90,
        what="both linking jobs running on the worker",
    )
    wait_for(
        lambda: stack.postgres.scalar("SELECT count(*) FROM claims_claimlink") == 1,
        timeout=30,
        what="the contradiction being suggested",
    )
    wait_for(
        lambda: stack.postgres.scalar("SELECT count(*) FROM config_job WHERE status <> 'succeeded'") == 0,
        timeout=30,
        what="every job that waited succeeding",
    )


def test_requests_in_flight_when_the_database_restarts_get_503_and_the_next_succeed(stack: Stack) -> None:
    stack.python(
        "from django.contrib.auth.models import User\n"
        "User.objects.create_superuser('alice', 'alice@newsroom.example', 'correct horse battery staple')\n"
        "from claims.services import claim_create\n"
        "for n in range(30): claim_create(text=f'The bridge opened on day {n}.')\n"
    )
    port = free_port()
    stack.web(port, CONN_MAX_AGE="60")
    base = f"http://127.0.0.1:{port}"
    opener = signed_in(base, "alice", "correct horse battery staple")
    page = f"{base}/admin/claims/claim/"
    assert fetch(opener, page)[0] == 200

    outcomes: list[tuple[int, str | None]] = []
    stop = threading.Event()

    def keep_asking() -> None:
        while not stop.is_set():
            outcomes.append(fetch(opener, page))

    askers = [threading.Thread(target=keep_asking) for _ in range(4)]
    for asker in askers:
        asker.start()
    try:
        time.sleep(1.5)
        stack.postgres.stop()
        time.sleep(2)
        stack.postgres.start()
        time.sleep(3)
    finally:
        stop.set()
        for asker in askers:
            asker.join(timeout=30)

    statuses = Counter(status for status, _ in outcomes)
    assert set(statuses) <= {200, 503}, f"only successes and 503s, got {statuses}"
    assert statuses[503] > 0, "some requests met the database away"
    assert all(retry == "5" for status, retry in outcomes if status == 503), "every 503 says when to retry"
    assert [fetch(opener, page)[0] for _ in range(5)] == [200] * 5, "the app recovered without a restart"
    assert "Traceback" not in stack.log("web.log")


def test_a_job_that_fails_for_good_is_left_dead_with_its_error(stack: Stack) -> None:
    stack.worker("any")
    stack.python("from core.jobs import job_enqueue\njob_enqueue('claims.tasks.link_claim', 'x')")

    dead = wait_for(
        lambda: stack.postgres.scalar("SELECT error FROM config_job WHERE status = 'dead'"),
        timeout=60,
        what="the job ending dead",
    )
    assert "ValueError" in dead

    stack.python(
        "from core.jobs import jobs_retry\nfrom core.models import Job\n"
        "from claims.services import claim_create\n"
        "claim = claim_create(text='The bridge opened in May.')\n"
        "Job.objects.filter(status='dead').update(args=[claim.pk])\n"
        "print(jobs_retry(jobs=Job.objects.filter(status='dead')))"
    )
    wait_for(
        lambda: (
            stack.postgres.scalar("SELECT count(*) FROM config_job WHERE status = 'dead'") == 0
            and stack.postgres.scalar("SELECT count(*) FROM config_job WHERE status = 'succeeded'") >= 2
        ),
        timeout=60,
        what="the retried job succeeding",
    )


# ---------------------------------------------------------------------------------------------- HTTP helpers


def signed_in(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/admin/login/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token is not None
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1), "next": "/admin/"}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (our own server, on loopback)
        f"{base}/admin/login/", data=data, headers={"Referer": f"{base}/admin/login/"}
    )
    opener.open(request, timeout=60)
    assert any(cookie.name == "sessionid" for cookie in jar), "signed in"
    return opener


def fetch(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, str | None]:
    """(status, Retry-After) of a GET; a connection the server dropped counts as 0."""
    try:
        with opener.open(url, timeout=20) as response:
            return response.status, response.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Retry-After")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, None
