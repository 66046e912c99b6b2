from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself: its jobs ledger, health and metrics, and its own commands (demo, embedded_postgres)."""

    name = "config"
    verbose_name = "Attest"

    def ready(self) -> None:
        # Connect the job ledger's and the metrics' Celery signals in every process, workers included.
        from config import jobs, metrics  # noqa: F401
