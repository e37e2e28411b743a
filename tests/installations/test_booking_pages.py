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
    assert "Visit time: Dec. 7, 2026, 07:00 is in the past" in response.content.decode()
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


def test_the_page_shows_a_day_strip_then_the_days_times_preferred_first(approved, client):
    login(client, approved.applicant)
    url = reverse("installations:booking", args=[approved.reference])

    page = client.get(url).content.decode()

    assert 'class="day-strip"' in page and "?day=2026-12-08" in page
    # The first day with a time in the merchant's weekday-morning window is chosen; its 9:00 and
    # 11:00 come first, under their own heading, the afternoon after.
    preferred, _sep, rest = page.partition('id="other-slots"')
    assert 'id="preferred-slots"' in preferred
    assert at(8, 9).isoformat() in preferred and at(8, 11).isoformat() in preferred
    assert at(8, 13).isoformat() in rest and at(8, 13).isoformat() not in preferred
    other_day = client.get(url + "?day=2026-12-10").content.decode()
    assert at(10, 9).isoformat() in other_day and at(8, 9).isoformat() not in other_day
    assert client.get(url + "?day=not-a-day").status_code == 200  # a wrong day: the first one


def test_a_preferred_window_outside_the_installers_hours_is_named(approved, client):
    approved.preferred_windows = ["weekday_morning", "weekend_afternoon"]
    approved.save(update_fields=["preferred_windows"])
    login(client, approved.applicant)

    page = client.get(reverse("installations:booking", args=[approved.reference])).content.decode()

    assert "Preferred time windows: “Weekend afternoon (13:00–18:00)” is outside the working hours" in page
    assert "Weekday morning (9:00–12:00)” is outside" not in page
