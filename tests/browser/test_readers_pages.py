"""The pages issue 13 changed, in both languages, checked at 360 and 1280 px (overflow and
axe-core): a support case for the merchant and for support, the live terminal on the merchant's
page, the review page of an application that came back, the business step's district select.

With SCREENSHOTS_DIR set, each page is also saved at both sizes, to be looked at.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from applications import services
from applications.choices import Status
from core.texts import source
from support.catalogue import entry
from support.services import case_open, case_resend_configuration
from terminals.models import Terminal
from tests.browser.checks import SIZES, check_page
from tests.browser.test_phone_layout import as_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SCREENSHOTS_DIR", "")


def _look(page, name: str, language: str) -> None:
    check_page(page)
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for size in SIZES:
        page.set_viewport_size(size)
        page.screenshot(path=f"{SHOTS}/{name}-{language}-{size['width']}.png", full_page=True)


@pytest.fixture
def pages(application_in, reviewer, support):
    """A live merchant with a case support acted on; an application back from its applicant."""
    live = application_in(Status.ACTIVE)
    terminal = Terminal.objects.get(application=live)
    case = case_open(
        terminal=terminal,
        by=live.applicant,
        code="97",
        answers={"tried": [source(entry("97").steps[0])], "note": "从早上开始，每笔都显示 97。"},
    )
    case_resend_configuration(case=case, by=support)
    back = application_in(Status.SUBMITTED)
    back = services.application_claim(application=back, by=reviewer)
    back = services.application_request_changes(
        application=back, by=reviewer, fields=["business_name"], message="请更正"
    )
    services.application_save_fields(application=back, by=back.applicant, fields={"business_name": "小明超市"})
    back = services.application_submit(application=back, by=back.applicant)
    draft = application_in(Status.DRAFT)
    return {
        "merchant-case": (live.applicant, reverse("support:case_detail", args=[case.reference])),
        "support-case": (support, reverse("support:case_manage", args=[case.reference])),
        "live-terminal": (live.applicant, reverse("applications:status", args=[live.reference])),
        "review-changes": (reviewer, reverse("applications:review", args=[back.reference])),
        "business-step": (draft.applicant, reverse("applications:step", args=[draft.reference, "business"])),
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_pages_read_well_on_a_phone_and_a_desktop(browser, live_server, pages, language):
    for name, (person, url) in pages.items():
        context = as_user(browser, live_server, person, viewport=SIZES[0])
        context.set_extra_http_headers({"Accept-Language": language})
        page = context.new_page()
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, (name, url)
        _look(page, name, language)
        context.close()
