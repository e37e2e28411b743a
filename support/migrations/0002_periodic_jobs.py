"""The support context's periodic jobs, as rows of django-celery-beat's database scheduler
(beat reads them; staff can pause or retime them in the admin without a deploy)."""

from django.db import migrations

JOBS = [
    # name, task, every (seconds) or crontab (minute, hour)
    ("support: incident scan", "support.tasks.scan_incidents", 60, None),
    ("support: no heartbeat for 24 h", "support.tasks.scan_no_heartbeat", 3600, None),
    ("support: no transaction for 30 days", "support.tasks.scan_idle_terminals", None, ("0", "7")),
    ("support: configuration drift", "support.tasks.scan_configuration_drift", 3600, None),
]


def add_jobs(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, cron in JOBS:
        defaults = {"task": task, "enabled": True}
        if every:
            defaults["interval"], _ = IntervalSchedule.objects.get_or_create(every=every, period="seconds")
        else:
            minute, hour = cron
            defaults["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
            )
        PeriodicTask.objects.update_or_create(name=name, defaults=defaults)


def remove_jobs(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_rest in JOBS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(add_jobs, remove_jobs)]
