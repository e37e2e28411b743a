"""Staff pages at a phone's width in English, where the words are longest: the review queue's
tabs (with the Senior review tab) fit the screen, the dashboard's error codes per day scroll
sideways in their own region instead of squeezing each heading into a column of single
letters, and no column heading is broken inside a word."""

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from playwright.sync_api import Page

from applications.choices import Status
from core.choices import TerminalModel
from installations.dashboard import refresh_figures
from terminals.models import DeviceEvent, EventKind, Terminal, TerminalStatus
from tests.browser.checks import check_page
from tests.browser.test_reviewer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The height of each heading cell, in lines of its own text.
_LINES = """(selector) => Array.from(document.querySelectorAll(selector)).map(el => {
  const style = getComputedStyle(el);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
  const inner = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  return [el.textContent.trim(), Math.round(inner / line)];
})"""

# Words of a heading that the browser broke inside (a line ending mid-word).
_BROKEN_WORDS = """(selector) => {
  const broken = [];
  for (const el of document.querySelectorAll(selector)) {
    const text = el.textContent.trim();
    const range = document.createRange();
    const node = el.firstChild && el.firstChild.nodeType === 3 ? el.firstChild : null;
    if (!node) continue;
    let lastTop = null;
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const top = Math.round(range.getBoundingClientRect().top);
      if (lastTop !== null && top > lastTop && /\\S/.test(node.data[i - 1]) && /\\S/.test(node.data[i])) {
        broken.push(text);
        break;
      }
      lastTop = top;
    }
  }
  return broken;
}"""


def test_the_queue_s_tabs_fit_a_phone_in_english(page: Page, live_server, reviewer):
    EmailAddress.objects.create(user=reviewer, email=reviewer.email, verified=True, primary=True)
    page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(page, live_server.url, reviewer.email)

    page.goto(f"{live_server.url}/applications/review/")  # the Unassigned tab, drawn bold, is the widest
    assert page.get_by_role("link", name="Senior review").is_visible()
    check_page(page)


def test_the_dashboard_s_tables_read_well_on_a_phone(page: Page, live_server, support, application_in):
    EmailAddress.objects.create(user=support, email=support.email, verified=True, primary=True)
    terminal = Terminal.objects.create(
        serial_number="SN-NARROW-1",
        model=TerminalModel.COUNTERTOP,
        status=TerminalStatus.ACTIVE,
        application=application_in(Status.ACTIVE),
    )
    application_in(Status.IN_REVIEW)  # a line in the reviewers' open work, whose column says "Held"
    now = timezone.now()
    DeviceEvent.objects.create(
        terminal=terminal, event_id="e1", kind=EventKind.SIGNIN, occurred_at=now, received_at=now, response_code="97"
    )
    refresh_figures()
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_server.url, support.email)

    page.goto(f"{live_server.url}/dashboard/")
    codes = page.get_by_role("region", name="Error codes per day")
    assert codes.is_visible()
    lines = dict(page.evaluate(_LINES, "#terminals-health thead th"))
    assert lines["Response code"] == 1, lines  # one line, not a letter a line
    assert all(n == 1 for n in lines.values()), lines  # each day on one line: the region scrolls instead
    assert "Held" in [text for text, _lines in page.evaluate(_LINES, "thead th")]
    assert page.evaluate(_BROKEN_WORDS, "thead th") == []
    check_page(page)
