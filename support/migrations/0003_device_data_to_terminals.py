"""The terminal's own device data (credentials, reports, health, remote commands) moves to
terminals, rows kept: the tables are renamed to terminals' names here, and
terminals.0004_device_data_from_support takes the models over in Django's state only.

A remote command named its support case by a foreign key; terminals sits below support and
names it as a subject instead (about_kind="case", about_id=<the case's id>), copied here.
"""

from django.db import migrations, models

MOVED = ("devicecredential", "deviceevent", "terminalhealth", "remotecommand")


def case_to_subject(apps, schema_editor):  # type: ignore[no-untyped-def]
    RemoteCommand = apps.get_model("support", "RemoteCommand")
    RemoteCommand.objects.filter(case__isnull=False).update(about_kind="case", about_id=models.F("case_id"))


def subject_to_case(apps, schema_editor):  # type: ignore[no-untyped-def]
    RemoteCommand = apps.get_model("support", "RemoteCommand")
    RemoteCommand.objects.filter(about_kind="case").update(case_id=models.F("about_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0002_field_labels_translated"),
    ]

    operations = [
        migrations.AddField(
            model_name="remotecommand",
            name="about_kind",
            field=models.CharField(blank=True, max_length=20, verbose_name="about (kind)"),
        ),
        migrations.AddField(
            model_name="remotecommand",
            name="about_id",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="about (id)"),
        ),
        migrations.RunPython(case_to_subject, subject_to_case),
        migrations.RemoveField(model_name="remotecommand", name="case"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=model, table=f"terminals_{model}") for model in MOVED
            ],
            state_operations=[migrations.DeleteModel(name=model) for model in MOVED],
        ),
    ]
