import os
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.commands.runserver import naiveip_re
from django.db import connections

from core import embedded_postgres


class Command(BaseCommand):
    help = "Migrate, load the seed stories and demo accounts, and serve the admin; Ctrl-C stops it all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where to serve (default 127.0.0.1:8000).")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        site_url = served_at(addrport)
        # Links in e-mails and ClaimReview markup point where the demo is served, unless the environment says.
        if "ATTEST_SITE_URL" not in os.environ:
            settings.ATTEST_SITE_URL = site_url
        embedded = settings.DATABASES["default"]["ENGINE"] == "core.embedded_postgres"
        try:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("load_seed", demo_accounts=True)
            # Loading assesses what it adds; this brings claims stored before up to date as well.
            call_command("assess_support")
            self.stdout.write(self.style.SUCCESS(f"\nAttest is at {site_url}/admin/ — Ctrl-C to stop.\n"))
            if settings.CELERY_TASK_ALWAYS_EAGER:
                # No worker: the jobs that must not run in a request (webhook deliveries, their retries) are run
                # by a relay beside the web server, as `manage.py relay_jobs` does on its own.
                threading.Thread(target=call_command, args=["relay_jobs"], name="relay", daemon=True).start()
            call_command("runserver", addrport, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            if embedded:
                connections.close_all()
                embedded_postgres.stop(settings.EMBEDDED_POSTGRES_DIR)
                self.stdout.write("Stopped the web server and the embedded database.")


def served_at(addrport: str) -> str:
    """Where runserver serves `addrport` ("8001", "0.0.0.0:8000", "[::1]:8000"), as a browser's address."""
    match = naiveip_re.match(addrport)
    if match is None:
        raise CommandError(f"{addrport!r} is not a port or address:port.")
    return f"http://{match['addr'] or '127.0.0.1'}:{match['port']}"  # an IPv6 address comes in its brackets
