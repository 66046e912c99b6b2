"""Turning a pasted or linked story into a source, its speakers and suggested statements.

`ingestion_request` records what the editor gave and queues the job after
commit; the job (`claims.tasks.ingest`) calls `ingestion_run`, which fetches
or reads the text, finds who said what, and records each attribution as a
*suggested* statement of a *suggested* claim for the editor to accept, edit
or discard. Running the job twice suggests nothing twice.
"""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from claims.attribution import Attribution, ExtractionUnavailable, extract_attributions
from claims.attribution.lexicon import CUE_FORMS
from claims.attribution.propositions import Proposition, story_propositions
from claims.models import Claim, Ingestion, ReviewStatus, Stance, Statement, Story
from claims.selectors import actor_most_quoted, claims_saying_the_same
from claims.services import claim_create, statement_record, story_create
from core.http import FetchError, FetchTimeout, NotAnArticle
from core.jobs import job_enqueue
from core.text import canonical_link, canonical_text, fold
from core.validation import save_validated
from sources.articles import FetchedArticle, article_from_html, fetch_article
from sources.models import Actor, Outlet, Source
from sources.selectors import actor_lookup
from sources.services import actor_create, outlet_for_domain, source_record, source_relay_add, source_update

logger = logging.getLogger(__name__)

# A paste that opens with markup is a web page's source, read as a page; a story that merely
# mentions a tag is text.
LOOKS_LIKE_HTML = re.compile(r"\s*<\s*(!doctype|html|head|body|article|main|section|div|p)\b", re.IGNORECASE)
# Characters no story contains; their presence means a binary file.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SPEAKER_KINDS = {
    "person": Actor.Kind.PERSON,
    "organisation": Actor.Kind.ORGANISATION,
    "group": Actor.Kind.GROUP,
}
# The channel a second-hand statement came through becomes a source of its own.
CHANNEL_SOURCES = {
    "tweet": (Source.Kind.SOCIAL_POST, "tweet"),
    "post": (Source.Kind.SOCIAL_POST, "post"),
    "video": (Source.Kind.VIDEO, "video"),
    "statement": (Source.Kind.PRESS_RELEASE, "statement"),
    "interview": (Source.Kind.TRANSCRIPT, "interview"),
    "speech": (Source.Kind.TRANSCRIPT, "speech"),
    "letter": (Source.Kind.OFFICIAL_DOCUMENT, "letter"),
}


class TransientIngestionError(Exception):
    """A failure worth trying again later: the site or the database did not answer in time."""


def max_characters() -> int:
    return int(settings.ATTEST_INGEST_MAX_CHARACTERS)


def clean_pasted_text(text: str) -> str:
    """The pasted story as it will be stored, or a ValidationError saying what is wrong with it."""
    if CONTROL_CHARACTERS.search(text):
        raise ValidationError({"submitted_text": "This looks like a binary file, not the text of a story."})
    text = text.strip()
    if not text:
        raise ValidationError({"submitted_text": "The text is empty."})
    # Measured as pasted, before normalising: a paste far over the limit is refused without a pass over it.
    if len(text) > max_characters():
        raise ValidationError(
            {
                "submitted_text": f"The text has {len(text):,} characters; "
                f"Attest takes stories of up to {max_characters():,}."
            }
        )
    return canonical_text(text)


def clean_link(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": "Give the story's web address, starting with http:// or https://."})
    return canonical_link(url)


@transaction.atomic
def ingestion_request(
    *,
    text: str = "",
    url: str = "",
    title: str = "",
    story: Story | None = None,
    outlet: Outlet | None = None,
    requested_by: User | None = None,
) -> Ingestion:
    """Record a story to read, from pasted text or a link, and queue the job that reads it.

    `outlet` is who published it: a pasted story has no other way to say so, and for a link the
    editor's word wins over the outlet its domain is recorded under.
    """
    if bool(text.strip()) == bool(url.strip()):
        raise ValidationError("Paste the story's text or give its link, not both and not neither.")
    ingestion = save_validated(
        Ingestion(
            url=clean_link(url) if url.strip() else None,
            submitted_text=clean_pasted_text(text) if text.strip() else "",
            title=title.strip(),
            story=story,
            outlet=outlet,
            created_by=requested_by,
        )
    )
    _queue(ingestion)
    return ingestion


@transaction.atomic
def ingestion_retry(*, ingestion: Ingestion) -> Ingestion:
    """Queue a failed ingestion again."""
    updated = Ingestion.objects.filter(pk=ingestion.pk, status=Ingestion.Status.FAILED).update(
        status=Ingestion.Status.QUEUED, progress=0, stage="queued again", finished_at=None, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError("Only a failed ingestion can be retried.")
    ingestion.refresh_from_db()
    _queue(ingestion)
    return ingestion


def _queue(ingestion: Ingestion) -> None:
    job_enqueue("claims.tasks.ingest", ingestion.pk)


def ingestion_run(*, ingestion_id: int) -> None:
    """Do the work of one queued ingestion; a second run of a finished or running one does nothing.

    A running one whose worker died is taken over: its job comes back from the broker after the
    visibility timeout, by which time the dead run has long stopped reporting progress.
    """
    abandoned = timezone.now() - timedelta(seconds=settings.ATTEST_INGEST_LEASE)
    claimable = Q(status=Ingestion.Status.QUEUED) | Q(status=Ingestion.Status.RUNNING, updated_at__lt=abandoned)
    claimed = Ingestion.objects.filter(claimable, pk=ingestion_id).update(
        status=Ingestion.Status.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        progress=5,
        stage="starting",
        error="",
        updated_at=timezone.now(),
    )
    if not claimed:
        logger.info("Ingestion %s is missing, running or finished; nothing to do.", ingestion_id)
        return
    ingestion = Ingestion.objects.select_related("story", "outlet").get(pk=ingestion_id)
    try:
        source = _source_for(ingestion)
        _progress(ingestion, 40, "finding who said what", source=source)
        attributions = extract_attributions(source.text)
        _progress(ingestion, 70, f"recording {len(attributions)} attributions")
        suggested = _record_suggestions(ingestion, source, attributions)
    except (FetchTimeout, OperationalError) as error:
        _requeue(ingestion, error)
        raise TransientIngestionError(str(error)) from error
    except (FetchError, ExtractionUnavailable) as error:
        ingestion_fail(ingestion_id=ingestion.pk, reason=str(error))
    except ValidationError as error:
        ingestion_fail(ingestion_id=ingestion.pk, reason=" ".join(error.messages))
    except Exception as error:
        logger.exception("Ingestion %s failed", ingestion.pk)
        ingestion_fail(ingestion_id=ingestion.pk, reason=f"Unexpected error: {error.__class__.__name__}: {error}")
    else:
        Ingestion.objects.filter(pk=ingestion.pk).update(
            status=Ingestion.Status.SUCCEEDED,
            progress=100,
            stage="done",
            story=suggested.story,
            statements_suggested=suggested.count,
            notes=suggested.notes,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )


def ingestion_fail(*, ingestion_id: int, reason: str) -> None:
    """Mark an ingestion failed with a reason an editor can act on; it can then be retried."""
    Ingestion.objects.filter(pk=ingestion_id).exclude(status=Ingestion.Status.SUCCEEDED).update(
        status=Ingestion.Status.FAILED,
        error=reason,
        stage="failed",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _requeue(ingestion: Ingestion, error: Exception) -> None:
    Ingestion.objects.filter(pk=ingestion.pk).update(
        status=Ingestion.Status.QUEUED,
        stage="waiting to retry",
        error=f"Attempt {ingestion.attempts} failed and will be retried: {error}",
        updated_at=timezone.now(),
    )


def _progress(ingestion: Ingestion, percent: int, stage: str, source: Source | None = None) -> None:
    changes: dict[str, object] = {"progress": percent, "stage": stage, "updated_at": timezone.now()}
    if source is not None:
        changes["source"] = source
        ingestion.source = source
    Ingestion.objects.filter(pk=ingestion.pk).update(**changes)


def _source_for(ingestion: Ingestion) -> Source:
    """The stored source for the ingestion's link or text: the same link or text always gives the same one."""
    if ingestion.url:
        _progress(ingestion, 10, "fetching the page")
        article = fetch_article(ingestion.url)
        return _article_source(article, ingestion)
    text = ingestion.submitted_text
    if LOOKS_LIKE_HTML.match(text):
        try:
            article = article_from_html(text)
        except NotAnArticle as error:
            raise NotAnArticle("The pasted HTML has no article text that Attest can extract.") from error
        return _article_source(article, ingestion)
    first_line = text.split("\n", 1)[0].strip()
    title = ingestion.title or (first_line[:200] if len(first_line) <= 200 else first_line[:197] + "…")
    return _with_outlet(source_record(title=title, text=text, outlet=ingestion.outlet), ingestion.outlet)


def _article_source(article: FetchedArticle, ingestion: Ingestion) -> Source:
    address = article.canonical_url or article.final_url or None
    host = urlsplit(address).hostname if address else None
    outlet = ingestion.outlet
    if outlet is None and host:
        outlet = outlet_for_domain(domain=host, name=article.site_name)
    recorded = source_record(
        title=ingestion.title or article.title or address or "Untitled story",
        text=article.text,
        url=address,
        outlet=outlet,
        author=article.author[:300],
        published_at=article.published_at,
        language=article.language or "en",
    )
    return _with_outlet(recorded, ingestion.outlet)


def _with_outlet(recorded: tuple[Source, bool], outlet: Outlet | None) -> Source:
    """The source, given the editor's outlet if it was stored earlier without one.

    An outlet it already has is left alone: the statements already in it are weighed by it.
    """
    source, created = recorded
    if not created and outlet is not None and source.outlet_id is None:
        source = source_update(source=source, outlet=outlet)
    return source


DENYING_CUES = frozenset({"deny", "dismiss", "dispute", "reject"})
QUESTIONING_CUES = frozenset({"question", "doubt", "wonder", "ask"})


def cue_base(attribution: Attribution, text: str) -> str | None:
    """The dictionary form of the cue's verb: "has also accused" → "accuse"."""
    words = re.findall(r"[\w’']+", text[attribution.cue[0] : attribution.cue[1]].lower())
    for word in reversed(words):
        if word in CUE_FORMS:
            return CUE_FORMS[word]
    return None


def stance_of(attribution: Attribution, text: str) -> str:
    base = cue_base(attribution, text)
    if base in DENYING_CUES:
        return Stance.DENIES
    if base in QUESTIONING_CUES:
        return Stance.QUESTIONS
    return Stance.ASSERTS


@dataclass(frozen=True)
class _Suggested:
    story: Story
    count: int
    notes: str = ""


def _record_suggestions(ingestion: Ingestion, source: Source, attributions: list[Attribution]) -> _Suggested:
    """Record each proposition of each attribution with a speaker, and each of the outlet's own checkable
    sentences, as suggested statements; returns the story and how many are new."""
    text = source.text
    story = ingestion.story or _story_for(source)
    # "It was reported that ...": nobody to attribute it to.
    spoken = [attribution for attribution in attributions if attribution.speaker]
    limit = int(settings.ATTEST_PROPOSITIONS_PER_STATEMENT)
    # Every attribution, spoken or not, is passed on: "a pilot accused of…" is no part of the officials' claim.
    found = story_propositions(text, attributions, limit=limit, group_of=_group_of)
    created = 0
    with transaction.atomic():
        for attribution, propositions in zip(attributions, found.stated, strict=True):
            if attribution not in spoken:
                continue
            speaker = _actor_for(
                attribution.speaker or "", attribution.speaker_kind, description=attribution.speaker_description
            )
            stance = stance_of(attribution, text)
            for proposition in propositions:
                created += _suggest(
                    ingestion,
                    source,
                    story,
                    speaker,
                    proposition,
                    stance=stance,
                    kind=attribution.kind,
                    cue=text[attribution.cue[0] : attribution.cue[1]].rstrip(":")[:100],
                    via_source=_channel_source(source, attribution.channel, speaker),
                )
        if found.narrated:
            narrator = _narrator_for(source)
            for narration in found.narrated:
                created += _suggest(
                    ingestion,
                    source,
                    story,
                    narrator,
                    narration.proposition,
                    stance=Stance.ASSERTS,
                    kind=Statement.Kind.INDIRECT,
                    cue=text[narration.cue[0] : narration.cue[1]][:100],
                    via_source=None,
                )
    notes = ""
    if found.left_out:
        notes = (
            f"{found.left_out} more propositions were left out: a statement or sentence gives at most {limit}. "
            "Read the source for the rest."
        )
    return _Suggested(story=story, count=created, notes=notes)


OPPOSITE_STANCES = {Stance.ASSERTS: Stance.DENIES, Stance.DENIES: Stance.ASSERTS, Stance.QUESTIONS: Stance.QUESTIONS}


def _suggest(
    ingestion: Ingestion,
    source: Source,
    story: Story,
    speaker: Actor,
    proposition: Proposition,
    *,
    stance: str,
    kind: str,
    cue: str,
    via_source: Source | None,
) -> int:
    """One suggested statement of a proposition, on the claim that says the same or a new one; 0 if it exists."""
    claim, reason = _claim_for(story, proposition)
    start, end = proposition.span
    if Statement.objects.filter(claim=claim, speaker=speaker, source=source, span_start=start, span_end=end).exists():
        return 0
    statement_record(
        claim=claim,
        speaker=speaker,
        source=source,
        quote=source.text[start:end],
        span=(start, end),
        kind=kind,
        # "We are not shooting" denies "… is shooting": the claim is worded positively.
        stance=OPPOSITE_STANCES[Stance(stance)] if proposition.denies else stance,
        cue=cue,
        via_source=via_source,
        review_status=ReviewStatus.SUGGESTED,
        ingestion=ingestion,
        suggestion_reason=reason[:300],
    )
    return 1


def _claim_for(story: Story, proposition: Proposition) -> tuple[Claim, str]:
    """The claim that already says what the proposition says, in any story, with why; otherwise a new one."""
    wording = " ".join(proposition.text.split())
    existing = Claim.objects.filter(story=story, folded_text=fold(wording)).first()
    if existing is not None:
        return existing, ""
    same = claims_saying_the_same(wording)
    if same:
        return same[0], f"same as: {_shortened(same[0].text)}"
    claim = claim_create(text=wording, story=story, review_status=ReviewStatus.SUGGESTED)
    if proposition.needs_wording:
        Claim.objects.filter(pk=claim.pk).update(needs_wording=True)
    return claim, ""


def _shortened(text: str, length: int = 120) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _group_of(speaker: str) -> str:
    """Whom a speaker's "we" stands for: the group they belong to, as the desk recorded it; else "<speaker>'s group"."""
    actor = actor_lookup(name=speaker).actor
    if actor is not None and actor.affiliation is not None:
        return actor.affiliation.name
    return f"{speaker}’s group"


def _narrator_for(source: Source) -> Actor:
    """The outlet as narrator of its own reporting, as the seed records the BBC; an unnamed reporter without one."""
    if source.outlet is not None:
        return _actor_for(source.outlet.name, "organisation")
    return _actor_for(UNNAMED_REPORTER, "group")


# A pasted story given without its outlet; its own reporting is recorded as this actor's, for the editor to reattribute.
UNNAMED_REPORTER = "Unnamed reporter"


def _story_for(source: Source) -> Story:
    """The story an ingested source's claims join: the one its earlier claims joined, or a new one."""
    earlier = Story.objects.filter(claims__statements__source=source).first()
    if earlier is not None:
        return earlier
    slug = slugify(source.title)[:80] or "story"
    if Story.objects.filter(slug=slug).exists():
        slug = f"{slug}-{source.pk}"
    return story_create(title=source.title[:300], slug=slug)


def _actor_for(name: str, kind: str, *, description: str | None = None) -> Actor:
    """The actor a speaker's name refers to, by alias ("the authorities", "Mr Perez"); a new one if none fits,
    described as the text describes them ("opposition lawmaker"). A known actor's description is the desk's."""
    for form in (name, f"the {name}"):
        lookup = actor_lookup(name=form)
        if lookup.actor is not None:
            return lookup.actor
        if lookup.is_ambiguous:
            return actor_most_quoted(candidates=lookup.candidates, kind=SPEAKER_KINDS.get(kind))
    return actor_create(
        name=name[:200], kind=SPEAKER_KINDS.get(kind, Actor.Kind.PERSON), description=(description or "")[:500]
    )


def _channel_source(source: Source, channel: str | None, speaker: Actor) -> Source | None:
    """The tweet, video or statement a second-hand statement came through, as a source the article relays."""
    if channel not in CHANNEL_SOURCES:
        return None
    kind, noun = CHANNEL_SOURCES[channel]
    relayed = source.relays.filter(kind=kind, author=speaker.name).first()
    if relayed is None:
        relayed, _ = source_record(
            title=f"{speaker.name}'s {noun}, as reported in “{source.title}”"[:500],
            kind=kind,
            author=speaker.name,
            language=source.language,
            published_at=source.published_at,
        )
        source_relay_add(source=source, original=relayed)
    return relayed
