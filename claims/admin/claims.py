"""The editors' pages for stories, claims, statements and links. Every save goes through claims.services."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from claims.admin.review import HistoryMixin, QueueFilter, claim_review_view
from claims.graph import story_graph_svg
from claims.ingestion import clean_link, clean_pasted_text, ingestion_request, ingestion_retry
from claims.models import Claim, ClaimLink, Evidence, Ingestion, LinkCalibration, Stance, Statement, Story
from claims.review.services import claim_locked
from claims.selectors import (
    actors_who_spoke,
    claims_needing_wording,
    claims_with_counts,
    claims_with_link_status,
    last_linking_run,
    links_in_review_order,
    stories_with_counts,
    story_graph,
)
from claims.services import (
    claim_create,
    claim_update,
    claims_delete,
    evidence_delete,
    evidence_update,
    link_draw,
    link_update,
    links_decide,
    links_delete,
    statement_update,
    statements_delete,
    story_create,
    story_update,
    suggestions_accept,
    suggestions_discard,
)
from claims.support.services import support_queue
from core.admin import (
    AttestAdminMedia,
    FoldedSearchMixin,
    InlineRowsFormSet,
    adopt,
    changed_fields,
    form_fields,
    save_inline_formset,
    staff_user,
)
from core.validation import save_validated

# Claims, quotes and rationales are a sentence or two: size their boxes so.
COMPACT_TEXT: dict[type[models.Field], dict[str, Any]] = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})}
}
NARROW_TEXT: dict[type[models.Field], dict[str, Any]] = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 48})}
}


def excerpt(text: str, words: int = 14) -> str:
    return Truncator(text).words(words)


class SpeakerFilter(admin.SimpleListFilter):
    title = "speaker"
    parameter_name = "speaker"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(actor.pk), actor.name) for actor in actors_who_spoke()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if speaker := self.value():
            return queryset.filter(statements__speaker__pk=speaker).distinct()
        return queryset


class StanceFilter(admin.SimpleListFilter):
    title = "stance of a statement"
    parameter_name = "stance"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, f"someone {label}") for value, label in Stance.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.value():
            return queryset.filter(statements__stance=self.value()).distinct()
        return queryset


class LinkStatusFilter(admin.SimpleListFilter):
    title = "link status"
    parameter_name = "link_status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, f"has {label.lower()} links") for value, label in ClaimLink.Status.choices]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> QuerySet[Claim]:
        if status := self.value():
            return queryset.filter(pk__in=claims_with_link_status(status).values("pk"))
        return queryset


class StatementInline(admin.StackedInline):
    model = Statement
    formset = InlineRowsFormSet
    formfield_overrides = COMPACT_TEXT
    fk_name = "claim"
    extra = 0
    autocomplete_fields = ["speaker", "source", "via_source"]
    fields = [
        ("speaker", "stance", "kind", "cue"),
        "source",
        "quote",
        ("span_start", "span_end", "said_on"),
        ("via_source", "review_status"),
    ]
    show_change_link = True
    verbose_name_plural = "statements (who asserted, denied or questioned this claim, and where)"


class EvidenceInline(admin.StackedInline):
    model = Evidence
    formset = InlineRowsFormSet
    formfield_overrides = COMPACT_TEXT
    extra = 0
    autocomplete_fields = ["source"]
    fields = [("source", "effect", "strength"), "quote", ("span_start", "span_end"), "note"]


class LinkFromInline(admin.TabularInline):
    formfield_overrides = NARROW_TEXT
    model = ClaimLink
    formset = InlineRowsFormSet
    fk_name = "from_claim"
    extra = 0
    autocomplete_fields = ["to_claim"]
    fields = ["relation", "to_claim", "rationale", "status", "origin", "score"]
    readonly_fields = ["status", "origin", "score"]
    verbose_name = "link to another claim"
    verbose_name_plural = "links from this claim"


class LinkToInline(admin.TabularInline):
    formfield_overrides = NARROW_TEXT
    model = ClaimLink
    fk_name = "to_claim"
    extra = 0
    fields = ["from_claim", "relation", "rationale", "status", "origin", "score"]
    readonly_fields = ["from_claim", "relation", "rationale", "status", "origin", "score"]
    verbose_name_plural = "links to this claim (edit them from the other claim or in Claim links)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _statement_add(statement: Statement, user: User) -> Statement:
    statement.created_by = user
    saved = save_validated(statement)
    support_queue(claim_ids=[saved.claim_id])
    return saved


def _evidence_add(evidence: Evidence, user: User) -> Evidence:
    evidence.added_by = user
    saved = save_validated(evidence)
    support_queue(claim_ids=[saved.claim_id])
    return saved


def _link_add(link: ClaimLink, user: User) -> ClaimLink:
    return link_draw(
        from_claim=link.from_claim,
        to_claim=link.to_claim,
        relation=link.relation,
        rationale=link.rationale,
        drawn_by=user,
    )


@dataclass(frozen=True)
class InlineWrites:
    """The services that add, change and delete the rows of one of a claim's inlines."""

    create: Callable[[Any, User], Any]
    update: Callable[[Any, dict[str, Any]], Any]
    delete: Callable[[Any], Any]


CLAIM_INLINE_WRITES: dict[type[models.Model], InlineWrites] = {
    Statement: InlineWrites(
        create=_statement_add,
        update=lambda row, changes: statement_update(statement=row, **changes),
        delete=lambda row: statements_delete(statements=[row]),
    ),
    Evidence: InlineWrites(
        create=_evidence_add,
        update=lambda row, changes: evidence_update(evidence=row, **changes),
        delete=lambda row: evidence_delete(evidence=[row]),
    ),
    ClaimLink: InlineWrites(
        create=_link_add,
        update=lambda row, changes: link_update(link=row, **changes),
        delete=lambda row: links_delete(links=[row]),
    ),
}


class ClaimForm(forms.ModelForm):
    """A claim's page; it carries the version it was opened at, so a save never overwrites someone else's."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Claim
        fields = ["text", "story", "about", "review_status"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["opened_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is not None:
            # Locks the row until the admin's transaction ends, so nobody saves between this check and ours.
            claim_locked(
                claim=self.instance.pk, expected_version=cleaned.get("opened_version") or self.instance.version
            )
        return cleaned


@admin.register(Claim)
class ClaimAdmin(HistoryMixin, FoldedSearchMixin, admin.ModelAdmin):
    form = ClaimForm
    formfield_overrides = COMPACT_TEXT
    list_display = [
        "claim",
        "story",
        "status",
        "support",
        "verdict",
        "assignee",
        "due",
        "statements",
        "confirmed_links",
        "suggested_links",
        "is_contested",
        "review_status",
    ]
    list_filter = [
        QueueFilter,
        "status",
        "support_level",
        "review_status",
        "needs_wording",
        ("story", admin.RelatedOnlyFieldListFilter),
        SpeakerFilter,
        StanceFilter,
        LinkStatusFilter,
    ]
    search_fields = [
        "folded_text",
        "statements__folded_quote",
        "statements__speaker__aliases__folded",
        "about__aliases__folded",
    ]
    search_help_text = "Searches claim wording, quotes and speakers' names, ignoring case and accents."
    autocomplete_fields = ["story", "about"]
    fieldsets = [
        (None, {"fields": ["text", "story", "about", "review_status", "opened_version"]}),
        ("Review", {"fields": ["review"]}),
        ("Support", {"fields": ["support_assessment"]}),
        ("Links to other claims", {"fields": ["linking"]}),
        ("History", {"fields": ["history"], "classes": ["collapse"]}),
    ]
    readonly_fields = ["review", "support_assessment", "linking", "history"]
    inlines = [StatementInline, EvidenceInline, LinkFromInline, LinkToInline]
    list_per_page = 50
    Media = AttestAdminMedia

    def get_urls(self) -> list[Any]:
        review = path(
            "<path:object_id>/review/",
            self.admin_site.admin_view(lambda request, object_id: claim_review_view(self, request, object_id)),
            name="claims_claim_review",
        )
        return [review, *super().get_urls()]

    @admin.display(description="review")
    def review(self, claim: Claim) -> SafeString:
        if claim.pk is None:
            return format_html("<p>{}</p>", "Save the claim first; then take it through review.")
        assignee = f", assigned to {claim.assignee}" if claim.assignee_id else ", not assigned"
        due = f", due {claim.due_on:%d %b %Y}" if claim.due_on else ""
        return format_html(
            '<p><b>{}</b>{}{} · <a href="{}" class="button">Open the review page</a></p>',
            claim.get_status_display(),
            assignee,
            due,
            reverse("admin:claims_claim_review", args=[claim.pk]),
        )

    @admin.display(description="support", ordering="support_score")
    def support(self, claim: Claim) -> str:
        return claim.get_support_level_display()

    @admin.display(description="support")
    def support_assessment(self, claim: Claim) -> SafeString:
        explanation = claim.support_explanation or {}
        if claim.support_assessed_at is None:
            return format_html("<p>{}</p>", "Not assessed yet.")
        return format_html(
            '<p><b>{}</b> (score {}): {}</p><ul>{}</ul><p class="help">{}</p>',
            claim.get_support_level_display(),
            # format_html escapes its arguments into strings first, so a number is formatted here.
            f"{claim.support_score:.2f}",
            explanation.get("summary", ""),
            format_html_join("", "<li>{}</li>", ((line,) for line in explanation.get("reasons", []))),
            f"Computed from the statements, evidence and links below on "
            f"{timezone.localtime(claim.support_assessed_at):%d %b %Y %H:%M}; "
            "it is not a verdict, which the review page records.",
        )

    @admin.display(description="verdict", ordering="published_rating")
    def verdict(self, claim: Claim) -> str:
        return claim.published_rating or "—"  # type: ignore[attr-defined]

    @admin.display(description="due", ordering="due_on")
    def due(self, claim: Claim) -> SafeString | str:
        if claim.due_on is None:
            return "—"
        if claim.due_on < timezone.localdate() and claim.status not in ("published", "dismissed"):
            return format_html('<span class="attest-overdue">{:%d %b} (overdue)</span>', claim.due_on)
        return f"{claim.due_on:%d %b}"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return claims_with_counts()

    @admin.display(description="claim", ordering="text")
    def claim(self, claim: Claim) -> str:
        return excerpt(claim.text, 20)

    @admin.display(description="statements", ordering="statement_count")
    def statements(self, claim: Claim) -> int:
        return claim.statement_count  # type: ignore[attr-defined]

    @admin.display(description="contested", boolean=True, ordering="contested")
    def is_contested(self, claim: Claim) -> bool:
        return bool(claim.contested)  # type: ignore[attr-defined]

    @admin.display(description="last linking run")
    def linking(self, claim: Claim) -> str:
        run = last_linking_run(claim) if claim.pk else None
        if run is None:
            return "Not yet compared with other claims."
        if run.finished_at is None:
            return f"Running since {run.started_at:%d %b %Y %H:%M} ({run.detector})."
        return (
            f"{run.finished_at:%d %b %Y %H:%M}, {run.detector}: compared with {run.candidates} claims, "
            f"suggested {run.suggested} new links."
        )

    @admin.display(description="denials", ordering="denial_count")
    def denials(self, claim: Claim) -> int:
        return claim.denial_count  # type: ignore[attr-defined]

    @admin.display(description="confirmed links", ordering="confirmed_link_count")
    def confirmed_links(self, claim: Claim) -> int:
        return claim.confirmed_link_count  # type: ignore[attr-defined]

    @admin.display(description="suggested links", ordering="suggested_link_count")
    def suggested_links(self, claim: Claim) -> int:
        return claim.suggested_link_count  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Claim, form: forms.ModelForm, change: bool) -> None:
        # A change is saved in save_related, with the inlines: it knows whether anything on the page changed.
        if not change:
            # `about` is saved with the claim, by the service, rather than by save_related.
            fields = form_fields(form)
            fields.pop("opened_version", None)
            about = fields.pop("about", None)
            adopt(obj, claim_create(about=about or [], created_by=staff_user(request), **fields))

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets: Any, change: bool) -> None:
        # The claim's version counts saves of its page, inlines included: a page opened before any of them is
        # refused (ClaimForm), as its statements would put back what the save changed. A save that changes
        # nothing leaves the version, so nobody else's page goes stale for it.
        if change and (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            changes = {
                name: value for name, value in changed_fields(form).items() if name not in ("about", "opened_version")
            }
            claim_update(
                claim=form.instance,
                about=form.cleaned_data.get("about") if "about" in form.changed_data else None,
                expected_version=form.cleaned_data.get("opened_version") or form.instance.version,
                **changes,
            )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        user = staff_user(request)
        writes = CLAIM_INLINE_WRITES[formset.model]
        save_inline_formset(
            formset, create=lambda row: writes.create(row, user), update=writes.update, delete=writes.delete
        )

    def delete_model(self, request: HttpRequest, obj: Claim) -> None:
        claims_delete(claims=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        claims_delete(claims=queryset)


@admin.register(Statement)
class StatementAdmin(HistoryMixin, FoldedSearchMixin, admin.ModelAdmin):
    formfield_overrides = COMPACT_TEXT
    list_display = ["speaker", "cue", "words", "stance", "kind", "claim_excerpt", "source", "review_status"]
    list_filter = [
        "review_status",
        "stance",
        "kind",
        ("speaker", admin.RelatedOnlyFieldListFilter),
        ("ingestion", admin.RelatedOnlyFieldListFilter),
    ]
    actions = ["accept_suggestions", "discard_suggestions"]
    list_select_related = ["speaker", "claim", "source"]
    search_fields = ["folded_quote", "speaker__aliases__folded", "claim__folded_text"]
    search_help_text = "Searches quotes, speakers and claims, ignoring case and accents."
    autocomplete_fields = ["claim", "speaker", "source", "via_source", "via_statement"]
    fields = [
        "claim",
        ("speaker", "stance", "kind", "cue"),
        "source",
        "quote",
        ("span_start", "span_end", "said_on"),
        ("via_source", "via_statement"),
        "review_status",
        "history",
    ]
    readonly_fields = ["history"]

    @admin.action(description="Accept the selected suggestions", permissions=["change"])
    def accept_suggestions(self, request: HttpRequest, queryset: QuerySet[Statement]) -> None:
        accepted = suggestions_accept(statements=queryset)
        self.message_user(request, f"Accepted {accepted} statement{'s' if accepted != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Discard the selected suggestions", permissions=["delete"])
    def discard_suggestions(self, request: HttpRequest, queryset: QuerySet[Statement]) -> None:
        discarded = suggestions_discard(statements=queryset)
        self.message_user(
            request, f"Discarded {discarded} suggestion{'s' if discarded != 1 else ''}.", messages.SUCCESS
        )

    @admin.display(description="words")
    def words(self, statement: Statement) -> str:
        return f"“{excerpt(statement.quote)}”"

    @admin.display(description="claim", ordering="claim__text")
    def claim_excerpt(self, statement: Statement) -> str:
        return excerpt(statement.claim.text, 10)

    def save_model(self, request: HttpRequest, obj: Statement, form: forms.ModelForm, change: bool) -> None:
        if change:
            statement_update(statement=obj, **changed_fields(form))
        else:
            _statement_add(obj, staff_user(request))

    def delete_model(self, request: HttpRequest, obj: Statement) -> None:
        statements_delete(statements=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Statement]) -> None:
        statements_delete(statements=queryset)


@admin.register(ClaimLink)
class ClaimLinkAdmin(HistoryMixin, FoldedSearchMixin, admin.ModelAdmin):
    formfield_overrides = COMPACT_TEXT
    list_display = ["from_excerpt", "relation", "to_excerpt", "status", "origin", "score", "rationale_excerpt"]
    list_filter = ["status", "relation", "origin"]
    list_select_related = ["from_claim", "to_claim"]
    search_fields = ["from_claim__folded_text", "to_claim__folded_text"]
    autocomplete_fields = ["from_claim", "to_claim"]
    actions = ["confirm_links", "reject_links"]
    readonly_fields = ["status", "origin", "detector", "score", "decided_by", "decided_at", "history"]
    fields = [
        "from_claim",
        "relation",
        "to_claim",
        "rationale",
        ("status", "origin", "detector", "score"),
        ("decided_by", "decided_at"),
        "history",
    ]
    # Suggestions first, the detector's most confident at the top: the review queue.
    Media = AttestAdminMedia

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["queue_rank", "-score", "-created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClaimLink]:
        return links_in_review_order()

    @admin.display(description="claim", ordering="from_claim__text")
    def from_excerpt(self, link: ClaimLink) -> str:
        return excerpt(link.from_claim.text, 10)

    @admin.display(description="other claim", ordering="to_claim__text")
    def to_excerpt(self, link: ClaimLink) -> str:
        return excerpt(link.to_claim.text, 10)

    @admin.display(description="rationale")
    def rationale_excerpt(self, link: ClaimLink) -> str:
        return excerpt(link.rationale, 16)

    def save_model(self, request: HttpRequest, obj: ClaimLink, form: forms.ModelForm, change: bool) -> None:
        if change:
            link_update(link=obj, **changed_fields(form))
        else:
            adopt(obj, _link_add(obj, staff_user(request)))

    def delete_model(self, request: HttpRequest, obj: ClaimLink) -> None:
        links_delete(links=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ClaimLink]) -> None:
        links_delete(links=queryset)

    @admin.action(description="Confirm selected links", permissions=["change"])
    def confirm_links(self, request: HttpRequest, queryset: QuerySet[ClaimLink]) -> None:
        changed = links_decide(links=queryset, status=ClaimLink.Status.CONFIRMED, by=staff_user(request))
        self.message_user(request, f"Confirmed {changed} link{'s' if changed != 1 else ''}.", messages.SUCCESS)

    @admin.action(description="Reject selected links", permissions=["change"])
    def reject_links(self, request: HttpRequest, queryset: QuerySet[ClaimLink]) -> None:
        changed = links_decide(links=queryset, status=ClaimLink.Status.REJECTED, by=staff_user(request))
        self.message_user(request, f"Rejected {changed} link{'s' if changed != 1 else ''}.", messages.SUCCESS)


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "occurred_on", "claims"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "occurred_on", "summary", "required_approvals", "graph", "claim_table"]
    readonly_fields = ["graph", "claim_table"]
    Media = AttestAdminMedia

    def get_readonly_fields(self, request: HttpRequest, obj: Story | None = None) -> list[str]:
        # Only editors decide how many reviewers a story's verdicts need.
        editor = request.user.has_perm("claims.publish_claim")
        return [*self.readonly_fields, *([] if editor else ["required_approvals"])]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Story]:
        return stories_with_counts()

    @admin.display(description="claims", ordering="claim_count")
    def claims(self, story: Story) -> SafeString:
        return format_html(
            '<a href="{}?story__id__exact={}">{}</a>',
            reverse("admin:claims_claim_changelist"),
            story.pk,
            story.claim_count,  # type: ignore[attr-defined]
        )

    @admin.display(description="who said what, and how the claims relate")
    def graph(self, story: Story) -> SafeString:
        if story.pk is None:
            return format_html("<p>{}</p>", "Save the story first.")
        return story_graph_svg(story_graph(story))

    @admin.display(description="claims in this story")
    def claim_table(self, story: Story) -> SafeString:
        if story.pk is None:
            return format_html("<p>{}</p>", "Save the story first.")
        claims = claims_with_counts().filter(story=story).order_by("pk")
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:claims_claim_change", args=[claim.pk]),
                    claim.text,
                    claim.get_support_level_display(),
                    claim.statement_count,  # type: ignore[attr-defined]
                    claim.confirmed_link_count,  # type: ignore[attr-defined]
                    claim.suggested_link_count,  # type: ignore[attr-defined]
                )
                for claim in claims
            ),
        )
        return format_html(
            '<table class="attest-table"><thead><tr><th>claim</th><th>support</th><th>statements</th>'
            "<th>confirmed links</th><th>suggested links</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def save_model(self, request: HttpRequest, obj: Story, form: forms.ModelForm, change: bool) -> None:
        if change:
            story_update(story=obj, **changed_fields(form))
        else:
            adopt(obj, story_create(**form_fields(form)))


class LinkField(forms.URLField):
    """A web address; one typed without a scheme is taken as https."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(assume_scheme="https", **kwargs)


class IngestionForm(forms.ModelForm):
    """Paste a story or give its link; the reading happens in a background job."""

    class Meta:
        model = Ingestion
        fields = ["submitted_text", "url", "title", "outlet", "story"]
        field_classes = {"url": LinkField}
        widgets = {"submitted_text": forms.Textarea(attrs={"rows": 18, "cols": 100})}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text, url = cleaned.get("submitted_text", ""), cleaned.get("url") or ""
        if bool(text.strip()) == bool(url.strip()):
            raise forms.ValidationError("Paste the story's text or give its link (one of the two).")
        try:
            if text.strip():
                cleaned["submitted_text"] = clean_pasted_text(text)
            if url.strip():
                cleaned["url"] = clean_link(url)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict) from error
        return cleaned

    def _post_clean(self) -> None:
        # The model's own checks run in the service, with the job queued in the same transaction.
        pass


@admin.register(Ingestion)
class IngestionAdmin(admin.ModelAdmin):
    form = IngestionForm
    list_display = ["story_title", "status", "progress_percent", "statements_suggested", "source_link", "created_at"]
    list_per_page = 50
    list_filter = ["status"]
    list_select_related = ["source"]
    search_fields = ["title", "url"]
    autocomplete_fields = ["outlet", "story"]
    actions = ["retry_ingestions"]
    Media = AttestAdminMedia

    def get_fieldsets(self, request: HttpRequest, obj: Ingestion | None = None) -> Any:
        if obj is None:
            return [
                (
                    "Paste the story's text, or give its link",
                    {"fields": ["submitted_text", "url", "title", "outlet", "story"]},
                )
            ]
        return [
            (None, {"fields": ["status", "progress_percent", "stage", "error", "attempts"]}),
            (
                "Result",
                {
                    "fields": [
                        "source_link",
                        "statements_suggested",
                        "suggestions_link",
                        "wording_needed",
                        "notes",
                        "story",
                    ]
                },
            ),
            (
                "Given",
                {"fields": ["url", "title", "outlet", "submitted_excerpt", "created_by", "created_at", "finished_at"]},
            ),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Ingestion | None = None) -> Any:
        if obj is None:
            return []
        return [
            "status",
            "progress_percent",
            "stage",
            "error",
            "attempts",
            "source_link",
            "statements_suggested",
            "suggestions_link",
            "wording_needed",
            "notes",
            "story",
            "url",
            "title",
            "outlet",
            "submitted_excerpt",
            "created_by",
            "created_at",
            "finished_at",
        ]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An ingestion is a record of what was asked and what happened; only its retry changes it.
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description="story")
    def story_title(self, ingestion: Ingestion) -> str:
        return excerpt(str(ingestion), 12)

    @admin.display(description="progress")
    def progress_percent(self, ingestion: Ingestion) -> str:
        return f"{ingestion.progress}%"

    @admin.display(description="source")
    def source_link(self, ingestion: Ingestion) -> SafeString | str:
        if ingestion.source_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:sources_source_change", args=[ingestion.source_id]),
            excerpt(str(ingestion.source), 10),
        )

    @admin.display(description="suggestions to review")
    def suggestions_link(self, ingestion: Ingestion) -> SafeString | str:
        if not ingestion.statements_suggested:
            return "—"
        return format_html(
            '<a href="{}?ingestion__id__exact={}&review_status__exact=suggested">Review the suggested statements</a>',
            reverse("admin:claims_statement_changelist"),
            ingestion.pk,
        )

    @admin.display(description="claims to reword")
    def wording_needed(self, ingestion: Ingestion) -> SafeString | str:
        count = claims_needing_wording(ingestion).count()
        if not count:
            return "—"
        return format_html(
            '<a href="{}?needs_wording__exact=1&story__id__exact={}">{}</a>',
            reverse("admin:claims_claim_changelist"),
            ingestion.story_id,
            "1 claim needs wording" if count == 1 else f"{count} claims need wording",
        )

    @admin.display(description="pasted text")
    def submitted_excerpt(self, ingestion: Ingestion) -> str:
        return Truncator(ingestion.submitted_text).chars(600)

    def save_model(self, request: HttpRequest, obj: Ingestion, form: forms.ModelForm, change: bool) -> None:
        fields = form.cleaned_data
        adopt(
            obj,
            ingestion_request(
                text=fields.get("submitted_text", ""),
                url=fields.get("url") or "",
                title=fields.get("title", ""),
                story=fields.get("story"),
                outlet=fields.get("outlet"),
                requested_by=staff_user(request),
            ),
        )

    def response_add(self, request: HttpRequest, obj: Ingestion, post_url_continue: str | None = None) -> Any:
        self.message_user(request, "The story is being read; suggestions appear here when it is done.")
        return redirect("admin:claims_ingestion_change", obj.pk)

    @admin.action(description="Retry the selected failed ingestions", permissions=["add"])
    def retry_ingestions(self, request: HttpRequest, queryset: QuerySet[Ingestion]) -> None:
        failed = list(queryset.filter(status=Ingestion.Status.FAILED))
        for ingestion in failed:
            ingestion_retry(ingestion=ingestion)
        self.message_user(request, f"Queued {len(failed)} ingestion{'s' if len(failed) != 1 else ''} again.")


@admin.register(LinkCalibration)
class LinkCalibrationAdmin(admin.ModelAdmin):
    """What the reviewers' decisions taught the detector: read-only, trained by `calibrate_links` or nightly."""

    list_display = ["version", "active", "confirmed", "rejected", "log_loss_before", "log_loss_after", "created_at"]
    list_filter = ["active", "detector"]
    readonly_fields = [field.name for field in LinkCalibration._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
