"""Service visits join the one calendar: each ServiceVisit row becomes an installations.Visit of
purpose "service", linked to its case by a CaseVisit row; then the old table goes.

What the old row knew is kept: installer, times, status, who booked it and when; a done visit
gets its completion time from the case's "service visit done" history line, which stays.
"""

import django.db.models.deletion
from django.db import migrations, models


def forward(apps, schema_editor):
    ServiceVisit = apps.get_model("support", "ServiceVisit")
    CaseEvent = apps.get_model("support", "CaseEvent")
    CaseVisit = apps.get_model("support", "CaseVisit")
    Visit = apps.get_model("installations", "Visit")
    done_at = {}
    for event in CaseEvent.objects.filter(action="visit_done").order_by("at", "pk"):
        done_at.setdefault(event.case_id, []).append(event.at)
    for old in ServiceVisit.objects.order_by("starts_at", "pk"):
        completed = None
        if old.status == "done":
            times = done_at.get(old.case_id) or []
            completed = times.pop(0) if times else old.ends_at
        visit = Visit.objects.create(
            purpose="service",
            application_id=old.application_id,
            terminal_id=old.terminal_id,
            installer_id=old.installer_id,
            starts_at=old.starts_at,
            ends_at=old.ends_at,
            status=old.status,
            created_by_id=old.created_by_id,
            created_at=old.created_at,
            completed_at=completed,
        )
        CaseVisit.objects.create(case_id=old.case_id, visit=visit)


def drop_stale_content_type(apps, schema_editor):
    """The old model's content type and its permissions (view_servicevisit...) go with its table."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="support", model="servicevisit").delete()


def backward(apps, schema_editor):
    ServiceVisit = apps.get_model("support", "ServiceVisit")
    CaseVisit = apps.get_model("support", "CaseVisit")
    for link in CaseVisit.objects.select_related("visit"):
        v = link.visit
        ServiceVisit.objects.create(
            case_id=link.case_id,
            application_id=v.application_id,
            terminal_id=v.terminal_id,
            installer_id=v.installer_id,
            starts_at=v.starts_at,
            ends_at=v.ends_at,
            status=v.status,
            created_by_id=v.created_by_id,
            created_at=v.created_at,
        )
        link.delete()
        v.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0003_device_data_to_terminals"),
        ("installations", "0005_visit_fields"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseVisit",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="visit_links",
                        to="support.supportcase",
                        verbose_name="case",
                    ),
                ),
                (
                    "visit",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="case_link",
                        to="installations.visit",
                        verbose_name="visit",
                    ),
                ),
            ],
            options={"verbose_name": "visit of a case", "verbose_name_plural": "visits of cases"},
        ),
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="ServiceVisit"),
        migrations.RunPython(drop_stale_content_type, migrations.RunPython.noop),
    ]
