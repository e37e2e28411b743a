"""notify(): the outbox row is written with the change that causes it, and only then sent."""

import pytest
from django.core import mail
from django.db import transaction

from applications.choices import Status
from applications.services import application_submit
from notifications.models import Channel, DeliveryStatus, Notification
from notifications.services import notify


def test_a_rolled_back_submission_writes_and_sends_nothing(ready_draft, applicant, django_capture_on_commit_callbacks):
    app = ready_draft()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        application_submit(application=app, by=applicant)
        raise RuntimeError("the request failed after the submission")
    app.refresh_from_db()
    assert app.status == Status.DRAFT
    assert Notification.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_a_committed_submission_sends_its_email_once(ready_draft, applicant, django_capture_on_commit_callbacks):
    app = ready_draft()
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=app, by=applicant)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant.email]
    assert app.reference in mail.outbox[0].subject
    rows = Notification.objects.filter(recipient=applicant, template="application.submitted")
    assert {(r.channel, r.status) for r in rows} == {
        (Channel.IN_APP, DeliveryStatus.SENT),
        (Channel.EMAIL, DeliveryStatus.SENT),
    }


def test_nothing_is_sent_before_the_commit(ready_draft, applicant, django_capture_on_commit_callbacks):
    app = ready_draft()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_submit(application=app, by=applicant)
        assert mail.outbox == []
        assert Notification.objects.get(channel=Channel.EMAIL).status == DeliveryStatus.PENDING
    # One delivery scheduled for after the commit (beside it, the hooks of applications.hooks.on_submitted).
    assert len([c for c in callbacks if type(c).__name__ == "_DispatchOnCommit"]) == 1


def test_the_message_goes_in_the_recipients_language(applicant, django_capture_on_commit_callbacks):
    applicant.preferred_language = "zh-hans"
    applicant.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=applicant, template="application.submitted", context={"reference": "PA-TEST0001"})
    assert mail.outbox[0].subject == "已收到申请 PA-TEST0001"


def test_a_person_without_email_or_mobile_gets_only_the_in_app_message(applicant, django_capture_on_commit_callbacks):
    applicant.email = ""
    applicant.mobile = ""
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            recipient=applicant, template="application.approved", context={"reference": "R", "merchant_id": "1"}
        )
    assert [r.channel for r in rows] == [Channel.IN_APP]


def test_urgent_messages_go_by_sms_too(applicant, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            recipient=applicant, template="application.approved", context={"reference": "R", "merchant_id": "1"}
        )
    assert {r.channel for r in rows} == {Channel.IN_APP, Channel.EMAIL, Channel.SMS}
    assert [m.to for m in sms_outbox] == ["+8613900139000"]
    assert Notification.objects.get(channel=Channel.SMS).status == DeliveryStatus.SENT


def test_a_keyed_message_is_written_once_per_person_and_channel(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipient=applicant, template="application.submitted", context={"reference": "R"}, key="k:1")
        second = notify(recipient=applicant, template="application.submitted", context={"reference": "R"}, key="k:1")
    assert len(first) == 2
    assert second == []
    assert Notification.objects.filter(key="k:1").count() == 2
    assert len(mail.outbox) == 1


def test_a_broken_template_fails_its_rows_and_does_not_undo_the_change(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(recipient=applicant, template="application.approved", context={"reference": "R"})
    assert {r.status for r in Notification.objects.all()} == {DeliveryStatus.FAILED}
    assert len(rows) == 3
    assert all("merchant_id" in r.last_error for r in Notification.objects.all())
    assert mail.outbox == []


def test_an_unknown_template_fails_visibly(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=applicant, template="no.such.template", context={})
    assert {(r.status, r.last_error) for r in Notification.objects.all()} == {
        (DeliveryStatus.FAILED, "unknown template 'no.such.template'")
    }


def test_a_keyed_message_written_meanwhile_by_another_run_is_not_an_error(applicant, monkeypatch):
    notify(recipient=applicant, template="application.submitted", context={"reference": "R"}, key="k:2")
    # The other run wrote its rows after this one looked: the unique key stops the second set.
    monkeypatch.setattr(
        Notification.objects, "filter", lambda **kwargs: Notification.objects.none() if "key" in kwargs else None
    )
    assert notify(recipient=applicant, template="application.submitted", context={"reference": "R"}, key="k:2") == []
    monkeypatch.undo()
    assert Notification.objects.filter(key="k:2").count() == 2
