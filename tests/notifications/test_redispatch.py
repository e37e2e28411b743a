"""The periodic re-dispatch: rows left pending (the broker was down) are handed over again."""

import importlib
from datetime import timedelta

import time_machine
from celery import Celery
from django.conf import settings
from django.core import mail
from django.utils import timezone

from notifications import services, tasks
from notifications.models import Channel, DeliveryStatus, Notification
from notifications.services import dispatch, notify, redispatch_pending


def pending_email(person, reference: str) -> Notification:
    notify(recipient=person, template="application.submitted", context={"reference": reference})
    return Notification.objects.get(channel=Channel.EMAIL, context__reference=reference)


def test_rows_left_pending_are_sent_by_the_next_run_and_fresh_ones_left_to_their_own_message(applicant):
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        stuck = pending_email(applicant, "PA-STUCK")
    fresh = pending_email(applicant, "PA-FRESH")

    assert redispatch_pending() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == DeliveryStatus.SENT
    assert fresh.status == DeliveryStatus.PENDING
    assert [m.subject for m in mail.outbox] == ["已收到申请 PA-STUCK"]


def test_a_retry_waiting_for_its_due_time_is_left_alone(applicant):
    row = pending_email(applicant, "PA-RETRY")
    Notification.objects.filter(pk=row.pk).update(due_at=timezone.now() + timedelta(minutes=4), attempts=2)
    assert redispatch_pending(older_than=timedelta(0)) == 0
    assert mail.outbox == []


def test_with_the_broker_still_down_the_rows_stay_pending_for_the_next_run(applicant, monkeypatch):
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        rows = [pending_email(applicant, f"PA-DOWN{n}") for n in range(3)]
    calls = []

    def broker_down(args, countdown=None):
        calls.append(args)
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(tasks.deliver_notifications, "apply_async", broker_down)
    assert redispatch_pending() == 0
    assert len(calls) == 1  # one refusal is enough to know: no waiting once per row
    assert set(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", flat=True)) == {
        DeliveryStatus.PENDING
    }
    # ... and they are not picked again until the grace has passed once more.
    monkeypatch.undo()
    assert redispatch_pending() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert redispatch_pending() == 3
    assert len(mail.outbox) == 3


def test_dispatch_reports_how_many_rows_reached_the_broker(applicant, monkeypatch):
    rows = [pending_email(applicant, f"PA-D{n}") for n in range(2 * services.DELIVERY_BATCH + 3)]
    sent = []

    def flaky(args, countdown=None):
        if len(sent) == 2:
            raise ConnectionRefusedError(111, "Connection refused")
        sent.append(args[0])

    monkeypatch.setattr(tasks.deliver_notifications, "apply_async", flaky)
    assert dispatch([r.pk for r in rows]) == 2 * services.DELIVERY_BATCH
    assert [len(batch) for batch in sent] == [services.DELIVERY_BATCH] * 2


def worker_tasks() -> set[str]:
    """The tasks a worker of the project registers, whatever this process imported before.

    A worker finds them by autodiscovery (pos_portal/celery.py): every installed app's `tasks`
    module. A fresh app does the same here; the process's own app knows only the task modules
    imported so far, in an order that depends on the tests run before.
    """
    app = Celery("pos_portal", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.autodiscover_tasks(force=True)
    try:
        return set(app.tasks)
    finally:
        app.close()


def test_every_periodic_job_in_the_beat_schedule_is_a_task():
    assert set(settings.CELERY_BEAT_SCHEDULE) >= {
        "notifications-redispatch-pending",
        "applications-remind-idle",
        "applications-review-sla",
        "installations-visit-reminders",
        "installations-staff-digest",
    }
    registered = worker_tasks()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in registered
        # Named after its module and function, so the entry also says where the job lives.
        module, name = entry["task"].rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name))


def test_the_periodic_tasks_run_their_jobs(db):
    from applications import tasks as application_tasks
    from installations import tasks as installation_tasks

    assert tasks.redispatch_pending_notifications.delay().get() == 0
    assert application_tasks.remind_idle_applications.delay().get() == 0
    assert application_tasks.alert_review_sla_breaches.delay().get() == 0
    assert installation_tasks.remind_upcoming_visits.delay().get() == 0
    assert installation_tasks.send_staff_digest.delay().get() == 0
