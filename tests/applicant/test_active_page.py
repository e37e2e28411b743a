"""Once live, the merchant's page shows the terminal, its TID and the first days' tips."""

import pytest
from django.urls import reverse

from applications.choices import Status
from terminals.models import Terminal
from terminals.selectors import current_configuration

pytestmark = pytest.mark.django_db


def test_the_live_page_names_the_terminal_and_its_tid_and_gives_the_tips(client, application_in):
    app = application_in(Status.ACTIVE)
    terminal = Terminal.objects.get(application=app)
    tid = current_configuration(app).tid
    client.force_login(app.applicant)

    page = client.get(reverse("applications:status", args=[app.reference]), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert terminal.serial_number in page
    assert f'<dd id="live-tid">{tid}</dd>' in page
    assert 'id="first-sale-tips"' in page and 'id="settlement-tips"' in page
    assert app.card_number not in page and app.card_number[-4:] in page  # the settlement card, masked


def test_the_tips_read_in_chinese(client, application_in):
    app = application_in(Status.ACTIVE)
    client.force_login(app.applicant)

    page = client.get(
        reverse("applications:status", args=[app.reference]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "结算" in page and "签到" in page and "终端号" in page


@pytest.mark.parametrize("status", [Status.APPROVED, Status.INSTALLATION_SCHEDULED, Status.DRAFT])
def test_before_the_terminal_is_live_there_is_no_terminal_panel(client, application_in, status):
    app = application_in(status)
    client.force_login(app.applicant)

    page = client.get(reverse("applications:status", args=[app.reference])).content.decode()

    assert 'id="live-terminal"' not in page


def test_the_live_page_costs_a_few_queries(client, application_in, django_assert_max_num_queries):
    app = application_in(Status.ACTIVE)
    client.force_login(app.applicant)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("applications:status", args=[app.reference])).status_code == 200
