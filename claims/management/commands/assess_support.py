from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.models import Story, SupportLevel
from claims.selectors import claims_in_story
from claims.support.services import claim_support_assess


class Command(BaseCommand):
    help = "Recompute the support level of every claim (or a story's) now, e.g. after a bulk import."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--story", default="", help="Slug of the story whose claims to assess.")

    def handle(self, *args: Any, story: str, **options: Any) -> None:
        try:
            claims = claims_in_story(story)
        except Story.DoesNotExist as error:
            raise CommandError(f"No story has the slug “{story}”.") from error
        # Each claim in its own transaction, as the job does it: a long run holds no lock for long.
        levels: Counter[str] = Counter()
        for claim_id in claims.values_list("pk", flat=True).iterator():
            assessment = claim_support_assess(claim_id=claim_id)
            if assessment is not None:
                levels[assessment.level] += 1
        total = sum(levels.values())
        counts = ", ".join(f"{levels[level]} {label.lower()}" for level, label in SupportLevel.choices if levels[level])
        self.stdout.write(f"Assessed {total} claim{'s' if total != 1 else ''}" + (f": {counts}." if counts else "."))
