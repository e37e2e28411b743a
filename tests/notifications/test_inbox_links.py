"""The inbox is for everyone signed in, and "Open" leads to the page of the reader's role."""

from django.urls import reverse

from applications.choices import Status
from notifications.models import Notification
from tests.conftest import PASSWORD


def test_every_signed_in_person_reaches_the_inbox_from_the_menu(client, installer):
    client.login(username=installer.username, password=PASSWORD)
    page = client.get(reverse("home")).content.decode()
    assert reverse("notifications:inbox") in page


def test_an_installer_s_message_opens_their_visit_not_the_applicant_s_page(client, installer, application_in):
    scheduled = application_in(Status.INSTALLATION_SCHEDULED)
    assert Notification.objects.filter(recipient=installer, context__reference=scheduled.reference).exists()
    client.login(username=installer.username, password=PASSWORD)

    page = client.get(reverse("notifications:inbox")).content.decode()

    assert reverse("installations:visit", args=[scheduled.reference]) in page
    assert reverse("applications:status", args=[scheduled.reference]) not in page


def test_an_applicant_s_message_opens_their_status_page(client, applicant, application_in):
    submitted = application_in(Status.SUBMITTED)
    client.login(username=applicant.username, password=PASSWORD)

    page = client.get(reverse("notifications:inbox")).content.decode()

    assert reverse("applications:status", args=[submitted.reference]) in page
