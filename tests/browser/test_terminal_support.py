"""In the browser, at 360 px: a merchant whose terminal reports 97 finds out why and opens a case;
support books a service visit from the free slots; the installer opens it from "My visits", checks
in, re-enters the TID, gets 00 from the simulator, adds a note and a photo and completes; the
merchant's case page shows the visit done."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from installations.models import Visit, VisitStatus
from support.models import CaseStatus, SupportCase
from tests.browser.checks import check_page
from tests.support.conftest import Device, config_of, equip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acquirer(settings):
    from acquirer_sim.testing import run_simulator

    with run_simulator() as sim:
        settings.ACQUIRER_ADMIN_URL = sim.admin_url
        settings.ACQUIRER_HOST, settings.ACQUIRER_PORT = sim.host, sim.iso_port
        yield sim


@pytest.fixture
def photo(tmp_path):
    from PIL import Image

    path = tmp_path / "terminal.jpg"
    Image.new("RGB", (64, 48), "white").save(path, "JPEG")
    return path


def logged_in(browser, live_server, user, **context_args):
    client = Client()
    client.force_login(user)
    context = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en"}, **context_args)
    context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def test_a_terminal_showing_97_is_fixed_on_a_service_visit_from_one_calendar(
    browser, live_server, acquirer, photo, settings, application_in, installer, support
):
    settings.VISIT_CHECK_IN_EARLY_MINUTES = 14 * 24 * 60  # the test checks in now, whatever slot was free
    from applications.choices import Status
    from terminals.services import credential_issue, signing_secret

    app = application_in(Status.ACTIVE)
    terminal = equip(app, installer, seq=7)
    acquirer.register_merchant(config_of(terminal)["mid"])  # the merchant is known; the terminal is not
    credential, token = credential_issue(terminal=terminal, by=support)
    assert Device(terminal, token, signing_secret(credential)).report("signin", code="97").status_code == 201

    # The merchant, on a phone.
    merchant = logged_in(browser, live_server, app.applicant, viewport={"width": 360, "height": 740}, is_mobile=True)
    page = merchant.new_page()
    page.goto(f"{live_server.url}/support/terminals/")
    check_page(page)
    page.get_by_role("link", name="My terminal shows an error").click()
    assert page.locator("#id_code").input_value() == "97"  # what the terminal last reported
    check_page(page)
    page.get_by_role("button", name="Check my terminal").click()
    page.locator("#diagnosis").wait_for()
    check_page(page)
    assert "无效终端" in page.content()
    findings = page.locator(".findings").inner_text()
    assert f"The terminal ID {config_of(terminal)['tid']} is not registered at the acquirer host." in findings
    page.get_by_label("Do not retry the sale: it will be refused the same way.").check()
    page.get_by_label("Anything else we should know").fill("今天早上开始显示无效终端")
    page.get_by_role("button", name="No, open a support case").click()
    page.get_by_text("is open: support has your answers and our checks").wait_for()
    check_page(page)
    case = SupportCase.objects.get()
    assert case.code == "97" and case.answers["note"] == "今天早上开始显示无效终端"
    merchant.close()

    # Support books a visit from the queue: a free slot of the one calendar, the merchant's windows first.
    staff = logged_in(browser, live_server, support)
    page = staff.new_page()
    page.goto(f"{live_server.url}/support/queue/")
    check_page(page)
    page.get_by_role("link", name=case.reference).click()
    assert "is not registered at the acquirer host" in page.locator(".checks").inner_text()
    check_page(page)
    page.locator("#id_starts_at").select_option(index=1)  # the first free slot offered
    page.locator("#id_installer").select_option(str(installer.pk))
    page.get_by_role("button", name="Book the visit").click()
    page.get_by_text("Service visit booked with").wait_for()
    check_page(page)
    assert page.locator("#case-status").inner_text() == "Service visit booked"
    staff.close()
    visit = Visit.objects.get(purpose="service")
    assert visit.installer == installer and visit.terminal == terminal

    # The installer, on a phone: My visits → the visit → check in, re-enter the TID, sign in, note, photo, done.
    field = logged_in(browser, live_server, installer, viewport={"width": 360, "height": 740}, is_mobile=True)
    page = field.new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Menu").click()  # a phone: the links are in the menu
    page.get_by_role("link", name="My visits").click()
    check_page(page)
    row = page.locator(".service-visit")
    assert row.count() == 1
    text = row.inner_text()
    assert "Service" in text and terminal.serial_number in text
    assert timezone.localtime(visit.starts_at).strftime("%Y-%m-%d %H:%M") in text
    row.click()
    check_page(page)
    assert case.reference in page.locator("#case").inner_text() and "97" in page.locator("#last-codes").inner_text()
    page.get_by_role("button", name="I am at the merchant: check in").click()
    page.get_by_text("Checked in.").wait_for()
    tid = config_of(terminal)["tid"]
    page.get_by_label("Terminal ID (TID)").fill(tid)
    page.get_by_label("Acquirer host address").fill(acquirer.host)
    page.get_by_label("Port").fill(str(acquirer.iso_port))
    page.get_by_label("Key check value (KCV)").fill("ABC123")
    page.get_by_role("button", name="Save the configuration").click()
    page.get_by_text("Configuration saved").wait_for()
    check_page(page)
    page.get_by_role("button", name="Test the sign-in").click()
    page.locator("#signin-answer").wait_for()
    assert page.locator("#signin-answer").inner_text() == "00"
    page.get_by_label("What was done").fill("重新输入 TID，收单主机登记后签到返回 00")
    page.locator("#id_photo").set_input_files(str(photo))
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved.").wait_for()
    assert page.locator("#visit-photo").count() == 1
    page.get_by_role("button", name="Complete the visit").click()
    page.get_by_text("Visit complete").first.wait_for()
    check_page(page)
    field.close()

    # The merchant's case page shows the visit done.
    merchant = logged_in(browser, live_server, app.applicant, viewport={"width": 360, "height": 740}, is_mobile=True)
    page = merchant.new_page()
    page.goto(f"{live_server.url}/support/cases/{case.reference}/")
    check_page(page)
    assert page.locator("#case-status").inner_text() == "Service visit done"
    assert "Service visit done on" in page.locator("#visit-done").inner_text()
    merchant.close()

    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.photo
    assert SupportCase.objects.get().status == CaseStatus.VISIT_DONE
