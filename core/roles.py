"""The editorial roles: who is an editor, a reviewer or a researcher, and what each may change in the admin;
and the scopes an API token narrows its client's role to.

Editors may do everything a reviewer or researcher may; a superuser counts as an editor. The predicates
read only group membership, which Django caches per user, so the admin can ask them for every button on
a page. People and API clients alike act in these roles (clients.services gives a client's account its
groups). The review workflow's own permissions are granted to them in claims.rules.
"""

from typing import Any

import rules
from django.apps import AppConfig, apps
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import models, transaction
from django.db.models import Q

User = AbstractBaseUser | AnonymousUser


@rules.predicate
def is_superuser(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False))


is_editor = is_superuser | rules.is_group_member("editor")
is_reviewer = is_editor | rules.is_group_member("reviewer")
is_researcher = is_editor | rules.is_group_member("researcher")
is_on_the_desk = is_reviewer | is_researcher


# What each editorial role may do in the admin. Editors run the desk; reviewers
# judge claims and links; researchers gather sources, statements and evidence.
EDITORIAL_ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    "editor": {
        "sources": ("add", "change", "delete", "view"),
        "claims": ("add", "change", "delete", "view"),
        "core.job": ("view", "change"),  # see failed jobs, and retry them
        # The desk's API clients: record them, issue and revoke their tokens, follow and stop their webhooks.
        # Their accounts (auth) stay an administrator's: a client is given a role, never a password.
        "clients.apiclient": ("add", "change", "view"),
        "clients.apitoken": ("change", "view"),
        "clients.webhook": ("change", "view"),
        "clients.webhookdelivery": ("change", "view"),
        "clients.webhookattempt": ("view",),
        # Sign-ins locked out for wrong passwords: deleting the attempts lifts the block.
        "axes.accessattempt": ("view", "delete"),
        "axes.accesslog": ("view",),
    },
    "reviewer": {
        "sources": ("view",),
        "claims": ("view",),
        "claims.claim": ("change",),
        "claims.claimlink": ("add", "change"),
        "claims.evidence": ("add", "change"),
    },
    "researcher": {
        "sources": ("view",),
        "claims": ("view",),
        "sources.source": ("add", "change"),
        "sources.sourcerelay": ("add", "change", "delete"),
        # Adding a source by giving its text or link, to be read for who said what (Story intakes).
        "claims.ingestion": ("add",),
        "sources.actor": ("add", "change"),
        "sources.actoralias": ("add", "change", "delete"),
        "claims.claim": ("add", "change"),
        "claims.statement": ("add", "change"),
        "claims.evidence": ("add", "change"),
    },
}


def editorial_groups_sync(*, using: str = "default") -> dict[str, Group]:
    """Create or update the editor, reviewer and researcher groups with their permissions (every migrate does)."""
    groups = {}
    with transaction.atomic(using=using):
        for role, grants in EDITORIAL_ROLES.items():
            groups[role] = _group_synced(role, grants, using)
    return groups


def _group_synced(role: str, grants: dict[str, tuple[str, ...]], using: str) -> Group:
    group, _ = Group.objects.using(using).get_or_create(name=role)
    wanted = Permission.objects.using(using).none()
    for scope, actions in grants.items():
        app_label, _, model = scope.partition(".")
        scoped = Permission.objects.using(using).filter(content_type__app_label=app_label)
        if model:
            scoped = scoped.filter(content_type__model=model)
        codename_prefixes = Q()
        for action in actions:
            codename_prefixes |= Q(codename__startswith=f"{action}_")
        wanted = wanted | scoped.filter(codename_prefixes)
    group.permissions.set(wanted.distinct())
    return group


def roles_sync_after_migrate(sender: AppConfig, using: str = "default", **_: Any) -> None:
    """post_migrate: a release that changes a role's grants takes effect when it is deployed (migrate runs then).

    Only after the last app's signal, when every app's permissions exist.
    """
    if sender.label == list(apps.get_app_configs())[-1].label:
        editorial_groups_sync(using=using)


class Scope(models.TextChoices):
    """What a token may do. Reading everything also needs an editorial role on the client's account."""

    READ_PUBLISHED = "read:published", "Read published claims"
    READ_ALL = "read:all", "Read everything the client's role may see"
    WRITE = "write", "Write, as the client's role allows"
