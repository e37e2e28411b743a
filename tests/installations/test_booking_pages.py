"""The applicant's booking page: the free slots, booking, moving, cancelling, the calendar file."""

from django.urls import reverse
from icalendar import Calendar

from applications.choices import Status
from installations.models import Visit
from tests.conftest import PASSWORD
from tests.visit_fixtures import at


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_the_applicant_picks_a_slot_and_gets_a_calendar_file(approved, client, django_assert_max_num_queries):
    login(client, approved.applicant)
    url = reverse("installations:booking", args=[approved.reference])
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert at(8, 9).isoformat() in page
    response = client.post(url, {"action": "book", "starts_at": at(8, 9).isoformat()})
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == Status.INSTALLATION_SCHEDULED
    ics = client.get(reverse("installations:booking_ics", args=[approved.reference]))
    (event,) = Calendar.from_ical(ics.content).walk("VEVENT")
    assert event.decoded("dtstart") == at(8, 9)


def test_a_past_slot_is_refused_with_the_field_named(approved, client):
    login(client, approved.applicant)
    response = client.post(
        reverse("installations:booking", args=[approved.reference]),
        {"action": "book", "starts_at": at(7, 7).isoformat()},
    )
    assert response.status_code == 400
    assert "Visit time: Dec. 7, 2026, 7 a.m. is in the past" in response.content.decode()
    assert not Visit.objects.exists()


def test_the_applicant_moves_then_cancels(approved, client):
    login(client, approved.applicant)
    url = reverse("installations:booking", args=[approved.reference])
    client.post(url, {"action": "book", "starts_at": at(9, 9).isoformat()})
    client.post(url, {"action": "move", "starts_at": at(10, 11).isoformat()})
    assert approved.visits.get(status="booked").starts_at == at(10, 11)
    client.post(url, {"action": "cancel"})
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_another_applicants_booking_page_answers_404(approved, other_applicant, client):
    login(client, other_applicant)
    assert client.get(reverse("installations:booking", args=[approved.reference])).status_code == 404
    assert client.get(reverse("installations:booking_ics", args=[approved.reference])).status_code == 404


def test_within_24_hours_the_page_offers_no_change_and_says_to_call(approved, client):
    import time_machine

    login(client, approved.applicant)
    url = reverse("installations:booking", args=[approved.reference])
    client.post(url, {"action": "book", "starts_at": at(9, 9).isoformat()})
    with time_machine.travel(at(8, 12), tick=False):
        login(client, approved.applicant)  # days later: the earlier session has timed out
        page = client.get(url).content.decode()
    assert "please call us" in page
    assert 'value="cancel"' not in page and 'name="starts_at"' not in page


def test_cancelling_asks_for_a_confirmation_first(approved, client):
    login(client, approved.applicant)
    url = reverse("installations:booking", args=[approved.reference])
    client.post(url, {"action": "book", "starts_at": at(9, 9).isoformat()})

    page = client.get(url).content.decode()

    confirm = page[page.index('id="cancel-visit"') :]
    assert "<summary" in confirm.split('value="cancel"')[0]
    assert "Yes, cancel the visit" in confirm
