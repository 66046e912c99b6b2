from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    """What every app shares: the jobs ledger, health and metrics, the embedded database and its commands."""

    name = "core"
    verbose_name = "Attest"

    def ready(self) -> None:
        # Connect the job ledger's and the metrics' Celery signals in every process, workers included, and bring
        # the editorial groups up to date after every migrate.
        from core import jobs, metrics, roles  # noqa: F401

        post_migrate.connect(roles.roles_sync_after_migrate, dispatch_uid="core-editorial-roles")
