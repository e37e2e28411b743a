"""Run inside Django on the embedded test portal's database (manage.py shell), by
tests/test_embedded_worker_and_beat.py: a draft idle for four days, and beat told to start
the idle-application reminders every second instead of hourly (the only change to the
schedule `make run` uses; the job itself decides who is due)."""

from datetime import timedelta

from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from applications.models import MerchantApplication
from tests.conftest import make_person


def idle_draft_and_a_fast_reminder_schedule() -> str:
    applicant = make_person("idle.applicant@example.cn", "Applicant", first_name="小明", last_name="王")
    app = MerchantApplication.objects.create(applicant=applicant)
    MerchantApplication.objects.filter(pk=app.pk).update(updated_at=timezone.now() - timedelta(days=4))
    every_second, _created = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="test: idle reminders every second",
        task="applications.tasks.remind_idle_applications",
        interval=every_second,
    )
    return app.reference
