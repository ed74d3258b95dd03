from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0006_consultation_month_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="housingsituation",
            index=models.Index(fields=["household", "-since", "-id"], name="situation_latest_idx"),
        ),
    ]
