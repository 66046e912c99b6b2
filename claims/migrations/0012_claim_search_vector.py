"""Linking's search column: the folded claim text as "simple" lexemes, generated, stored and GIN-indexed.

It replaces the expression index over the same text: ranking many candidates read their stored lexemes
instead of parsing each claim's text again. Its statistics target is raised so that ANALYZE keeps the
frequencies of the 10,000 most common words (pg_stats.most_common_elems), which retrieval reads to tell a
claim's rare words from the common ones (claims.linking.retrieval).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0011_claim_created_index")]

    operations = [
        migrations.RemoveIndex(model_name="claim", name="claim_folded_text_search_idx"),
        migrations.AddField(
            model_name="claim",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector("folded_text", config="simple"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="claim_search_vector_idx"),
        ),
        migrations.RunSQL(
            sql="ALTER TABLE claims_claim ALTER COLUMN search_vector SET STATISTICS 1000",
            reverse_sql="ALTER TABLE claims_claim ALTER COLUMN search_vector SET STATISTICS -1",
        ),
    ]
