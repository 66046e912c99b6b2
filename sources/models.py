"""Who publishes, who speaks, and the documents in which they are quoted."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from core.models import TimeStamped
from core.text import canonical_link, canonical_text, content_hash, fold

DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
# Editors may type "q42"; it is stored upper-case, which is what the database checks.
WIKIDATA_ID = RegexValidator(r"^\s*[Qq][1-9][0-9]*\s*$", "A Wikidata id is Q followed by digits, e.g. Q42.")
LANGUAGE_TAG_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
LANGUAGE_TAG = RegexValidator(LANGUAGE_TAG_PATTERN, "Give a language tag such as en, es or pt-BR.")


class Outlet(TimeStamped):
    """A publisher or platform: a broadcaster, a newspaper, a social network, a government gazette."""

    class Kind(models.TextChoices):
        NEWSPAPER = "newspaper", "Newspaper or news site"
        BROADCASTER = "broadcaster", "Broadcaster"
        WIRE_AGENCY = "wire_agency", "Wire agency"
        SOCIAL_PLATFORM = "social_platform", "Social platform"
        GOVERNMENT = "government", "Government publication"
        OTHER = "other", "Other"

    class Reliability(models.IntegerChoices):
        VERY_LOW = 1, "1 – very low"
        LOW = 2, "2 – low"
        MIXED = 3, "3 – mixed"
        HIGH = 4, "4 – high"
        VERY_HIGH = 5, "5 – very high"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.NEWSPAPER)
    home_domain = models.CharField(
        max_length=253,
        null=True,
        blank=True,
        unique=True,
        help_text="The outlet's own domain, e.g. bbc.co.uk, without scheme or path.",
    )
    reliability = models.PositiveSmallIntegerField(
        choices=Reliability.choices,
        null=True,
        blank=True,
        help_text="The editors' rating of the outlet's reliability; blank until rated.",
    )
    owner = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_outlets",
        help_text="The outlet that owns this one. Copies within one owner do not count as independent sources.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(home_domain__regex=DOMAIN.pattern),
                name="outlet_home_domain_is_lowercase_host",
            ),
            models.CheckConstraint(condition=Q(reliability__range=(1, 5)), name="outlet_reliability_1_to_5"),
            models.CheckConstraint(condition=~Q(owner=F("pk")), name="outlet_not_own_owner"),
            models.CheckConstraint(condition=~Q(name=""), name="outlet_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = self.name.strip()
        if self.home_domain:
            self.home_domain = bare_domain(self.home_domain)
            if not DOMAIN.fullmatch(self.home_domain):
                raise ValidationError({"home_domain": "Give a domain name such as bbc.co.uk."})
        elif self.home_domain == "":
            self.home_domain = None
        if _chain_reaches(self, "owner"):
            raise ValidationError({"owner": "An outlet cannot be owned, directly or not, by itself."})


def bare_domain(value: str) -> str:
    """`https://www.BBC.co.uk/news` → `www.bbc.co.uk`: the host only, lower case."""
    value = value.strip()
    host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    return host.rstrip(".").lower()


def _chain_reaches(instance: models.Model, field: str) -> bool:
    """Whether following `field` from `instance` leads back to it (an ownership or affiliation cycle)."""
    seen: set[int] = set()
    current = getattr(instance, field)
    while current is not None:
        if instance.pk is not None and current.pk == instance.pk:
            return True
        if current.pk in seen:
            return False
        seen.add(current.pk)
        current = getattr(current, field)
    return False


class Actor(TimeStamped):
    """A speaker or subject: a person, an organisation, a government body, or an unnamed group."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        GOVERNMENT_BODY = "government_body", "Government body"
        GROUP = "group", "Unnamed group"

    name = models.CharField(max_length=200, help_text="The name a reader knows them by, e.g. Oscar Pérez.")
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.PERSON)
    description = models.CharField(
        max_length=500, blank=True, help_text="Role or description, e.g. Venezuelan police helicopter pilot."
    )
    affiliation = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="affiliated_actors",
        help_text="The body this actor speaks for or belongs to, e.g. Diosdado Cabello → the Venezuelan government.",
    )
    wikidata_id = models.CharField(
        "Wikidata id",
        max_length=20,
        null=True,
        blank=True,
        unique=True,
        validators=[WIKIDATA_ID],
        help_text="e.g. Q12345",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(wikidata_id__regex=r"^Q[1-9][0-9]*$"), name="actor_wikidata_id_format"),
            models.CheckConstraint(condition=~Q(affiliation=F("pk")), name="actor_not_own_affiliation"),
            models.CheckConstraint(condition=~Q(name=""), name="actor_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = self.name.strip()
        if self.wikidata_id:
            self.wikidata_id = self.wikidata_id.strip().upper()
        elif self.wikidata_id == "":
            self.wikidata_id = None
        if _chain_reaches(self, "affiliation"):
            raise ValidationError({"affiliation": "An actor cannot be affiliated, directly or not, with itself."})


class ActorAlias(models.Model):
    """A name by which an actor is referred to ("Mr Pérez", "Mr Perez").

    Spelling variants are kept as written, for the editors; lookups compare
    the folded form, so either finds the actor.
    """

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    folded = models.CharField(
        max_length=200, editable=False, help_text="Case-, accent- and punctuation-insensitive form, for lookups."
    )

    class Meta:
        verbose_name = "alias"
        verbose_name_plural = "aliases"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("actor", Lower("name"), name="alias_unique_per_actor"),
            models.CheckConstraint(condition=~Q(folded=""), name="alias_not_empty"),
        ]
        indexes = [models.Index(fields=["folded"], name="alias_folded_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        self.folded = fold(self.name)
        if not any(char.isalnum() for char in self.folded):
            raise ValidationError({"name": "An alias needs at least one letter or digit."})
        if self.actor_id is None:
            return
        duplicate = (
            ActorAlias.objects.filter(actor_id=self.actor_id, name__iexact=self.name).exclude(pk=self.pk).first()
        )
        if duplicate is not None:
            raise ValidationError({"name": f"“{duplicate.name}” is already an alias of this actor."})


@dataclass(frozen=True)
class Passage:
    """A stretch of a source's text: the quote and its character offsets."""

    quote: str
    start: int | None
    end: int | None


class Source(TimeStamped):
    """A document in which statements appear, with its text exactly as retrieved."""

    class Kind(models.TextChoices):
        NEWS_ARTICLE = "news_article", "News article"
        SOCIAL_POST = "social_post", "Social media post"
        VIDEO = "video", "Video"
        PRESS_RELEASE = "press_release", "Press release"
        TRANSCRIPT = "transcript", "Transcript"
        OFFICIAL_DOCUMENT = "official_document", "Official document"

    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.NEWS_ARTICLE)
    title = models.CharField(max_length=500)
    url = models.URLField(
        "canonical URL",
        max_length=2000,
        null=True,
        blank=True,
        unique=True,
        help_text="Blank when not published online.",
    )
    outlet = models.ForeignKey(Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="sources")
    author = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    retrieved_at = models.DateTimeField(default=timezone.now)
    language = models.CharField(
        max_length=35, default="en", validators=[LANGUAGE_TAG], help_text="BCP 47 language tag, e.g. en, es, pt-BR."
    )
    text = models.TextField(
        blank=True,
        help_text="The full text as retrieved. It cannot change once statements point into it.",
    )
    content_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    relays: "models.ManyToManyField[Source, SourceRelay]" = models.ManyToManyField(
        "self",
        through="SourceRelay",
        symmetrical=False,
        related_name="relayed_by",
        blank=True,
        help_text="The original sources this one reports, e.g. the tweet and the video a news article quotes.",
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(text="") & Q(content_hash__isnull=True))
                | (~Q(text="") & Q(content_hash__isnull=False, content_hash__regex=r"^[0-9a-f]{64}$")),
                name="source_hash_iff_text",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="source_title_not_empty"),
            models.CheckConstraint(condition=Q(language__regex=LANGUAGE_TAG_PATTERN), name="source_language_tag"),
        ]
        indexes = [models.Index(fields=["outlet", "-published_at"], name="source_outlet_published_idx")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        self.title = self.title.strip()
        self.text = canonical_text(self.text)
        if not self.text.strip():
            self.text = ""
        self.content_hash = content_hash(self.text) if self.text else None
        self.url = canonical_link(self.url) if self.url else None
        if self.url and len(self.url) > 2000:
            raise ValidationError({"url": "This address is too long once its site name is written in ASCII."})
        if self.pk is not None:
            stored_text = Source.objects.filter(pk=self.pk).values_list("text", flat=True).first()
            if stored_text is not None and stored_text != self.text and self.has_passages_in_text():
                raise ValidationError(
                    {"text": "The text cannot change: statements or evidence point into it. Add a new source instead."}
                )
        if self.content_hash:
            twin = Source.objects.filter(content_hash=self.content_hash).exclude(pk=self.pk).first()
            if twin is not None:
                raise ValidationError({"text": f"This exact text is already stored as source #{twin.pk} “{twin}”."})

    def has_passages_in_text(self) -> bool:
        return (
            self.statements.filter(span_start__isnull=False).exists()
            or self.evidence.filter(span_start__isnull=False).exists()
        )

    def locate(self, *, quote: str = "", start: int | None = None, end: int | None = None) -> Passage:
        """The passage given by its quote, its offsets, or both, checked against this source's text.

        With only a quote, it must occur exactly once; with only offsets, the
        quote is read from the text; with both, they must agree.
        """
        if (start is None) != (end is None):
            raise ValidationError({"span_start": "Give both the start and the end offset, or neither."})
        if start is None or end is None:
            if not self.text:
                return Passage(quote=quote, start=None, end=None)
            if not quote:
                raise ValidationError({"quote": "Give the quote, or its start and end offsets in the source text."})
            occurrences = [match.start() for match in re.finditer(re.escape(quote), self.text)]
            if not occurrences:
                raise ValidationError({"quote": f"The quote does not occur in the text of “{self}”."})
            if len(occurrences) > 1:
                positions = ", ".join(str(position) for position in occurrences[:5])
                raise ValidationError(
                    {"quote": f"The quote occurs {len(occurrences)} times (at {positions}); give the start offset."}
                )
            return Passage(quote=quote, start=occurrences[0], end=occurrences[0] + len(quote))
        if not self.text:
            raise ValidationError({"span_start": f"“{self}” has no text to point into; leave the offsets blank."})
        if not 0 <= start < end <= len(self.text):
            raise ValidationError(
                {"span_start": f"The span {start}–{end} is outside the text, which has {len(self.text)} characters."}
            )
        at_span = self.text[start:end]
        if quote and quote != at_span:
            raise ValidationError(
                {"quote": f"The quote is not the source text at {start}–{end}; the text there reads “{at_span}”."}
            )
        return Passage(quote=at_span, start=start, end=end)


class SourceRelay(models.Model):
    """One source reporting another: the BBC article relays Cabello's tweet."""

    relaying_source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="relay_links")
    original_source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="relayed_by_links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = "relayed source"
        constraints = [
            models.UniqueConstraint(fields=["relaying_source", "original_source"], name="relay_unique_pair"),
            models.CheckConstraint(
                condition=~Q(relaying_source=F("original_source")),
                name="relay_not_itself",
                violation_error_message="A source cannot relay itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relaying_source} relays {self.original_source}"
