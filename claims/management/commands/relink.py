from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.models import Story
from claims.selectors import claims_in_story
from core.jobs import job_enqueue


class Command(BaseCommand):
    help = "Queue the linking job for every claim (or a story's), e.g. after a bulk import."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--story", default="", help="Slug of the story whose claims to relink.")

    def handle(self, *args: Any, story: str, **options: Any) -> None:
        try:
            claims = claims_in_story(story)
        except Story.DoesNotExist as error:
            raise CommandError(f"No story has the slug “{story}”.") from error
        count = 0
        for claim_id in claims.values_list("pk", flat=True).iterator():
            job_enqueue("claims.tasks.link_claim", claim_id)
            count += 1
        self.stdout.write(f"Queued linking for {count} claim{'s' if count != 1 else ''}.")
