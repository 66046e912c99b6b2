from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself, for its own management commands (demo, embedded_postgres)."""

    name = "config"
    verbose_name = "Attest"
