"""Admin pages to record API clients, issue their tokens (shown once) and revoke them, and follow webhooks."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from clients.models import ApiClient, ApiToken, Scope, Webhook, WebhookAttempt, WebhookDelivery
from clients.services import (
    ROLES,
    client_create,
    client_roles_set,
    token_issue,
    token_revoke,
    webhook_deactivate,
    webhook_delivery_retry,
)
from core.admin import staff_user
from core.validation import save_validated

# What a token's scopes let it do, in the words the desk reads them in (the API's documentation names the codes).
SCOPE_WORDS: dict[str, str] = {
    Scope.READ_PUBLISHED: "read published claims only, as anyone may (read:published)",
    Scope.READ_ALL: "read everything the client's roles may see: unpublished claims, suggestions, review (read:all)",
    Scope.WRITE: "add and change what the client's roles may, and take their review steps (write)",
}


class TokenScopesInWords:
    """A token's scopes, said in words, for the pages that list tokens."""

    @admin.display(description="may")
    def may(self, token: ApiToken) -> str:
        return "; ".join(SCOPE_WORDS.get(scope, scope) for scope in token.scopes)


class ApiClientForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        choices=[(role, role) for role in ROLES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The editorial groups of the client's account. None: it reads published claims only.",
    )
    issue_token_scopes = forms.MultipleChoiceField(
        label="Issue a token that may",
        choices=[(scope, SCOPE_WORDS[scope]) for scope in Scope.values],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick what the new token may do to issue it on saving; it is shown once, on the next page. "
        "A tool that changes anything needs the last two.",
    )

    class Meta:
        model = ApiClient
        fields = ["name", "contact", "notes"]


class ApiTokenInline(TokenScopesInWords, admin.TabularInline):
    model = ApiToken
    extra = 0
    can_delete = False
    fields = ["__str__", "name", "may", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["__str__", "name", "may", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["name", "account", "contact", "created_at"]
    list_select_related = ["user"]
    search_fields = ["name", "contact"]
    inlines = [ApiTokenInline]

    @admin.display(description="account")
    def account(self, client: ApiClient) -> str:
        groups = ", ".join(group.name for group in client.user.groups.all()) or "published only"
        return f"{client.user.username} ({groups})"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            form.base_fields["roles"].initial = list(obj.user.groups.values_list("name", flat=True))
        return form

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        roles = form.cleaned_data.get("roles", [])
        if change:
            save_validated(obj)
            client_roles_set(client=obj, roles=roles)
        else:
            saved = client_create(name=obj.name, roles=roles, contact=obj.contact, notes=obj.notes)
            obj.pk, obj.user = saved.pk, saved.user
            obj._state.adding = False
        scopes = form.cleaned_data.get("issue_token_scopes")
        if scopes:
            issued = token_issue(client=obj, scopes=scopes, name="issued in the admin", by=staff_user(request))
            self.message_user(
                request,
                format_html(
                    "New token for {} (copy it now: it is not shown again): <code>{}</code>", obj, issued.secret
                ),
                messages.WARNING,
            )


@admin.register(ApiToken)
class ApiTokenAdmin(TokenScopesInWords, admin.ModelAdmin):
    list_display = ["__str__", "client", "name", "may", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    list_select_related = ["client"]
    search_fields = ["client__name", "prefix", "name"]
    readonly_fields = ["client", "prefix", "may", "created_at", "created_by", "last_used_at", "revoked_at"]
    fields = ["client", "name", "prefix", "may", "created_at", "created_by", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are issued from their client's page, where the secret is shown once

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            token_revoke(token=token)
        self.message_user(request, f"Revoked {queryset.count()} token(s).")


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["at", "status_code", "error", "milliseconds"]
    readonly_fields = ["at", "status_code", "error", "milliseconds"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["url", "client", "events", "active", "created_at"]
    list_filter = ["active"]
    list_select_related = ["client"]
    readonly_fields = ["client", "url", "events", "include_unpublished", "created_at"]
    fields = ["client", "url", "events", "include_unpublished", "created_at", "active"]
    actions = ["deactivate"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a client registers its webhooks through the API, which shows the secret once

    @admin.action(description="Stop sending to the selected webhooks", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        for webhook in queryset:
            webhook_deactivate(webhook=webhook)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "webhook", "status", "attempts", "created_at", "delivered_at"]
    list_filter = ["status", "event"]
    list_select_related = ["webhook"]
    readonly_fields = ["webhook", "event", "key", "payload", "status", "attempts", "created_at", "delivered_at"]
    inlines = [WebhookAttemptInline]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Send the selected failed deliveries again", permissions=["change"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset.filter(status=WebhookDelivery.Status.FAILED):
            webhook_delivery_retry(delivery=delivery)
