"""Reads about outlets, actors and sources."""

from collections.abc import Collection
from dataclasses import dataclass

from django.db import connection, models

from core.text import canonical_link, content_hash, fold
from sources.models import Actor, Outlet, Source

# Ownership and affiliation chains are a few links long; a longer one can only be a cycle
# written around the models' checks, and is cut here rather than followed for ever.
CHAIN_LIMIT = 32


@dataclass(frozen=True)
class ActorLookup:
    """The actors an alias may refer to; more than one means the name is ambiguous."""

    name: str
    candidates: tuple[Actor, ...]

    @property
    def actor(self) -> Actor | None:
        """The one actor the name refers to, or None when it fits none or several."""
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def is_ambiguous(self) -> bool:
        return len(self.candidates) > 1


def actor_lookup(*, name: str) -> ActorLookup:
    """Find actors by any of their aliases, ignoring case, accents and typographic punctuation."""
    folded = fold(name)
    candidates = tuple(Actor.objects.filter(aliases__folded=folded).distinct().order_by("name", "pk")) if folded else ()
    return ActorLookup(name=name, candidates=candidates)


def source_matching(*, url: str | None = None, text: str = "") -> Source | None:
    """The stored source with this canonical URL or, failing that, this exact text."""
    if url:
        source = Source.objects.filter(url=canonical_link(url)).first()
        if source is not None:
            return source
    if text:
        return Source.objects.filter(content_hash=content_hash(text)).first()
    return None


@dataclass(frozen=True)
class ChainLink:
    """One actor or outlet on a chain of affiliation or ownership."""

    pk: int
    name: str
    kind: str


def actor_affiliations(actor_ids: Collection[int]) -> dict[int, tuple[ChainLink, ...]]:
    """Each actor's affiliation chain, the actor first and the body it ultimately belongs to last; one query."""
    return _chains(Actor, "affiliation", actor_ids)


def outlet_owners(outlet_ids: Collection[int]) -> dict[int, tuple[ChainLink, ...]]:
    """Each outlet's ownership chain, the outlet first and its ultimate owner last; one query."""
    return _chains(Outlet, "owner", outlet_ids)


def actors_affiliated_with(actor_ids: Collection[int]) -> set[int]:
    """These actors and every actor affiliated with them, directly or through others."""
    return _descendants(Actor, "affiliation", actor_ids)


def outlets_owned_by(outlet_ids: Collection[int]) -> set[int]:
    """These outlets and every outlet they own, directly or through others."""
    return _descendants(Outlet, "owner", outlet_ids)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.ForeignKey)
    return field.column


def _chains(model: type[models.Model], parent: str, ids: Collection[int]) -> dict[int, tuple[ChainLink, ...]]:
    if not ids:
        return {}
    table, column = model._meta.db_table, _column(model, parent)
    # Table and column names come from the models, never from input.
    sql = f"""
        WITH RECURSIVE chain (start_id, id, parent_id, depth) AS (
            SELECT node.id, node.id, node.{column}, 0 FROM {table} AS node WHERE node.id = ANY(%s)
            UNION ALL
            SELECT chain.start_id, node.id, node.{column}, chain.depth + 1
            FROM chain JOIN {table} AS node ON node.id = chain.parent_id
            WHERE chain.depth < %s
        )
        SELECT chain.start_id, node.id, node.name, node.kind
        FROM chain JOIN {table} AS node ON node.id = chain.id
        ORDER BY chain.start_id, chain.depth
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(ids), CHAIN_LIMIT])
        rows = cursor.fetchall()
    chains: dict[int, list[ChainLink]] = {}
    for start_id, pk, name, kind in rows:
        chain = chains.setdefault(start_id, [])
        if any(link.pk == pk for link in chain):
            continue  # a cycle: it has come round again
        chain.append(ChainLink(pk=pk, name=name, kind=kind))
    return {start_id: tuple(chain) for start_id, chain in chains.items()}


def _descendants(model: type[models.Model], parent: str, ids: Collection[int]) -> set[int]:
    if not ids:
        return set()
    table, column = model._meta.db_table, _column(model, parent)
    # UNION, not UNION ALL: a row reached twice is not followed twice, so even a cycle ends.
    sql = f"""
        WITH RECURSIVE below (id) AS (
            SELECT id FROM {table} WHERE id = ANY(%s)
            UNION
            SELECT node.id FROM {table} AS node JOIN below ON node.{column} = below.id
        )
        SELECT id FROM below
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(ids)])
        return {pk for (pk,) in cursor.fetchall()}
