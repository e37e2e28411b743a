"""The queue's search and paging with bad or extreme input: a clear empty result, never a 500,
and never a read of the whole table (no OFFSET past the pages reached by number)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.choices import Status
from applications.models import MerchantApplication
from applications.selectors import MAX_OFFSET_PAGE

from .conftest import bulk_applications

QUEUE = reverse("applications:review_queue")


def references(response) -> list[str]:
    return [row.app.reference for row in response.context["rows"]]


@pytest.mark.parametrize("text", ["王", "%", "_", "%%%", "__", "a%", " % _ "])
def test_a_search_too_short_to_mean_anything_finds_nothing_and_says_why(reviewer_client, applicant, text):
    bulk_applications(applicant, 3)
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(QUEUE, {"tab": "all", "q": text})
    assert response.status_code == 200 and references(response) == []
    assert "Type at least two letters or digits" in response.content.decode()
    assert not [q for q in queries.captured_queries if "merchantapplication" in q["sql"]]


def test_percent_and_underscore_are_matched_as_themselves(reviewer_client, applicant):
    juice, other, _third = bulk_applications(applicant, 3)
    MerchantApplication.objects.filter(pk=juice.pk).update(business_name="100%纯果汁")
    MerchantApplication.objects.filter(pk=other.pk).update(business_name="1000纯果汁")
    assert references(reviewer_client.get(QUEUE, {"tab": "all", "q": "100%"})) == [juice.reference]
    assert references(reviewer_client.get(QUEUE, {"tab": "all", "q": "0_纯"})) == []


def test_two_letters_find_the_names_that_begin_with_them(reviewer_client, applicant):
    first, second = bulk_applications(applicant, 2)
    MerchantApplication.objects.filter(pk=first.pk).update(legal_name="王伟")
    MerchantApplication.objects.filter(pk=second.pk).update(legal_name="李王伟")
    assert references(reviewer_client.get(QUEUE, {"tab": "all", "q": "王伟"})) == [first.reference]
    # Three letters or more: anywhere in the name (the trigram index on PostgreSQL).
    found = references(reviewer_client.get(QUEUE, {"tab": "all", "q": "李王伟"}))
    assert found == [second.reference]


@pytest.mark.parametrize("page", ["1000000000", str(MAX_OFFSET_PAGE + 1)])
def test_a_page_far_past_the_end_is_empty_says_so_and_reads_no_offset(reviewer_client, applicant, page):
    bulk_applications(applicant, 30)
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(QUEUE, {"tab": "all", "page": page})
    assert response.status_code == 200 and references(response) == []
    assert "reached with Next" in response.content.decode()
    assert not [q for q in queries.captured_queries if "OFFSET" in q["sql"].upper()]


@pytest.mark.parametrize(
    "query",
    [{"province": "99"}, {"status": "nonsense"}, {"age": "9999"}, {"tab": "everything"}, {"page": "abc"},
     {"page": "10000000000000000000000"}, {"after": "x.1"}, {"before": "1.1; DROP TABLE"}],
)  # fmt: skip
def test_a_filter_on_a_value_that_does_not_exist_is_a_clear_empty_result(reviewer_client, applicant, query):
    bulk_applications(applicant, 3)
    response = reviewer_client.get(QUEUE, {"tab": "all", **query})
    assert response.status_code == 200 and references(response) == []
    assert "Nothing can match these filters" in response.content.decode()


def _follow(client, link: str):
    return client.get(QUEUE + link)


def test_next_and_previous_walk_the_queue_by_keyset_without_offset(reviewer_client, applicant):
    bulk_applications(applicant, 60)
    expected = list(
        MerchantApplication.objects.filter(status=Status.SUBMITTED)
        .order_by("status_changed_at", "id")
        .values_list("reference", flat=True)
    )
    first = reviewer_client.get(QUEUE)
    with CaptureQueriesContext(connection) as queries:
        second = _follow(reviewer_client, first.context["next_link"])
        third = _follow(reviewer_client, second.context["next_link"])
    assert not [q for q in queries.captured_queries if "OFFSET" in q["sql"].upper()]
    assert references(first) + references(second) + references(third) == expected
    assert (second.context["page"].number, third.context["page"].number) == (2, 3)
    assert not third.context["page"].has_next
    assert "after" in parse_qs(urlsplit(first.context["next_link"]).query)
    back = _follow(reviewer_client, third.context["previous_link"])
    assert references(back) == references(second) and back.context["page"].number == 2
    again = _follow(reviewer_client, back.context["previous_link"])
    assert references(again) == references(first) and again.context["page"].number == 1
    assert not again.context["page"].has_previous
