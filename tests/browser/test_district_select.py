"""The district select follows the province (regions/static/regions/district-select.js), and without
JavaScript the server refuses a district of another province, naming the field."""

import pytest
from playwright.sync_api import expect

from tests.browser.checks import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def address_page(settings):
    settings.ROOT_URLCONF = "tests.regions.urls"


def test_choosing_a_province_lists_its_districts_by_city(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    page.goto(f"{live_server.url}/address/")
    district = page.get_by_label("District")
    expect(district.locator("option[value='110105']")).to_have_count(1)
    page.get_by_label("Province").select_option("44")
    expect(district.locator("optgroup[label='深圳市'] option[value='440305']")).to_have_count(1)
    expect(district.locator("option[value='110105']")).to_have_count(0)
    district.select_option("440305")
    check_page(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#saved")).to_have_text("440305")
    context.close()


def test_without_javascript_a_district_of_another_province_is_refused_naming_the_field(browser, live_server):
    context = browser.new_context(java_script_enabled=False, extra_http_headers={"Accept-Language": "en"})
    page = context.new_page()
    page.goto(f"{live_server.url}/address/")
    page.get_by_label("District").select_option("110105")  # Beijing's list, then another province
    page.get_by_label("Province").select_option("44")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("District: 北京市朝阳区 is not in 广东省.")).to_be_visible()
    # The list now offers Guangdong's districts; the province chosen is kept.
    expect(page.get_by_label("District").locator("option[value='440305']")).to_have_count(1)
    expect(page.get_by_label("Province")).to_have_value("44")
    context.close()
