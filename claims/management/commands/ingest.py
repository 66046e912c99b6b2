from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.ingestion import ingestion_request
from claims.management.commands.extract import read_text_file
from claims.models import Ingestion, Story


class Command(BaseCommand):
    help = "Give Attest a story, from a text file or a web address, and suggest who said what in it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file_or_url", help="A UTF-8 text file, or an http(s) address.")
        parser.add_argument("--title", default="", help="The story's title (default: from the story).")
        parser.add_argument("--story", default="", help="Slug of the story the suggested claims join.")

    def handle(self, *args: Any, file_or_url: str, title: str, story: str, **options: Any) -> None:
        joined = None
        if story:
            joined = Story.objects.filter(slug=story).first()
            if joined is None:
                raise CommandError(f"No story has the slug “{story}”.")
        is_url = file_or_url.startswith(("http://", "https://"))
        try:
            ingestion = ingestion_request(
                url=file_or_url if is_url else "",
                text="" if is_url else read_text_file(Path(file_or_url)),
                title=title,
                story=joined,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        ingestion.refresh_from_db()
        if ingestion.status == Ingestion.Status.SUCCEEDED:
            self.stdout.write(
                self.style.SUCCESS(
                    f"“{ingestion.source}”: {ingestion.statements_suggested} statements suggested for review."
                )
            )
        elif ingestion.status == Ingestion.Status.FAILED:
            raise CommandError(f"Ingestion #{ingestion.pk} failed: {ingestion.error}")
        else:
            self.stdout.write(f"Ingestion #{ingestion.pk} is {ingestion.get_status_display().lower()} on a worker.")
