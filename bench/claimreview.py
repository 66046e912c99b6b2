"""ClaimReview in and out: other fact-checkers' reviews imported, exported again, and compared field by field.

    .venv/bin/python bench/claimreview.py [--samples DIR] [--database-url URL] [--keep]

Reads the ClaimsKG extractor's sample records (`output_sample_*.csv`, one row per review, the fields of
ClaimReview flattened into columns), writes each as the ClaimReview JSON-LD its site publishes, and imports the
lot through `claims.claimreview.claimreviews_import`, the function behind `POST /api/v1/claimreviews/import`.
Then it exports each imported claim with `claim_review`, the markup of its public page and of the API, compares
the fields a round trip must keep, imports everything a second time, and counts what the second import added.
It starts its own embedded PostgreSQL in `.data/bench-claimreview-<pid>` (or uses `--database-url`, which must
hold no claims). The last line is

    samples=N round_trip=0.xxx duplicates=N per_s=N
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import common

DATABASE = "attest_bench_claimreview"
DEFAULT_SAMPLES = common.SHARED_DATASETS / "claimreview_samples"


@dataclass(frozen=True)
class Sample:
    site: str
    row: int
    review: dict[str, Any]


def _cell(record: dict[str, str], column: str) -> str:
    return (record.get(column) or "").strip()


def review_of(record: dict[str, str]) -> dict[str, Any]:
    """The ClaimReview JSON-LD a site publishes for one ClaimsKG record; empty columns are left out."""
    rating: dict[str, Any] = {"@type": "Rating"}
    for field in ("ratingValue", "bestRating", "worstRating", "alternateName"):
        if _cell(record, f"rating_{field}"):
            rating[field] = _cell(record, f"rating_{field}")
    item: dict[str, Any] = {"@type": "Claim"}
    if _cell(record, "creativeWork_author_name"):
        item["author"] = {"@type": "Person", "name": _cell(record, "creativeWork_author_name")}
        if _cell(record, "creativeWork_author_sameAs"):
            item["author"]["sameAs"] = _cell(record, "creativeWork_author_sameAs")
    if _cell(record, "creativeWork_datePublished"):
        item["datePublished"] = _cell(record, "creativeWork_datePublished")
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": _cell(record, "claimReview_url"),
        "claimReviewed": _cell(record, "claimReview_claimReviewed"),
        "datePublished": _cell(record, "claimReview_datePublished"),
        "author": {"@type": "Organization", "name": _cell(record, "claimReview_author_name")},
        "reviewRating": rating,
        "itemReviewed": item,
    }
    if _cell(record, "extra_title"):
        review["headline"] = _cell(record, "extra_title")
    return {key: value for key, value in review.items() if value not in ("", {})}


def samples_read(folder: Path) -> list[Sample]:
    samples = []
    for path in sorted(folder.glob("output_sample_*.csv")):
        site = path.stem.removeprefix("output_sample_")
        with path.open(encoding="utf-8", newline="") as file:
            for number, record in enumerate(csv.DictReader(file), start=1):
                samples.append(Sample(site, number, review_of(record)))
    return samples


# ---------------------------------------------------------------------------------------------- comparing


def _same_text(a: object, b: object) -> bool:
    """Equal once whitespace is collapsed, case ignored and the quotation marks around a claim dropped, as the
    import reads a claim."""

    def plain(value: object) -> str:
        return " ".join(str(value or "").split()).strip('"“” ').casefold()

    return plain(a) == plain(b)


def _day(value: object) -> date | None:
    from claims.claimreview import _date

    return _date(value)


def _position(rating: dict[str, Any]) -> float | None:
    """Where a rating sits on its scale, 0 at the worst and 1 at the best; None without all three numbers."""
    try:
        value, best, worst = (float(rating[key]) for key in ("ratingValue", "bestRating", "worstRating"))
    except (KeyError, TypeError, ValueError):
        return None
    return None if best == worst else (value - worst) / (best - worst)


def _name(node: object) -> str:
    return str(node.get("name", "")) if isinstance(node, dict) else ""


def _urls(works: object) -> list[str]:
    works = works if isinstance(works, list) else [works]
    return [str(work.get("url")) for work in works if isinstance(work, dict) and work.get("url")]


# Each field a round trip must keep: whether the sample has it, and whether the export agrees with it.
Check = tuple[Callable[[dict[str, Any]], bool], Callable[[dict[str, Any], dict[str, Any]], bool]]
CHECKS: dict[str, Check] = {
    "claimReviewed": (
        lambda given: "claimReviewed" in given,
        lambda given, out: _same_text(given["claimReviewed"], out.get("claimReviewed")),
    ),
    "reviewRating.alternateName": (
        lambda given: "alternateName" in given["reviewRating"],
        lambda given, out: _same_text(given["reviewRating"]["alternateName"], out["reviewRating"].get("alternateName")),
    ),
    "reviewRating.value/best/worst": (
        lambda given: _position(given["reviewRating"]) is not None,
        lambda given, out: _position(out["reviewRating"]) == _position(given["reviewRating"]),
    ),
    "itemReviewed.author": (
        lambda given: "author" in given.get("itemReviewed", {}),
        lambda given, out: _same_text(_name(given["itemReviewed"]["author"]), _name(out["itemReviewed"].get("author"))),
    ),
    "itemReviewed.appearance": (
        lambda given: bool(_urls(given.get("itemReviewed", {}).get("appearance"))),
        lambda given, out: (
            set(_urls(given["itemReviewed"]["appearance"])) <= set(_urls(out["itemReviewed"].get("appearance")))
        ),
    ),
    "itemReviewed.firstAppearance": (
        lambda given: bool(_urls(given.get("itemReviewed", {}).get("firstAppearance"))),
        lambda given, out: (
            _urls(given["itemReviewed"]["firstAppearance"]) == _urls(out["itemReviewed"].get("firstAppearance"))
        ),
    ),
    "author": (
        lambda given: bool(_name(given.get("author"))),
        lambda given, out: _same_text(_name(given["author"]), _name(out.get("author"))),
    ),
    "datePublished": (
        lambda given: _day(given.get("datePublished")) is not None,
        lambda given, out: _day(given["datePublished"]) == _day(out.get("datePublished")),
    ),
    # The export's own url is the claim's page on this site; the review it came from is its isBasedOn.
    "url": (lambda given: "url" in given, lambda given, out: given["url"] == out.get("isBasedOn")),
}


# ---------------------------------------------------------------------------------------------- running


def counts() -> dict[str, int]:
    from claims.models import Claim, Statement, Verdict
    from sources.models import Actor, Outlet, Source

    return {
        str(model._meta.verbose_name_plural): model.objects.count()
        for model in (Claim, Verdict, Statement, Source, Actor, Outlet)
    }


def run(samples: Sequence[Sample]) -> int:
    from claims.claimreview import Outcome, claim_review, claimreviews_import

    reviews = [sample.review for sample in samples]
    started = time.perf_counter()
    first = claimreviews_import(document=reviews, by=None)
    seconds = time.perf_counter() - started
    after_first = counts()
    second = claimreviews_import(document=reviews, by=None)
    after_second = counts()

    # The import reports a refused review as "<url or review N>: <reasons>", in the order of the document.
    refused = {message.split(": ", 1)[0]: message.split(": ", 1)[1] for message in first.errors}
    read = iter(first.reviews)
    agreed: Counter[str] = Counter()
    present: Counter[str] = Counter()
    whole = 0
    examples: dict[str, str] = {}
    importable = 0
    for number, sample in enumerate(samples, start=1):
        key = sample.review.get("url") or f"review {number}"
        if key in refused:
            continue
        imported = next(read)
        if imported.outcome == Outcome.JOINED or imported.claim is None:
            continue  # kept beside a claim an earlier review made: the claim's markup is that review's
        importable += 1
        exported = claim_review(imported.claim)
        fine = True
        for field, (has, agrees) in CHECKS.items():
            if not has(sample.review):
                continue
            present[field] += 1
            if agrees(sample.review, exported):
                agreed[field] += 1
            else:
                fine = False
                examples.setdefault(field, f"{sample.site} row {sample.row}")
        whole += fine

    reasons = Counter(reason.split(";")[0] for reason in refused.values())
    per_s = (importable + first.joined) / seconds
    print(f"{len(samples)} samples from {len({sample.site for sample in samples})} sites; {importable} imported, "
          f"{len(refused)} refused by the import:")  # fmt: skip
    for reason, number in reasons.most_common():
        print(f"  {number:4} {reason}")
    print(f"first import: {first.created} created, {first.updated} updated, {first.unchanged} unchanged, "
          f"{first.joined} joined in {seconds:.1f} s ({per_s:.1f} reviews/s)")  # fmt: skip
    print(f"second import: {second.created} created, {second.updated} updated, {second.unchanged} unchanged, "
          f"{second.joined} joined")  # fmt: skip
    added = {name: after_second[name] - after_first[name] for name in after_first}
    print("rows after the first import: " + ", ".join(f"{n} {name}" for name, n in after_first.items()))
    print("added by the second: " + ", ".join(f"{n} {name}" for name, n in added.items()))
    print()
    print(f"{'field':32} {'agree':>7} {'of':>5} {'share':>6}  first disagreement")
    for field in CHECKS:
        share = f"{agreed[field] / present[field]:.3f}" if present[field] else "—"
        note = examples.get(field, "") if present[field] else "no sample carries it"
        print(f"{field:32} {agreed[field]:7} {present[field]:5} {share:>6}  {note}")
    round_trip = whole / importable if importable else 0.0
    print(f"round trip: {whole} of {importable} imported reviews keep every field they carry")
    print(f"machine: {common.machine()}, {os.cpu_count()} cores")
    duplicates = sum(added.values()) + second.created + second.joined
    print(f"samples={len(samples)} round_trip={round_trip:.3f} duplicates={duplicates} per_s={per_s:.0f}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--samples",
        type=Path,
        default=DEFAULT_SAMPLES,
        metavar="DIR",
        help="folder of output_sample_*.csv (default ../shared/datasets/claimreview_samples)",
    )
    parser.add_argument("--database-url", metavar="URL", help="an empty PostgreSQL database to use instead")
    parser.add_argument("--keep", action="store_true", help="leave the embedded server and its data in place")
    args = parser.parse_args(argv)
    samples = samples_read(args.samples)
    if not samples:
        parser.error(f"--samples: no output_sample_*.csv in {args.samples}")

    os.environ["DATABASE_URL"], data_dir = common.database_provide(
        args.database_url, bench="claimreview", database=DATABASE
    )
    # Importing records claims; linking and support jobs are not what this measures.
    os.environ["ATTEST_LINK_ON_SAVE"] = "false"
    try:
        common.setup_django()
        from django.core.management import call_command

        from claims.models import Claim

        call_command("migrate", verbosity=0, interactive=False)
        if Claim.objects.exists():
            parser.error("--database-url: the database holds claims; give an empty one")
        return run(samples)
    finally:
        common.embedded_server_release(data_dir, keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
