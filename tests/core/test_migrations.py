"""The migrations describe the models exactly: no model change is left without its migration."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as exit_:
        pytest.fail(f"makemigrations --check found unmigrated model changes (exit {exit_.code})")


# The jobs ledger's table as the release before core/ made it (config's migration 0001), with a job
# waiting in it and an editor's group allowed to see jobs.
_LEDGER_BEFORE_CORE = """
CREATE TABLE "config_job" ("id" uuid NOT NULL PRIMARY KEY, "task" varchar(200) NOT NULL, "args" jsonb NOT NULL,
  "kwargs" jsonb NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL CHECK ("attempts" >= 0),
  "error" text NOT NULL, "request_id" varchar(64) NOT NULL,
  "created_at" timestamp with time zone DEFAULT (STATEMENT_TIMESTAMP()) NOT NULL,
  "queued_at" timestamp with time zone NULL, "started_at" timestamp with time zone NULL,
  "finished_at" timestamp with time zone NULL,
  CONSTRAINT "job_status" CHECK ("status" IN ('pending', 'queued', 'running', 'retrying', 'succeeded', 'dead')),
  CONSTRAINT "job_finished_iff_ended" CHECK ((("finished_at" IS NOT NULL AND "status" IN ('succeeded', 'dead'))
    OR (NOT ("status" IN ('succeeded', 'dead')) AND "finished_at" IS NULL))));
CREATE INDEX "job_status_idx" ON "config_job" ("status", "created_at");
CREATE INDEX "job_pending_idx" ON "config_job" ("created_at") WHERE "status" = 'pending';
INSERT INTO "config_job" ("id", "task", "args", "kwargs", "status", "attempts", "error", "request_id", "finished_at")
  VALUES ('6f0c1f6e-4a8e-4a53-9a43-0d6f1b8e2a10', 'config.tasks.relay_jobs', '[]', '{}', 'pending', 0, '', 'r-1', NULL),
         ('0b7e1c59-3f0f-4d34-8d1c-2f0d7e4a9b21', 'claims.tasks.link_claim', '[7]', '{}', 'dead', 3, 'gone', '', now());
"""


@pytest.mark.django_db(transaction=True)
def test_a_database_made_before_core_keeps_its_jobs_and_who_may_see_them() -> None:
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from core.models import Job

    executor = MigrationExecutor(connection)
    executor.migrate([("core", None)])  # back to before the ledger was core's: no table at all
    with connection.cursor() as cursor:
        cursor.execute(_LEDGER_BEFORE_CORE)
    ContentType.objects.filter(app_label__in=["core", "config"], model="job").delete()
    old_type = ContentType.objects.create(app_label="config", model="job")
    view_job = Permission.objects.create(content_type=old_type, codename="view_job", name="Can view job")
    desk = Group.objects.create(name="night desk")
    desk.permissions.add(view_job)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    waiting = Job.objects.get(pk="6f0c1f6e-4a8e-4a53-9a43-0d6f1b8e2a10")
    assert (waiting.task, waiting.status, waiting.request_id) == ("core.tasks.relay_jobs", "pending", "r-1")
    assert Job.objects.get(pk="0b7e1c59-3f0f-4d34-8d1c-2f0d7e4a9b21").error == "gone"
    assert desk.permissions.get().content_type.app_label == "core"
    assert not ContentType.objects.filter(app_label="config").exists()


@pytest.mark.django_db
def test_migrate_brings_the_editorial_roles_up_to_date() -> None:
    from django.contrib.auth.models import Group, Permission

    Group.objects.filter(name="researcher").delete()
    Group.objects.filter(name="editor").first() or Group.objects.create(name="editor")
    editor = Group.objects.get(name="editor")
    editor.permissions.remove(*Permission.objects.filter(codename="add_apiclient"))

    call_command("migrate", verbosity=0)  # nothing left to apply: what a deployment runs on every release

    assert Group.objects.get(name="researcher").permissions.filter(codename="add_ingestion").exists()
    assert Group.objects.get(name="editor").permissions.filter(codename="add_apiclient").exists()
