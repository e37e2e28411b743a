"""An installer's visit on a 360 px phone: check in, assign, configure, 97, fix, 00, train, complete."""

import pytest
import time_machine
from django.test import Client
from playwright.sync_api import expect

from applications.choices import Status
from installations.models import TRAINING_TOPICS
from notifications.models import Notification
from terminals.models import Terminal, TerminalStatus
from tests import visit_fixtures
from tests.browser.checks import check_page
from tests.visit_fixtures import at, stock

# The visit's fixtures (tests/visit_fixtures.py), offered to this module.
clock = visit_fixtures.clock
beijing_installer = visit_fixtures.beijing_installer
acquirer = visit_fixtures.acquirer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def session_cookie(user, live_server) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def test_an_installer_does_the_whole_visit_on_a_phone(
    clock, application_in, beijing_installer, reviewer, acquirer, live_server, phone_context, browser
):
    app = application_in(Status.INSTALLATION_SCHEDULED)  # Tuesday 8 December, 9:00
    stock(reviewer, ("SN-CT-7", "countertop", "1A2B3C"))

    with time_machine.travel(at(8, 8, 40), tick=True):  # Tuesday morning: it is today's task
        phone_context.add_cookies([session_cookie(beijing_installer, live_server)])
        page = phone_context.new_page()
        page.goto(f"{live_server.url}/installations/visits/")
        check_page(page)
        page.locator("a.task", has_text=app.reference).first.click()
        expect(page.locator("h1")).to_have_text(app.business_name)
        check_page(page)

        page.get_by_role("button", name="I am at the merchant: check in").click()
        expect(page.locator("#application-status")).to_have_text("Configuring")
        check_page(page)

        page.get_by_label("Serial number (on the terminal's label)").fill("sn-ct-7")
        page.get_by_role("button", name="Assign this terminal").click()
        terminal = Terminal.objects.get(serial_number="SN-CT-7")
        assert terminal.status == TerminalStatus.ASSIGNED and terminal.host_registered_at is not None

        # A mistyped TID: the host answers 97, the configuration cannot complete.
        page.get_by_label("Terminal ID (TID)").fill("ZZ000001")
        page.get_by_label("Key check value (KCV)").fill("1a2b3c")
        page.get_by_role("button", name="Save the configuration").click()
        page.get_by_role("button", name="Test the sign-in").click()
        expect(page.locator("#signin-answer")).to_have_text("97")
        expect(page.locator("section#signin")).to_contain_text(f"The TID issued for this terminal is {terminal.tid}")
        expect(page.get_by_role("button", name="Configuration done: go to training")).to_have_count(0)

        page.get_by_label("Terminal ID (TID)").fill(terminal.tid)
        page.get_by_role("button", name="Save the configuration").click()
        page.get_by_role("button", name="Test the sign-in").click()
        expect(page.locator("#signin-answer")).to_have_text("00")
        check_page(page)
        page.get_by_role("button", name="Configuration done: go to training").click()
        expect(page.locator("#application-status")).to_have_text("Training")
        check_page(page)

        for _key, label in TRAINING_TOPICS:
            page.get_by_label(str(label)).check()
        page.get_by_label("Merchant's name, typed by the merchant").fill(app.legal_name)
        page.get_by_role("button", name="Record the training").click()
        page.get_by_role("button", name="Complete the visit: activate the terminal").click()
        expect(page.locator("#visit-complete")).to_be_visible()
        check_page(page)
        page.screenshot(path="/tmp/issue5_visit_phone.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        # The applicant's page shows the terminal active.
        applicant_context = browser.new_context(viewport={"width": 360, "height": 740})
        applicant_context.add_cookies([session_cookie(app.applicant, live_server)])
        mine = applicant_context.new_page()
        mine.goto(f"{live_server.url}/installations/book/{app.reference}/")
        expect(mine.locator("#terminal-status")).to_contain_text("Active")
        expect(mine.locator("#application-status")).to_have_text("Active")
        check_page(mine)
        # ...and so does their application's status page (issue 3's), which is where they follow it.
        mine.goto(f"{live_server.url}/applications/{app.reference}/")
        expect(mine.locator("#current-status")).to_have_text("Active")
        check_page(mine)
        applicant_context.close()

    app.refresh_from_db()
    assert app.status == Status.ACTIVE
    assert Terminal.objects.get(serial_number="SN-CT-7").status == TerminalStatus.ACTIVE
    assert [s.response_code for s in app.signins.order_by("at", "pk")] == ["97", "00"]
    assert Notification.objects.filter(recipient=app.applicant, template="terminal.active", channel="in_app").exists()
