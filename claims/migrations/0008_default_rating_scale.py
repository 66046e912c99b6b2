"""The default verdict scale: true, mostly true, mixed, mostly false, false, and unproven off the scale."""

from django.db import migrations

DEFAULT_SCALE = [
    ("true", "True", 5, "The claim is accurate and nothing significant is missing.", True),
    ("mostly-true", "Mostly true", 4, "Accurate, but needs clarification or additional information.", True),
    ("mixed", "Mixed", 3, "Partly accurate and partly not, or it leaves out important context.", True),
    ("mostly-false", "Mostly false", 2, "Contains an element of truth but ignores facts that change it.", True),
    ("false", "False", 1, "The claim is not accurate.", True),
    ("unproven", "Unproven", None, "The evidence available neither proves nor disproves it.", False),
]


def scale_create(apps, schema_editor):
    Rating = apps.get_model("claims", "Rating")
    for position, (slug, label, value, description, requires_evidence) in enumerate(DEFAULT_SCALE, start=1):
        Rating.objects.get_or_create(
            slug=slug,
            defaults={
                "label": label,
                "value": value,
                "description": description,
                "requires_evidence": requires_evidence,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_review_workflow")]

    operations = [migrations.RunPython(scale_create, migrations.RunPython.noop)]
