"""Staff see in the admin which notifications failed and why, and can send them again."""

import pytest
from django.core import mail

from accounts.roles import grant_admin_permissions
from notifications.models import Channel, DeliveryStatus, Notification

URL = "/admin/notifications/notification/"


def failed_row(person, n: int = 0) -> Notification:
    return Notification.objects.create(
        recipient=person,
        channel=Channel.EMAIL,
        template="application.submitted",
        context={"reference": f"PA-FAIL{n:04d}"},
        status=DeliveryStatus.FAILED,
        attempts=1,
        last_error=f"The mail server refused the recipient: 550 mailbox {n} unavailable",
    )


@pytest.fixture
def staff_client(client, reviewer):
    grant_admin_permissions()
    client.force_login(reviewer)
    return client


def test_a_reviewer_finds_the_failed_notifications_with_their_reason(staff_client, applicant):
    failed_row(applicant)
    Notification.objects.create(recipient=applicant, channel=Channel.EMAIL, template="t", status=DeliveryStatus.SENT)
    response = staff_client.get(URL, {"status__exact": "failed"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "550 mailbox 0 unavailable" in content
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("rows", [3, 60])
def test_the_list_costs_the_same_queries_with_more_rows(staff_client, applicant, rows, django_assert_max_num_queries):
    for n in range(rows):
        failed_row(applicant, n)
    with django_assert_max_num_queries(12):
        assert staff_client.get(URL).status_code == 200


def test_a_reviewer_cannot_send_again_but_an_administrator_can(
    staff_client, admin_user, applicant, django_capture_on_commit_callbacks
):
    row = failed_row(applicant)
    form = {"action": "send_again", "_selected_action": [row.pk]}
    staff_client.post(URL, form)
    assert Notification.objects.get(pk=row.pk).status == DeliveryStatus.FAILED

    staff_client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(URL, form, follow=True)
    assert "1 notification will be sent again." in response.content.decode()
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_staff_filter_by_template(staff_client, applicant):
    failed_row(applicant)
    Notification.objects.create(recipient=applicant, channel=Channel.EMAIL, template="terminal.active")
    response = staff_client.get(URL, {"template": "terminal.active"})
    assert response.context["cl"].result_count == 1
