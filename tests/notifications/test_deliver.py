"""deliver(): once per row, retried with backoff, failed with the reason on bad input."""

import smtplib
import threading
from datetime import timedelta
from typing import ClassVar

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.utils import timezone

from applications.choices import Status
from applications.services import application_submit
from notifications import services
from notifications.models import Channel, DeliveryStatus, Notification
from notifications.services import DeliveryFailed, deliver, notify
from notifications.sms import BaseSmsBackend, SmsRefused
from notifications.tasks import deliver_notification
from tests.conftest import needs_postgres


def email_row(person, template="application.submitted", context=None) -> Notification:
    """An email row written but not yet delivered (its commit callback is never run)."""
    notify(recipient=person, template=template, context=context or {"reference": "PA-TEST0001"})
    return Notification.objects.get(recipient=person, channel=Channel.EMAIL)


class RefusingBackend(BaseEmailBackend):
    """An email backend standing for an SMTP server that answers with `error`."""

    error: Exception = smtplib.SMTPRecipientsRefused({"x@example.cn": (550, b"5.1.1 mailbox unavailable")})

    def send_messages(self, messages):
        raise self.error


@pytest.fixture
def smtp_answers(settings):
    def use(error: Exception) -> None:
        RefusingBackend.error = error
        settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    return use


def test_delivering_the_same_row_twice_sends_once(applicant):
    row = email_row(applicant)
    deliver(notification_id=row.pk)
    deliver(notification_id=row.pk)
    deliver_notification.delay(row.pk)
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 1)
    assert row.sent_at is not None


def test_a_row_not_yet_due_is_left_for_its_due_time(applicant):
    row = email_row(applicant)
    Notification.objects.filter(pk=row.pk).update(due_at=timezone.now() + timedelta(minutes=5))
    deliver(notification_id=row.pk)
    assert mail.outbox == []
    assert Notification.objects.get(pk=row.pk).status == DeliveryStatus.PENDING


def test_a_missing_row_is_no_error(db):
    assert deliver(notification_id=999_999) is None


def test_an_invalid_email_address_fails_the_row_with_the_reason(
    ready_draft, applicant, django_capture_on_commit_callbacks
):
    applicant.email = "not-an-address"
    applicant.save()
    app = ready_draft()
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=app, by=applicant)
    row = Notification.objects.get(channel=Channel.EMAIL)
    assert row.status == DeliveryStatus.FAILED
    assert row.last_error == "Invalid email address not-an-address."
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED  # the change stands
    assert mail.outbox == []


def test_an_invalid_mobile_fails_the_sms_with_the_number_masked(
    applicant, sms_outbox, django_capture_on_commit_callbacks
):
    applicant.mobile = "+8612345678901"
    applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=applicant, template="application.approved", context={"reference": "R", "merchant_id": "1"})
    row = Notification.objects.get(channel=Channel.SMS)
    assert row.status == DeliveryStatus.FAILED
    assert row.last_error.startswith("Invalid mobile number +86123")
    assert "45678901" not in row.last_error
    assert sms_outbox == []
    assert Notification.objects.get(channel=Channel.EMAIL).status == DeliveryStatus.SENT


class RefusingSmsGateway(BaseSmsBackend):
    def send_messages(self, messages):
        raise SmsRefused("number blocked")


def test_an_sms_refused_by_the_gateway_fails_at_once(applicant, settings):
    settings.SMS_BACKEND = f"{__name__}.RefusingSmsGateway"
    notify(recipient=applicant, template="terminal.reinstated", context={"reference": "R"}, channels=[Channel.SMS])
    row = Notification.objects.get(channel=Channel.SMS)
    deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 1)
    assert row.last_error == "The SMS gateway refused the message: number blocked"


def test_a_recipient_refused_by_the_smtp_server_fails_at_once(applicant, smtp_answers):
    smtp_answers(smtplib.SMTPRecipientsRefused({applicant.email: (550, b"5.1.1 mailbox unavailable")}))
    row = email_row(applicant)
    deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, 1)
    assert row.last_error == "The mail server refused the recipient: 550 5.1.1 mailbox unavailable"


def test_a_message_refused_by_the_smtp_server_fails_at_once(applicant, smtp_answers):
    smtp_answers(smtplib.SMTPDataError(554, b"5.7.1 rejected as spam"))
    row = email_row(applicant)
    deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    assert row.last_error == "The mail server refused the message: 554 5.7.1 rejected as spam"


def test_an_unreachable_smtp_server_is_retried_with_backoff_then_failed(applicant, smtp_answers):
    smtp_answers(ConnectionRefusedError(111, "Connection refused"))
    row = email_row(applicant)
    waits = []
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _attempt in range(services.MAX_ATTEMPTS - 1):
            with pytest.raises(DeliveryFailed) as failed:
                deliver(notification_id=row.pk)
            waits.append(failed.value.retry_in)
            row.refresh_from_db()
            assert row.status == DeliveryStatus.PENDING
            assert row.due_at == timezone.now() + timedelta(seconds=failed.value.retry_in)
            deliver(notification_id=row.pk)  # an early duplicate changes nothing
            clock.shift(timedelta(seconds=failed.value.retry_in))
        deliver(notification_id=row.pk)
    assert waits == [30, 60, 120, 240, 480]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.FAILED, services.MAX_ATTEMPTS)
    assert (
        row.last_error == "Gave up after 6 attempts. Last error: ConnectionRefusedError: [Errno 111] Connection refused"
    )


def test_a_temporary_smtp_refusal_is_retried(applicant, smtp_answers):
    smtp_answers(smtplib.SMTPDataError(451, b"4.3.0 try again later"))
    row = email_row(applicant)
    with pytest.raises(DeliveryFailed):
        deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 1)
    assert "451" in row.last_error


def test_the_task_in_process_leaves_a_failing_row_pending_without_raising(applicant, smtp_answers):
    smtp_answers(ConnectionRefusedError(111, "Connection refused"))
    row = email_row(applicant)
    deliver_notification.delay(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 1)


def test_staff_can_send_a_failed_row_again(applicant, smtp_answers, settings, django_capture_on_commit_callbacks):
    smtp_answers(smtplib.SMTPRecipientsRefused({applicant.email: (550, b"no such user")}))
    row = email_row(applicant)
    deliver(notification_id=row.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue(notification_ids=[row.pk]) == 1
    row.refresh_from_db()
    assert (row.status, row.last_error) == (DeliveryStatus.SENT, "")
    assert len(mail.outbox) == 1


class GatedBackend(BaseEmailBackend):
    """Stops mid-send until released, so that a second delivery of the row arrives meanwhile."""

    sent: ClassVar[list[str]] = []
    sending = threading.Event()
    release = threading.Event()

    def send_messages(self, messages):
        self.sending.set()
        self.release.wait(20)
        self.sent.extend(m.subject for m in messages)
        return len(messages)


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_row_at_once_send_it_once(applicant, settings):
    settings.EMAIL_BACKEND = f"{__name__}.GatedBackend"
    GatedBackend.sent.clear()
    GatedBackend.sending.clear()
    GatedBackend.release.clear()
    # Written directly: notify() would hand it over at once (no outer transaction here).
    row = Notification.objects.create(
        recipient=applicant,
        channel=Channel.EMAIL,
        template="application.submitted",
        context={"reference": "PA-TEST0001"},
    )
    results = {}

    def deliver_in_thread(name: str) -> threading.Thread:
        def run() -> None:
            try:
                results[name] = deliver(notification_id=row.pk)
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    first = deliver_in_thread("first")
    try:
        assert GatedBackend.sending.wait(20), "the first delivery never reached the send"
        second = deliver_in_thread("second")
        second.join(20)
        assert results["second"] is None  # the row was locked: skipped, not waited for
    finally:
        GatedBackend.release.set()
        first.join(20)
    assert GatedBackend.sent == ["已收到申请 PA-TEST0001"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 1)
