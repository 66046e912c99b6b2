"""What every app's admin pages share (folded search, saving inline rows through services, the signed-in editor),
and the jobs ledger's page: what is waiting to be handed over, what ran, and what failed for good."""

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator

from core.jobs import jobs_retry
from core.models import Job
from core.text import fold
from core.validation import save_validated, update_validated


class FoldedSearchMixin:
    """Search that ignores case and accents: every search field is a folded column, so the term is folded too."""

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        matching, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, fold(search_term)
        )
        if not may_have_duplicates:
            return matching, False
        # The search reached into related rows (a claim's statements), so a claim can match more than once. The
        # admin would then make the list DISTINCT, and its paginator's count compute every annotated column of
        # every match: 13 s for a common word at 100,000 claims, past gunicorn's timeout under load. Each match
        # once through a subquery on the id instead.
        return queryset.filter(pk__in=matching.values("pk")), False


def save_inline_formset(
    formset: forms.BaseModelFormSet,
    *,
    create: Callable[[Any], Any] = save_validated,
    update: Callable[[Any, dict[str, Any]], Any] = update_validated,
    delete: Callable[[Any], Any] = lambda obj: obj.delete(),
) -> None:
    """Save and delete an inline formset's rows one by one, so inline rows obey the same rules as any other write.

    A changed row is handed to `update` with the fields its form changed, as a change page hands them to its
    service: services apply the changes to the row as stored (update_validated), not the form's copy of it.
    """
    formset.save(commit=False)  # builds the new rows with their parent, and sorts the others into changed and deleted
    for obj in formset.new_objects:
        create(obj)
    for obj, names in formset.changed_objects:
        fields = {field.name for field in obj._meta.concrete_fields}
        update(obj, {name: getattr(obj, name) for name in names if name in fields})
    for obj in formset.deleted_objects:
        delete(obj)
    formset.save_m2m()


class InlineRowsFormSet(forms.BaseInlineFormSet):
    """An inline's rows, each checked against the constraints of its model that name the key to its parent.

    Django leaves that key out of a row's own checks, and with it every constraint that names it (a source may
    not relay itself): without this, such a row passed the form and was refused by the database, a server error.
    """

    def clean(self) -> None:
        super().clean()
        if self.instance.pk is None:
            return  # a new parent is saved only after its rows pass
        for form in self.forms:
            if form.errors or not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            # Only the constraints on what the row shows and on its parent: the others are the services' to meet.
            unshown = {field.name for field in self.model._meta.concrete_fields} - set(form.fields)
            try:
                form.instance.validate_constraints(exclude=unshown)
            except ValidationError as error:
                form.add_error(None, error)


def changed_fields(form: forms.ModelForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}


def form_fields(form: forms.ModelForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}


def adopt(obj: Any, saved: Any) -> None:
    """Make the admin's unsaved `obj` the row a service saved, for the inlines and the redirect that follow."""
    obj.__dict__.update(saved.__dict__)


def staff_user(request: HttpRequest) -> User:
    """The signed-in editor; the admin lets no anonymous visitor this far."""
    return cast(User, request.user)


class AttestAdminMedia:
    css = {"all": ["attest/admin.css"]}


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["task", "arguments", "status", "attempts", "created_at", "finished_at", "error_excerpt"]
    list_filter = ["status", "task"]
    search_fields = ["task", "error", "request_id"]
    date_hierarchy = "created_at"
    actions = ["retry_jobs"]
    fields = readonly_fields = (
        "task",
        "args",
        "kwargs",
        "status",
        "attempts",
        "error",
        "request_id",
        "created_at",
        "due_at",
        "queued_at",
        "started_at",
        "finished_at",
    )

    @admin.display(description="arguments")
    def arguments(self, job: Job) -> str:
        return ", ".join(map(str, job.args)) + (f" {job.kwargs}" if job.kwargs else "")

    @admin.display(description="error")
    def error_excerpt(self, job: Job) -> str:
        return Truncator(job.error).chars(120)

    @admin.action(description="Retry the selected jobs that failed for good", permissions=["change"])
    def retry_jobs(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        retried = jobs_retry(jobs=queryset)
        skipped = queryset.count() - retried
        self.message_user(
            request,
            f"Queued {retried} job{'s' if retried != 1 else ''} again"
            + (f"; {skipped} had not failed for good and were left alone." if skipped else "."),
            messages.SUCCESS if retried else messages.WARNING,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
