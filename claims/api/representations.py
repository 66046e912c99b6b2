"""A claim as the API shows it, built from rows rather than model instances and nested serializers.

The claim list and a claim's page are what fact-check tools call most, so their representation is put together
here from `.values()` rows: the page's claims, then one query per kind of thing hanging off them (whom they are
about, statements, published verdicts, links, and for the desk the draft verdicts), each reading only the
columns shown. Building model instances and running nested serializers cost several times the SQL itself.
`ClaimSerializer` declares the same representation for the OpenAPI schema; tests hold the two together.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from claims.models import Claim, ReviewStatus, Statement, Verdict
from claims.schema_org import schema_org_rating
from claims.selectors import RatingScale, links_visible
from core.api.fields import url_of

# What a claim's own row gives its representation; the desk's columns are read with read:all only.
CLAIM_COLUMNS = (
    "id",
    "text",
    "story_id",
    "story__slug",
    "story__title",
    "support_level",
    "support_score",
    "support_assessed_at",
    "created_at",
    "updated_at",
)
DESK_COLUMNS = ("support_explanation", "status", "review_status", "assignee__username", "due_on", "version")
RATING_COLUMNS = ("rating__slug", "rating__label", "rating__value")
# A row of `.values()`: column name to value.
Row = Mapping[str, Any]


def claim_rows(queryset: QuerySet[Claim], *, everything: bool) -> QuerySet[Any]:
    """`queryset` as the rows `claims_represent` reads (dictionaries, ordered and paged like the claims)."""
    return queryset.values(*CLAIM_COLUMNS, *(DESK_COLUMNS if everything else ()))


def moment(value: datetime | None) -> str | None:
    """A date-time as DRF's DateTimeField writes it: ISO 8601 in the current time zone, UTC as "Z"."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _rating(row: Row, scale: RatingScale) -> dict[str, Any] | None:
    if row["rating__slug"] is None:
        return None
    label, value = row["rating__label"], row["rating__value"]
    return {
        "slug": row["rating__slug"],
        "label": label,
        "value": value,
        "schema_org": schema_org_rating(label=label, value=value, scale=scale),
    }


def _by_claim(rows: Iterable[Row], key: str = "claim_id") -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def claims_represent(
    rows: Sequence[Row], *, everything: bool, scale: RatingScale, context: dict[str, Any]
) -> list[dict[str, Any]]:
    """The representations of the claims in `rows` (from `claim_rows`), in their order.

    `everything` says whether the request reads all (then statements waiting for review, every link and the
    desk's state are shown); `context` is the serializer context, for absolute addresses.
    """
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    about = _by_claim(
        Claim.about.through.objects.filter(claim_id__in=ids)
        .order_by("actor__name", "actor_id")
        .values("claim_id", "actor_id", "actor__name")
    )
    statements = Statement.objects.filter(claim_id__in=ids)
    if not everything:
        # The claims shown are published, so their accepted statements are what readers may see.
        statements = statements.filter(review_status=ReviewStatus.ACCEPTED)
    said = _by_claim(
        statements.order_by("source_id", "span_start", "pk").values(
            "id",
            "claim_id",
            "speaker_id",
            "speaker__name",
            "source_id",
            "source__title",
            "source__url",
            "source__published_at",
            "quote",
            "span_start",
            "span_end",
            "stance",
            "kind",
            "cue",
            "said_on",
            "via_source_id",
        )
    )
    verdict_columns = ("claim_id", *RATING_COLUMNS, "conclusion", "published_at", "corrects_id")
    # Verdicts are ordered by their claim's ordering by default, which joins the claims: keyed by claim, they
    # need no order.
    published = {
        row["claim_id"]: row
        for row in Verdict.objects.filter(claim_id__in=ids, status=Verdict.Status.PUBLISHED)
        .order_by()
        .values(*verdict_columns)
    }
    # The claims shown are ones the request may see, so a link is shown when its other end may be seen too:
    # for readers, a confirmed link between published claims.
    links: dict[int, list[tuple[Row, str]]] = defaultdict(list)
    wanted = set(ids)
    for drawn in (
        links_visible(everything=everything)
        .filter(Q(from_claim_id__in=ids) | Q(to_claim_id__in=ids))
        .order_by("pk")
        .values(
            "id", "relation", "status", "score", "from_claim_id", "from_claim__text", "to_claim_id", "to_claim__text"
        )
    ):
        if drawn["from_claim_id"] in wanted:
            links[drawn["from_claim_id"]].append((drawn, "outgoing"))
        if drawn["to_claim_id"] in wanted:
            links[drawn["to_claim_id"]].append((drawn, "incoming"))
    drafts: dict[int, Row] = {}
    if everything:
        drafts = {
            row["claim_id"]: row
            for row in Verdict.objects.filter(claim_id__in=ids, status=Verdict.Status.DRAFT)
            .order_by()
            .values("claim_id", *RATING_COLUMNS, "conclusion", "round")
        }

    def url(view_name: str, pk: int) -> str:
        return url_of(context, view_name, pk)

    def actor(pk: int, name: str) -> dict[str, Any]:
        return {"id": pk, "url": url("api:actor-detail", pk), "name": name}

    def statement(row: Row) -> dict[str, Any]:
        return {
            "id": row["id"],
            "url": url("api:statement-detail", row["id"]),
            "speaker": actor(row["speaker_id"], row["speaker__name"]),
            "source": {
                "id": row["source_id"],
                "url": url("api:source-detail", row["source_id"]),
                "title": row["source__title"],
                "address": row["source__url"],
                "published_at": moment(row["source__published_at"]),
            },
            "quote": row["quote"],
            "span": None if row["span_start"] is None else {"start": row["span_start"], "end": row["span_end"]},
            "stance": row["stance"],
            "kind": row["kind"],
            "cue": row["cue"],
            "said_on": day(row["said_on"]),
            "via_source": row["via_source_id"],
        }

    def link(row: Row, direction: str) -> dict[str, Any]:
        other = "to_claim" if direction == "outgoing" else "from_claim"
        other_id = row[f"{other}_id"]
        return {
            "id": row["id"],
            "url": url("api:link-detail", row["id"]),
            "relation": row["relation"],
            "status": row["status"],
            "direction": direction,
            "claim": {"id": other_id, "url": url("api:claim-detail", other_id), "text": row[f"{other}__text"]},
            "score": row["score"],
        }

    def verdict(row: Row | None) -> dict[str, Any] | None:
        if row is None:
            return None
        return {
            "rating": _rating(row, scale),
            "conclusion": row["conclusion"],
            "published_at": moment(row["published_at"]),
            "is_correction": row["corrects_id"] is not None,
        }

    def desk(row: Row) -> dict[str, Any] | None:
        if not everything:
            return None
        draft = drafts.get(row["id"])
        return {
            "status": row["status"],
            "review_status": row["review_status"],
            "assignee": row["assignee__username"],
            "due_on": day(row["due_on"]),
            "version": row["version"],
            "draft_verdict": None
            if draft is None
            else {"rating": _rating(draft, scale), "conclusion": draft["conclusion"], "round": draft["round"]},
        }

    represented = []
    for row in rows:
        pk = row["id"]
        story_id = row["story_id"]
        represented.append(
            {
                "id": pk,
                "url": url("api:claim-detail", pk),
                "text": row["text"],
                "story": None
                if story_id is None
                else {"id": story_id, "slug": row["story__slug"], "title": row["story__title"]},
                "about": [actor(found["actor_id"], found["actor__name"]) for found in about.get(pk, ())],
                "statements": [statement(found) for found in said.get(pk, ())],
                "support": {
                    "level": row["support_level"],
                    "score": row["support_score"],
                    # It names everything it weighed, published or not, so only the desk reads it.
                    "explanation": row["support_explanation"] if everything else None,
                    "assessed_at": moment(row["support_assessed_at"]),
                },
                "verdict": verdict(published.get(pk)),
                "links": [link(found, direction) for found, direction in links.get(pk, ())],
                "claimreview_url": url("api:claim-claimreview", pk) if pk in published else None,
                "created_at": moment(row["created_at"]),
                "updated_at": moment(row["updated_at"]),
                "desk": desk(row),
            }
        )
    return represented
