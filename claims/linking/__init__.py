"""Linking claims: which claims contradict, corroborate or duplicate which, and why.

`relate_pairs` is the one path from sentence pairs to judgements by the
classifier as shipped: `manage.py relate` and `bench/relations.py` go through
it, and it reads no database. The linking job asks `classifier()`, which adds
this deployment's calibration from reviewers' decisions (`calibration`).
"""

from collections.abc import Sequence

from claims.linking.classifier import (
    BACKENDS,
    NLI_FEATURE_NAMES,
    RELATIONS,
    FeatureClassifier,
    Judgement,
    LinkingBackendUnavailable,
    NLIClassifier,
    PairClassifier,
    Relation,
    classifier,
)
from claims.linking.features import FEATURE_NAMES

__all__ = [
    "BACKENDS",
    "FEATURE_NAMES",
    "NLI_FEATURE_NAMES",
    "RELATIONS",
    "FeatureClassifier",
    "Judgement",
    "LinkingBackendUnavailable",
    "NLIClassifier",
    "PairClassifier",
    "Relation",
    "classifier",
    "read_tsv_columns",
    "relate_pairs",
]

PAIR_COLUMNS = ("sentence_A", "sentence_B")


def relate_pairs(pairs: Sequence[tuple[str, str]], backend: str | None = None) -> list[Judgement]:
    """A judgement for each pair of texts, in order, by the named backend as shipped (default `ATTEST_LINK_BACKEND`)."""
    return classifier(backend, calibrated=False).judge_many(pairs)


def read_tsv_columns(text: str, columns: Sequence[str] = PAIR_COLUMNS) -> list[tuple[str, ...]]:
    """The named columns of each row of a tab-separated table with a header row (no quoting); blank lines skipped.

    Raises ValueError saying what is wrong with the table.
    """
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines or not lines[0].strip():
        raise ValueError(f"it is empty; expected a tab-separated header naming {', '.join(columns)}")
    header = [name.strip() for name in lines[0].split("\t")]
    missing = [name for name in columns if name not in header]
    if missing:
        raise ValueError(
            f"the header has no {' or '.join(missing)} column (expected tab-separated columns including "
            f"{', '.join(columns)}; found: {', '.join(header)})"
        )
    indexes = [header.index(name) for name in columns]
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) <= max(indexes):
            raise ValueError(f"line {number} has {len(cells)} columns where the header has {len(header)}")
        rows.append(tuple(cells[index] for index in indexes))
    return rows
