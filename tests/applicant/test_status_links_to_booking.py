from django.urls import reverse

from applications.choices import Status
from tests.conftest import PASSWORD


def test_an_approved_application_s_status_page_leads_to_the_booking_page(client, applicant, application_in):
    approved = application_in(Status.APPROVED)
    client.login(username=applicant.username, password=PASSWORD)

    page = client.get(reverse("applications:status", args=[approved.reference])).content.decode()

    booking = reverse("installations:booking", args=[approved.reference])
    assert f'href="{booking}"' in page
    assert client.get(booking).status_code == 200


def test_a_draft_s_status_page_offers_no_booking(client, applicant, application_in):
    draft = application_in(Status.DRAFT)
    client.login(username=applicant.username, password=PASSWORD)

    page = client.get(reverse("applications:status", args=[draft.reference])).content.decode()

    assert "/installations/book/" not in page
