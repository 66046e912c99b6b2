"""Reads about outlets, actors and sources."""

from dataclasses import dataclass

from sources.models import Actor, Source
from sources.text import content_hash, fold


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
        source = Source.objects.filter(url=url).first()
        if source is not None:
            return source
    if text:
        return Source.objects.filter(content_hash=content_hash(text)).first()
    return None
