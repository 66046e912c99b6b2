from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: the jobs ledger, health and metrics, the embedded database and its commands."""

    name = "core"
    verbose_name = "Attest"

    def ready(self) -> None:
        # Connect the job ledger's and the metrics' Celery signals in every process, workers included.
        from core import jobs, metrics  # noqa: F401
