"""The jobs ledger, which was the project configuration's model, as the core app's.

Its table (config_job) keeps its name and rows: a database made before the move already has it and is
left as it is; a new one gets it here. The ledger's content type, and with it the permissions on jobs that
groups hold, moves to the core app, and jobs still waiting for the broker name the core app's tasks.
"""

import uuid

import django.db.models.functions.datetime
from django.db import migrations, models


class CreateModelUnlessPresent(migrations.CreateModel):
    """CreateModel that leaves a table already made under the same name (by the older migration) alone."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.name)
        if model._meta.db_table in schema_editor.connection.introspection.table_names():
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)


MOVED_TASKS = {"config.tasks.relay_jobs": "core.tasks.relay_jobs", "config.tasks.prune_jobs": "core.tasks.prune_jobs"}


def ledger_adopt(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Job = apps.get_model("core", "Job")
    old = ContentType.objects.filter(app_label="config", model="job").first()
    if old is not None:
        if ContentType.objects.filter(app_label="core", model="job").exists():
            old.delete()
        else:
            old.app_label = "core"
            old.save(update_fields=["app_label"])
    for before, after in MOVED_TASKS.items():
        Job.objects.filter(task=before).update(task=after)


def ledger_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Job = apps.get_model("core", "Job")
    ContentType.objects.filter(app_label="core", model="job").update(app_label="config")
    for before, after in MOVED_TASKS.items():
        Job.objects.filter(task=after).update(task=before)


class Migration(migrations.Migration):
    initial = True

    dependencies = [("contenttypes", "0002_remove_content_type_name")]

    operations = [
        CreateModelUnlessPresent(
            name="Job",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("task", models.CharField(help_text="The Celery task's name.", max_length=200)),
                ("args", models.JSONField(blank=True, default=list)),
                ("kwargs", models.JSONField(blank=True, default=dict)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for the broker"),
                            ("queued", "Queued"),
                            ("running", "Running"),
                            ("retrying", "Failed, will retry"),
                            ("succeeded", "Done"),
                            ("dead", "Failed for good"),
                        ],
                        default="pending",
                        max_length=16,
                    ),
                ),
                ("attempts", models.PositiveIntegerField(default=0, help_text="Times a worker started it.")),
                ("error", models.TextField(blank=True, help_text="The last failure, if any.")),
                (
                    "request_id",
                    models.CharField(
                        blank=True,
                        help_text="The request that asked for it, as in the logs' request_id.",
                        max_length=64,
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False),
                ),
                ("queued_at", models.DateTimeField(blank=True, null=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "db_table": "config_job",
                "ordering": ["-created_at"],
                "indexes": [
                    models.Index(fields=["status", "created_at"], name="job_status_idx"),
                    models.Index(
                        condition=models.Q(("status", "pending")), fields=["created_at"], name="job_pending_idx"
                    ),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("status__in", ["pending", "queued", "running", "retrying", "succeeded", "dead"])
                        ),
                        name="job_status",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("finished_at__isnull", False), ("status__in", ["succeeded", "dead"])),
                            models.Q(
                                models.Q(("status__in", ["succeeded", "dead"]), _negated=True),
                                ("finished_at__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="job_finished_iff_ended",
                    ),
                ],
            },
        ),
        migrations.RunPython(ledger_adopt, ledger_return),
    ]
