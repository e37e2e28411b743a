"""Every list page of staff and the inbox: the same number of queries with 10 and with 1,000 rows.

The pages read a page of rows through an index, whatever the size of the table (issue 15);
the reviewer queue is measured for each tab and filter, the support queue for each list.
"""

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.choices import Status
from applications.models import MerchantApplication
from applications.selectors import personal_number_token
from notifications.models import Channel, DeliveryStatus, Notification
from support.models import CaseStatus, EarlyWarning, SupportCase, WarningKind
from support.selectors import refresh_terminal_health
from terminals.models import DeviceEvent, Terminal, TerminalStatus

from .reviewer.conftest import bulk_applications


def same_queries_with_more(
    client, url: str, grow: Callable[[int], None], assert_num, assert_max, *, limit: int = 12
) -> None:
    """Grow to 10 rows, count the page's queries; grow to 1,000, the count must not move."""
    grow(10)
    assert client.get(url).status_code == 200  # the session and the caches warmed alike in both runs
    with assert_max(limit) as small:
        assert client.get(url).status_code == 200
    grow(990)
    with assert_num(len(small.captured_queries)):
        assert client.get(url).status_code == 200


QUEUE = reverse("applications:review_queue")


@pytest.mark.parametrize(
    "query",
    [
        "tab=unassigned",
        "tab=mine",
        "tab=all",
        "tab=all&status=in_review",
        "tab=all&province=44",
        "tab=all&business_type=individual",
        "tab=all&age=sla",
        "tab=all&age=24",
        "tab=all&q=批量商户",
        "tab=all&q=批量",
        "tab=all&q=%23mobile",
        "tab=all&q=PA-AAAAAAAA",
        "tab=all&page=3",
        "tab=all&page=1000000000",
        "tab=all&province=99",
    ],
)
def test_the_reviewer_queue_with_each_tab_and_filter(
    client, reviewer, applicant, django_assert_num_queries, django_assert_max_num_queries, query
):
    client.force_login(reviewer)
    made = iter(range(0, 10**6, 5000))
    query = query.replace("%23mobile", personal_number_token("+8613900010000").replace("#", "%23"))

    def grow(n: int) -> None:
        start = next(made) + 10_000
        bulk_applications(applicant, n // 2, start=start)
        bulk_applications(applicant, n - n // 2, status=Status.IN_REVIEW, reviewer=reviewer, start=start + 2500)

    same_queries_with_more(
        client, f"{QUEUE}?{query}", grow, django_assert_num_queries, django_assert_max_num_queries, limit=6
    )


def test_the_reviewer_queue_s_next_page_by_keyset(
    client, reviewer, applicant, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(reviewer)
    bulk_applications(applicant, 60)
    next_link = client.get(QUEUE, {"tab": "all"}).context["next_link"]
    with django_assert_max_num_queries(6) as small:
        client.get(QUEUE + next_link)
    bulk_applications(applicant, 940, start=50_000)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(QUEUE + next_link)


def test_the_inbox(client, applicant, django_assert_num_queries, django_assert_max_num_queries):
    client.force_login(applicant)

    def grow(n: int) -> None:
        Notification.objects.bulk_create(
            Notification(
                recipient=applicant,
                channel=Channel.IN_APP,
                template="application.submitted",
                context={"reference": "PA-AAAAAAAA"},
                status=DeliveryStatus.SENT,
            )
            for _ in range(n)
        )

    same_queries_with_more(
        client, reverse("notifications:inbox"), grow, django_assert_num_queries, django_assert_max_num_queries
    )


@pytest.fixture
def fleet(applicant, reviewer) -> Callable[[int], list[Terminal]]:
    """`n` live terminals, each with its application (bulk: for volume only)."""
    made = iter(range(0, 10**6, 5000))

    def grow(n: int) -> list[Terminal]:
        start = next(made) + 100_000
        apps = bulk_applications(applicant, n, status=Status.ACTIVE, start=start)
        apps = list(MerchantApplication.objects.filter(reference__in=[a.reference for a in apps]))
        return Terminal.objects.bulk_create(
            Terminal(
                serial_number=f"SN-{start + i:07d}",
                model="countertop",
                key_check_value="A1B2C3",
                status=TerminalStatus.ACTIVE,
                application=app,
            )
            for i, app in enumerate(apps)
        )

    return grow


@pytest.mark.parametrize("show", ["open", "resolved"])
def test_the_support_case_queue(
    client, support, applicant, fleet, django_assert_num_queries, django_assert_max_num_queries, show
):
    client.force_login(support)

    def grow(n: int) -> None:
        terminals = fleet(n)
        SupportCase.objects.bulk_create(
            SupportCase(
                reference=f"SC-{t.serial_number[-7:]}",
                terminal=t,
                application_id=t.application_id,
                opened_by=applicant,
                code="97",
                status=CaseStatus.RESOLVED if i % 2 else CaseStatus.OPEN,
            )
            for i, t in enumerate(terminals)
        )
        EarlyWarning.objects.bulk_create(EarlyWarning(terminal=t, kind=WarningKind.choices[0][0]) for t in terminals)

    same_queries_with_more(
        client, f"/support/queue/?show={show}", grow, django_assert_num_queries, django_assert_max_num_queries
    )


@pytest.mark.parametrize("query", ["", "?status=active", "?q=SN-01", "?page=3", "?page=1000000000", "?status=nonsense"])
def test_the_terminal_inventory(
    client, reviewer, fleet, django_assert_num_queries, django_assert_max_num_queries, query
):
    client.force_login(reviewer)
    same_queries_with_more(
        client,
        reverse("terminals:inventory") + query,
        fleet,
        django_assert_num_queries,
        django_assert_max_num_queries,
    )


def test_the_staff_dashboard_with_the_terminals_health(
    client, support, fleet, django_assert_num_queries, django_assert_max_num_queries
):
    """The terminals' health on /dashboard/: counts per status, codes per day (as the periodic
    job counted them), open warnings and the incident, whatever the size of the fleet."""
    client.force_login(support)

    def grow(n: int) -> None:
        terminals = fleet(n)
        now = timezone.now()
        DeviceEvent.objects.bulk_create(
            DeviceEvent(terminal=t, event_id=f"e-{t.pk}", kind="transaction", occurred_at=now, response_code="51")
            for t in terminals
        )
        EarlyWarning.objects.bulk_create(EarlyWarning(terminal=t, kind=WarningKind.NO_HEARTBEAT) for t in terminals)
        refresh_terminal_health()  # the periodic job; the counts per status stay cached as after a view

    same_queries_with_more(
        client,
        reverse("backoffice:dashboard"),
        grow,
        django_assert_num_queries,
        django_assert_max_num_queries,
        limit=14,
    )


def test_a_terminal_s_page(client, reviewer, fleet, django_assert_num_queries, django_assert_max_num_queries):
    client.force_login(reviewer)
    first: list[Terminal] = []

    def grow(n: int) -> None:
        terminals = fleet(n)
        first[:] = first or terminals[:1]

    grow(10)
    url = reverse("terminals:terminal", args=[first[0].serial_number])
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        assert client.get(url).status_code == 200
    grow(990)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
