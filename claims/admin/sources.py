"""The editors' pages for outlets, actors and sources, with the statements made in and by them. Every save goes
through sources.services (or claims.services, where statements move with an actor)."""

import itertools
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
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
from sources.models import Actor, ActorAlias, Outlet, Source, SourceRelay
from sources.services import (
    actor_create,
    actor_update,
    outlet_create,
    outlet_update,
    source_create,
    source_relay_add,
    source_update,
)


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
