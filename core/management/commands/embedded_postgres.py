from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import embedded_postgres


class Command(BaseCommand):
    help = "Start, stop or show the embedded PostgreSQL server used when DATABASE_URL is unset."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if settings.DATABASES["default"]["ENGINE"] != "core.embedded_postgres":
            raise CommandError("DATABASE_URL is set: this deployment does not use the embedded PostgreSQL.")
        data_dir = settings.EMBEDDED_POSTGRES_DIR
        if action == "start":
            socket_dir = embedded_postgres.ensure_running(data_dir, settings.DATABASES["default"]["NAME"])
            self.stdout.write(f"Embedded PostgreSQL running on {data_dir} (socket in {socket_dir}).")
        elif action == "stop":
            stopped = embedded_postgres.stop(data_dir)
            self.stdout.write("Embedded PostgreSQL stopped." if stopped else "Embedded PostgreSQL was not running.")
        else:
            status = embedded_postgres.status(data_dir)
            state = f"running (pid {status.pid})" if status.running else "stopped"
            self.stdout.write(f"Embedded PostgreSQL on {data_dir}: {state}.")
