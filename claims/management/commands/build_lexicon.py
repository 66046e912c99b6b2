from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.lexicon import LEXICON_FILE
from claims.lexicon.build import LexiconSourceError, lexicon_build


class Command(BaseCommand):
    help = (
        "Build the shipped English lexicon (claims/lexicon/oewn.zip) from Open English WordNet's YAML "
        "sources; the same sources give a byte-identical file."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--oewn",
            type=Path,
            default=settings.BASE_DIR.parent / "shared" / "datasets" / "oewn",
            help="A checkout of Open English WordNet, holding src/yaml/ (default: ../shared/datasets/oewn).",
        )
        parser.add_argument(
            "--output", type=Path, default=LEXICON_FILE, help=f"Where to write the lexicon (default: {LEXICON_FILE})."
        )

    def handle(self, *args: Any, oewn: Path, output: Path, **options: Any) -> None:
        try:
            built = lexicon_build(source=oewn, target=output)
        except LexiconSourceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Wrote {output} ({built.size:,} bytes): {built}")
