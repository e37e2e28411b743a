"""What issue 15 added to staff pages, in the browser: the queue's notice for a search too short
or a page too far, and the dashboard's line saying how old its snapshot is, in both languages,
without overflow at 360 or 1280 px and without serious accessibility problems."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from applications.choices import Status
from installations.dashboard import refresh_figures
from tests.browser.checks import check_page
from tests.browser.test_reviewer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "too_short", "too_far", "age"),
    [
        ("en", "Type at least two letters", "reached with Next", "minutes ago"),
        ("zh-hans", "请至少输入", "逐页点击", "分钟前"),
    ],
)
def test_the_queue_s_notices_and_the_dashboard_s_age_read_well(
    page: Page, live_server, reviewer, application_in, tmp_path, language, too_short, too_far, age
):
    EmailAddress.objects.create(user=reviewer, email=reviewer.email, verified=True, primary=True)
    application_in(Status.SUBMITTED)
    refresh_figures()
    page.set_extra_http_headers({"Accept-Language": language})
    base = live_server.url
    log_in(page, base, reviewer.email)

    page.goto(f"{base}/applications/review/?tab=all&q=%25")
    expect(page.get_by_test_id("queue-notice")).to_contain_text(too_short)
    check_page(page)
    page.goto(f"{base}/applications/review/?tab=all&page=1000000000")
    expect(page.get_by_test_id("queue-notice")).to_contain_text(too_far)
    check_page(page)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path=str(tmp_path / f"queue-{language}-360.png"), full_page=True)

    page.goto(f"{base}/dashboard/")
    expect(page.get_by_test_id("figures-age")).to_contain_text(age)
    check_page(page)
    page.screenshot(path=str(tmp_path / f"dashboard-{language}-360.png"))
