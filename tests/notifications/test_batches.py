"""Delivery in batches: a thousand due rows go out in a few tasks, each row once, over one
SMTP connection per task; a transaction publishes its rows once, whatever it wrote."""

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import ClassVar

import pytest
from celery.signals import task_prerun
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemEmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications import messages, services, tasks
from notifications.models import Channel, DeliveryStatus, Notification
from notifications.services import deliver_many, dispatch, notify, redispatch_pending
from tests.conftest import needs_postgres

APPROVED = "application.approved"  # in-app, email and SMS


class CountingConnections(LocmemEmailBackend):
    """Django's test backend, counting how many connections the code opens."""

    opened: ClassVar[int] = 0

    def open(self) -> bool:
        CountingConnections.opened += 1
        return True


class UnreachableServer(BaseEmailBackend):
    attempts: ClassVar[int] = 0

    def open(self) -> bool:
        UnreachableServer.attempts += 1
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, messages):
        raise AssertionError("never reached")


@pytest.fixture
def task_runs() -> Iterator[list[list[int]]]:
    """The id lists of the delivery tasks run, in the order they ran."""
    runs: list[list[int]] = []

    def record(sender=None, args=None, **_kwargs) -> None:
        if getattr(sender, "name", None) == tasks.deliver_notifications.name:
            runs.append(list(args[0]))

    task_prerun.connect(record, weak=False)
    yield runs
    task_prerun.disconnect(record)


@pytest.fixture
def counting_connections(settings) -> type[CountingConnections]:
    settings.EMAIL_BACKEND = f"{__name__}.CountingConnections"
    CountingConnections.opened = 0
    return CountingConnections


def approve_many(people: list, n: int) -> list[str]:
    """n approvals, as one periodic job would write them in one transaction; their references."""
    references = [f"PA-BATCH{i:04d}" for i in range(n)]
    with transaction.atomic():
        for i, reference in enumerate(references):
            notify(
                recipient=people[i % len(people)], template=APPROVED, context={"reference": reference, "merchant_id": i}
            )
    return references


def test_a_thousand_due_notifications_are_delivered_by_ten_tasks_each_exactly_once(
    applicant, other_applicant, sms_outbox, task_runs, counting_connections, django_capture_on_commit_callbacks
):
    messages._translated.cache_clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        references = approve_many([applicant, other_applicant], 500)  # 500 emails + 500 SMS are due

    due = Notification.objects.exclude(channel=Channel.IN_APP)
    assert due.count() == 1000
    assert len(callbacks) == 500  # one per notify() call, yet the first publishes them all:
    assert [len(ids) for ids in task_runs] == [services.DELIVERY_BATCH] * 10
    assert sorted(pk for ids in task_runs for pk in ids) == sorted(due.values_list("pk", flat=True))

    assert sorted(m.subject for m in mail.outbox) == sorted(f"申请 {r} 已批准" for r in references)
    assert Counter(m.to for m in sms_outbox) == {"+8613900139000": 500}
    assert sorted(m.text.split("申请 ")[1].split(" ")[0] for m in sms_outbox) == sorted(references)
    assert set(due.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
    assert counting_connections.opened <= len(task_runs)  # one SMTP connection per task at most
    # 1,500 messages (in-app ones included) of one kind in one language: translated once.
    assert messages._translated.cache_info().misses == 1

    # Handed over again, by a duplicate message or the re-dispatch: nothing is sent twice.
    dispatch(list(due.values_list("pk", flat=True)))
    assert redispatch_pending(older_than=timedelta(0)) == 0
    assert len(mail.outbox) == 500
    assert len(sms_outbox) == 500


def test_pending_rows_left_by_a_broker_outage_are_re_dispatched_in_batches(applicant, task_runs, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(tasks.deliver_notifications, "apply_async", broker_down)
    approve_many([applicant], 250)
    assert Notification.objects.filter(status=DeliveryStatus.PENDING).count() == 500
    monkeypatch.undo()

    assert redispatch_pending(older_than=timedelta(0)) == 500
    assert [len(ids) for ids in task_runs] == [100] * 5
    assert len(mail.outbox) == 250
    assert not Notification.objects.filter(status=DeliveryStatus.PENDING).exists()


def test_a_transaction_publishes_its_rows_once(
    applicant, other_applicant, monkeypatch, django_capture_on_commit_callbacks
):
    published = []
    monkeypatch.setattr(tasks.deliver_notifications, "apply_async", lambda args, countdown=None: published.append(args))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = notify(recipient=applicant, template=APPROVED, context={"reference": "R1", "merchant_id": 1})
        second = notify(recipient=other_applicant, template=APPROVED, context={"reference": "R2", "merchant_id": 2})
    expected = sorted(r.pk for r in first + second if r.channel != Channel.IN_APP)
    assert [sorted(ids) for (ids,) in published] == [expected]


def test_rows_of_a_rolled_back_savepoint_are_not_sent_and_the_others_are(
    applicant, other_applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify(recipient=applicant, template=APPROVED, context={"reference": "KEPT", "merchant_id": 1})
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipient=other_applicant, template=APPROVED, context={"reference": "UNDONE", "merchant_id": 2})
            raise RuntimeError("the inner step failed")
        # A savepoint rolled back before any row of the transaction was written:
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipient=other_applicant, template=APPROVED, context={"reference": "UNDONE2", "merchant_id": 3})
            raise RuntimeError("the inner step failed")
        notify(recipient=applicant, template=APPROVED, context={"reference": "KEPT2", "merchant_id": 4})
    assert sorted(m.subject for m in mail.outbox) == ["申请 KEPT 已批准", "申请 KEPT2 已批准"]
    assert not Notification.objects.filter(recipient=other_applicant).exists()
    assert not Notification.objects.filter(status=DeliveryStatus.PENDING).exists()


def test_an_unreachable_smtp_server_is_tried_once_per_batch_and_every_row_waits(applicant, settings):
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableServer"
    UnreachableServer.attempts = 0
    approve_many([applicant], 5)  # not committed: nothing published, the rows wait here
    emails = Notification.objects.filter(channel=Channel.EMAIL).order_by("pk")

    report = deliver_many(notification_ids=emails.values_list("pk", flat=True))

    assert UnreachableServer.attempts == 1  # not five timeouts in a row
    assert set(report.retries.values()) == {services.FIRST_RETRY.total_seconds()}
    assert sorted(report.retries) == sorted(emails.values_list("pk", flat=True))
    assert (
        list(emails.values_list("status", "attempts"))
        == [(DeliveryStatus.PENDING, 1)] + [(DeliveryStatus.PENDING, 0)] * 4
    )
    assert "ConnectionRefusedError" in emails.first().last_error


def test_a_worker_schedules_the_rows_to_retry_as_one_message_per_waiting_time(applicant, settings, monkeypatch):
    settings.EMAIL_BACKEND = f"{__name__}.UnreachableServer"
    approve_many([applicant], 3)
    ids = list(Notification.objects.exclude(channel=Channel.IN_APP).values_list("pk", flat=True))
    published = []
    monkeypatch.setattr(
        tasks.deliver_notifications, "apply_async", lambda args, countdown=None: published.append((args, countdown))
    )

    sent = tasks._deliver(ids, retry_through_broker=True)

    assert sent == 3  # the SMS
    emails = sorted(Notification.objects.filter(channel=Channel.EMAIL).values_list("pk", flat=True))
    assert [(sorted(args[0]), countdown) for args, countdown in published] == [(emails, 30.0)]


def emails_to(people: list, n: int) -> list[int]:
    """n e-mail rows, pending and due, written directly (not handed to the broker)."""
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=people[i % len(people)],
            channel=Channel.EMAIL,
            template="application.submitted",
            context={"reference": f"PA-ROWS{i:04d}"},
        )
        for i in range(n)
    )
    return [row.pk for row in rows]


def test_a_batch_reads_each_persons_roles_and_pages_once_not_once_per_message(applicant, other_applicant):
    ids = emails_to([applicant, other_applicant], 100)

    with CaptureQueriesContext(connection) as queries:
        deliver_many(notification_ids=ids)

    sql = [query["sql"] for query in queries.captured_queries]
    assert sum('"auth_group"' in q for q in sql) == 1  # the roles of both people, in one query
    assert sum('"applications_merchantapplication"' in q for q in sql) == 2  # their pages: one per person
    assert len(mail.outbox) == 100
    assert set(Notification.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}


def test_a_row_sent_by_another_worker_after_the_batch_read_it_is_left_as_that_worker_left_it(applicant, monkeypatch):
    ids = emails_to([applicant], 3)
    elsewhere = timezone.now() - timedelta(minutes=1)
    page_urls = services.letters.page_urls

    def meanwhile_another_worker_sends_the_first(messages):
        Notification.objects.filter(pk=ids[0]).update(status=DeliveryStatus.SENT, attempts=1, sent_at=elsewhere)
        return page_urls(messages)

    monkeypatch.setattr(services.letters, "page_urls", meanwhile_another_worker_sends_the_first)
    deliver_many(notification_ids=ids)

    assert sorted(m.subject for m in mail.outbox) == ["已收到申请 PA-ROWS0001", "已收到申请 PA-ROWS0002"]
    first = Notification.objects.get(pk=ids[0])
    assert (first.status, first.attempts, first.sent_at) == (DeliveryStatus.SENT, 1, elsewhere)


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_the_batch_gives_its_connection_back_with_commits_that_wait_for_the_disk(applicant):
    ids = emails_to([applicant], 3)

    deliver_many(notification_ids=ids)

    assert len(mail.outbox) == 3
    assert not Notification.objects.exclude(status=DeliveryStatus.SENT).exists()
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
