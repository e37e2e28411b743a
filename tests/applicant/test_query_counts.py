"""Query counts of the status page, the summary and each form step: bounded, and the same with more data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications import services
from applications.choices import Status
from applications.models import ApplicationDocument
from installations.samples import fill
from notifications.services import notify

pytestmark = pytest.mark.django_db

STEPS = ["personal", "business", "settlement", "documents", "terminal", "consent"]
CEILING = 10  # session, user, roles, unread count, the application, its problems (2), documents, history


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def back_and_forth(app, applicant, reviewer, rounds: int):
    """Lengthen the history: submit, claim, request changes, `rounds` times; the application ends editable."""
    for _ in range(rounds):
        app = services.application_submit(application=app, by=applicant)
        app = services.application_claim(application=app, by=reviewer)
        app = services.application_request_changes(application=app, by=reviewer, fields=["storefront"], message="再拍")
    return app


@pytest.fixture
def small_and_large(applicant, reviewer):
    """A draft with nothing in it, and one with every document and a long history (30+ rows)."""
    small = services.application_create(applicant=applicant)
    large = fill(services.application_create(applicant=applicant), applicant, 21)
    large = back_and_forth(large, applicant, reviewer, rounds=10)
    assert ApplicationDocument.objects.filter(application=large).count() == 5
    return small, large


@pytest.mark.parametrize("step", STEPS)
def test_each_form_step_runs_a_bounded_number_of_queries_whatever_the_documents_and_history(
    applicant_client, small_and_large, step, django_assert_max_num_queries
):
    small, large = small_and_large
    urls = [reverse("applications:step", kwargs={"reference": app.reference, "step": step}) for app in (small, large)]

    with django_assert_max_num_queries(CEILING):
        applicant_client.get(urls[1])
    assert queries_of(applicant_client, urls[0]) == queries_of(applicant_client, urls[1])


@pytest.mark.parametrize("page_name", ["applications:status", "applications:summary"])
def test_the_status_and_summary_pages_run_a_bounded_number_of_queries_whatever_the_history(
    applicant_client, small_and_large, page_name, django_assert_max_num_queries
):
    small, large = small_and_large
    urls = [reverse(page_name, kwargs={"reference": app.reference}) for app in (small, large)]

    with django_assert_max_num_queries(CEILING):
        response = applicant_client.get(urls[1])
    assert len(response.context["timeline"]) > 30 if page_name == "applications:status" else True
    assert queries_of(applicant_client, urls[0]) == queries_of(applicant_client, urls[1])


def test_the_status_page_of_a_live_terminal_has_the_same_count(
    applicant_client, application_in, django_assert_max_num_queries
):
    app = application_in(Status.ACTIVE)

    with django_assert_max_num_queries(CEILING):
        applicant_client.get(reverse("applications:status", kwargs={"reference": app.reference}))


def test_the_list_of_applications_and_the_notification_list_do_not_grow_with_their_rows(
    applicant_client, applicant, django_assert_max_num_queries
):
    services.application_create(applicant=applicant)
    notify(recipient=applicant, template="application.submitted", context={"reference": "PA-AAAAAAAA"})
    few = [queries_of(applicant_client, reverse(name)) for name in ("applications:mine", "notifications:inbox")]

    for _ in range(15):
        services.application_create(applicant=applicant)
        notify(recipient=applicant, template="application.submitted", context={"reference": "PA-AAAAAAAA"})
    many = [queries_of(applicant_client, reverse(name)) for name in ("applications:mine", "notifications:inbox")]

    assert few == many
    with django_assert_max_num_queries(CEILING):
        applicant_client.get(reverse("notifications:inbox"))
