"""In the browser: a merchant whose terminal reports 97 finds out why and opens a case;
support books a service visit; the installer's list shows it."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from support.models import CaseStatus, ServiceVisit, SupportCase
from support.selectors import installer_service_visits
from tests.browser.checks import check_page
from tests.support.conftest import Device, config_of, equip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def acquirer(settings):
    from acquirer_sim.testing import run_simulator

    with run_simulator() as sim:
        settings.ACQUIRER_ADMIN_URL = sim.admin_url
        yield sim


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


def test_a_terminal_showing_97_becomes_a_case_then_a_visit_in_the_installers_list(
    browser, live_server, acquirer, application_in, installer, support
):
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

    # Support books a visit from the queue.
    staff = logged_in(browser, live_server, support)
    page = staff.new_page()
    page.goto(f"{live_server.url}/support/queue/")
    check_page(page)
    page.get_by_role("link", name=case.reference).click()
    assert "is not registered at the acquirer host" in page.locator(".checks").inner_text()
    check_page(page)
    page.locator("#id_installer").select_option(str(installer.pk))
    when = timezone.localtime(timezone.now() + timedelta(days=2)).replace(hour=10, minute=0)
    page.locator("#id_starts_at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Book the visit").click()
    page.get_by_text("Service visit booked with").wait_for()
    check_page(page)
    assert page.locator("#case-status").inner_text() == "Service visit booked"
    staff.close()

    # The installer's list shows it.
    field = logged_in(browser, live_server, installer, viewport={"width": 360, "height": 740}, is_mobile=True)
    page = field.new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Menu").click()  # a phone: the links are in the menu
    page.get_by_role("link", name="My visits").click()
    check_page(page)
    visit = page.locator(".service-visit")
    assert visit.count() == 1
    text = visit.inner_text()
    assert case.reference in text and terminal.serial_number in text and when.strftime("%Y-%m-%d 10:00") in text
    field.close()

    assert SupportCase.objects.get().status == CaseStatus.VISIT_BOOKED
    assert list(installer_service_visits(installer)) == [ServiceVisit.objects.get()]
