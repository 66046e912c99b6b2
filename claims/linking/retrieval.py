"""Candidate claims for linking: the claims that share enough words with a new one to be worth judging.

PostgreSQL full-text search over the claims' stored search vectors (the folded
text as lexemes), served by a GIN index, works on every server Attest runs on.
Comparing a new claim with every stored claim would not scale, and most claims
share a common word ("police", "percent", "killed") with thousands of others,
so the query asks only for the claim's rare words, picked by the word
frequencies that ANALYZE keeps for the column, and ranks the claims it finds by
the rarity of every word they share. It ranks the claims that share one of
those few rare words, not every claim that shares any word; retrieval keeps
the pairs to judge to a few dozen.
"""

import math
import threading
import time
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import Case, Count, ExpressionWrapper, F, FloatField, Func, Min, QuerySet, TextField, Value, When

from claims.linking.embeddings import embedding_store, embeddings_ready, nearest_claims
from claims.models import Claim, Statement

DEFAULT_CANDIDATES = 50
# Words that carry no topic: never asked for, so that "the" does not match every claim.
STOPWORDS = frozenset(
    """
    a an the and or but of to in on at for with by from as is are was were be been being has have had do does did
    it its this that these those he she they them his her their we our you your i me my not no nor so than then
    there here which who whom whose what when where why how all any some such can could will would should may might
    must shall also into over under about after before between during against up down out off just very more most
    """.split()
)
# The query asks for at most this many of the claim's words, the rarest first ...
QUERY_WORDS = 6
# ... always the rarest two, however common (a claim in common words only still finds its kin) ...
ALWAYS_ASKED = 2
# ... and past them only words that fewer than this many claims have: related claims share a claim's rare words
# (names, places, numbers), and each common word would add thousands of rows to rank.
RARE_WORD_CLAIMS = 200
# How long a process trusts the word statistics it read; ANALYZE refreshes them after a few thousand writes.
STATISTICS_TTL_SECONDS = 300.0


def candidate_claims(claim: Claim, *, limit: int = DEFAULT_CANDIDATES) -> QuerySet[Claim]:
    """The stored claims most likely related to `claim`: those sharing its rarest words and, where embeddings
    are stored, those nearest in meaning ("the minister resigned" / "the cabinet member stepped down")."""
    by_words = claims_sharing_words(claim, limit=limit)
    if not embeddings_ready():
        return by_words
    embedding_store(claim)
    near = nearest_claims(claim, limit=limit)
    return Claim.objects.filter(pk__in=[*by_words.values_list("pk", flat=True), *near]).order_by("pk")


def claims_sharing_words(claim: Claim, *, limit: int = DEFAULT_CANDIDATES) -> QuerySet[Claim]:
    """The stored claims that share `claim`'s rare words, those sharing the most and rarest words first."""
    words = claim_words(claim)
    if not words:
        return Claim.objects.none()
    statistics = _word_statistics()
    having = {word: statistics.claims_having(word) for word in words}
    by_rarity = sorted(words, key=lambda word: (having[word], -len(word), word))[:QUERY_WORDS]
    asked = [word for i, word in enumerate(by_rarity) if i < ALWAYS_ASKED or having[word] <= RARE_WORD_CLAIMS]
    # Each shared word adds its rarity, a smoothed inverse document frequency as in tf-idf, so that two claims
    # sharing a name and a place outrank two sharing "police" and "killed"; with no statistics yet, every word
    # counts 1.
    score = sum(
        (
            Case(
                When(search_vector=_lexeme_query(word), then=Value(statistics.rarity(having[word]))),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for word in words
        ),
        start=Value(0.0, output_field=FloatField()),
    )
    return (
        Claim.objects.filter(
            search_vector=SearchQuery(" | ".join(map(_quoted, asked)), search_type="raw", config="simple")
        )
        .exclude(pk=claim.pk)
        .annotate(shared_rarity=ExpressionWrapper(score, output_field=FloatField()))
        .order_by("-shared_rarity", "pk")[:limit]
    )


def claim_voices(claim_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Of these claims, each one whose every statement is by one speaker in one source, with that speaker and
    source (their ids); claims with statements by several, or with none, are left out."""
    rows = (
        Statement.objects.filter(claim_id__in=claim_ids)
        .values("claim_id")
        .annotate(
            speakers=Count("speaker_id", distinct=True),
            sources=Count("source_id", distinct=True),
            speaker=Min("speaker_id"),
            source=Min("source_id"),
        )
    )
    return {row["claim_id"]: (row["speaker"], row["source"]) for row in rows if row["speakers"] == row["sources"] == 1}


def claim_words(claim: Claim) -> list[str]:
    """The claim's topic words, as its stored search vector holds them (folded, each once), stopwords left out."""
    lexemes = (
        Claim.objects.filter(pk=claim.pk)
        .annotate(lexemes=Func(F("search_vector"), function="tsvector_to_array", output_field=ArrayField(TextField())))
        .values_list("lexemes", flat=True)
        .first()
    )
    return [word for word in lexemes or () if len(word) > 1 and word not in STOPWORDS]


@dataclass(frozen=True)
class _WordStatistics:
    claims: float
    """Claims in the table, as ANALYZE last counted them; 0 before it has run."""
    shares: dict[str, float]
    """The most common words, each with the share of claims that have it."""
    floor: float
    """The share of any word not listed: at most the least listed one's."""
    read_at: float

    def claims_having(self, word: str) -> float:
        return self.claims * self.shares.get(word, self.floor)

    def rarity(self, claims_having: float) -> float:
        return math.log((1 + self.claims) / (1 + claims_having)) + 1


_statistics: _WordStatistics | None = None
_statistics_lock = threading.Lock()


def _word_statistics() -> _WordStatistics:
    """The column's word frequencies from pg_stats, read at most once per STATISTICS_TTL_SECONDS per process."""
    global _statistics
    with _statistics_lock:
        cached = _statistics
        if cached is not None and time.monotonic() - cached.read_at < STATISTICS_TTL_SECONDS:
            return cached
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT greatest(c.reltuples, 0), s.most_common_elems::text::text[], s.most_common_elem_freqs
                FROM pg_class c LEFT JOIN pg_stats s
                  ON s.schemaname = current_schema() AND s.tablename = c.relname AND s.attname = 'search_vector'
                WHERE c.oid = %s::regclass
                """,
                [Claim._meta.db_table],
            )
            claims, words, shares = cursor.fetchone()
        words, shares = words or [], shares or []
        # For a tsvector the frequencies end with the least and the greatest of them.
        listed = dict(zip(words, shares[: len(words)], strict=True))
        floor = min(shares[len(words) :]) if listed else 0.0
        _statistics = _WordStatistics(float(claims) if listed else 0.0, listed, floor, time.monotonic())
        return _statistics


def _lexeme_query(word: str) -> SearchQuery:
    return SearchQuery(_quoted(word), search_type="raw", config="simple")


def _quoted(word: str) -> str:
    # A raw tsquery lexeme in quotes cannot inject operators; a quote inside is doubled, as tsquery reads it.
    return "'" + word.replace("\\", "").replace("'", "''") + "'"
