from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.seed import SeedError, seed_folders, seed_load
from claims.services import demo_accounts_ensure
from core.roles import editorial_groups_sync


class Command(BaseCommand):
    help = "Load the hand-worked stories in fixtures/ through the services; loading twice changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folders", nargs="*", type=Path, help="Story folders holding a seed.yaml (default: every one in fixtures/)."
        )
        parser.add_argument(
            "--demo-accounts", action="store_true", help="Also create one staff account per role and print them."
        )

    def handle(self, *args: Any, folders: list[Path], demo_accounts: bool, **options: Any) -> None:
        editorial_groups_sync()
        for folder in folders or seed_folders(settings.BASE_DIR / "fixtures"):
            try:
                report = seed_load(folder)
            except (SeedError, OSError) as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"Loaded {report}")
        if demo_accounts:
            self.stdout.write(self.style.SUCCESS("Demo accounts (username / password):"))
            for username, password, role in demo_accounts_ensure():
                self.stdout.write(f"  {username:<11} {password:<24} {role}")
