from django.db import migrations, models


class Migration(migrations.Migration):
    """Keyed audit chain: each event names the key that signed it; the head names its chain."""

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.AddField(
            model_name="audithead",
            name="chain_id",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
    ]
