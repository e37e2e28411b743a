import pytest
from django.db import connection
from django.urls import reverse

from accounts.roles import grant_admin_permissions
from applications.admin import EstimatedCountPaginator
from applications.choices import Status

from ..conftest import needs_postgres
from .conftest import bulk_applications

CHANGELIST = reverse("admin:applications_merchantapplication_changelist")


@pytest.mark.parametrize("who", ["admin_user", "reviewer"])
def test_the_changelist_reads_the_same_number_of_queries_with_10_and_1000_applications(
    client, request, applicant, reviewer, django_assert_num_queries, django_assert_max_num_queries, who
):
    grant_admin_permissions()
    client.force_login(request.getfixturevalue(who))
    bulk_applications(applicant, 5)
    bulk_applications(applicant, 5, status=Status.IN_REVIEW, reviewer=reviewer, start=20_000)
    assert client.get(CHANGELIST).status_code == 200
    with django_assert_max_num_queries(8) as small:
        client.get(CHANGELIST)
    bulk_applications(applicant, 495, start=30_000)
    bulk_applications(applicant, 495, status=Status.IN_REVIEW, reviewer=reviewer, start=40_000)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 50


def test_filters_and_search_work(client, admin_user, applicant):
    client.force_login(admin_user)
    target, _other = bulk_applications(applicant, 2)
    response = client.get(CHANGELIST, {"q": target.reference})
    assert [a.reference for a in response.context["cl"].result_list] == [target.reference]
    response = client.get(CHANGELIST, {"status__exact": "submitted"})
    assert len(response.context["cl"].result_list) == 2


def test_the_changelist_masks_the_mobile(client, admin_user, applicant):
    client.force_login(admin_user)
    (app,) = bulk_applications(applicant, 1)
    assert app.mobile not in client.get(CHANGELIST).content.decode()


@needs_postgres()
@pytest.mark.postgres
def test_on_postgresql_the_unfiltered_changelist_never_counts_the_whole_table(
    client, admin_user, applicant, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 1)
    bulk_applications(applicant, 60)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE applications_merchantapplication")
    client.force_login(admin_user)
    with django_assert_max_num_queries(10) as queries:
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert response.context["cl"].result_count >= 50  # the planner's estimate numbers the pages
