"""Claim relations against SICK: three-way accuracy, contradiction P/R/F1, confusion matrix and pairs/s on one core.

    .venv/bin/python bench/relations.py [--data FILE] [--backend NAME] [--limit N]

Scoring rules (bench/README.md has the reasoning):

* Gold labels map CONTRADICTION → contradicts, ENTAILMENT → corroborates, NEUTRAL → unrelated; a predicted
  "duplicates" counts as corroborates (a duplicate is the strongest corroboration).
* The pairs go through `claims.linking.relate_pairs`, the same function as `manage.py relate`, in one batch,
  as the command sends them. Only that call is timed, after an untimed warm-up pair (model loading) that is
  not in the data.
* Nothing here fits anything: the classifier is scored exactly as shipped.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claims.linking import Judgement


sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import (
    SHARED_DATASETS,
    cores_used,
    database_was_used,
    machine,
    pin_to_one_core,
    positive_int,
    setup_django,
)

pin_to_one_core()  # before numpy, spaCy or torch is imported: nothing above imports them

DEFAULT_DATA = SHARED_DATASETS / "sick/sick_dev.tsv"

LABELS = ("contradicts", "corroborates", "unrelated")
GOLD = {"CONTRADICTION": "contradicts", "ENTAILMENT": "corroborates", "NEUTRAL": "unrelated"}
PREDICTED = {"contradicts": "contradicts", "corroborates": "corroborates", "duplicates": "corroborates"}
PREDICTED_DEFAULT = "unrelated"
COLUMNS = ("sentence_A", "sentence_B", "entailment_label")
WARM_UP = ("Two officers were killed in the raid.", "Three officers were killed in the raid.")

# Marelli et al., "SemEval-2014 Task 1" (SemEval 2014), table of entailment results: Illinois-LH, the best run.
REFERENCE = "best SemEval-2014 Task 1 system (Illinois-LH): 84.6% three-way accuracy on the SICK test set"
REFERENCE_CAVEAT = (
    "a yardstick, not a like-for-like comparison: other split (test, not train+trial), systems trained on SICK, "
    "and entailment there is directional while a link between claims is not"
)


@dataclass(frozen=True)
class Pair:
    first: str
    second: str
    gold: str


@dataclass
class Run:
    judgements: list[Judgement]
    seconds: float
    backend: str


def load_pairs(path: Path, limit: int | None = None) -> list[Pair]:
    """The labelled pairs of a SICK-format TSV, the first `limit` of them, with gold mapped to relations."""
    from claims.linking import read_tsv_columns

    rows = read_tsv_columns(path.read_bytes().decode("utf-8"), COLUMNS)
    unknown = sorted({label for _, _, label in rows} - GOLD.keys())
    if unknown:
        raise ValueError(f"{path}: unknown entailment labels {', '.join(unknown)}")
    return [Pair(first, second, GOLD[label]) for first, second, label in rows[:limit]]


def evaluate(pairs: Sequence[Pair], backend: str | None) -> Run:
    from claims.linking import classifier, relate_pairs

    relate: Callable[[Sequence[tuple[str, str]], str | None], list[Judgement]] = relate_pairs
    relate([WARM_UP], backend)  # warm-up: loads models, not timed
    started = time.perf_counter()
    judgements = relate([(pair.first, pair.second) for pair in pairs], backend)
    seconds = time.perf_counter() - started
    chosen = classifier(backend, calibrated=False)
    return Run(judgements=judgements, seconds=seconds, backend=f"{chosen.name} ({chosen.version})")


def _prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
    precision = hits / predicted if predicted else 0.0
    recall = hits / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def print_report(data: Path, pairs: Sequence[Pair], run: Run) -> None:
    predicted = [PREDICTED.get(judgement.relation, PREDICTED_DEFAULT) for judgement in run.judgements]
    confusion = Counter(zip((pair.gold for pair in pairs), predicted, strict=True))
    gold_counts = Counter(pair.gold for pair in pairs)
    predicted_counts = Counter(predicted)
    raw_counts = Counter(judgement.relation for judgement in run.judgements)
    correct = sum(confusion[label, label] for label in LABELS)
    accuracy = correct / len(pairs)

    print(f"Claim relations on {data}")
    print(
        f"{len(pairs)} pairs: "
        + ", ".join(f"{gold_counts[label]} {label}" for label in LABELS)
        + f" (gold; majority class alone scores {max(gold_counts.values()) / len(pairs):.3f})"
    )
    print(f"backend: {run.backend}")
    print()
    width = max(len(label) for label in LABELS) + 2
    corner = "gold \\ predicted"
    print(f"{corner:<{width + 6}}" + "".join(f"{label:>{width}}" for label in LABELS) + f"{'total':>8}")
    for gold in LABELS:
        row = "".join(f"{confusion[gold, label]:>{width}d}" for label in LABELS)
        print(f"{gold:<{width + 6}}{row}{gold_counts[gold]:>8d}")
    print(f"{'total':<{width + 6}}" + "".join(f"{predicted_counts[label]:>{width}d}" for label in LABELS))
    print(f"(predicted duplicates, counted as corroborates: {raw_counts['duplicates']})")
    print()
    print(f"{'relation':14}{'P':>7}{'R':>7}{'F1':>7}")
    scores = {}
    for label in LABELS:
        scores[label] = _prf(confusion[label, label], predicted_counts[label], gold_counts[label])
        print(f"{label:14}" + "".join(f"{value:7.3f}" for value in scores[label]))
    print(f"three-way accuracy: {accuracy:.3f}")
    if database_was_used():
        print("WARNING: the classifier opened a database connection")

    per_second = len(pairs) / run.seconds if run.seconds else float("inf")
    print()
    print(
        f"throughput: {len(pairs)} pairs in {run.seconds:.2f} s = {per_second:.0f} pairs/s "
        f"({1000 * run.seconds / len(pairs):.2f} ms each), one batch, after one untimed warm-up pair"
    )
    print(f"machine: {machine()}, cores used: {cores_used()}, Python {platform.python_version()}")
    print(f"reference: {REFERENCE}; {REFERENCE_CAVEAT}")
    precision, recall, f1 = scores["contradicts"]
    print(
        f"accuracy={accuracy:.3f} contradiction_p={precision:.3f} contradiction_r={recall:.3f} "
        f"contradiction_f1={f1:.3f} pairs_per_s={round(per_second)}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        metavar="FILE",
        help="SICK-format TSV with sentence_A, sentence_B and entailment_label columns (default: %(default)s)",
    )
    parser.add_argument(
        "--backend", metavar="NAME", help="features or nli (default: ATTEST_LINK_BACKEND, which defaults to features)"
    )
    parser.add_argument("--limit", type=positive_int, metavar="N", help="score only the first N pairs")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        parser.error(f"--data {args.data}: no such file")

    setup_django()
    from claims.linking import LinkingBackendUnavailable

    try:
        pairs = load_pairs(args.data.resolve(), args.limit)
    except (UnicodeDecodeError, ValueError) as error:
        parser.error(f"--data {args.data}: {error}")
    if not pairs:
        parser.error(f"--data {args.data}: no pairs")
    try:
        run = evaluate(pairs, args.backend)
    except LinkingBackendUnavailable as error:
        parser.error(f"--backend {args.backend or '(default)'}: {error}")
    print_report(args.data.resolve(), pairs, run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
