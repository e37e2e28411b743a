"""Two reviewers press "Claim" at the same moment: one holds it, the other is told who does."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from applications.choices import Status
from applications.models import MerchantApplication

from ..conftest import needs_postgres


@needs_postgres()
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_claiming_at_once_one_gets_it_the_other_is_told_who(reviewer, other_reviewer, application_in):
    app = application_in(Status.SUBMITTED)
    url = reverse("applications:review_claim", args=[app.reference])
    start = threading.Barrier(2)
    results: dict[str, tuple[int, str]] = {}

    def press(person) -> None:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(person)
        try:
            start.wait()
            response = client.post(url, {"seen": "submitted"})
            error = response.context["error"] if response.status_code != 302 else ""
            results[person.email] = (response.status_code, error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(p,)) for p in (reviewer, other_reviewer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    app = MerchantApplication.objects.select_related("reviewer").get(pk=app.pk)
    assert app.status == Status.IN_REVIEW
    winner = app.reviewer
    loser = other_reviewer if winner == reviewer else reviewer
    assert results[winner.email][0] == 302
    status, error = results[loser.email]
    assert status == 409
    assert f"{winner} is reviewing it now" in error
