"""A reviewer's day in the browser: log in, filter the queue, claim, read the documents,
request changes; the applicant sees the request on their pages, replaces the photo and
resubmits; the reviewer approves and the applicant sees the merchant ID.
"""

import io
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from PIL import Image
from playwright.sync_api import Page, expect

from applications.choices import Status
from applications.models import MerchantApplication
from core.choices import Province
from notifications.models import Notification
from tests.browser.checks import check_page
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def brighter_storefront_file(folder: Path) -> Path:
    path = folder / "storefront.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (250, 250, 240)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def log_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    check_page(page)
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', PASSWORD)
    page.locator('form button[type="submit"]').last.click()
    page.wait_for_load_state()


def test_a_reviewer_requests_changes_then_approves_the_fixed_application(
    page: Page, live_server, reviewer, applicant, application_in, tmp_path
):
    EmailAddress.objects.create(user=reviewer, email=reviewer.email, verified=True, primary=True)
    app = application_in(Status.SUBMITTED)
    MerchantApplication.objects.filter(pk=app.pk).update(province=Province.ZHEJIANG)
    elsewhere = application_in(Status.SUBMITTED)  # Beijing: filtered out below
    base = live_server.url
    page.set_extra_http_headers({"Accept-Language": "en"})

    log_in(page, base, reviewer.email)
    page.get_by_role("link", name="Review queue").first.click()
    expect(page.get_by_role("link", name=elsewhere.reference)).to_be_visible()
    check_page(page)

    # Filter by region: htmx replaces the results and the address keeps the filter.
    page.wait_for_function("() => window.htmx && document.readyState === 'complete'")
    page.select_option("#f-province", Province.ZHEJIANG.value)
    expect(page.get_by_role("link", name=elsewhere.reference)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"province=33"))
    page.get_by_role("link", name=app.reference).click()

    page.get_by_role("button", name="Claim").click()
    expect(page.locator(".messages")).to_contain_text(f"You now hold application {app.reference}")
    expect(page.get_by_test_id("status")).to_have_text("In review")
    check_page(page)

    # Every document is shown inline, served by the staff-only view.
    images = page.locator("figure.document img")
    expect(images).to_have_count(len(app.required_documents()))
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=images.nth(i).element_handle())
    with page.context.expect_page() as popup_info:
        page.locator("figure.document[data-kind=storefront] a").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.evaluate("document.contentType") == "image/png"
    popup.close()

    form = page.locator("form#request-changes")
    form.get_by_label("Storefront photo").check()
    form.get_by_label("Message to the applicant").fill("门头照片太暗，请重新拍摄。")
    form.get_by_role("button", name="Request changes").click()
    expect(page.locator(".messages")).to_contain_text("back with the applicant for changes")
    check_page(page)

    # Stored for the applicant: the state, the message, the fields to fix, an in-app notice.
    app.refresh_from_db()
    assert app.status == Status.CHANGES_REQUESTED
    assert app.decision_message == "门头照片太暗，请重新拍摄。"
    assert app.changes_requested_fields == ["storefront"]
    assert Notification.objects.filter(
        recipient=applicant, channel="in_app", template="application.changes_requested"
    ).exists()

    # The applicant, in a browser of their own, sees the request, replaces the photo, resubmits.
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True, primary=True)
    merchant = page.context.browser.new_context(extra_http_headers={"Accept-Language": "en"})
    shop = merchant.new_page()
    log_in(shop, base, applicant.email)
    shop.goto(f"{base}/applications/{app.reference}/")
    expect(shop.locator("#current-status")).to_have_text("Changes requested")
    expect(shop.locator("#to-fix")).to_contain_text("门头照片太暗，请重新拍摄。")
    expect(shop.locator("#to-fix")).to_contain_text("Storefront photo")
    check_page(shop)
    dark_photo = app.documents.get(kind="storefront").sha256
    shop.goto(f"{base}/applications/{app.reference}/step/documents/")
    check_page(shop)
    shop.set_input_files("#id_storefront", brighter_storefront_file(tmp_path))
    shop.get_by_role("button", name="Upload and continue").click()
    shop.wait_for_url(re.compile(r"/step/terminal/$"))
    assert app.documents.get(kind="storefront").sha256 != dark_photo
    shop.goto(f"{base}/applications/{app.reference}/summary/")
    check_page(shop)
    shop.get_by_role("button", name="Submit the application").click()
    expect(shop.locator("#current-status")).to_have_text("Submitted")
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.changes_requested_fields == []

    page.goto(f"{base}/applications/review/")
    page.get_by_role("link", name=app.reference).click()
    page.get_by_role("button", name="Claim").click()
    checklist = page.locator("form.checklist")
    checklist.get_by_label("The ID card matches the legal name").check()
    checklist.get_by_label("The account holder matches the legal or business name").check()
    checklist.get_by_label("The business licence is readable and matches").check()
    checklist.get_by_role("button", name="Save the checklist").click()
    expect(page.locator(".messages")).to_contain_text("Checklist")

    approve = page.locator("form#approve")
    approve.get_by_label("Message to the applicant").fill("资料齐全，欢迎！")
    approve.get_by_role("button", name="Approve").click()
    expect(page.locator(".messages")).to_contain_text(f"Application {app.reference} is approved")
    check_page(page)

    app.refresh_from_db()
    assert app.status == Status.APPROVED and app.merchant_id
    assert app.decision_message == "资料齐全，欢迎！"
    assert Notification.objects.filter(recipient=applicant, channel="in_app", template="application.approved").exists()

    shop.goto(f"{base}/applications/{app.reference}/")
    expect(shop.locator("#current-status")).to_have_text("Approved")
    expect(shop.get_by_text(app.merchant_id)).to_be_visible()
    check_page(shop)
    merchant.close()
