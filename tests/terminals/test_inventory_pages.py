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
    # The first view counts the terminals per status and keeps the count (cache and database).
    with django_assert_max_num_queries(9):
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


def _listed(response) -> list[str]:
    return [t.serial_number for t in response.context["page"]]


def test_a_search_of_three_characters_finds_them_anywhere_in_the_serial_and_fewer_at_its_start(client, reviewer):
    _stock(12, reviewer)
    client.force_login(reviewer)
    url = reverse("terminals:inventory")

    assert _listed(client.get(url, {"q": "011"})) == ["SN-00011"]
    assert _listed(client.get(url, {"q": "01"})) == []  # two characters: the start of the serial only
    assert len(_listed(client.get(url, {"q": "sn"}))) == 12


def test_a_search_that_matches_too_many_lists_the_first_and_says_to_type_more(client, reviewer, monkeypatch):
    monkeypatch.setattr("terminals.views.MAX_SEARCH_MATCHES", 5)
    _stock(12, reviewer)
    client.force_login(reviewer)

    response = client.get(reverse("terminals:inventory"), {"q": "S"})
    narrow = client.get(reverse("terminals:inventory"), {"q": "SN-0001"})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == 5
    assert 'data-testid="search-capped"' in response.content.decode()
    assert _listed(narrow) == ["SN-00010", "SN-00011"]
    assert 'data-testid="search-capped"' not in narrow.content.decode()
