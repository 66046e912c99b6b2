"""The review desk in the admin: a claim's review page, the queues, the rating scale, verdicts and e-mails.

A claim's review page (`/admin/claims/claim/<id>/review/`) holds everything a
step of review needs: the assignment, the draft verdict, the steps the signed-in
person may take, approvals, the comments of each round and the history. Every
form on it posts to the same page and is carried out by claims.review.services.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from claims.models import Claim, Comment, Evidence, Notification, Rating, Verdict
from claims.review import services
from claims.review.selectors import (
    QUEUES,
    HistoryEntry,
    approvals_needed,
    claim_history,
    comment_threads,
    draft_verdict,
    may_approve,
    object_history,
    published_verdict,
    queue_claims,
    steps_for,
    verdict_writers,
)
from core.admin import staff_user


class QueueFilter(admin.SimpleListFilter):
    """The desk's queues, for the signed-in person."""

    title = "queue"
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(QUEUES.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if (slug := self.value()) in QUEUES:
            return queryset.filter(pk__in=queue_claims(slug, staff_user(request)).values("pk"))
        return queryset


def history_table(entries: list[HistoryEntry]) -> SafeString:
    """A history as the admin shows it: when, who, what, and each field's change."""
    if not entries:
        return format_html("<p>{}</p>", "Nothing recorded yet.")
    rows = format_html_join(
        "",
        '<tr><td class="nowrap">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
        (
            (
                f"{entry.at:%d %b %Y %H:%M:%S}",
                entry.by,
                entry.what,
                format_html_join(
                    "",
                    "<div><b>{}</b>: {} → {}</div>",
                    ((change.field, _shown(change.before), _shown(change.after)) for change in entry.changes),
                ),
            )
            for entry in reversed(entries)
        ),
    )
    return format_html(
        '<table class="attest-table attest-history"><thead><tr><th>when</th><th>who</th><th>what</th>'
        "<th>changes</th></tr></thead><tbody>{}</tbody></table>",
        rows,
    )


def _shown(value: Any) -> str:
    if value in (None, ""):
        return "—"
    text = str(value)
    return text if len(text) <= 160 else text[:157] + "…"


class HistoryMixin:
    """A read-only "history" field showing every recorded change to the object."""

    @admin.display(description="history")
    def history(self, obj: Any) -> SafeString:
        if obj is None or obj.pk is None:
            return format_html("<p>{}</p>", "Nothing recorded yet.")
        return history_table(claim_history(obj) if isinstance(obj, Claim) else object_history(obj))


# ---------------------------------------------------------------------------------------------- the review page


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, is_staff=True).order_by("username"), required=False
    )
    due_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="due")
    version = forms.IntegerField(widget=forms.HiddenInput)


class VerdictForm(forms.Form):
    rating = forms.ModelChoiceField(queryset=Rating.objects.filter(active=True), required=False)
    conclusion = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), required=False)
    evidence = forms.ModelMultipleChoiceField(
        queryset=Evidence.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        evidence = self.fields["evidence"]
        assert isinstance(evidence, forms.ModelMultipleChoiceField)
        evidence.queryset = Evidence.objects.filter(claim=claim).select_related("source")


class StepForm(forms.Form):
    step = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "cols": 60}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ApproveForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}), required=False, label="note (optional)"
    )


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 80}), label="comment")
    parent = forms.ModelChoiceField(queryset=Comment.objects.none(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        parent.queryset = Comment.objects.filter(claim=claim)


STEP_SERVICES = {
    "start_research": services.claim_research_start,
    "resume_research": services.claim_research_resume,
    "submit_for_review": services.claim_submit,
    "send_back": services.claim_send_back,
    "publish": services.claim_publish,
    "dismiss": services.claim_dismiss,
    "reinstate": services.claim_reinstate,
    "reopen": services.claim_reopen,
}


def claim_review_view(model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """The review page of one claim; each of its forms posts here with an `action`."""
    claim = get_object_or_404(Claim.objects.select_related("story", "assignee"), pk=object_id)
    if not model_admin.has_view_permission(request, claim):
        raise PermissionDenied
    user = staff_user(request)
    verdict = draft_verdict(claim)
    forms_ = {
        "assign": AssignForm(initial={"assignee": claim.assignee, "due_on": claim.due_on, "version": claim.version}),
        "verdict": VerdictForm(
            claim=claim,
            initial={
                "rating": verdict.rating if verdict else None,
                "conclusion": verdict.conclusion if verdict else "",
                "evidence": list(verdict.evidence.all()) if verdict else [],
            },
        ),
        "approve": ApproveForm(),
        "comment": CommentForm(claim=claim),
    }
    step_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        response = _act(request, claim, user, action, forms_, step_errors)
        if response is not None:
            return response
    verdict = draft_verdict(claim)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Review: {claim.text[:80]}",
        "opts": Claim._meta,
        "claim": claim,
        "draft": verdict,
        "draft_evidence": list(verdict.evidence.select_related("source")) if verdict else [],
        "writers": User.objects.filter(pk__in=verdict_writers(verdict)).order_by("username") if verdict else [],
        "approvals": list(verdict.approvals.filter(round=verdict.round).select_related("reviewer")) if verdict else [],
        "approvals_needed": approvals_needed(claim=claim, verdict=verdict) if verdict else None,
        "published": published_verdict(claim),
        "published_evidence": [],
        "steps": [
            (step, StepForm(initial={"step": step.name, "version": claim.version}), step_errors.get(step.name, []))
            for step in steps_for(claim, user)
        ],
        "may_approve": may_approve(claim, user, verdict),
        "may_write": claim.status in services.WRITABLE and user.has_perm("claims.write_verdict"),
        "may_assign": user.has_perm("claims.assign_claim"),
        "rounds": comment_threads(claim),
        "history": history_table(claim_history(claim)),
        "change_url": reverse("admin:claims_claim_change", args=[claim.pk]),
        "forms": forms_,
    }
    published = context["published"]
    if published is not None:
        context["published_evidence"] = list(published.evidence.select_related("source"))
    return TemplateResponse(request, "admin/claims/claim/review.html", context)


def _act(
    request: HttpRequest,
    claim: Claim,
    user: User,
    action: str,
    forms_: dict[str, forms.Form],
    step_errors: dict[str, list[str]],
) -> HttpResponse | None:
    """Carry out one posted form; a redirect when it worked, None (with the form's errors) when it did not."""
    done = ""
    form: forms.Form | None = None
    try:
        if action == "assign":
            form = forms_["assign"] = AssignForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                services.claim_assign(
                    claim=claim,
                    assignee=data["assignee"],
                    due_on=data["due_on"],
                    by=user,
                    expected_version=data["version"],
                )
                done = "Assignment saved."
        elif action == "verdict":
            form = forms_["verdict"] = VerdictForm(request.POST, claim=claim)
            if form.is_valid():
                data = form.cleaned_data
                services.verdict_propose(
                    claim=claim,
                    by=user,
                    rating=data["rating"],
                    conclusion=data["conclusion"],
                    evidence=data["evidence"],
                )
                done = "Draft verdict saved."
        elif action == "step":
            step_form = StepForm(request.POST)
            if not step_form.is_valid() or step_form.cleaned_data["step"] not in STEP_SERVICES:
                messages.error(request, "That step is not known; reload the page and try again.")
                return None
            data = step_form.cleaned_data
            step = data["step"]
            try:
                _step(step, claim=claim, by=user, reason=data["reason"], expected_version=data["version"])
            except ValidationError as error:
                step_errors[step] = error.messages
                return None
            done = "Done: " + step.replace("_", " ") + "."
        elif action == "approve":
            form = forms_["approve"] = ApproveForm(request.POST)
            if form.is_valid():
                services.verdict_approve(claim=claim, by=user, note=form.cleaned_data["note"])
                done = "Approved."
        elif action == "comment":
            form = forms_["comment"] = CommentForm(request.POST, claim=claim)
            if form.is_valid():
                data = form.cleaned_data
                services.comment_add(claim=claim, by=user, body=data["body"], parent=data["parent"])
                done = "Comment added."
        else:
            messages.error(request, "Nothing to do: the form did not say what it was for.")
            return None
    except PermissionDenied as error:
        messages.error(request, str(error) or "Your role does not allow this.")
        return None
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
        else:
            _form_errors(form, error)
        return None
    if not done:
        return None
    messages.success(request, done)
    return HttpResponseRedirect(reverse("admin:claims_claim_review", args=[claim.pk]))


def _step(step: str, *, claim: Claim, by: User, reason: str, expected_version: int) -> None:
    service: Any = STEP_SERVICES[step]
    if step in {"send_back", "dismiss", "reopen"}:
        service(claim=claim, by=by, reason=reason, expected_version=expected_version)
    else:
        service(claim=claim, by=by, expected_version=expected_version)


def _form_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# ---------------------------------------------------------------------------------------------- other pages


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """The deployment's verdict scale; editors may add, rename or retire ratings."""

    list_display = ["label", "value", "requires_evidence", "active", "position"]
    list_editable = ["position"]
    ordering = ["position"]
    fields = ["label", "slug", "value", "description", "requires_evidence", "active", "position"]
    prepopulated_fields = {"slug": ["label"]}

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A rating that verdicts carry is retired (unticked "active"), never deleted.
        return False


@admin.register(Verdict)
class VerdictAdmin(HistoryMixin, admin.ModelAdmin):
    """Verdicts as they stand; they are written and moved on each claim's review page."""

    list_display = ["claim_excerpt", "rating", "status", "author", "round", "published_at"]
    list_filter = ["status", "rating"]
    list_select_related = ["claim", "rating", "author"]
    search_fields = ["claim__folded_text", "conclusion"]
    fields = readonly_fields = (
        "claim",
        "status",
        "rating",
        "conclusion",
        "author",
        "round",
        "corrects",
        "submitted_at",
        "published_at",
        "published_by",
        "history",
    )

    @admin.display(description="claim", ordering="claim__text")
    def claim_excerpt(self, verdict: Verdict) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:claims_claim_review", args=[verdict.claim_id]), verdict.claim
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The e-mails review has sent, or is still trying to send."""

    list_display = ["subject", "recipient", "event", "created_at", "sent_at", "attempts", "error"]
    list_filter = ["event", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["recipient"]
    fields = readonly_fields = (
        "recipient",
        "claim",
        "event",
        "subject",
        "body",
        "created_at",
        "sent_at",
        "attempts",
        "error",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
