"""`manage.py relay_jobs`: hand the broker the jobs that wait in the outbox and are due, as a process of its own."""

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import OperationalError, close_old_connections

from core.jobs import jobs_relay

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Hand the broker the jobs saved while it was away, and those asked for later once they are due (without "
        "a broker, run them). Runs until stopped (one per deployment is enough; more are safe), or once with "
        "--once. Beat does the same every minute."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Relay what waits now, then stop.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between looks (default 5).")

    def handle(self, *args: Any, once: bool, interval: float, **options: Any) -> None:
        while True:
            try:
                sent = jobs_relay()
            except OperationalError as error:  # the database restarting: look again later
                logger.warning("Could not read the outbox: %s", error)
                sent = 0
            finally:
                close_old_connections()
            if sent:
                logger.info("Handed %s waiting job%s to the broker.", sent, "s" if sent != 1 else "")
            if once:
                self.stdout.write(f"Handed {sent} waiting job{'s' if sent != 1 else ''} to the broker.")
                return
            time.sleep(interval)
