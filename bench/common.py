"""What the benchmarks share: one core, Django set up without a database, generated claims, and the machine.

Imports only the standard library at the top (Django and the models inside the
functions that need them), so a benchmark can pin itself to one core before
numpy, spaCy or torch size their thread pools.
"""

import os
import platform
import random
import re
import socket
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATASETS = REPO_ROOT.parent / "shared" / "datasets"


def pin_to_one_core() -> None:
    """Figures are per core: one CPU, and thread pools of one. Call before numpy, spaCy or torch is imported."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    if hasattr(os, "sched_setaffinity"):  # Linux only; elsewhere the thread limits are all we can do
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def setup_django() -> None:
    """Set Django up, without opening a database connection."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def database_was_used() -> bool:
    from django.db import connections

    return any(connection.connection is not None for connection in connections.all(initialized_only=True))


def f1(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall, 0 when both are."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def machine() -> str:
    name = platform.processor()
    if not name:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        except OSError:
            cpuinfo = ""
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        name = found.group(1).strip() if found else platform.machine()
    return name


def cores_used() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    number = int(value)
    if number < 1:
        import argparse

        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def database_provide(database_url: str | None, *, bench: str, database: str) -> tuple[str, Path | None]:
    """The database a bench runs on: `database_url` if given, else a new embedded server of the bench's own
    (its data folder is returned, for `embedded_server_release`)."""
    if database_url:
        return database_url, None
    from core import embedded_postgres

    data_dir = REPO_ROOT / ".data" / f"bench-{bench}-{os.getpid()}"
    print(f"starting PostgreSQL in {data_dir.relative_to(REPO_ROOT)}", flush=True)
    socket_dir = embedded_postgres.ensure_running(data_dir, database=database)
    return f"postgres://postgres@/{database}?host={socket_dir}", data_dir


def embedded_server_release(data_dir: Path | None, *, keep: bool) -> None:
    """Close Django's connections, then stop a bench's own embedded server and delete its data, unless kept."""
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    if data_dir is None:
        return
    if keep:
        print(f"kept the server and its data in {data_dir}; stop it with core.embedded_postgres.stop()")
        return
    import shutil

    from core import embedded_postgres

    embedded_postgres.stop(data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share / 100 * len(ordered)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ------------------------------------------------------------------------------------- generated claims
# Sentences like "The council approved the new bridge in Quito on day 12 (12345).": the number makes each one
# unique, so a statement's quote occurs once in its source.

GENERATION_BATCH = 5_000
CLAIMS_PER_SOURCE = 20
STORIES = 300
ACTORS = 2_000
SUBJECTS = "The mayor|The council|Police|The minister|Protesters|The army|The governor|Officials|Rebels".split("|")
VERBS = "opened|closed|approved|rejected|attacked|funded|blocked|visited|inspected|cancelled".split("|")
OBJECTS = (
    "the new bridge|the central market|the border crossing|the oil refinery|the teachers' union|the city budget|"
    "the hospital wing|the port|the election office|the water plant|the railway line|the prison"
).split("|")
PLACES = "Caracas|Bogotá|Quito|Lima|La Paz|Santiago|Asunción|Montevideo|Mérida|Cumaná|Córdoba|Rosario".split("|")
# After the first statement of a claim (an assertion), who else speaks of it and how, in turn: a claim with two
# statements is asserted and denied, one with ten is contested by several speakers on each side.
FURTHER_STANCES = (("denies", "denied"), ("asserts", "said"), ("questions", "asked"), ("asserts", "told reporters"))


def claim_text(rng: random.Random, number: int) -> str:
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in {rng.choice(PLACES)} "
        f"on day {number % 3650} ({number})."
    )


@contextmanager
def history_backfilled(models: Sequence[Any]) -> Iterator[None]:
    """Bulk inserts into the models' tables with their history recorded afterwards, in one statement a table.

    pghistory's insert trigger enters two PL/pgSQL exception blocks a row, each a subtransaction: about a
    millisecond a row here, most of the time of loading a million statements. So within this block the
    "created" triggers are off (the quote, span and foreign-key checks stay on), and on leaving it each table's
    rows with no "created" event get one, as the trigger would have written it.
    """
    from django.db import connection

    tables = [(model._meta.db_table, model.pgh_event_models["created"]._meta.db_table) for model in models]
    with connection.cursor() as cursor:
        triggers = []
        for table, _ in tables:
            cursor.execute(
                # pgtrigger's name for the InsertEvent("created") of claims.models.history.
                "SELECT tgname FROM pg_trigger "
                "WHERE tgrelid = %s::regclass AND tgname LIKE 'pgtrigger_created_insert_%%'",
                [table],
            )
            triggers += [(table, name) for (name,) in cursor.fetchall()]
        for table, name in triggers:
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
        try:
            yield
        finally:
            for table, name in triggers:
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"')
        for table, events in tables:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = %s AND column_name NOT LIKE 'pgh%%'",
                [events],
            )
            columns = ", ".join(f'"{name}"' for (name,) in cursor.fetchall())
            # The names are the models' own tables and columns, not input.
            backfill = (
                f'INSERT INTO "{events}" ({columns}, pgh_created_at, pgh_label, pgh_obj_id) '  # noqa: S608
                f"SELECT {columns}, now(), 'created', id FROM \"{table}\" AS row "
                f"WHERE NOT EXISTS (SELECT 1 FROM \"{events}\" WHERE pgh_obj_id = row.id AND pgh_label = 'created')"
            )
            cursor.execute(backfill)


def statements_copy(rows: list[dict[str, Any]]) -> None:
    """Statements stored with COPY, every column the row does not give at its model default."""
    from django.db import connection
    from django.utils import timezone

    from claims.models import Statement

    now = timezone.now()
    fields = [field for field in Statement._meta.concrete_fields if not field.primary_key]
    defaults = {field.attname: now if getattr(field, "auto_now", False) else field.get_default() for field in fields}
    columns = ", ".join(f'"{field.column}"' for field in fields)
    with (
        connection.cursor() as cursor,
        cursor.copy(f'COPY "{Statement._meta.db_table}" ({columns}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row([row.get(field.attname, defaults[field.attname]) for field in fields])


def claims_generate(*, claims: int, statements: int, published_share: float, seed: int) -> dict[str, Any]:
    """Generated stories, actors, sources, claims, statements, verdicts and links, loaded in batches.

    A source for every CLAIMS_PER_SOURCE claims holds their sentences, and every statement quotes its claim's
    sentence at its offsets there (the database's triggers check them), each by another speaker; the statements
    are spread evenly, at least one a claim. `bulk_create` and COPY bypass the services (no validation, no
    jobs), as an import of a backlog would; the history of what is loaded is written afterwards, in bulk.
    Returns the published claims' ids, every claim's text and the seconds taken.
    """
    from django.contrib.auth.models import User
    from django.db import connection
    from django.utils import timezone

    from claims.models import Claim, ClaimLink, Rating, Statement, Story, Verdict
    from core.text import content_hash, fold
    from sources.models import Actor, Source

    rng = random.Random(seed)  # noqa: S311 (seeded, for repeatable data)
    started = time.perf_counter()
    statements = max(statements, claims)
    desk = User.objects.create(username="bench-editor", is_staff=True)
    stories = Story.objects.bulk_create(
        Story(title=f"Bench story {n}", slug=f"bench-story-{n}") for n in range(STORIES)
    )
    actors = Actor.objects.bulk_create(Actor(name=f"Speaker {n}") for n in range(ACTORS))
    ratings = list(Rating.objects.filter(value__isnull=False))
    now = timezone.now()
    published_ids: list[int] = []
    texts: dict[int, str] = {}
    with history_backfilled([Claim, Statement, Verdict, ClaimLink]):
        for first in range(0, claims, GENERATION_BATCH):
            numbers = range(first, min(claims, first + GENERATION_BATCH))
            batch_texts = [claim_text(rng, number) for number in numbers]
            sources, spans = [], []
            for start in range(0, len(batch_texts), CLAIMS_PER_SOURCE):
                sentences = batch_texts[start : start + CLAIMS_PER_SOURCE]
                text, offsets = "", []
                for sentence in sentences:
                    offsets.append((len(text), len(text) + len(sentence)))
                    text += sentence + " "
                text = text.strip()
                sources.append(
                    Source(title=f"Bench report {first + start}", text=text, content_hash=content_hash(text))
                )
                spans.extend(offsets)
            sources = Source.objects.bulk_create(sources)
            stored = Claim.objects.bulk_create(
                # A minute apart, oldest first, as an archive grows.
                Claim(
                    text=text,
                    folded_text=fold(text),
                    story=stories[rng.randrange(STORIES)],
                    created_at=now - timedelta(minutes=claims - number),
                )
                for text, number in zip(batch_texts, numbers, strict=True)
            )
            rows = []
            for index, (claim, number) in enumerate(zip(stored, numbers, strict=True)):
                # Claim `number` gets its share of the statements, the remainder spread evenly over the claims.
                count = (number + 1) * statements // claims - number * statements // claims
                start, end = spans[index]
                folded_quote = fold(claim.text)
                for position, speaker in enumerate(rng.sample(range(ACTORS), min(count, ACTORS))):
                    stance, cue = ("asserts", "said") if position == 0 else FURTHER_STANCES[(position - 1) % 4]
                    rows.append(
                        {
                            "claim_id": claim.pk,
                            "speaker_id": actors[speaker].pk,
                            "source_id": sources[index // CLAIMS_PER_SOURCE].pk,
                            "quote": claim.text,
                            "folded_quote": folded_quote,
                            "span_start": start,
                            "span_end": end,
                            "cue": cue,
                            "stance": stance,
                        }
                    )
                texts[claim.pk] = claim.text
            statements_copy(rows)
            chosen = [claim for claim in stored if rng.random() < published_share]
            Verdict.objects.bulk_create(
                Verdict(
                    claim=claim,
                    status=Verdict.Status.PUBLISHED,
                    rating=rng.choice(ratings),
                    author=desk,
                    conclusion="The record does not bear it out.",
                    published_at=now,
                    published_by=desk,
                )
                for claim in chosen
            )
            published_ids += [claim.pk for claim in chosen]
        # Confirmed links between published claims, so pages show some.
        pairs = {tuple(sorted(rng.sample(published_ids, 2))) for _ in range(len(published_ids) // 5)}
        ClaimLink.objects.bulk_create(
            ClaimLink(
                from_claim_id=a,
                to_claim_id=b,
                relation="contradicts",
                status="confirmed",
                decided_at=now,
                rationale="bench",
            )
            for a, b in pairs
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"published": published_ids, "texts": texts, "seconds": time.perf_counter() - started, "links": len(pairs)}
