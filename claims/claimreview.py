"""schema.org ClaimReview: the markup of a published claim, and other fact-checkers' reviews read into Attest.

`claim_review` writes the JSON-LD that the claim's public page embeds.
`claimreviews_import` reads ClaimReview JSON-LD (an object, a list, an
`@graph`, or the `<script type="application/ld+json">` blocks of an HTML page)
into claims, sources, actors and verdicts marked as imported: published with a
claim new to this deployment, received beside a claim it already has in the
same words. A review is known by its page's URL, so importing a document twice
changes nothing, and importing a changed review updates what it imported
before; this deployment's own reviews (its claim pages) are skipped.
"""

import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import pghistory
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from claims.models import Claim, Rating, ReviewStatus, Stance, Statement, Verdict
from claims.review.services import ImportedVerdict, verdict_import_publish, verdict_import_receive
from claims.schema_org import schema_org_rating
from claims.selectors import RatingScale, actor_most_quoted, rating_scale
from claims.services import claim_create, statement_record
from core.dates import day_moment
from core.text import fold
from sources.models import Actor, Source
from sources.selectors import actor_lookup
from sources.services import actor_create, outlet_for_domain, source_record, source_update

logger = logging.getLogger(__name__)

SCHEMA = "https://schema.org"
_WIKIDATA = re.compile(r"wikidata\.org/(?:wiki|entity)/(Q[1-9][0-9]*)", re.I)
_LD_JSON = re.compile(r"<script\b[^>]*type\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script\s*>", re.I | re.S)
# Other fact-checkers' words for the steps of this deployment's default scale (its slugs), when their
# alternateName is not one of the deployment's own labels. Set by hand from the scales fact-checkers publish.
RATING_SYNONYMS = {
    "true": ("correct", "accurate", "verified", "real", "fact", "correct attribution"),
    "mostly-true": ("mostly correct", "mostly accurate", "largely true", "largely accurate"),
    "mixed": (
        "half true",
        "half-true",
        "mixture",
        "partly true",
        "partly false",
        "partially true",
        "partially false",
        "misleading",
        "missing context",
        "needs context",
        "mixed",
        "exaggerated",
        "out of context",
        "decontextualized",
        "decontextualised",
    ),
    "mostly-false": ("mostly incorrect", "mostly inaccurate", "largely false", "barely true", "mostly fake"),
    "false": (
        "incorrect",
        "inaccurate",
        "wrong",
        "fake",
        "pants on fire",
        "pants on fire!",
        "hoax",
        "fabricated",
        "scam",
        "altered",
        "altered photo",
        "manipulated",
        "doctored",
        "satire",
        "miscaptioned",
        "false context",
        "not true",
        "misattributed",
        "originated as satire",
    ),
    "unproven": (
        "unproven",
        "unverified",
        "unsupported",
        "no evidence",
        "unsubstantiated",
        "research in progress",
        "unknown",
        "legend",
    ),
}


# ---------------------------------------------------------------------------------------------- out


def claim_url(claim: Claim) -> str:
    """The claim's public page, absolute: the `url` of its ClaimReview."""
    return settings.ATTEST_SITE_URL.rstrip("/") + reverse("claims:public-claim", args=[claim.pk])


def _published_verdicts() -> QuerySet[Verdict]:
    return Verdict.objects.filter(status=Verdict.Status.PUBLISHED).select_related("rating", "imported_from__outlet")


def _asserting_statements() -> QuerySet[Statement]:
    # A statement the desk has not accepted (a job's suggestion) is not yet the desk's word on who said it.
    return (
        Statement.objects.filter(stance=Stance.ASSERTS, review_status=ReviewStatus.ACCEPTED)
        .select_related("speaker", "source__outlet")
        .order_by("said_on", "source__published_at", "created_at", "pk")
    )


def claim_reviews(claims: Sequence[Claim]) -> list[dict[str, Any]]:
    """The ClaimReviews of published claims, in order, in a fixed number of queries however many there are."""
    prefetch_related_objects(
        list(claims),
        Prefetch("verdicts", queryset=_published_verdicts(), to_attr="published_verdicts"),
        Prefetch("statements", queryset=_asserting_statements(), to_attr="asserting_statements"),
    )
    scale = rating_scale()
    return [claim_review(claim, scale=scale) for claim in claims]


def claim_review(claim: Claim, *, scale: RatingScale | None = None) -> dict[str, Any]:
    """The ClaimReview JSON-LD of a published claim; ValueError for a claim with no published verdict.

    Reads the claim's published verdict and asserting statements from `claim_reviews`' prefetch where it ran.
    """
    verdicts = getattr(claim, "published_verdicts", None)
    verdict = verdicts[0] if verdicts else _published_verdicts().filter(claim=claim).first()
    if verdict is None:
        raise ValueError(f"Claim #{claim.pk} has no published verdict, so it has no ClaimReview.")
    rating = verdict.rating
    assert rating is not None  # the database requires a published verdict's rating
    review: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "ClaimReview",
        "url": claim_url(claim),
        "claimReviewed": claim.text,
        "datePublished": timezone.localdate(verdict.published_at).isoformat() if verdict.published_at else None,
        "reviewRating": schema_org_rating(label=rating.label, value=rating.value, scale=scale or rating_scale()),
        "reviewBody": verdict.conclusion,
        "author": _organisation(),
        "itemReviewed": _item_reviewed(claim),
    }
    if verdict.imported_from_id is not None:
        # Not this desk's verdict: the review is the other fact-checker's, and says where it comes from.
        source = verdict.imported_from
        assert source is not None
        review["author"] = _publisher(source) or review["author"]
        review["isBasedOn"] = source.url
        if verdict.imported_rating:
            # The rating is the author's, so it carries their words; the values place it on this site's scale.
            review["reviewRating"]["alternateName"] = verdict.imported_rating
            review["reviewRating"]["ratingExplanation"] = f"“{rating.label}” on this site's scale of ratings."
    return {key: value for key, value in review.items() if value not in (None, "", [], {})}


def _organisation() -> dict[str, Any]:
    return {
        "@type": "Organization",
        "name": settings.ATTEST_ORGANISATION_NAME,
        "url": settings.ATTEST_ORGANISATION_URL or settings.ATTEST_SITE_URL,
    }


def _publisher(source: Source) -> dict[str, Any] | None:
    if source.outlet is None:
        return None
    outlet = source.outlet
    out: dict[str, Any] = {"@type": "Organization", "name": outlet.name}
    if outlet.home_domain:
        out["url"] = f"https://{outlet.home_domain}/"
    return out


def _item_reviewed(claim: Claim) -> dict[str, Any]:
    statements = getattr(claim, "asserting_statements", None)
    if statements is None:
        statements = list(_asserting_statements().filter(claim=claim))
    item: dict[str, Any] = {"@type": "Claim"}
    if statements:
        item["author"] = _actor(statements[0].speaker)
        said_on = statements[0].said_on
        if said_on:
            item["datePublished"] = said_on.isoformat()
    appearances = [_creative_work(source) for source in dict.fromkeys(statement.source for statement in statements)]
    appearances = [work for work in appearances if work]
    if appearances:
        item["appearance"] = appearances
        item["firstAppearance"] = appearances[0]
    return item


def _actor(actor: Actor) -> dict[str, Any]:
    kind = "Person" if actor.kind == Actor.Kind.PERSON else "Organization"
    out: dict[str, Any] = {"@type": kind, "name": actor.name}
    if actor.wikidata_id:
        out["sameAs"] = f"https://www.wikidata.org/wiki/{actor.wikidata_id}"
    return out


def _creative_work(source: Source) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": source.title}
    if source.url:
        work["url"] = source.url
    if source.published_at:
        work["datePublished"] = timezone.localdate(source.published_at).isoformat()
    publisher = _publisher(source)
    if publisher:
        work["publisher"] = publisher
    return work


# ---------------------------------------------------------------------------------------------- in


class Outcome(StrEnum):
    """What the import did with one review."""

    CREATED = "created"  # a new claim, published with the review's verdict
    UPDATED = "updated"  # what an earlier import of the review stored, brought up to date
    UNCHANGED = "unchanged"  # imported before, as it is
    JOINED = "joined"  # a claim in the same words was already here: the verdict is received beside it
    SKIPPED = "skipped"  # this deployment's own review of its claim: nothing to import


@dataclass(frozen=True)
class ImportedReview:
    """One review the import read: its address, what became of it, and the claim it concerns (none for this
    deployment's own review of a claim that is no longer there)."""

    url: str
    outcome: Outcome
    claim: Claim | None


@dataclass
class ClaimReviewImport:
    """What an import did: how many reviews had each outcome, each review read in the document's order, and
    why any review was left out."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    joined: int = 0
    skipped: int = 0
    reviews: list[ImportedReview] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def claims(self) -> list[Claim]:
        """The claims the reviews read concern, in order."""
        return [review.claim for review in self.reviews if review.claim is not None]


@dataclass(frozen=True)
class _Review:
    url: str
    claim_text: str
    date_published: date | None
    rating: Rating
    rating_name: str
    conclusion: str
    headline: str
    reviewer: str
    author: dict[str, Any] | None
    claim_date: date | None
    appearances: tuple[dict[str, Any], ...]


def claimreviews_import(*, document: object, by: User | None) -> ClaimReviewImport:
    """Read other fact-checkers' ClaimReviews into imported verdicts; safe to repeat.

    A review of a claim already recorded in the same words is received beside that claim, which it neither
    publishes nor duplicates; only a claim new to this deployment is published with the review's verdict.
    This deployment's own reviews (of its public claim pages) are skipped. Raises ValidationError when the
    document holds no ClaimReview; a bad review among good ones is reported in `errors` and the others are
    imported.
    """
    reviews = _reviews_in(document)
    result = ClaimReviewImport()
    for number, node in enumerate(reviews, start=1):
        where = node.get("url") if isinstance(node.get("url"), str) else f"review {number}"
        own = _own_page(node)
        try:
            if own is not None:
                outcome, claim = Outcome.SKIPPED, Claim.objects.filter(pk=own[1]).first()
                where = own[0]
            else:
                review = _parse(node)
                where = review.url
                with transaction.atomic():
                    outcome, claim = _import_one(review, by)
        except ValidationError as error:
            if len(reviews) == 1:
                raise  # the one review the document holds: refused, field by field
            result.errors.append(f"{where}: {'; '.join(_messages(error))}")
            continue
        setattr(result, outcome.value, getattr(result, outcome.value) + 1)
        result.reviews.append(ImportedReview(url=where, outcome=outcome, claim=claim))
    return result


def _own_page(node: dict[str, Any]) -> tuple[str, int] | None:
    """The address and claim of this deployment's public claim page that the review's `url` or `@id` is: the
    review is this deployment's own, as its feed and pages publish it."""
    site = urlsplit(settings.ATTEST_SITE_URL)
    prefix = site.path.rstrip("/")
    for key in ("url", "@id"):
        address = _text(node.get(key))
        try:
            found = urlsplit(address)
            # The same site over http or https; its port, if it names one.
            if not found.hostname or (found.hostname, found.port) != (site.hostname, site.port):
                continue
        except ValueError:
            continue
        if not found.path.startswith(f"{prefix}/"):
            continue
        try:
            match = resolve(found.path.removeprefix(prefix))
        except Resolver404:
            continue
        if match.view_name == "claims:public-claim":
            return address, int(match.kwargs["pk"])
    return None


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{name}: {message}" for name, messages in error.message_dict.items() for message in messages]
    return list(error.messages)


def _reviews_in(document: object) -> list[dict[str, Any]]:
    if isinstance(document, bytes):
        document = document.decode("utf-8", errors="replace")
    if isinstance(document, str):
        document = _parse_text(document)
    nodes = list(_nodes(document))
    reviews = [node for node in nodes if _is_type(node, "ClaimReview")]
    if not reviews:
        raise ValidationError({"@type": "The document holds no ClaimReview (schema.org) object."})
    return reviews


def _parse_text(text: str) -> object:
    stripped = text.strip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(stripped)
        except json.JSONDecodeError as error:
            raise ValidationError({"document": f"Not valid JSON: {error}."}) from error
    blocks = _LD_JSON.findall(text)
    if not blocks:
        raise ValidationError({"document": "Neither JSON-LD nor an HTML page with application/ld+json markup."})
    parsed = []
    for block in blocks:
        try:
            parsed.append(json.loads(block.strip().removeprefix("<!--").removesuffix("-->")))
        except json.JSONDecodeError:
            logger.info("Skipped a JSON-LD block that is not valid JSON.")
    return parsed


def _nodes(value: object) -> Any:
    """Every top-level object of a JSON-LD document: lists and @graph are flattened."""
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item)
    elif isinstance(value, dict):
        if "@graph" in value:
            yield from _nodes(value["@graph"])
        if "@type" in value:
            yield value


def _is_type(node: dict[str, Any], name: str) -> bool:
    types = node.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(kind, str) and kind.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == name for kind in types)


def _text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or ""
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _date(value: object) -> date | None:
    text = _text(value)
    if not text:
        return None
    try:
        moment = parse_datetime(text)
        if moment is not None:
            return moment.date()
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        # Some sites write "2021-7-16".
        found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if found:
            try:
                parsed = date(*(int(part) for part in found.groups()))
            except ValueError:
                return None
    return parsed


def _url(value: object) -> str:
    text = _text(value.get("url") or value.get("@id") or "") if isinstance(value, dict) else _text(value)
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        return ""
    return text


def _parse(node: dict[str, Any]) -> _Review:
    errors: dict[str, str] = {}
    url = _url(node.get("url"))
    if not url:
        errors["url"] = "A ClaimReview needs the http(s) url of its review page, by which it is imported once."
    claim_text = _text(node.get("claimReviewed")).strip('"“” ')
    if not claim_text:
        errors["claimReviewed"] = "A ClaimReview needs the claim it reviews."
    rating_node = node.get("reviewRating")
    rating_node = rating_node[0] if isinstance(rating_node, list) and rating_node else rating_node
    rating, rating_name = (None, "")
    if not isinstance(rating_node, dict):
        errors["reviewRating"] = "A ClaimReview needs a reviewRating (a schema.org Rating)."
    else:
        rating_name = _text(rating_node.get("alternateName")) or _text(rating_node.get("name"))
        rating = rating_map(
            name=rating_name,
            value=rating_node.get("ratingValue"),
            best=rating_node.get("bestRating"),
            worst=rating_node.get("worstRating"),
        )
        if rating is None:
            errors["reviewRating"] = (
                f"The rating “{rating_name or rating_node.get('ratingValue')}” matches no rating of this deployment's "
                "scale, by name or by value."
            )
    if errors:
        raise ValidationError(errors)
    assert rating is not None
    item = node.get("itemReviewed")
    item = item if isinstance(item, dict) else {}
    author = item.get("author")
    author = author[0] if isinstance(author, list) and author else author
    appearances: list[dict[str, Any]] = []
    for key in ("firstAppearance", "appearance"):
        found = item.get(key)
        for work in found if isinstance(found, list) else [found]:
            work_url = _url(work)
            if work_url and work_url != url and work_url not in [appearance["url"] for appearance in appearances]:
                appearances.append(
                    {
                        "url": work_url,
                        "headline": _text(work.get("headline") or work.get("name")) if isinstance(work, dict) else "",
                        "date": _date(work.get("datePublished")) if isinstance(work, dict) else None,
                        "publisher": _text(work.get("publisher")) if isinstance(work, dict) else "",
                    }
                )
    reviewer = _text(node.get("author")) or _text(node.get("publisher"))
    headline = _text(node.get("headline")) or _text(node.get("name"))
    conclusion = _text(node.get("reviewBody")) or _text(node.get("description")) or headline
    if not conclusion:
        conclusion = f"Rated “{rating_name or rating.label}” by {reviewer or urlsplit(url).hostname}."
    return _Review(
        url=url,
        claim_text=claim_text,
        date_published=_date(node.get("datePublished")),
        rating=rating,
        rating_name=rating_name,
        conclusion=conclusion,
        headline=headline,
        reviewer=reviewer,
        author=author if isinstance(author, dict) and _text(author.get("name")) else None,
        claim_date=_date(item.get("datePublished")),
        appearances=tuple(appearances),
    )


def rating_map(*, name: str, value: object = None, best: object = None, worst: object = None) -> Rating | None:
    """The deployment's rating for another fact-checker's: by name (its labels, slugs, then common synonyms),
    else by value, placed between their worst and best on this scale's values."""
    active = list(Rating.objects.filter(active=True))
    folded = fold(name).strip(" .!")
    if folded:
        for rating in active:
            if folded in (fold(rating.label), rating.slug, rating.slug.replace("-", " ")):
                return rating
        by_slug = {rating.slug: rating for rating in active}
        for slug, synonyms in RATING_SYNONYMS.items():
            if folded in synonyms and slug in by_slug:
                return by_slug[slug]
    numbers = [_number(value), _number(best), _number(worst)]
    scale = [rating for rating in active if rating.value is not None]
    if None in numbers or not scale:
        return None
    given, top, bottom = numbers
    assert given is not None
    assert top is not None
    assert bottom is not None
    if top == bottom or not min(top, bottom) <= given <= max(top, bottom):
        return None
    share = (given - bottom) / (top - bottom)  # 0 at their worst, 1 at their best, whichever way they count
    low, high = min(r.value for r in scale if r.value), max(r.value for r in scale if r.value)
    target = low + share * (high - low)
    return min(scale, key=lambda rating: (abs((rating.value or 0) - target), -(rating.value or 0)))


def _number(value: object) -> float | None:
    try:
        return float(_text(value))
    except ValueError:
        return None


def _moment(day: date | None) -> datetime | None:
    return day_moment(day) if day else None


def _import_one(review: _Review, by: User | None) -> tuple[Outcome, Claim]:
    with pghistory.context(claimreview_import=review.url, **({"user": by.pk} if by else {})):
        page, _ = source_record(
            title=review.headline or f"Review of “{review.claim_text[:200]}”",
            url=review.url,
            outlet=_outlet(review.url, review.reviewer),
            published_at=_moment(review.date_published),
            created_by=by,
        )
        existing = Verdict.objects.select_related("claim", "rating").filter(imported_from=page).first()
        changed = False
        if existing is None:
            twin = _twin(review.claim_text)
            received = twin is not None
            claim = twin or claim_create(text=review.claim_text, created_by=by)
        else:
            received = existing.status == Verdict.Status.RECEIVED
            claim = existing.claim
            if not received and claim.text != review.claim_text:
                # The claim exists only through this review, so it follows the review's wording.
                _reword(claim, review.claim_text)
                changed = True
        if review.headline and page.title != review.headline:
            source_update(source=page, title=review.headline)
            changed = True
        changed |= _statements_record(claim, review, page, by, received=received)
        imported = ImportedVerdict(
            rating=review.rating,
            rating_name=review.rating_name,
            conclusion=review.conclusion,
            published_at=_moment(review.date_published),
        )
        verdict_import = verdict_import_receive if received else verdict_import_publish
        _, verdict_changed = verdict_import(claim=claim, source=page, imported=imported, by=by)
    claim = Claim.objects.get(pk=claim.pk)  # as the services left it
    if existing is None:
        return (Outcome.JOINED if received else Outcome.CREATED), claim
    return (Outcome.UPDATED if changed or verdict_changed else Outcome.UNCHANGED), claim


def _reword(claim: Claim, text: str) -> None:
    claim.text = text
    try:
        claim.full_clean()
    except ValidationError as error:
        # Not the other claim's number: the caller may not be allowed to read it.
        raise ValidationError(
            {"claimReviewed": "The review's new wording is that of another claim; the review was not updated."}
        ) from error
    Claim.objects.filter(pk=claim.pk).update(
        text=claim.text, folded_text=claim.folded_text, version=claim.version + 1, updated_at=timezone.now()
    )


def _outlet(url: str, name: str) -> Any:
    host = urlsplit(url).hostname or ""
    return outlet_for_domain(domain=host, name=name) if host and "." in host else None


def _twin(text: str) -> Claim | None:
    """The claim already recorded in the review's words, in any story or none: the same folded text (as a story
    holds a claim once), with or without the closing full stop fact-checkers add or drop. A published one
    first, then the oldest."""
    words = fold(text).rstrip(" .")
    return (
        Claim.objects.filter(folded_text__in=[words, f"{words}."])
        .alias(published=Exists(Verdict.objects.filter(claim=OuterRef("pk"), status=Verdict.Status.PUBLISHED)))
        .order_by("-published", "pk")
        .first()
    )


def _statements_record(claim: Claim, review: _Review, page: Source, by: User | None, *, received: bool) -> bool:
    """Who made the claim, where: the author asserting it in its first appearance (else in the review page),
    in the reviewer's words; the other appearances are recorded as sources. Returns whether anything was added.

    On a claim the review was `received` beside, the statements are suggestions for the desk to accept: what
    readers see of the desk's claim is the desk's."""
    added = False
    sources = []
    for appearance in review.appearances:
        source, created = source_record(
            title=appearance["headline"] or appearance["url"],
            url=appearance["url"],
            kind=Source.Kind.SOCIAL_POST if _is_social(appearance["url"]) else Source.Kind.NEWS_ARTICLE,
            outlet=_outlet(appearance["url"], appearance["publisher"]),
            published_at=_moment(appearance["date"]),
            created_by=by,
        )
        added |= created
        sources.append(source)
    if review.author is None:
        return added
    speaker = _actor_for(review.author)
    # The first appearance, or else the review page reporting the claim, carries the claim's date.
    for number, source in enumerate(sources or [page]):
        if not Statement.objects.filter(claim=claim, speaker=speaker, source=source).exists():
            statement_record(
                claim=claim,
                speaker=speaker,
                source=source,
                quote=review.claim_text,
                stance=Stance.ASSERTS,
                said_on=review.claim_date if number == 0 else None,
                created_by=by,
                review_status=ReviewStatus.SUGGESTED if received else ReviewStatus.ACCEPTED,
            )
            added = True
    return added


def _is_social(url: str) -> bool:
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host in {"twitter.com", "x.com", "facebook.com", "instagram.com", "tiktok.com", "youtube.com", "t.me"}


def _actor_for(author: dict[str, Any]) -> Actor:
    name = _text(author.get("name"))
    same_as = author.get("sameAs")
    links = same_as if isinstance(same_as, list) else [same_as]
    wikidata = next((found[1].upper() for link in links if (found := _WIKIDATA.search(str(link or "")))), None)
    if wikidata:
        known = Actor.objects.filter(wikidata_id=wikidata).first()
        if known is not None:
            return known
    kind = Actor.Kind.PERSON if _is_type(author, "Person") or "@type" not in author else Actor.Kind.ORGANISATION
    lookup = actor_lookup(name=name)
    if lookup.actor is not None:
        return lookup.actor
    if lookup.is_ambiguous:
        return actor_most_quoted(candidates=lookup.candidates, kind=kind)  # as ingestion resolves a speaker
    return actor_create(name=name, kind=kind, wikidata_id=wikidata)
