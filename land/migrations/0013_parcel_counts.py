"""Each region's parcel count (``ParcelCount``), kept by the parcel services, filled here from the parcels."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from land.totals import fill_parcel_counts

    fill_parcel_counts(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("land", "0012_running_total_per_day"),
        ("linfen_admin", "0009_notification_recipient_one_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="ParcelCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("parcels", models.PositiveIntegerField(default=0, verbose_name="宗地数")),
                (
                    "region",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="linfen_admin.region",
                        verbose_name="县(市、区)",
                    ),
                ),
            ],
            options={
                "verbose_name": "宗地数",
                "verbose_name_plural": "宗地数",
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
