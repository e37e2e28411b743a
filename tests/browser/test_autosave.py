"""Nothing typed is lost, in a real browser: the step saves as the person types, what the server
refused or never got is kept (sealed) in the tab and comes back, across a session that ended too."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from playwright.sync_api import Page, expect

from applications.models import MerchantApplication
from applications.services import application_create
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "en": {"locale": "en-US", "saved": re.compile(r"Saved at \d\d:\d\d"), "log_in_again": "Log in again"},
    "zh-hans": {"locale": "zh-CN", "saved": re.compile(r"已于 \d\d:\d\d 保存"), "log_in_again": "重新登录"},
}


def log_in(page: Page, email: str) -> None:
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').last.click()
    page.wait_for_load_state()


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [360, 1280])
def test_typed_values_survive_leaving_the_step_and_a_session_that_ended(
    live_server, browser, applicant, language, width
):
    words = WORDS[language]
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True, primary=True)
    app = application_create(applicant=applicant)
    base = live_server.url
    context = browser.new_context(
        viewport={"width": width, "height": 740 if width == 360 else 800},
        locale=words["locale"],
        extra_http_headers={"Accept-Language": language},
    )
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    step = f"{base}/applications/{app.reference}/step/personal/"
    page.goto(f"{base}/accounts/login/?next=/applications/{app.reference}/step/personal/")
    log_in(page, applicant.email)
    assert page.url == step

    # Typing saves by itself: a valid mobile number is saved, an ID number of 14 digits is refused and kept.
    page.fill("#id_legal_name", "王小明")
    page.fill("#id_mobile", "138-0013-8000")
    page.fill("#id_id_number", "11010119900307")
    page.locator("#id_legal_name").focus()  # leave the field: blur saves at once
    expect(page.locator("#field-id_number.invalid .errorlist")).to_be_visible()
    expect(page.locator("#autosave-status")).to_have_attribute("data-state", "invalid")
    assert fits_the_screen(page)
    saved = MerchantApplication.objects.get(pk=app.pk)
    assert (saved.legal_name, saved.mobile, saved.id_number) == ("王小明", "+8613800138000", "")

    # Leave for another step without pressing anything: the page asks first (an ID is not saved).
    expect(page.locator("form[data-unsaved]")).to_have_count(1)
    page.locator("nav.steps a").nth(1).click()
    page.wait_for_url(re.compile(r"/step/business/"))
    assert dialogs == ["beforeunload"]
    page.locator("nav.steps a").nth(0).click()
    page.wait_for_url(step)
    expect(page.locator("#id_id_number")).to_have_value("11010119900307")  # from the tab, sealed
    expect(page.locator("#id_mobile")).to_have_value("+8613800138000")  # from the server
    expect(page.locator("#field-id_number")).to_have_class(re.compile(r"\brestored\b"))
    stored = page.evaluate("JSON.stringify(sessionStorage)")
    assert "11010119900307" not in stored and "sealed" in stored  # never in clear in the browser

    # The session ends mid-step (its row is gone): typing says so, and how to come back.
    Session.objects.all().delete()
    page.fill("#id_legal_name", "王大明")
    page.locator("#id_mobile").focus()
    expect(page.locator("#autosave-status")).to_have_attribute("data-state", "expired")
    assert MerchantApplication.objects.get(pk=app.pk).legal_name == "王小明"
    page.get_by_role("link", name=words["log_in_again"]).click()
    log_in(page, applicant.email)

    # Logged in again: the same step, the same values, and now they are saved.
    assert page.url == step
    expect(page.locator("#id_legal_name")).to_have_value("王大明")
    expect(page.locator("#id_id_number")).to_have_value("11010119900307")
    expect(page.locator("#autosave-status")).to_have_attribute("data-state", re.compile("invalid|saved"))
    expect(page.locator("#autosave-status")).to_have_text(words["saved"])
    assert MerchantApplication.objects.get(pk=app.pk).legal_name == "王大明"
    assert fits_the_screen(page)
    page.screenshot(path=f"/tmp/i12-autosave-{language}-{width}.png", full_page=True)

    # The ID corrected (typed with spaces and a full-width digit), nothing is left unsaved.
    page.fill("#id_id_number", "110101 19900307 ００２X")
    page.locator("#id_legal_name").focus()
    expect(page.locator("#autosave-status")).to_have_attribute("data-state", "saved")
    expect(page.locator("#field-id_number.invalid")).to_have_count(0)
    assert MerchantApplication.objects.get(pk=app.pk).id_number == "11010119900307002X"
    expect(page.locator("form[data-unsaved]")).to_have_count(0)
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('pos-portal-draft:'))") == []
    context.close()


def test_a_deleted_session_cookie_is_an_ended_session_too(live_server, browser, applicant):
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True, primary=True)
    app = application_create(applicant=applicant)
    context = browser.new_context(locale="en-US", extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/applications/{app.reference}/step/business/")
    log_in(page, applicant.email)

    context.clear_cookies(name=django_settings.SESSION_COOKIE_NAME)
    page.fill("#id_business_name", "小明便利店")
    page.locator("#id_street").focus()
    expect(page.locator("#autosave-status")).to_have_attribute("data-state", "expired")
    page.reload()  # the step asks for a login, and brings the person back to it
    log_in(page, applicant.email)

    assert page.url.endswith(f"/applications/{app.reference}/step/business/")
    expect(page.locator("#id_business_name")).to_have_value("小明便利店")
    expect(page.locator("#autosave-status")).to_have_attribute("data-state", "saved")
    assert MerchantApplication.objects.get(pk=app.pk).business_name == "小明便利店"
    context.close()
