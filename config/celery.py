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
    """A job whose writes name it in the history of what they change (django-pghistory's context), and whose
    log lines carry the id of the request that queued it."""

    # Without a broker, jobs run in the web process once the request's transaction commits, before the answer
    # goes out. A job that waits on someone else's server (a webhook receiver) sets this False: it then waits
    # in the ledger and the relay runs it (config.jobs), so a slow receiver never holds up the person whose
    # change it tells of.
    runs_in_request: bool = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        import pghistory  # not at module level: the Django app registry is not ready when this module loads

        from config.observability import request_id_bound

        # A worker makes a message's custom headers attributes of the request; a job run in-process keeps them apart.
        request_id = getattr(self.request, "request_id", None) or (self.request.headers or {}).get("request_id", "")
        with request_id_bound(request_id), pghistory.context(job=self.name, task_id=self.request.id):
            return super().__call__(*args, **kwargs)
