"""The installer's pages: only their own visits, each step by a form, refusals in words."""

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from applications.choices import Status
from installations import services
from terminals.models import Terminal, TerminalConfiguration
from tests.conftest import PASSWORD
from tests.visit_fixtures import at, give_profile, stock


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_my_visits_shows_today_upcoming_and_done(clock, application_in, beijing_installer, admin_user, client):
    # Monday 8:00 (the clock). Walked past their visits, these two were visited now, on site:
    done = application_in(Status.ACTIVE)
    on_site = application_in(Status.CONFIGURING)
    tuesday = application_in(Status.INSTALLATION_SCHEDULED)  # the first free slot: Tuesday 9:00
    wednesday = application_in(Status.APPROVED)
    services.installation_schedule(application=wednesday, by=admin_user, starts_at=at(9, 9))
    login(client, beijing_installer)
    page = client.get(reverse("installations:my_visits")).content.decode()
    today, rest = page.split('id="upcoming"')
    upcoming_part, done_part = rest.split('id="done"')
    assert on_site.reference in today and done.reference in today and tuesday.reference not in today
    assert tuesday.reference in upcoming_part and wednesday.reference in upcoming_part
    assert on_site.reference not in upcoming_part
    # Done today: in "today", marked done, and not listed a second time under "done".
    assert done.reference not in done_part and tuesday.reference not in done_part
    assert today.count("visit-done") == 1

    clock.shift(timedelta(days=1))
    login(client, beijing_installer)
    page = client.get(reverse("installations:my_visits")).content.decode()
    today, rest = page.split('id="upcoming"')
    done_part = rest.split('id="done"')[1]
    assert done.reference not in today and done.reference in done_part


@pytest.mark.parametrize("n", [1, 8])
def test_my_visits_counts_its_queries(
    clock, application_in, beijing_installer, client, django_assert_max_num_queries, n
):
    for _ in range(n):
        application_in(Status.INSTALLATION_SCHEDULED)
    login(client, beijing_installer)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("installations:my_visits")).status_code == 200


def test_another_installers_visit_answers_404(clock, application_in, beijing_installer, other_installer, client):
    app = application_in(Status.INSTALLATION_SCHEDULED)
    login(client, other_installer)
    assert client.get(reverse("installations:visit", args=[app.reference])).status_code == 404
    assert client.get(reverse("installations:visit_ics", args=[app.reference])).status_code == 404
    assert client.post(reverse("installations:visit_step", args=[app.reference, "check_in"])).status_code == 404
    app.refresh_from_db()
    assert app.status == Status.INSTALLATION_SCHEDULED


def test_an_applicant_cannot_open_my_visits(clock, applicant, client):
    login(client, applicant)
    assert client.get(reverse("installations:my_visits")).status_code == 404


def test_the_visit_page_shows_what_to_bring_the_map_and_the_contact(clock, application_in, beijing_installer, client):
    app = application_in(Status.INSTALLATION_SCHEDULED)
    login(client, beijing_installer)
    page = client.get(reverse("installations:visit", args=[app.reference])).content.decode()
    assert "uri.amap.com" in page and app.mobile in page and "two paper rolls" in page
    assert app.get_terminal_model_display() in page


def test_the_installer_calendar_file_holds_the_visit(clock, application_in, beijing_installer, client):
    app = application_in(Status.INSTALLATION_SCHEDULED)
    login(client, beijing_installer)
    response = client.get(reverse("installations:visit_ics", args=[app.reference]))
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    visit = app.visits.get()
    assert event.decoded("dtstart") == visit.starts_at
    assert event.decoded("dtend") == visit.ends_at
    assert app.legal_name in str(event["description"])
    assert app.mobile not in event.to_ical().decode()  # calendars get synced to third parties


def test_a_done_visit_leaves_the_installer_s_reach_after_a_week(clock, application_in, beijing_installer, client):
    app = application_in(Status.ACTIVE)
    login(client, beijing_installer)
    url = reverse("installations:visit", args=[app.reference])
    assert client.get(url).status_code == 200

    clock.shift(timedelta(days=30))
    login(client, beijing_installer)  # the old session has expired meanwhile

    assert client.get(url).status_code == 404
    assert app.reference not in client.get(reverse("installations:my_visits")).content.decode()


def test_a_wrong_tid_on_the_form_names_the_field_keeps_the_values_and_hides_the_kcv(
    on_site, beijing_installer, reviewer, client
):
    app = on_site
    stock(reviewer, ("SN-CT-1", "countertop", "A1B2C3"))
    services.visit_assign_terminal(application=app, by=beijing_installer, serial_number="SN-CT-1")
    login(client, beijing_installer)
    response = client.post(
        reverse("installations:visit_step", args=[app.reference, "configure"]),
        {
            "tid": "123",
            "mid": app.merchant_id,
            "host": "10.0.0.1",
            "port": "5800",
            "comm_mode": "ethernet",
            "key_check_value": "00112233445566778899AABBCCDDEEFF",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Terminal ID (TID): expected exactly 8 digits or capital letters." in page
    assert "Never enter the key itself" in page
    assert 'value="10.0.0.1"' in page
    assert "00112233445566778899AABBCCDDEEFF" not in page
    assert not TerminalConfiguration.objects.exists()


def test_an_unknown_serial_is_refused_in_words(on_site, beijing_installer, client):
    app = on_site
    login(client, beijing_installer)
    response = client.post(
        reverse("installations:visit_step", args=[app.reference, "assign"]), {"serial_number": "SN-404"}
    )
    assert response.status_code == 400
    assert "Serial number: no terminal SN-404 in the inventory" in response.content.decode()
    assert not Terminal.objects.filter(serial_number="SN-404").exists()


def test_a_step_out_of_order_says_why_and_the_visit_page_still_opens(clock, application_in, beijing_installer, client):
    app = application_in(Status.CONFIGURING)
    login(client, beijing_installer)
    response = client.post(
        reverse("installations:visit_step", args=[app.reference, "complete_configuration"]), follow=True
    )
    assert "a sign-in to the acquirer host answered 00" in response.content.decode()
    app.refresh_from_db()
    assert app.status == Status.CONFIGURING


def test_staff_see_the_inventory_and_a_terminals_history(
    clock, application_in, beijing_installer, reviewer, client, django_assert_max_num_queries
):
    app = application_in(Status.ACTIVE)
    stock(reviewer, *[(f"SN-{i:04d}", "mobile", "ABCDEF") for i in range(20)])
    login(client, reviewer)
    # The first view counts the terminals per status and keeps the count (cache and database).
    with django_assert_max_num_queries(9):
        page = client.get(reverse("terminals:inventory")).content.decode()
    assert "SN-0019" in page
    serial = app.terminals.get().serial_number
    history = client.get(reverse("terminals:terminal", args=[serial])).content.decode()
    for state in ("In stock", "Assigned", "Configured", "Active"):
        assert state in history


def test_the_import_page_lists_each_bad_line(reviewer, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    login(client, reviewer)
    upload = SimpleUploadedFile("t.csv", b"serial_number,model,key_check_value\nSN-1,desk,ABCDEF\n", "text/csv")
    response = client.post(reverse("terminals:import"), {"file": upload})
    assert response.status_code == 400
    assert "expected one of countertop, mobile, smart" in response.content.decode()
    assert not Terminal.objects.exists()


def test_an_installer_cannot_see_the_inventory(installer, client):
    login(client, installer)
    assert client.get(reverse("terminals:inventory")).status_code == 404


def test_staff_can_reassign_through_the_admin_button(
    clock, application_in, beijing_installer, other_installer, admin_user, client
):
    give_profile(other_installer, admin_user)
    app = application_in(Status.INSTALLATION_SCHEDULED)
    login(client, admin_user)
    url = reverse("admin:applications_merchantapplication_act", args=[app.pk, "reassign"])
    response = client.post(url, {"installer": other_installer.pk})
    assert response.status_code == 302
    assert app.visits.get(status="booked").installer == other_installer


def test_the_visit_page_speaks_chinese(clock, application_in, beijing_installer, client):
    app = application_in(Status.INSTALLATION_SCHEDULED)
    login(client, beijing_installer)
    page = client.get(reverse("installations:visit", args=[app.reference]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "我已到达商户：到场登记" in text and "两卷打印纸" in text
