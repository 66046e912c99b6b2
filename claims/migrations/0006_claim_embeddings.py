"""Claim embeddings, with their vector in pgvector where the server has the extension.

pgvector is optional: on a PostgreSQL without it (Debian's own, for one) the
vector column is not created and linking retrieves candidates by full-text
search alone, saying so in the log.
"""

import logging

import django.db.models.deletion
from django.db import migrations, models

logger = logging.getLogger(__name__)

DIMENSIONS = 384  # all-MiniLM-L6-v2


def add_vector(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        if cursor.fetchone() is None:
            logger.warning(
                "pgvector is not available on this PostgreSQL server: claim embeddings are not stored, "
                "and linking retrieves candidates by full-text search only."
            )
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
        cursor.execute(f"ALTER TABLE claims_claimembedding ADD COLUMN embedding vector({DIMENSIONS}) NOT NULL")
        cursor.execute(
            "CREATE INDEX claim_embedding_hnsw_idx ON claims_claimembedding USING hnsw (embedding vector_cosine_ops)"
        )


def drop_vector(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("ALTER TABLE claims_claimembedding DROP COLUMN IF EXISTS embedding")


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_link_calibration")]

    operations = [
        migrations.CreateModel(
            name="ClaimEmbedding",
            fields=[
                (
                    "claim",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="embedding",
                        serialize=False,
                        to="claims.claim",
                    ),
                ),
                ("model", models.CharField(max_length=200)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RunPython(add_vector, drop_vector),
    ]
