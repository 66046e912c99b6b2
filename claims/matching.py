"""Has this been checked? The published claims that say what a tweet or a sentence says, best first.

Three steps, each cheap enough for a read of the API:

1. **Candidates by words**: PostgreSQL full-text search over the claims' folded
   text (the stored English tsvector `match_vector`, migration 0009), ranked
   in SQL by BM25 over the words the text shares with each claim. The word
   weights (inverse document frequencies over the published claims) come from
   `ts_stat` and are kept per process until a verdict is published or ten
   minutes pass.
2. **Candidates by meaning**, where embeddings are on and stored
   (claims.linking.embeddings, the store linking keeps): the published claims
   nearest the text in pgvector.
3. **Re-ranking** the union with hand-set weights: cosine similarity, how much
   of the claim's (weighted) words the text contains, a fuzzy token match
   (rapidfuzz) and whether the claim's numbers appear in the text.

Nothing here was fitted to data: the weights and thresholds are set by hand
and checked on a public benchmark (bench/matching.py). Without embeddings the
re-ranking uses words, the fuzzy match and numbers. Tweets are normalised
first: links, embedded-tweet signatures, @handles, #hashtags and emoji.
"""

import html
import math
import re
import threading
import time
import unicodedata
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Prefetch
from rapidfuzz import fuzz

from claims.linking.embeddings import embeddings_ready, nearest_published, similarities, text_embeddings
from claims.models import Claim, Verdict
from sources.text import fold

DEFAULT_LIMIT = 10
# Candidates each retrieval step passes to re-ranking.
CANDIDATES = 50
# BM25's usual constants (Robertson and Zaragoza); the words count once per claim, as claims are one sentence.
K1, B = 1.2, 0.75
# A word in more than this share of the published claims ("photo", "says") still counts in the ranking but does
# not bring candidates in by itself: retrieval would otherwise rank a large part of the store for it.
COMMON_SHARE = 0.05
VOCABULARY_SECONDS = 600
# The longest text matched, in characters; a longer one is cut (a tweet is at most 280).
MAX_CHARACTERS = 2_000
# At most this many of the text's words, the rarest, bring candidates in; all of them count in the ranking.
RETRIEVAL_WORDS = 10
# Re-ranking weights, set by hand: meaning and words alike where both are known, and the share of the claim's
# tokens found in the text (rapidfuzz) as a tie-breaker. A claim with numbers none of which the text has,
# where the text has numbers, loses a little: "killed 12" is not "killed 40".
WEIGHTS_WITH_EMBEDDINGS = {"meaning": 0.45, "words": 0.45, "fuzzy": 0.10}
WEIGHTS_WORDS_ONLY = {"meaning": 0.0, "words": 0.85, "fuzzy": 0.15}
NUMBERS_MISSING = 0.05

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
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class ClaimMatch:
    """A published claim that says what the text says, and how sure the match is (0 to 1, higher is better)."""

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
    words = _query_words(cleaned)
    vocabulary = _vocabulary()
    candidates = _by_words(words, vocabulary)
    meaning: dict[int, float] = {}
    if embeddings_ready():
        (vector,) = text_embeddings([cleaned])
        meaning = nearest_published(vector, limit=CANDIDATES)
        meaning.update(similarities(vector, [pk for pk in candidates if pk not in meaning]))
        candidates.update(_words_of([pk for pk in meaning if pk not in candidates]))
    weights = WEIGHTS_WITH_EMBEDDINGS if meaning else WEIGHTS_WORDS_ONLY
    query_numbers = _numbers(cleaned)
    folded_query = fold(cleaned)
    scored = sorted(
        (
            (
                _score(
                    weights,
                    meaning=meaning.get(pk, 0.0),
                    words=_coverage(words, candidate.words, vocabulary),
                    fuzzy=fuzz.token_set_ratio(folded_query, candidate.folded_text) / 100,
                )
                - NUMBERS_MISSING * _numbers_missing(_numbers(candidate.folded_text), query_numbers),
                pk,
            )
            for pk, candidate in candidates.items()
        ),
        key=lambda pair: (-pair[0], pair[1]),
    )[:limit]
    claims = Claim.objects.filter(pk__in=[pk for _, pk in scored]).prefetch_related(
        Prefetch(
            "verdicts",
            queryset=Verdict.objects.filter(status=Verdict.Status.PUBLISHED).select_related("rating"),
            to_attr="published_verdicts",
        )
    )
    by_pk = {claim.pk: claim for claim in claims}
    # A claim whose verdict was withdrawn between the steps is left out rather than shown without one.
    return [
        ClaimMatch(claim=by_pk[pk], score=round(max(0.0, min(1.0, score)), 4))
        for score, pk in scored
        if pk in by_pk and by_pk[pk].published_verdicts  # type: ignore[attr-defined]
    ]


# ---------------------------------------------------------------------------------------------- words


@dataclass(frozen=True)
class _Candidate:
    folded_text: str
    words: frozenset[str]


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


def _by_words(words: list[str], vocabulary: _Vocabulary) -> dict[int, _Candidate]:
    """The published claims sharing the text's words, best by BM25 first, with their folded text and words."""
    if not words or not vocabulary.claims:
        return {}
    common = max(50, COMMON_SHARE * vocabulary.claims)
    selective = [word for word in words if vocabulary.frequency.get(word, 0) <= common] or words
    selective = sorted(selective, key=lambda word: (vocabulary.frequency.get(word, 0), word))[:RETRIEVAL_WORDS]
    # Each word's weight is a parameter and each lexeme a quoted tsquery literal, which cannot inject operators.
    shared = " + ".join(
        f"(CASE WHEN c.match_vector @@ %s::tsquery THEN {vocabulary.weight(word):.6f} ELSE 0 END)" for word in words
    )
    # Only numbers and the fixed text go into the SQL; the words are parameters.
    query = f"""
        SELECT c.id, c.folded_text, tsvector_to_array(c.match_vector)
        FROM claims_claim AS c
        WHERE c.match_vector @@ %s::tsquery
          AND EXISTS (SELECT 1 FROM claims_verdict AS v WHERE v.claim_id = c.id AND v.status = 'published')
        ORDER BY ({shared}) / (1 + {K1} * (1 - {B} + {B} * length(c.match_vector) / %s)) DESC, c.id
        LIMIT %s
    """  # noqa: S608
    params = [" | ".join(_lexeme(word) for word in selective), *(_lexeme(word) for word in words)]
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, vocabulary.average_length, CANDIDATES])
        return {pk: _Candidate(folded, frozenset(lexemes)) for pk, folded, lexemes in cursor.fetchall()}


def _words_of(claim_ids: list[int]) -> dict[int, _Candidate]:
    if not claim_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, folded_text, tsvector_to_array(match_vector) FROM claims_claim WHERE id = ANY(%s)",
            [claim_ids],
        )
        return {pk: _Candidate(folded, frozenset(lexemes)) for pk, folded, lexemes in cursor.fetchall()}


def _lexeme(word: str) -> str:
    return "'" + word.replace("'", "''").replace("\\", "") + "'"


# ---------------------------------------------------------------------------------------------- re-ranking


def _coverage(query: list[str], claim: frozenset[str], vocabulary: _Vocabulary) -> float:
    """The cosine of the text's and the claim's words, each weighted by its rarity (TF-IDF with words counted once)."""
    words = set(query)
    shared = sum(vocabulary.weight(word) ** 2 for word in claim & words)
    if not shared:
        return 0.0
    return shared / math.sqrt(
        sum(vocabulary.weight(word) ** 2 for word in claim) * sum(vocabulary.weight(word) ** 2 for word in words)
    )


def _numbers(text: str) -> set[str]:
    return {number.replace(",", "") for number in _NUMBER.findall(text)}


def _numbers_missing(claim: set[str], text: set[str]) -> bool:
    """Whether the claim and the text both give numbers and share none."""
    return bool(claim and text and not claim & text)


def _score(weights: dict[str, float], **features: float) -> float:
    return sum(weights[name] * max(0.0, min(1.0, value)) for name, value in features.items())
