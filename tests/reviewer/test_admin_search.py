"""The admin's search of applications goes through the indexes the queue uses (issue 15)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import grant_admin_permissions
from applications.choices import Status
from applications.models import MerchantApplication

from .conftest import bulk_applications

CHANGELIST = reverse("admin:applications_merchantapplication_changelist")


def found(response) -> list[str]:
    return [a.reference for a in response.context["cl"].result_list]


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("how", ["reference", "reference_without_prefix", "mobile", "name", "merchant_id"])
def test_it_finds_an_application_by_number_mobile_name_or_merchant_id(admin_client_, applicant, how):
    target, _other = bulk_applications(applicant, 2)
    MerchantApplication.objects.filter(pk=target.pk).update(merchant_id="898440058120001")
    term = {
        "reference": target.reference.lower(),
        "reference_without_prefix": target.reference.removeprefix("PA-"),
        "mobile": target.mobile,
        "name": target.legal_name,
        "merchant_id": "898440058120001",
    }[how]
    with CaptureQueriesContext(connection) as queries:
        response = admin_client_.get(CHANGELIST, {"q": term})
    assert response.status_code == 200 and found(response) == [target.reference]
    # Never the stock search's UPPER(...) = UPPER(...), which no index serves; the number never in clear.
    sql = " ".join(q["sql"] for q in queries.captured_queries if "merchantapplication" in q["sql"])
    assert 'UPPER("applications_merchantapplication"."reference")' not in sql
    if how == "mobile":
        assert target.mobile not in sql


@pytest.mark.parametrize("term", ["王", "%", "_", "%_%"])
def test_a_search_too_short_finds_nothing_and_never_fails(admin_client_, applicant, term):
    bulk_applications(applicant, 3)
    response = admin_client_.get(CHANGELIST, {"q": term})
    assert response.status_code == 200 and found(response) == []


def test_facets_are_never_counted(admin_client_, applicant):
    bulk_applications(applicant, 3)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client_.get(CHANGELIST, {"_facets": "True"})
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "CASE WHEN" in q["sql"]]
    assert response.context["cl"].add_facets is False


@pytest.mark.parametrize("term", ["批量商户", "批量", "PA-AAAAAAAA"])
def test_a_search_reads_the_same_number_of_queries_with_10_and_1000_applications(
    client, admin_user, applicant, reviewer, django_assert_num_queries, django_assert_max_num_queries, term
):
    grant_admin_permissions()
    client.force_login(admin_user)
    bulk_applications(applicant, 10)
    client.get(CHANGELIST, {"q": term})
    with django_assert_max_num_queries(9) as small:
        client.get(CHANGELIST, {"q": term})
    bulk_applications(applicant, 990, status=Status.IN_REVIEW, reviewer=reviewer, start=20_000)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(CHANGELIST, {"q": term})
