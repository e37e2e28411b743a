"""The phone layout (issue 13): a compact header whose menu button opens the links, with and
without JavaScript; thumb-sized radios and checkboxes; tables that become cards; the error pages."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from applications.choices import Status
from tests.browser.checks import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def as_user(browser, live_server, user, **context_args):
    client = Client()
    client.force_login(user)
    context = browser.new_context(extra_http_headers={"Accept-Language": "en"}, **context_args)
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


def test_on_a_phone_the_header_is_one_short_row_and_the_menu_button_opens_and_closes_the_links(
    browser, live_server, applicant
):
    context = as_user(browser, live_server, applicant, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/applications/")
    assert page.locator("header.site").bounding_box()["height"] <= 56
    links = page.get_by_role("navigation", name="Main menu")
    expect(links).to_be_hidden()

    button = page.get_by_role("button", name="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    box = button.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    button.click()
    expect(links).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    for link in links.get_by_role("link").all():
        assert link.bounding_box()["height"] >= 24
    check_page(page)  # open menu included

    page.keyboard.press("Escape")
    expect(links).to_be_hidden()
    expect(button).to_be_focused()
    context.close()


def test_without_javascript_the_menu_link_opens_the_menu(browser, live_server, applicant):
    context = as_user(browser, live_server, applicant, java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/applications/")
    links = page.get_by_role("navigation", name="Main menu")
    expect(links).to_be_hidden()
    page.get_by_role("link", name="Menu").click()
    expect(links).to_be_visible()
    expect(links.get_by_role("link", name="My applications")).to_be_visible()
    # ...and the language can still be changed: the switcher has its own button.
    expect(page.locator("#language-switcher button[type=submit]")).to_be_visible()
    context.close()


def test_on_a_wide_screen_the_links_are_in_the_header_without_a_menu_button(browser, live_server, reviewer):
    context = as_user(browser, live_server, reviewer, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Review queue")).to_be_visible()
    expect(page.locator("#menu-button")).to_be_hidden()
    context.close()


def test_radios_and_checkboxes_are_at_least_24_px(browser, live_server, application_in):
    app = application_in(Status.DRAFT)
    context = as_user(browser, live_server, app.applicant, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/applications/{app.reference}/step/terminal/")
    boxes = page.locator("input[type=radio], input[type=checkbox]")
    assert boxes.count() > 0
    for box in boxes.all():
        if box.is_visible():
            size = box.bounding_box()
            assert size["width"] >= 24 and size["height"] >= 24, size
    context.close()


def test_my_terminals_is_a_card_per_terminal_on_a_phone_and_a_table_on_a_wide_screen(
    browser, live_server, application_in, installer
):
    from tests.support.conftest import equip

    app = application_in(Status.ACTIVE)
    terminal = equip(app, installer, seq=3)
    context = as_user(browser, live_server, app.applicant, **PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/support/terminals/")
    row = page.locator("table.card-table tbody tr").first
    assert page.locator("table.card-table thead").bounding_box()["height"] <= 1  # kept for screen readers only
    cell = row.locator("td[data-label='Status']")
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Status"'
    button = row.get_by_role("link", name="My terminal shows an error")
    # One line of text, not a word per line: the button is as wide as the card.
    assert button.bounding_box()["width"] >= 300 and button.bounding_box()["height"] < 60
    expect(row).to_contain_text(terminal.serial_number)
    check_page(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    assert row.evaluate("tr => getComputedStyle(tr).display") == "table-row"
    assert button.bounding_box()["height"] < 80  # at most two lines beside the other columns
    context.close()


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "找不到页面"), ("en", "Page not found")])
def test_with_debug_off_a_missing_page_is_a_styled_404_in_the_browsers_language(
    browser, live_server, settings, language, heading
):
    settings.DEBUG = False
    context = browser.new_context(extra_http_headers={"Accept-Language": language}, **PHONE)
    page = context.new_page()
    response = page.goto(f"{live_server.url}/no-such-page")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # Styled: the portal's stylesheet reached the browser (the header has its background colour).
    assert page.locator("header.site").evaluate("h => getComputedStyle(h).backgroundColor") == "rgb(246, 248, 250)"
    check_page(page)
    context.close()
