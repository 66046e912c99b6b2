"""Every write to outlets, actors, aliases and sources."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from core.text import fold
from core.validation import save_validated, update_validated
from sources import signals
from sources.models import Actor, ActorAlias, Outlet, Source, SourceRelay
from sources.selectors import source_matching


@transaction.atomic
def outlet_create(
    *,
    name: str,
    kind: str = Outlet.Kind.NEWSPAPER,
    home_domain: str | None = None,
    reliability: int | None = None,
    owner: Outlet | None = None,
) -> Outlet:
    """Record a publisher or platform."""
    return save_validated(Outlet(name=name, kind=kind, home_domain=home_domain, reliability=reliability, owner=owner))


@transaction.atomic
def outlet_update(*, outlet: Outlet, **changes: Any) -> Outlet:
    """Change an outlet's name, kind, domain, reliability rating or owner."""
    outlet = update_validated(outlet, changes)
    # Its rating weighs what it published; its owner decides what counts as independent of it.
    signals.outlets_changed.send(sender=Outlet, outlet_ids=[outlet.pk])
    return outlet


@transaction.atomic
def actor_create(
    *,
    name: str,
    kind: str = Actor.Kind.PERSON,
    description: str = "",
    affiliation: Actor | None = None,
    wikidata_id: str | None = None,
    aliases: Iterable[str] = (),
) -> Actor:
    """Record a speaker; their name and every alias given become lookup aliases."""
    actor = save_validated(
        Actor(name=name, kind=kind, description=description, affiliation=affiliation, wikidata_id=wikidata_id)
    )
    for alias in (name, *aliases):
        _alias_ensure(actor, alias)
    return actor


@transaction.atomic
def actor_update(*, actor: Actor, **changes: Any) -> Actor:
    """Change an actor; a new name also becomes an alias, and the old one stays one."""
    actor = update_validated(actor, changes)
    _alias_ensure(actor, actor.name)
    # Affiliation decides whose statements count as one source; kind, whether they are official.
    signals.actors_changed.send(sender=Actor, actor_ids=[actor.pk])
    return actor


@transaction.atomic
def actor_alias_add(*, actor: Actor, name: str) -> ActorAlias:
    """Add a name for `actor`; refused when the actor already has it (ignoring case)."""
    return save_validated(ActorAlias(actor=actor, name=name))


def _alias_ensure(actor: Actor, name: str) -> None:
    if fold(name) and not actor.aliases.filter(name__iexact=" ".join(name.split())).exists():
        actor_alias_add(actor=actor, name=name)


@transaction.atomic
def source_create(
    *,
    title: str,
    kind: str = Source.Kind.NEWS_ARTICLE,
    text: str = "",
    url: str | None = None,
    outlet: Outlet | None = None,
    author: str = "",
    published_at: datetime | None = None,
    retrieved_at: datetime | None = None,
    language: str = "en",
    relays: Iterable[Source] = (),
    created_by: User | None = None,
) -> Source:
    """Store a document; refused when the same URL or the same text is already stored."""
    source = Source(
        title=title,
        kind=kind,
        text=text,
        url=url,
        outlet=outlet,
        author=author,
        published_at=published_at,
        language=language,
    )
    if retrieved_at is not None:
        source.retrieved_at = retrieved_at
    save_validated(source)
    for original in relays:
        source_relay_add(source=source, original=original, created_by=created_by)
    return source


def source_record(*, title: str, text: str = "", url: str | None = None, **fields: Any) -> tuple[Source, bool]:
    """The stored source with this URL or text, or a new one: (source, created)."""
    existing = source_matching(url=url, text=text)
    if existing is not None:
        return existing, False
    return source_create(title=title, text=text, url=url, **fields), True


@transaction.atomic
def source_update(*, source: Source, **changes: Any) -> Source:
    """Change a source's metadata; its text only while nothing points into it."""
    source = update_validated(source, changes)
    # Its outlet weighs the statements and evidence in it.
    signals.sources_changed.send(sender=Source, source_ids=[source.pk])
    return source


@transaction.atomic
def source_relay_add(*, source: Source, original: Source, created_by: User | None = None) -> SourceRelay:
    """Record that `source` reports `original` (a news article relaying a tweet); idempotent."""
    if source.pk == original.pk:
        raise ValidationError({"original_source": "A source cannot relay itself."})
    existing = SourceRelay.objects.filter(relaying_source=source, original_source=original).first()
    if existing is not None:
        return existing
    relay = save_validated(SourceRelay(relaying_source=source, original_source=original, created_by=created_by))
    # Relaying a wire agency's story makes the source a copy of it, not an independent source.
    signals.sources_changed.send(sender=Source, source_ids=[source.pk])
    return relay


@transaction.atomic
def outlet_for_domain(*, domain: str, name: str = "") -> Outlet:
    """The outlet publishing at `domain` (www. or not), recorded unrated if Attest has not met it yet."""
    host = domain.lower().removeprefix("www.")
    existing = Outlet.objects.filter(home_domain__in=[host, f"www.{host}"]).first()
    if existing is not None:
        return existing
    name = (name or host).strip()[:200]
    if Outlet.objects.filter(name=name).exists():
        name = f"{name} ({host})"[:200]
    return outlet_create(name=name, kind=Outlet.Kind.NEWSPAPER, home_domain=host)
