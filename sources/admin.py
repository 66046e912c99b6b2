"""The editors' pages for outlets, actors and sources. Every save goes through sources.services."""

import itertools
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from claims.selectors import actors_with_statement_counts, ingestions_of, statements_by_actor, statements_in_source
from claims.services import actor_merge
from claims.support.services import support_queue_for_sources
from sources.models import Actor, ActorAlias, Outlet, Source, SourceRelay
from sources.services import (
    actor_create,
    actor_update,
    outlet_create,
    outlet_update,
    save_validated,
    source_create,
    source_relay_add,
    source_update,
    update_validated,
)
from sources.text import fold


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


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "home_domain", "reliability", "owner"]
    list_filter = ["kind", "reliability"]
    list_select_related = ["owner"]
    search_fields = ["name", "home_domain"]
    autocomplete_fields = ["owner"]

    def save_model(self, request: HttpRequest, obj: Outlet, form: forms.ModelForm, change: bool) -> None:
        if change:
            outlet_update(outlet=obj, **changed_fields(form))
        else:
            adopt(obj, outlet_create(**form_fields(form)))


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    formset = InlineRowsFormSet
    fields = ["name"]
    extra = 1
    verbose_name_plural = "aliases (how texts refer to this actor; matched ignoring case and accents)"


class ActorForm(forms.ModelForm):
    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        # The name becomes one of the actor's aliases; the service checks that only once the form has passed.
        try:
            ActorAlias(name=name).clean()
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["name"]) from error
        return name


@admin.register(Actor)
class ActorAdmin(FoldedSearchMixin, admin.ModelAdmin):
    form = ActorForm
    list_display = ["name", "kind", "affiliation", "statements", "wikidata_id"]
    list_filter = ["kind"]
    search_fields = ["aliases__folded"]
    autocomplete_fields = ["affiliation"]
    inlines = [ActorAliasInline]
    readonly_fields = ["statement_table"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "description", "affiliation", "wikidata_id"]}),
        ("What this actor said", {"fields": ["statement_table"]}),
    ]
    actions = ["merge_actors"]
    statement_table_limit = 100
    Media = AttestAdminMedia

    def get_queryset(self, request: HttpRequest) -> QuerySet[Actor]:
        return actors_with_statement_counts()

    @admin.display(description="statements", ordering="statement_count")
    def statements(self, actor: Actor) -> int:
        return actor.statement_count  # type: ignore[attr-defined]

    @admin.display(description="statements")
    def statement_table(self, actor: Actor) -> SafeString:
        if actor.pk is None:
            return format_html("<p>{}</p>", "Save the actor first.")
        statements = list(statements_by_actor(actor)[: self.statement_table_limit])
        if not statements:
            return format_html("<p>{}</p>", "No statements recorded.")
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{} “{}”</td><td><a href="{}">{}</a></td><td>{}</td></tr>',
            (
                (
                    reverse("admin:claims_claim_change", args=[s.claim_id]),
                    s.claim.text,
                    s.cue or s.get_stance_display(),
                    s.quote,
                    reverse("admin:sources_source_change", args=[s.source_id]),
                    s.source.title,
                    s.get_stance_display(),
                )
                for s in statements
            ),
        )
        all_link = format_html(
            '<p><a href="{}?speaker__id__exact={}">All {} statements</a></p>',
            reverse("admin:claims_statement_changelist"),
            actor.pk,
            actor.statements.count(),
        )
        return format_html(
            '<table class="attest-table"><thead><tr><th>claim</th><th>words</th><th>source</th><th>stance</th>'
            "</tr></thead><tbody>{}</tbody></table>{}",
            rows,
            all_link,
        )

    def save_model(self, request: HttpRequest, obj: Actor, form: forms.ModelForm, change: bool) -> None:
        if change:
            actor_update(actor=obj, **changed_fields(form))
        else:
            adopt(obj, actor_create(**form_fields(form)))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        save_inline_formset(formset)

    @admin.action(description="Merge selected actors into one…", permissions=["delete"])
    def merge_actors(self, request: HttpRequest, queryset: QuerySet[Actor]) -> HttpResponse | None:
        actors = list(actors_with_statement_counts().filter(pk__in=queryset.values("pk")).order_by("pk"))
        if len(actors) < 2:
            self.message_user(request, "Select at least two actors to merge.", messages.WARNING)
            return None
        keep_id = request.POST.get("keep")
        if request.POST.get("confirm") and keep_id:
            target = next((actor for actor in actors if str(actor.pk) == keep_id), None)
            if target is None:
                self.message_user(request, "Choose one of the selected actors to keep.", messages.ERROR)
                return None
            merged = [actor for actor in actors if actor.pk != target.pk]
            try:
                actor_merge(target=target, merged=merged)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            names = ", ".join(actor.name for actor in merged)
            self.message_user(request, f"Merged {names} into {target.name}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge actors",
            "actors": actors,
            "opts": self.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/sources/actor/merge.html", context)


class SourceRelayInline(admin.TabularInline):
    model = SourceRelay
    formset = InlineRowsFormSet
    fk_name = "relaying_source"
    fields = ["original_source"]
    autocomplete_fields = ["original_source"]
    extra = 0
    verbose_name = "original source relayed"
    verbose_name_plural = "original sources relayed (the tweets, videos or releases this source reports)"


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "outlet", "published_at", "language"]
    list_filter = ["kind", "language", ("outlet", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["outlet"]
    search_fields = ["title", "url", "author", "outlet__name"]
    autocomplete_fields = ["outlet"]
    date_hierarchy = "published_at"
    inlines = [SourceRelayInline]
    readonly_fields = ["highlighted_text", "ingestion_table", "content_hash", "retrieved_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    Media = AttestAdminMedia

    def get_fieldsets(self, request: HttpRequest, obj: Source | None = None) -> Any:
        metadata = ["title", "kind", "url", "outlet", "author", "published_at", "language"]
        if obj is None:
            return [(None, {"fields": [*metadata, "text"]})]
        text_field = [] if obj.has_passages_in_text() else ["text"]
        return [
            (None, {"fields": metadata}),
            ("Text, with each statement marked", {"fields": ["highlighted_text", *text_field]}),
            ("Reading who said what", {"fields": ["ingestion_table"]}),
            ("Retrieval", {"fields": ["retrieved_at", "content_hash"], "classes": ["collapse"]}),
        ]

    @admin.display(description="ingestions")
    def ingestion_table(self, source: Source) -> SafeString:
        ingestions = list(ingestions_of(source)[:20])
        if not ingestions:
            return format_html("<p>{}</p>", "Entered by hand; never read automatically.")
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">#{}</a></td><td>{}</td><td>{}%</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:claims_ingestion_change", args=[ingestion.pk]),
                    ingestion.pk,
                    ingestion.get_status_display(),
                    ingestion.progress,
                    ingestion.statements_suggested,
                    ingestion.error or ingestion.stage,
                    ingestion.created_at.strftime("%d %b %Y %H:%M"),
                )
                for ingestion in ingestions
            ),
        )
        return format_html(
            '<table class="attest-table"><thead><tr><th>ingestion</th><th>status</th><th>progress</th>'
            "<th>suggested</th><th>stage or error</th><th>when</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    @admin.display(description="text")
    def highlighted_text(self, source: Source) -> SafeString:
        return highlight_statements(source)

    def save_model(self, request: HttpRequest, obj: Source, form: forms.ModelForm, change: bool) -> None:
        if change:
            source_update(source=obj, **changed_fields(form))
        else:
            adopt(obj, source_create(**form_fields(form)))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        user = staff_user(request)

        def relay_add(relay: SourceRelay) -> SourceRelay:
            return source_relay_add(source=relay.relaying_source, original=relay.original_source, created_by=user)

        save_inline_formset(formset, create=relay_add)
        # A relay changed or removed here may make the source a wire copy, or stop it being one.
        support_queue_for_sources(source_ids=[form.instance.pk])


def highlight_statements(source: Source) -> SafeString:
    """The source's text, escaped, with each statement's span marked and labelled with its speaker.

    Spans may nest or overlap, so the text is cut at every span boundary and
    each piece is marked with all the statements that cover it.
    """
    text = source.text
    if not text:
        return format_html("<p>{}</p>", "No text stored for this source.")
    statements = list(statements_in_source(source))
    spans = [(s.span_start or 0, s.span_end or 0) for s in statements]
    cuts = sorted({0, len(text), *(start for start, _ in spans), *(end for _, end in spans)})
    pieces = []
    for start, end in itertools.pairwise(cuts):
        covering = [s for s in statements if s.span_start <= start and end <= s.span_end]  # type: ignore[operator]
        labels = format_html_join(
            "",
            '<a class="attest-speaker" href="{}" title="{} — {}">{}</a>',
            (
                (
                    reverse("admin:claims_claim_change", args=[s.claim_id]),
                    s.get_stance_display(),
                    s.claim.text,
                    s.speaker.name,
                )
                for s in covering
                if s.span_start == start
            ),
        )
        if covering:
            speakers = "; ".join(dict.fromkeys(s.speaker.name for s in covering))
            suggested = all(s.review_status == "suggested" for s in covering)
            css = "attest-suggested" if suggested else "attest-accepted"
            pieces.append(
                format_html('{}<mark class="{}" title="{}">{}</mark>', labels, css, speakers, text[start:end])
            )
        else:
            pieces.append(format_html("{}", text[start:end]))
    return format_html(
        '<div class="attest-source-text">{}</div>',
        SafeString("".join(pieces)),
    )
