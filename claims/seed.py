"""Load a hand-worked story (a folder with `seed.yaml`) through the services.

Every record is found by its natural key before it is created, so loading a
folder twice changes nothing, and every rule a service enforces holds for
seed data too.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import Claim, ClaimLink, Statement, Story
from claims.services import claim_create, link_draw, statement_record, story_create
from core.dates import day_moment
from core.text import fold
from sources.models import Actor, Outlet, Source
from sources.selectors import source_matching
from sources.services import actor_create, actor_update, outlet_create, source_create, source_relay_add


class SeedError(Exception):
    """The seed file is malformed or refers to something it does not define."""


@dataclass
class SeedReport:
    story: str
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1

    def __str__(self) -> str:
        made = ", ".join(f"{number} {kind}" for kind, number in self.created.items()) or "nothing new"
        return f"{self.story}: {made}"


def seed_folders(root: Path) -> list[Path]:
    """The story folders under `root`, each holding a seed.yaml."""
    return sorted(path.parent for path in root.glob("*/seed.yaml"))


@transaction.atomic
def seed_load(folder: Path) -> SeedReport:
    """Load one story folder; returns what was created."""
    try:
        data = yaml.safe_load((folder / "seed.yaml").read_text(encoding="utf-8"))
        return _Loader(folder, data).load()
    except (KeyError, TypeError, yaml.YAMLError) as error:
        raise SeedError(f"{folder / 'seed.yaml'}: missing or malformed entry {error}") from error
    except ValidationError as error:
        raise SeedError(f"{folder / 'seed.yaml'}: {'; '.join(error.messages)}") from error


class _Loader:
    def __init__(self, folder: Path, data: dict[str, Any]) -> None:
        self.folder = folder
        self.data = data
        self.outlets: dict[str, Outlet] = {}
        self.actors: dict[str, Actor] = {}
        self.sources: dict[str, Source] = {}
        self.claims: dict[str, Claim] = {}
        self.report = SeedReport(story=data["story"]["title"])

    def load(self) -> SeedReport:
        story = self._story(self.data["story"])
        for entry in self.data.get("outlets", []):
            self.outlets[entry["name"]] = self._outlet(entry)
        created_actors = []
        for entry in self.data.get("actors", []):
            self.actors[entry["key"]], created = self._actor(entry)
            if created and entry.get("affiliation"):
                created_actors.append(entry)
        # Affiliations may point forward in the file, so they are set once every actor exists.
        for entry in created_actors:
            actor_update(actor=self.actors[entry["key"]], affiliation=self._ref(self.actors, entry["affiliation"]))
        for entry in self.data.get("sources", []):
            self.sources[entry["key"]] = self._source(entry)
        for entry in self.data.get("sources", []):
            for original in entry.get("relays", []):
                source_relay_add(source=self.sources[entry["key"]], original=self._ref(self.sources, original))
        for entry in self.data.get("claims", []):
            self.claims[entry["key"]] = self._claim(entry, story)
        for entry in self.data.get("statements", []):
            self._statement(entry)
        for entry in self.data.get("links", []):
            self._link(entry)
        return self.report

    @staticmethod
    def _ref(table: dict[str, Any], key: str) -> Any:
        if key not in table:
            raise SeedError(f"seed.yaml refers to “{key}”, which it does not define")
        return table[key]

    def _story(self, entry: dict[str, Any]) -> Story:
        story = Story.objects.filter(slug=entry["slug"]).first()
        if story is None:
            self.report.count("story")
            story = story_create(
                title=entry["title"],
                slug=entry["slug"],
                summary=entry.get("summary", ""),
                occurred_on=entry.get("occurred_on"),
            )
        return story

    def _outlet(self, entry: dict[str, Any]) -> Outlet:
        outlet = Outlet.objects.filter(name=entry["name"]).first()
        if outlet is None:
            self.report.count("outlets")
            outlet = outlet_create(
                name=entry["name"],
                kind=entry.get("kind", Outlet.Kind.OTHER),
                home_domain=entry.get("home_domain"),
                reliability=entry.get("reliability"),
            )
        return outlet

    def _actor(self, entry: dict[str, Any]) -> tuple[Actor, bool]:
        actor = Actor.objects.filter(name=entry["name"], kind=entry.get("kind", Actor.Kind.PERSON)).first()
        if actor is not None:
            return actor, False
        self.report.count("actors")
        actor = actor_create(
            name=entry["name"],
            kind=entry.get("kind", Actor.Kind.PERSON),
            description=" ".join(entry.get("description", "").split()),
            wikidata_id=entry.get("wikidata_id"),
            aliases=entry.get("aliases", []),
        )
        return actor, True

    def _source(self, entry: dict[str, Any]) -> Source:
        text = (self.folder / entry["text_file"]).read_text(encoding="utf-8") if "text_file" in entry else ""
        outlet = self._ref(self.outlets, entry["outlet"]) if entry.get("outlet") else None
        if text or entry.get("url"):
            existing = source_matching(url=entry.get("url"), text=text)
        else:
            # A source known only by reference (a tweet quoted in an article) has no text or URL to match on.
            existing = Source.objects.filter(title=entry["title"], outlet=outlet, text="").first()
        if existing is not None:
            return existing
        self.report.count("sources")
        return source_create(
            title=entry["title"],
            kind=entry.get("kind", Source.Kind.NEWS_ARTICLE),
            text=text,
            url=entry.get("url"),
            outlet=outlet,
            author=entry.get("author", ""),
            published_at=_moment(entry.get("published_at")),
            language=entry.get("language", "en"),
        )

    def _claim(self, entry: dict[str, Any], story: Story) -> Claim:
        text = " ".join(entry["text"].split())
        claim = Claim.objects.filter(story=story, folded_text=fold(text)).first()
        if claim is None:
            self.report.count("claims")
            claim = claim_create(
                text=text, story=story, about=[self._ref(self.actors, key) for key in entry.get("about", [])]
            )
        return claim

    def _statement(self, entry: dict[str, Any]) -> None:
        claim = self._ref(self.claims, entry["claim"])
        speaker = self._ref(self.actors, entry["speaker"])
        source = self._ref(self.sources, entry["source"])
        start, end = entry.get("span") or (None, None)
        # Where the file gives only the quote, its span is where the service will place it.
        passage = source.locate(quote=entry.get("quote", ""), start=start, end=end)
        exists = Statement.objects.filter(
            claim=claim, speaker=speaker, source=source, span_start=passage.start, span_end=passage.end
        ).exists()
        if exists:
            return
        self.report.count("statements")
        via = entry.get("via_source")
        statement_record(
            claim=claim,
            speaker=speaker,
            source=source,
            quote=passage.quote,
            span=(passage.start, passage.end) if passage.start is not None and passage.end is not None else None,
            stance=entry.get("stance", "asserts"),
            kind=entry.get("kind", Statement.Kind.INDIRECT),
            cue=entry.get("cue", ""),
            said_on=entry.get("said_on"),
            via_source=self._ref(self.sources, via) if via else None,
        )

    def _link(self, entry: dict[str, Any]) -> None:
        first = self._ref(self.claims, entry["from"])
        second = self._ref(self.claims, entry["to"])
        exists = ClaimLink.objects.filter(
            Q(from_claim=first, to_claim=second) | Q(from_claim=second, to_claim=first), relation=entry["relation"]
        ).exists()
        if exists:
            return
        self.report.count("links")
        link_draw(
            from_claim=first,
            to_claim=second,
            relation=entry["relation"],
            rationale=" ".join(entry.get("rationale", "").split()),
        )


def _moment(value: date | datetime | str | None) -> datetime | None:
    """A YAML date or timestamp as an aware datetime (a bare date as core.dates says; a naive time is UTC's)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return day_moment(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
