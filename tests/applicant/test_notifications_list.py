"""The applicant's in-app notification list, with the unread count in the menu."""

import pytest
from django.urls import reverse

from applications.choices import Status
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_list_shows_what_the_workflow_sent_newest_first_with_a_link(applicant_client, application_in):
    app = application_in(Status.APPROVED)

    response = applicant_client.get(reverse("notifications:inbox"))

    subjects = [item.subject for item in response.context["items"]]
    assert subjects[0] == f"Application {app.reference} approved"
    assert f"Application {app.reference} received" in subjects
    html = response.content.decode()
    assert app.merchant_id in html
    assert reverse("applications:status", kwargs={"reference": app.reference}) in html


def test_the_unread_count_is_in_the_menu_and_falls_to_nothing_once_all_are_read(applicant_client, application_in):
    application_in(Status.IN_REVIEW)  # submitted + claimed: two in-app messages
    unread = Notification.objects.filter(channel="in_app", read_at__isnull=True).count()
    assert unread == 2

    page = applicant_client.get(reverse("applications:mine")).content.decode()
    # On the menu button and on the notifications link, with words for screen readers.
    assert page.count('<span class="badge warn">2</span><span class="visually-hidden"> unread</span>') == 2

    applicant_client.post(reverse("notifications:mark_read"))

    assert not Notification.objects.filter(channel="in_app", read_at__isnull=True).exists()
    assert "> unread</span>" not in applicant_client.get(reverse("applications:mine")).content.decode()


def test_one_message_can_be_marked_read_alone(applicant_client, application_in):
    application_in(Status.IN_REVIEW)
    first, second = Notification.objects.filter(channel="in_app").order_by("pk")

    applicant_client.post(reverse("notifications:mark_read"), {"id": first.pk})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_messages_are_shown_in_the_language_of_the_page(applicant_client, application_in):
    app = application_in(Status.SUBMITTED)

    response = applicant_client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert app.reference in response.content.decode()
    assert "通知" in response.content.decode()


def test_the_list_needs_a_signed_in_person(client):
    assert client.get(reverse("notifications:inbox")).status_code == 302
