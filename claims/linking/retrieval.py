"""Candidate claims for linking: the claims that share enough words with a new one to be worth judging.

PostgreSQL full-text search over the folded claim text, served by a GIN
index, works on every server Attest runs on. Comparing a new claim with every
stored claim would not scale: retrieval keeps the pairs to judge to a few dozen.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import QuerySet

from claims.linking.embeddings import embedding_store, embeddings_ready, nearest_claims
from claims.models import Claim
from sources.text import fold

DEFAULT_CANDIDATES = 50
# Words that carry no topic: left out of the query so that "the" does not match every claim.
STOPWORDS = frozenset(
    """
    a an the and or but of to in on at for with by from as is are was were be been being has have had do does did
    it its this that these those he she they them his her their we our you your i me my not no nor so than then
    there here which who whom whose what when where why how all any some such can could will would should may might
    must shall also into over under about after before between during against up down out off just very more most
    """.split()
)
WORD = re.compile(r"[\w’'-]+")


def query_words(text: str) -> list[str]:
    """The folded topic words of a claim, as the search query uses them."""
    words = [word.strip("’'-") for word in WORD.findall(fold(text))]
    return list(dict.fromkeys(word for word in words if len(word) > 1 and word not in STOPWORDS))


def candidate_claims(claim: Claim, *, limit: int = DEFAULT_CANDIDATES) -> QuerySet[Claim]:
    """The stored claims most likely related to `claim`: those sharing its words and, where embeddings are
    stored, those nearest in meaning ("the minister resigned" / "the cabinet member stepped down")."""
    by_words = claims_sharing_words(claim, limit=limit)
    if not embeddings_ready():
        return by_words
    embedding_store(claim)
    near = nearest_claims(claim, limit=limit)
    return Claim.objects.filter(pk__in=[*by_words.values_list("pk", flat=True), *near]).order_by("pk")


def claims_sharing_words(claim: Claim, *, limit: int = DEFAULT_CANDIDATES) -> QuerySet[Claim]:
    """The stored claims that share topic words with `claim`, those sharing most first (full-text search)."""
    words = query_words(claim.text)
    if not words:
        return Claim.objects.none()
    # Any shared topic word qualifies a claim; ranking puts those that share most first.
    query = SearchQuery(" | ".join(_quoted(word) for word in words), search_type="raw", config="simple")
    vector = SearchVector("folded_text", config="simple")
    return (
        Claim.objects.annotate(search=vector)
        .filter(search=query)
        .exclude(pk=claim.pk)
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "pk")[:limit]
    )


def _quoted(word: str) -> str:
    # A raw tsquery lexeme in quotes cannot inject operators.
    return "'" + word.replace("'", "") + "'"
