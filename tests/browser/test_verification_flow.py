"""The automatic checks in the browser: a clean application is approved without a reviewer and the
applicant books the visit; an application whose card holder does not match waits in the queue,
and the reviewer reads the reason first."""

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect
from stdnum import luhn

from applications import services as app_services
from applications.choices import Status
from applications.models import MerchantApplication
from installations.samples import ensure_installer_covers, fill
from tests.browser.checks import check_page

pytestmark = [pytest.mark.browser, pytest.mark.verification, pytest.mark.django_db(transaction=True)]


def session_cookie(user, live_server) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}


def draft(applicant, seq: int, **fields) -> MerchantApplication:
    app = fill(MerchantApplication.objects.create(applicant=applicant), applicant, seq)
    if fields:
        app = app_services.application_save_fields(application=app, by=applicant, fields=fields)
    return app


def submit_in_the_browser(page: Page, base: str, app: MerchantApplication) -> None:
    page.goto(f"{base}/applications/{app.reference}/summary/")
    page.locator("#submit-application").click()
    page.wait_for_url(re.compile(rf"/applications/{app.reference}/$"))


def test_a_clean_application_is_approved_without_a_reviewer_and_the_visit_is_booked(
    live_server, browser, applicant, reviewer, installer
):
    applicant.preferred_language = "en"
    applicant.save()
    app = draft(applicant, 5)
    ensure_installer_covers(installer, app, reviewer)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    context.add_cookies([session_cookie(applicant, live_server)])
    page = context.new_page()
    page.set_extra_http_headers({"Accept-Language": "en"})

    submit_in_the_browser(page, live_server.url, app)
    # Within a minute of the submit, without a reviewer: the page says approved (reloaded as a person would).
    for _ in range(30):
        if page.locator("#current-status").inner_text() == "Approved":
            break
        page.wait_for_timeout(2000)
        page.reload()
    expect(page.locator("#current-status")).to_have_text("Approved")
    expect(page.get_by_test_id("checks-running")).to_have_count(0)
    check_page(page)

    page.locator("#book-visit").click()
    check_page(page)
    page.locator("input[name=starts_at]").first.check()
    page.locator("#slots button[type=submit]").click()
    page.goto(f"{live_server.url}/applications/{app.reference}/")
    expect(page.locator("#current-status")).to_have_text("Installation scheduled")
    context.close()

    app.refresh_from_db()
    assert app.status == Status.INSTALLATION_SCHEDULED
    assert app.merchant_id


def card_of_another_holder() -> str:
    base = "6222020000001911"  # the bank simulator: x911 before the check digit is "holder does not match"
    return base + luhn.calc_check_digit(base)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_card_holder_mismatch_waits_in_the_queue_with_the_reason_first(
    live_server, browser, applicant, reviewer, language
):
    app = draft(applicant, 6, card_number=card_of_another_holder())
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies([session_cookie(applicant, live_server)])
    page = context.new_page()
    page.set_extra_http_headers({"Accept-Language": language})
    submit_in_the_browser(page, live_server.url, app)
    context.close()
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED

    staff = browser.new_context(viewport={"width": 1280, "height": 800})
    staff.add_cookies([session_cookie(reviewer, live_server)])
    page = staff.new_page()
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{live_server.url}/applications/review/")
    page.get_by_role("link", name=app.reference).click()
    reasons = page.get_by_test_id("verification-reasons").locator("li")
    first = {"en": "The bank says the card's holder", "zh-hans": "持卡人"}[language]
    expect(reasons.first).to_contain_text(first)
    # The reasons come before the application's data.
    assert page.evaluate(
        "() => document.querySelector('[data-testid=verification]').compareDocumentPosition("
        "document.querySelector('.review-grid')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    check_page(page)
    page.screenshot(path=f"/tmp/i16-review-{language}-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=f"/tmp/i16-review-{language}-360.png", full_page=True)
    staff.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_applicant_sees_checks_running(live_server, browser, applicant, language, settings):
    from verification import services
    from verification.models import Assessment

    settings.VERIFICATION_AUTO_START = False  # the job has not run yet: the page shows it running
    app = draft(applicant, 7)
    app = app_services.application_submit(application=app, by=applicant)
    Assessment.objects.create(application=app, version=services.application_version(app), requested_by=applicant)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_cookies([session_cookie(applicant, live_server)])
    page = context.new_page()
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{live_server.url}/applications/{app.reference}/")
    expect(page.get_by_test_id("checks-running")).to_be_visible()
    check_page(page)
    page.screenshot(path=f"/tmp/i16-status-{language}-360.png")
    context.close()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_reviewer_sees_why_approve_waits_and_why_claim_is_not_theirs(
    live_server, browser, applicant, reviewer, language, settings
):
    from applications.choices import ReviewCheck
    from verification import services
    from verification.choices import Route
    from verification.models import Assessment

    settings.VERIFICATION_AUTO_START = False  # the checks are set by hand: one running, one routed to a senior
    running = app_services.application_submit(application=draft(applicant, 8), by=applicant)
    Assessment.objects.create(application=running, version=services.application_version(running))
    running = app_services.application_claim(application=running, by=reviewer)
    app_services.application_save_checklist(
        application=running, by=reviewer, checks={str(k): True for k in ReviewCheck.values}
    )
    senior = app_services.application_submit(application=draft(applicant, 9), by=applicant)
    Assessment.objects.create(application=senior, version="v", route=Route.SENIOR, score=60)

    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_cookies([session_cookie(reviewer, live_server)])
    page = context.new_page()
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{live_server.url}/applications/review/{running.reference}/")
    expect(page.get_by_test_id("approve-waits")).to_be_visible()
    expect(page.locator("#approve button[type=submit]")).to_be_disabled()
    check_page(page)
    page.screenshot(path=f"/tmp/h3-approve-waits-{language}-360.png", full_page=True)

    page.goto(f"{live_server.url}/applications/review/{senior.reference}/")
    expect(page.get_by_test_id("claim-refused")).to_have_text({"en": "Senior review", "zh-hans": "高级审核"}[language])
    expect(page.locator(".claim-bar button")).to_have_count(0)
    check_page(page)
    context.close()
