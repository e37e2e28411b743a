"""The staff inventory pages answer in a fixed number of queries, however many terminals there are."""

import pytest
from django.urls import reverse

from terminals.models import Terminal, TerminalEvent, TerminalStatus


def _stock(n: int, by) -> Terminal:
    Terminal.objects.bulk_create(
        Terminal(serial_number=f"SN-{i:05d}", model="countertop", key_check_value="A1B2C3") for i in range(n)
    )
    first = Terminal.objects.get(serial_number="SN-00000")
    TerminalEvent.objects.bulk_create(
        TerminalEvent(terminal=first, from_status="", to_status=TerminalStatus.IN_STOCK, by=by) for _ in range(n)
    )
    return first


@pytest.mark.parametrize("n", [5, 300])
def test_the_inventory_list_costs_the_same_queries_for_few_or_many_terminals(
    n, client, reviewer, django_assert_max_num_queries
):
    _stock(n, reviewer)
    client.force_login(reviewer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("terminals:inventory"))
    assert response.status_code == 200
    assert "SN-00000" in response.content.decode()


@pytest.mark.parametrize("n", [5, 300])
def test_a_terminal_s_page_costs_the_same_queries_however_long_its_history(
    n, client, reviewer, django_assert_max_num_queries
):
    terminal = _stock(n, reviewer)
    client.force_login(reviewer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("terminals:terminal", args=[terminal.serial_number]))
    assert response.status_code == 200


def test_the_inventory_is_not_for_applicants_or_installers(client, applicant, installer):
    for person in (applicant, installer):
        client.force_login(person)
        assert client.get(reverse("terminals:inventory")).status_code in (403, 404)
