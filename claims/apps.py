from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"

    def ready(self) -> None:
        # What the claims app hears from the layers below it, and adds to theirs: metrics gauges, and the
        # hooks by which a change to an outlet, actor or source asks for the claims it weighs to be reassessed.
        from claims import metrics, receivers  # noqa: F401
