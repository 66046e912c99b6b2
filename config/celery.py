"""The Celery application. Settings come from Django's, under the CELERY_ prefix."""

import os
from typing import Any

from celery import Celery
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("attest")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class AttestTask(DjangoTask):
    """A job whose writes name it in the history of what they change (django-pghistory's context)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import pghistory  # not at module level: the Django app registry is not ready when this module loads

        with pghistory.context(job=self.name, task_id=self.request.id):
            return super().__call__(*args, **kwargs)
