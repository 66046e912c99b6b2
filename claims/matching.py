"""Has this been checked? The published claims that say what a tweet or a sentence says, best first.

Two retrievals, each cheap enough for a read of the API, and one fusion:

1. **By words**: PostgreSQL full-text search over the claims' folded text (the
   stored English tsvector `match_vector`, migration 0009), ranked in SQL by
   BM25 over the words the text shares with each claim. The word weights
   (inverse document frequencies over the published claims) come from
   `ts_stat` and are kept per process until a verdict is published or ten
   minutes pass.
2. **By meaning**, where embeddings are on and stored (claims.linking.embeddings,
   the store linking keeps): the published claims nearest the text in pgvector.
   Only the text is embedded per request; the claims' embeddings are stored.
3. **Reciprocal-rank fusion** of the two rankings (Cormack, Clarke and Büttcher,
   SIGIR 2009): a claim's score is the sum of 1 / (60 + its rank) over the
   rankings that found it. It uses ranks, not scores, so BM25's unbounded
   scores and cosine similarities need no common scale, and it has no weight
   to fit. Without embeddings the order is BM25's.

Nothing here was fitted to data: the constants are the published defaults of
BM25 and of the fusion, checked on a public benchmark (bench/matching.py).
Tweets are normalised first: links, embedded-tweet signatures, @handles,
#hashtags and emoji.
"""

import html
import math
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Prefetch

from claims.linking.embeddings import embeddings_ready, nearest_published, text_embeddings
from claims.models import Claim, Verdict
from core.text import fold

DEFAULT_LIMIT = 10
# Claims each retrieval passes to the fusion.
CANDIDATES = 50
# BM25's usual constants (Robertson and Zaragoza); the words count once per claim, as claims are one sentence.
K1, B = 1.2, 0.75
# The fusion's constant, as Cormack et al. published it: it keeps a first place in one ranking from outweighing
# good places in both.
FUSION_K = 60
# A word in more than this share of the published claims ("photo", "says") still counts in the ranking but does
# not bring candidates in by itself: retrieval would otherwise rank a large part of the store for it.
COMMON_SHARE = 0.05
VOCABULARY_SECONDS = 600
# The longest text matched, in characters; a longer one is cut (a tweet is at most 280).
MAX_CHARACTERS = 2_000
# At most this many of the text's words, the rarest, bring candidates in; all of them count in the ranking. Ten
# were too few: a claim sharing only a tweet's less rare words was never ranked. A tweet has about twenty distinct
# words, the common ones included, so sixteen leaves out little; the bound keeps a pasted paragraph from bringing
# in most of the store, since the ranking's cost grows with the claims brought in.
RETRIEVAL_WORDS = 16

# Links, also where a hashtag runs into them ("#Minecrafthttps://t.co/…", "#Iranpic.twitter.com/…").
_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|\bwww\.\S+|\b[\w-]+\.(?:com|org|net|ly|co)/\S+", re.I)
# The signature an embedded tweet ends with: "— Ilhan Omar (@IlhanMN) January 6, 2020". The name and the date
# say who and when, which claims often name; the handle repeats the name.
_SIGNATURE = re.compile(
    r"\s*[—–-]{1,2}\s*(?P<name>[^—–()\n]{1,80}?)\s*\(@\w{1,30}\)\s*"
    r"(?P<date>(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s+\d{1,2},\s+\d{4})?\s*$"
)
_HANDLE_OR_TAG = re.compile(r"[@#](\w+)")
# "realDonaldTrump" → "real Donald Trump", "FreeIran2020" → "Free Iran 2020".
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")
_RETWEET = re.compile(r"^\s*RT\b:?", re.I)


@dataclass(frozen=True)
class ClaimMatch:
    """A published claim that says what the text says, and how strongly the retrievals agree on it: 1 when it
    ranks first by words and (with embeddings) by meaning, less the lower it ranks in either."""

    claim: Claim
    score: float

    @property
    def verdict(self) -> Verdict:
        """The claim's published verdict, with its rating (prefetched)."""
        return self.claim.published_verdicts[0]  # type: ignore[attr-defined]


def match_text(text: str) -> str:
    """A tweet or a sentence as matching reads it: no links, handles and hashtags as words, no emoji."""
    text = html.unescape(text[:MAX_CHARACTERS])
    text = _URL.sub(" ", text)
    signature = _SIGNATURE.search(text)
    if signature:
        text = f"{text[: signature.start()]} {signature['name']} {signature['date'] or ''}"
    text = _RETWEET.sub(" ", text)
    text = _HANDLE_OR_TAG.sub(lambda found: " " + _CAMEL.sub(" ", found[1]).replace("_", " ") + " ", text)
    # Letters, digits, punctuation and spaces stay; emoji and other symbols go.
    text = "".join(char if unicodedata.category(char)[0] in "LNPZ" else " " for char in text)
    return " ".join(text.split())


def claim_matches(text: str, *, limit: int = DEFAULT_LIMIT) -> list[ClaimMatch]:
    """The published claims that say what `text` says, best first, at most `limit`."""
    cleaned = match_text(text)
    if not cleaned or limit < 1:
        return []
    rankings = [_by_words(_query_words(cleaned), _vocabulary())]
    if embeddings_ready():
        (vector,) = text_embeddings([cleaned])
        rankings.append(list(nearest_published(vector, limit=CANDIDATES)))
    scored = _fused(rankings)[:limit]
    claims = Claim.objects.filter(pk__in=[pk for pk, _ in scored]).prefetch_related(
        Prefetch(
            "verdicts",
            queryset=Verdict.objects.filter(status=Verdict.Status.PUBLISHED).select_related("rating"),
            to_attr="published_verdicts",
        )
    )
    by_pk = {claim.pk: claim for claim in claims}
    # A claim whose verdict was withdrawn between the steps is left out rather than shown without one.
    return [
        ClaimMatch(claim=by_pk[pk], score=round(score, 4))
        for pk, score in scored
        if pk in by_pk and by_pk[pk].published_verdicts  # type: ignore[attr-defined]
    ]


def _fused(rankings: list[list[int]]) -> list[tuple[int, float]]:
    """Reciprocal-rank fusion of rankings of claim ids, best first: (id, score), scaled so that a claim first in
    every ranking scores 1."""
    best = len(rankings) / (FUSION_K + 1)
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, pk in enumerate(ranking, start=1):
            fused[pk] = fused.get(pk, 0.0) + 1 / (FUSION_K + rank)
    return sorted(((pk, score / best) for pk, score in fused.items()), key=lambda pair: (-pair[1], pair[0]))


# ---------------------------------------------------------------------------------------------- words


@dataclass
class _Vocabulary:
    """How many published claims use each word (an English lexeme), for the words' weights."""

    claims: int = 0
    average_length: float = 1.0
    frequency: dict[str, int] = field(default_factory=dict)
    latest_publication: object = None
    read_at: float = -math.inf

    def weight(self, word: str) -> float:
        """BM25's inverse document frequency: rare words weigh most; a word no claim uses, like the rarest."""
        found = self.frequency.get(word, 0)
        return math.log(1 + (self.claims - found + 0.5) / (found + 0.5))


_vocabulary_lock = threading.Lock()
_vocabulary_cache = _Vocabulary()

_PUBLISHED_VECTORS = (
    "SELECT c.match_vector FROM claims_claim AS c WHERE EXISTS "
    "(SELECT 1 FROM claims_verdict AS v WHERE v.claim_id = c.id AND v.status = 'published')"
)


def _vocabulary() -> _Vocabulary:
    """The word counts, re-read when a verdict was published since or they are ten minutes old."""
    global _vocabulary_cache
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(published_at) FROM claims_verdict WHERE status = 'published'")
        (latest,) = cursor.fetchone()
    cached = _vocabulary_cache
    if cached.latest_publication == latest and time.monotonic() - cached.read_at < VOCABULARY_SECONDS:
        return cached
    with _vocabulary_lock, connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), avg(length(match_vector)) FROM ({_PUBLISHED_VECTORS}) AS published")  # noqa: S608
        claims, average = cursor.fetchone()
        cursor.execute("SELECT word, ndoc FROM ts_stat(%s)", [_PUBLISHED_VECTORS])
        frequency = dict(cursor.fetchall())
        _vocabulary_cache = _Vocabulary(
            claims=claims,
            average_length=float(average or 1.0),
            frequency=frequency,
            latest_publication=latest,
            read_at=time.monotonic(),
        )
        return _vocabulary_cache


def _query_words(text: str) -> list[str]:
    """The English lexemes of the folded text, as PostgreSQL derives them for the claims."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector('english'::regconfig, %s))", [fold(text)])
        (words,) = cursor.fetchone()
    return [word for word in words if len(word) > 1]


def _by_words(words: list[str], vocabulary: _Vocabulary) -> list[int]:
    """The ids of the published claims sharing the text's words, best by BM25 first."""
    if not words or not vocabulary.claims:
        return []
    common = max(50, COMMON_SHARE * vocabulary.claims)
    selective = [word for word in words if vocabulary.frequency.get(word, 0) <= common] or words
    selective = sorted(selective, key=lambda word: (vocabulary.frequency.get(word, 0), word))[:RETRIEVAL_WORDS]
    # Each word's weight is a parameter and each lexeme a quoted tsquery literal, which cannot inject operators.
    shared = " + ".join(
        f"(CASE WHEN c.match_vector @@ %s::tsquery THEN {vocabulary.weight(word):.6f}::float8 ELSE 0 END)"
        for word in words
    )
    # Only numbers and the fixed text go into the SQL; the words are parameters.
    query = f"""
        SELECT c.id
        FROM claims_claim AS c
        WHERE c.match_vector @@ %s::tsquery
          AND EXISTS (SELECT 1 FROM claims_verdict AS v WHERE v.claim_id = c.id AND v.status = 'published')
        ORDER BY ({shared}) / (1 + {K1} * (1 - {B} + {B} * length(c.match_vector) / %s::float8)) DESC, c.id
        LIMIT %s
    """  # noqa: S608
    params = [" | ".join(_lexeme(word) for word in selective), *(_lexeme(word) for word in words)]
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner costs a tsquery of two dozen alternatives like one of a single word and reads every claim
        # instead of the GIN index: three times slower at 10,000 claims (34 ms against 13), and growing with them.
        # Off for this query only; the setting it had comes back after it.
        cursor.execute("SELECT current_setting('enable_seqscan')")
        (seqscan,) = cursor.fetchone()
        cursor.execute("SELECT set_config('enable_seqscan', 'off', true)")
        cursor.execute(query, [*params, vocabulary.average_length, CANDIDATES])
        ranked = [pk for (pk,) in cursor.fetchall()]
        cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [seqscan])
        return ranked


def _lexeme(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "") + "'"
