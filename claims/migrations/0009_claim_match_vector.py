"""The search column that matching reads: the folded claim text as an English tsvector, stored and indexed.

Stored rather than computed per query, so that ranking many claims that share a
word costs a read, not a parse each. It is a generated column, so no write path
can forget it; the model carries no field for it and matching reads it in SQL
(claims.matching). English, unlike linking's "simple" index, so that "shutting"
finds "shut down".
"""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("claims", "0008_default_rating_scale")]

    operations = [
        migrations.RunSQL(
            sql=[
                "ALTER TABLE claims_claim ADD COLUMN match_vector tsvector "
                "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, folded_text)) STORED",
                "CREATE INDEX claim_match_vector_idx ON claims_claim USING gin (match_vector)",
            ],
            reverse_sql=["ALTER TABLE claims_claim DROP COLUMN match_vector"],
        ),
        migrations.AddIndex(
            model_name="verdict",
            index=models.Index(
                condition=Q(status="published"), fields=["-published_at"], name="verdict_published_at_idx"
            ),
        ),
    ]
