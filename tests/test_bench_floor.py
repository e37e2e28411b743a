"""The benchmark's floor page: a logged-in page without a template, served only when asked for."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

FLOOR = "/bench/floor/"


def test_it_is_not_found_on_a_site_that_did_not_ask_for_it(client, reviewer):
    client.force_login(reviewer)
    response = client.get(FLOOR)
    assert response.status_code == 404


def test_it_answers_a_logged_in_person_without_rendering_a_template(client, reviewer, settings):
    settings.BENCH_FLOOR = True
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FLOOR)
    assert response.status_code == 200
    assert response.templates == []
    assert response.content == f"floor {reviewer.pk}".encode()
    # The session and the user: what every logged-in page pays before its own work.
    assert len(queries) == 2


def test_it_sends_an_anonymous_visitor_to_the_login_page(client, settings):
    settings.BENCH_FLOOR = True
    response = client.get(FLOOR)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
