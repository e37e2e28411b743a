"""Every catalogue entry's guided path, and every symptom's, as the merchant sees it."""

import pytest
from django.utils.html import escape

from support.catalogue import CATALOGUE, CUSTOMER_SIDES, HOST_SIDE_CODES, SYMPTOMS, Side

REQUIRED = [
    "00",
    "03",
    "05",
    "12",
    "14",
    "22",
    "30",
    "51",
    "54",
    "55",
    "58",
    "61",
    "77",
    "91",
    "94",
    "96",
    "97",
    "98",
    "99",
    "A0",
]


def test_the_catalogue_holds_every_required_code():
    assert set(REQUIRED) <= set(CATALOGUE)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_each_entry_has_screen_text_meaning_causes_and_steps(code):
    item = CATALOGUE[code]
    assert item.shows and str(item.meaning)
    assert item.causes and all(str(c) for c in item.causes)
    assert item.steps and all(str(s) for s in item.steps)


def test_the_host_side_codes_are_the_gateway_ones():
    assert {"91", "96", "98"} == HOST_SIDE_CODES


@pytest.fixture
def merchant(client, live_terminal):
    client.force_login(live_terminal.application.applicant)
    return client


def _path(merchant, terminal, **query):
    response = merchant.get(f"/support/terminals/{terminal.serial_number}/problem/", query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("code", REQUIRED)
def test_the_path_for_each_code_shows_its_meaning_checks_and_steps(merchant, live_terminal, code):
    item = CATALOGUE[code]

    page = _path(merchant, live_terminal, code=code)

    assert item.shows in page
    assert escape(str(item.meaning)) in page
    for cause in item.causes:
        assert escape(str(cause)) in page
    for step in item.steps:
        assert escape(str(step)) in page
    for key in ("registration", "contact", "configuration", "incident", "customer_side"):
        assert f'data-check="{key}"' in page
    if item.side in CUSTOMER_SIDES:
        assert "The card or the amount is the likely cause, not your terminal." in page
    else:
        assert "The card or the amount is the likely cause" not in page
    assert "No, open a support case" in page
    assert ("This usually needs support" in page) == item.needs_support


@pytest.mark.parametrize("code", [c for c, e in CATALOGUE.items() if e.side in (Side.CARD, Side.AMOUNT)])
def test_card_and_amount_codes_say_the_terminal_is_fine(merchant, live_terminal, code):
    page = _path(merchant, live_terminal, code=code)

    assert "not to your terminal" in page


@pytest.mark.parametrize("symptom", sorted(SYMPTOMS))
def test_the_path_for_each_symptom_shows_its_causes_and_steps(merchant, live_terminal, symptom):
    item = SYMPTOMS[symptom]

    page = _path(merchant, live_terminal, symptom=symptom)

    assert escape(str(item.label)) in page
    for step in item.steps:
        assert escape(str(step)) in page
    assert 'data-check="registration"' in page


def test_a_request_with_neither_code_nor_symptom_asks_for_one(merchant, live_terminal):
    page = _path(merchant, live_terminal, code="", symptom="")

    assert "Choose the code the terminal shows, or what happens." in page
    assert 'data-check="' not in page


def test_an_unknown_code_is_refused_by_the_form(merchant, live_terminal):
    page = _path(merchant, live_terminal, code="ZZ")

    assert "Select a valid choice" in page
    assert 'data-check="' not in page


def test_the_page_starts_from_the_code_the_terminal_last_reported(merchant, device):
    device.report("signin", code="97")

    page = merchant.get(f"/support/terminals/{device.terminal.serial_number}/problem/").content.decode()

    assert '<option value="97" selected>' in page


def test_the_path_reads_in_chinese(client, live_terminal):
    client.force_login(live_terminal.application.applicant)
    page = client.get(
        f"/support/terminals/{live_terminal.serial_number}/problem/", {"code": "97"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()

    assert "无效终端" in page
    assert "终端未登记" in page
    assert "我们为您检查了什么" in page


def test_another_merchants_terminal_is_not_found(client, other_applicant, live_terminal):
    client.force_login(other_applicant)

    assert client.get(f"/support/terminals/{live_terminal.serial_number}/problem/").status_code == 404
