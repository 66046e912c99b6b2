import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.linking import BACKENDS, LinkingBackendUnavailable, read_tsv_columns, relate_pairs
from claims.management.files import read_utf8


class Command(BaseCommand):
    help = (
        "Classify the sentence pairs of a TSV file (a header with sentence_A and sentence_B; other columns "
        "ignored) and print one JSON judgement a line, in input order, without touching the database."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="A UTF-8, tab-separated file with a header row; no quoting.")
        parser.add_argument(
            "--backend",
            choices=BACKENDS,
            help="The pair classifier (default: the ATTEST_LINK_BACKEND setting, which defaults to features).",
        )

    def handle(self, *args: Any, file: Path, backend: str | None, **options: Any) -> None:
        pairs = read_pairs(file)
        try:
            judgements = relate_pairs(pairs, backend)
        except LinkingBackendUnavailable as error:
            raise CommandError(str(error)) from error
        for judgement in judgements:
            self.stdout.write(
                json.dumps(
                    {
                        "relation": judgement.relation,
                        "score": round(judgement.score, 3),
                        "rationale": judgement.rationale,
                    },
                    ensure_ascii=False,
                )
            )


def read_pairs(path: Path) -> list[tuple[str, str]]:
    """The (sentence_A, sentence_B) pairs of a TSV file, or a CommandError saying why the file cannot be read."""
    text = read_utf8(path)
    try:
        rows = read_tsv_columns(text)
    except ValueError as error:
        raise CommandError(f"{path}: {error}.") from error
    return [(first, second) for first, second in rows]
