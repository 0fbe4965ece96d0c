import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("org", "0001_initial"),
        ("appraisal", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="YearSchedule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                ("source", models.CharField(choices=[("file", "文件 File"), ("package", "软件包 Package")],
                                            max_length=16)),
                ("source_label", models.CharField(max_length=200)),
                ("imported_by_label", models.CharField(max_length=150)),
                ("imported_at", models.DateTimeField()),
                ("company", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="year_schedules", to="org.company")),
                ("imported_by", models.ForeignKey(blank=True, null=True,
                                                  on_delete=django.db.models.deletion.SET_NULL,
                                                  related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["year"], "unique_together": {("company", "year")}},
        ),
        migrations.CreateModel(
            name="ScheduleDay",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("date", models.DateField()),
                ("kind", models.CharField(choices=[("holiday", "节假日 Holiday"),
                                                   ("workday", "调休上班 Make-up workday")], max_length=8)),
                ("note", models.CharField(blank=True, max_length=200)),
                ("schedule", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="days",
                                               to="workdays.yearschedule")),
            ],
            options={"ordering": ["date"], "unique_together": {("schedule", "date")}},
        ),
        migrations.CreateModel(
            name="ProvisionalDeadline",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("field", models.CharField(max_length=64)),
                ("start", models.DateField()),
                ("working_days", models.PositiveSmallIntegerField()),
                ("years", models.JSONField(default=list)),
                ("shown", models.DateField()),
                ("due", models.DateField()),
                ("created_at", models.DateTimeField()),
                ("resolved_at", models.DateTimeField(blank=True, null=True)),
                ("company", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                              to="org.company")),
                ("sheet", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                            related_name="provisional_deadlines", to="appraisal.sheet")),
            ],
            options={"ordering": ["created_at", "pk"]},
        ),
        migrations.CreateModel(
            name="DeadlineNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("before", models.DateField()),
                ("after", models.DateField()),
                ("created_at", models.DateTimeField()),
                ("read_at", models.DateTimeField(blank=True, null=True)),
                ("deadline", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notices",
                                               to="workdays.provisionaldeadline")),
                ("person", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                             to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["-created_at", "-pk"]},
        ),
    ]
