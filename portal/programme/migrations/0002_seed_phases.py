"""Seed the programme's three phases (SCHED-1): 103–105, 106–108, 109–111."""

from django.db import migrations

PHASES = [("第一期程", 103, 105), ("第二期程", 106, 108), ("第三期程", 109, 111)]


def seed(apps, schema_editor):
    Phase = apps.get_model("programme", "Phase")
    for name, start, end in PHASES:
        Phase.objects.get_or_create(start_year=start, defaults={"name": name, "end_year": end})


class Migration(migrations.Migration):
    dependencies = [("programme", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
