"""The schema.org shapes that both a claim's ClaimReview and the API write, so the two never disagree."""

from typing import Any

from claims.selectors import RatingScale


def schema_org_rating(*, label: str, value: int | None, scale: RatingScale) -> dict[str, Any]:
    """A rating as schema.org's Rating, as in ClaimReview's reviewRating.

    A rating off the scale ("unproven") has no value, nor ends to place it between: its name says it all, and no
    number pretends to.
    """
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": label}
    if value is not None and scale.best is not None:
        rating.update(ratingValue=value, bestRating=scale.best, worstRating=scale.worst)
    return rating
