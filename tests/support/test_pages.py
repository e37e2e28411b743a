"""The support pages: who sees them, what they show, and their query counts."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from installations.models import Visit
from installations.selectors import free_slots
from support.models import CaseStatus, SupportCase
from support.selectors import refresh_terminal_health, terminal_health_summary
from support.services import case_open
from terminals.models import DeviceEvent, RemoteCommand

from .conftest import DeviceState


@pytest.fixture
def merchant_client(client, live_terminal):
    client.force_login(live_terminal.application.applicant)
    return client


# --- The merchant ------------------------------------------------------------------------------


def test_my_terminals_lists_status_and_last_contact(merchant_client, device):
    device.report("signin", code="97")

    page = merchant_client.get("/support/terminals/").content.decode()

    assert device.terminal.serial_number in page
    assert "Active" in page
    assert "97" in page
    assert "My terminal shows an error" in page


@pytest.mark.parametrize("terminals", [1, 4])
def test_my_terminals_queries_do_not_grow_with_terminals(
    client, applicant, live_terminal_for, django_assert_max_num_queries, terminals
):
    for _ in range(terminals):
        case_open(terminal=live_terminal_for(), by=applicant, code="97")
    client.force_login(applicant)

    with django_assert_max_num_queries(12):
        assert client.get("/support/terminals/").status_code == 200


def test_opening_a_case_from_the_path_stores_the_answers(merchant_client, live_terminal):
    url = f"/support/terminals/{live_terminal.serial_number}/cases/"

    response = merchant_client.post(url, {"code": "97", "symptom": "", "tried": ["0"], "note": "从昨天开始"})

    case = SupportCase.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/support/cases/{case.reference}/"
    assert case.answers["note"] == "从昨天开始"
    assert case.answers["tried"] == ["Do not retry the sale: it will be refused the same way."]
    assert len(case.answers["not_tried"]) == 1
    page = merchant_client.get(response["Location"]).content.decode()
    assert case.reference in page
    assert "无效终端" in page


def test_a_second_case_is_refused_with_the_reason(merchant_client, live_terminal):
    url = f"/support/terminals/{live_terminal.serial_number}/cases/"
    merchant_client.post(url, {"code": "97"})

    response = merchant_client.post(url, {"code": "A0"})

    assert response.status_code == 409
    assert "already open" in response.content.decode()
    assert SupportCase.objects.count() == 1


def test_a_case_form_with_bad_input_rerenders(merchant_client, live_terminal):
    response = merchant_client.post(
        f"/support/terminals/{live_terminal.serial_number}/cases/", {"code": "97", "tried": ["99"]}
    )

    assert response.status_code == 400
    assert not SupportCase.objects.exists()


def test_another_merchants_case_is_not_found(client, other_applicant, live_terminal):
    case = case_open(terminal=live_terminal, by=live_terminal.application.applicant, code="97")
    client.force_login(other_applicant)

    assert client.get(f"/support/cases/{case.reference}/").status_code == 404
    assert client.post(f"/support/terminals/{live_terminal.serial_number}/cases/", {"code": "97"}).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get("/support/terminals/").status_code == 302


# --- Support staff ------------------------------------------------------------------------------


@pytest.fixture
def a_case(live_terminal) -> SupportCase:
    return case_open(terminal=live_terminal, by=live_terminal.application.applicant, code="97")


@pytest.mark.parametrize("who", ["applicant", "installer", "reviewer"])
def test_the_queue_is_for_support_only(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get("/support/queue/").status_code == 404


@pytest.mark.parametrize("cases", [1, 5])
def test_the_queue_lists_open_cases_in_bounded_queries(
    client, support, applicant, live_terminal_for, django_assert_max_num_queries, cases
):
    refs = [case_open(terminal=live_terminal_for(), by=applicant, code="97").reference for _ in range(cases)]
    client.force_login(support)

    with django_assert_max_num_queries(10):
        page = client.get("/support/queue/").content.decode()

    assert all(ref in page for ref in refs)


def test_support_resolves_remotely_from_the_case_page(client, support, a_case):
    client.force_login(support)
    base = f"/support/queue/{a_case.reference}/"
    assert "Re-send the configuration" in client.get(base).content.decode()

    assert client.post(base + "resend/").status_code == 302
    assert client.post(base + "signin/").status_code == 302

    assert list(RemoteCommand.objects.values_list("kind", flat=True)) == ["resend_configuration", "sign_in"]


def _offered(app, n: int = 0):
    return [s.starts_at for s in free_slots(app, earliest=timezone.now()) if s.preferred][n]


def test_support_is_offered_free_slots_and_books_one(client, support, installer, a_case):
    client.force_login(support)
    when = _offered(a_case.application)
    page = client.get(f"/support/queue/{a_case.reference}/").content.decode()
    assert f'value="{timezone.localtime(when).isoformat()}"' in page  # a free slot of the one calendar
    assert "merchant&#x27;s preferred time" in page

    response = client.post(
        f"/support/queue/{a_case.reference}/visit/",
        {"installer": installer.pk, "starts_at": timezone.localtime(when).isoformat()},
    )

    assert response.status_code == 302
    visit = Visit.objects.get(purpose="service")
    assert visit.installer == installer and visit.purpose == "service" and visit.starts_at == when
    a_case.refresh_from_db()
    assert a_case.status == CaseStatus.VISIT_BOOKED


def test_with_a_visit_booked_the_case_page_offers_to_move_it_not_to_book_another(client, support, installer, a_case):
    client.force_login(support)
    page = client.get(f"/support/queue/{a_case.reference}/").content.decode()
    assert "Book a service visit" in page and "Move the service visit" not in page
    when = _offered(a_case.application)
    client.post(
        f"/support/queue/{a_case.reference}/visit/",
        {"installer": installer.pk, "starts_at": timezone.localtime(when).isoformat()},
    )

    page = client.get(f"/support/queue/{a_case.reference}/").content.decode()

    assert "Book a service visit" not in page
    assert "Move the service visit" in page and "Move the visit</button>" in page
    assert f"Booked for {timezone.localtime(when):%Y-%m-%d %H:%M} with {installer}" in page
    # Moving it keeps one booked visit: the earlier one is freed.
    later = _offered(a_case.application, 1)
    client.post(
        f"/support/queue/{a_case.reference}/visit/",
        {"installer": installer.pk, "starts_at": timezone.localtime(later).isoformat()},
    )
    assert list(Visit.objects.filter(purpose="service", status="booked").values_list("starts_at", flat=True)) == [later]


def test_the_case_checks_say_when_they_were_made(client, support, a_case):
    client.force_login(support)

    page = client.get(f"/support/queue/{a_case.reference}/").content.decode()

    assert f"As found when the case was opened, {timezone.localtime(a_case.created_at):%Y-%m-%d %H:%M}." in page


def test_a_visit_form_with_bad_input_rerenders_with_the_values(client, support, a_case):
    client.force_login(support)

    response = client.post(f"/support/queue/{a_case.reference}/visit/", {"installer": "", "starts_at": "tomorrow"})

    assert response.status_code == 400
    assert "Enter a valid date/time" in response.content.decode()
    assert not Visit.objects.filter(purpose="service").exists()


def test_a_refused_visit_says_why(client, support, installer, a_case):
    client.force_login(support)
    past = timezone.localtime(timezone.now() - timedelta(days=1)).replace(hour=9, minute=0).isoformat()

    response = client.post(f"/support/queue/{a_case.reference}/visit/", {"installer": installer.pk, "starts_at": past})

    assert response.status_code == 400  # refused for what is missing, not for a change by someone else
    assert "a visit time in the future" in response.content.decode()
    assert not Visit.objects.filter(purpose="service").exists()


def test_support_resolves_the_case(client, support, a_case):
    client.force_login(support)

    client.post(f"/support/queue/{a_case.reference}/resolve/", {"resolution": "终端已登记"})

    a_case.refresh_from_db()
    assert a_case.status == CaseStatus.RESOLVED


def test_an_unknown_action_is_not_found(client, support, a_case):
    client.force_login(support)

    assert client.post(f"/support/queue/{a_case.reference}/explode/").status_code == 404


# --- Dashboard -------------------------------------------------------------------------------


def test_the_dashboard_counts_terminals_by_status_and_codes_per_day(device, device_for, live_terminal_for):
    other = device_for(live_terminal_for())
    device.report("signin", code="97")
    device.report("transaction", code="97")
    other.report("transaction", code="51")
    other.report("transaction", code="00")
    yesterday = DeviceEvent.objects.filter(response_code="51").first()
    DeviceEvent.objects.filter(pk=yesterday.pk).update(received_at=timezone.now() - timedelta(days=1))

    summary = terminal_health_summary(days=7)

    assert dict((s, n) for s, _label, n in summary.by_status)["active"] == 2
    assert summary.codes == ["51", "97"]
    assert summary.codes_by_day["97"][-1] == 2
    assert summary.codes_by_day["51"][-2] == 1
    assert len(summary.days) == 7


def test_the_dashboard_page_queries_do_not_grow_with_terminals(
    client, support, device_for, live_terminal_for, django_assert_max_num_queries, django_assert_num_queries
):
    device_for(live_terminal_for()).report("transaction", code="96")
    client.force_login(support)
    client.get("/dashboard/")  # the staff figures are cached after the first view

    with django_assert_max_num_queries(12) as small:
        page = client.get("/dashboard/").content.decode()
    queries = len(small.captured_queries)  # read now: each request empties the connection's query log
    for _ in range(3):
        device_for(live_terminal_for()).report("transaction", code="51")
    assert "51" not in page
    refresh_terminal_health()  # the periodic job counts the codes again
    with django_assert_num_queries(queries):
        page = client.get("/dashboard/").content.decode()

    assert "Terminals by status" in page
    assert "Applications in each state" in page  # the staff dashboard's own figures
    assert "96" in page and "51" in page


def test_the_dashboard_counts_no_report_once_the_job_counted_them_even_after_a_cold_start(
    client, support, device_for, live_terminal_for
):
    device_for(live_terminal_for()).report("transaction", code="96")
    refresh_terminal_health()
    client.force_login(support)

    with CaptureQueriesContext(connection) as warm:
        warm_page = client.get("/dashboard/").content.decode()
    cache.clear()  # a cold start: no cache, no worker yet
    with CaptureQueriesContext(connection) as cold:
        cold_page = client.get("/dashboard/").content.decode()

    for queries in (warm, cold):
        assert not [q["sql"] for q in queries if "terminals_deviceevent" in q["sql"]]
    for page in (warm_page, cold_page):
        assert "96" in page and 'data-testid="codes-age"' in page


def test_the_dashboard_is_for_staff(client, applicant, installer):
    for person in (applicant, installer):
        client.force_login(person)
        assert client.get("/dashboard/").status_code == 404


# --- Installer ------------------------------------------------------------------------------------


def test_the_service_visits_page_is_for_installers(client, applicant):
    client.force_login(applicant)

    assert client.get("/installations/visits/").status_code == 404


def test_a_page_never_changes_a_terminals_state(merchant_client, device):
    before = DeviceState(device.terminal)

    merchant_client.get(f"/support/terminals/{device.terminal.serial_number}/problem/", {"code": "97"})

    before.assert_unchanged()


@pytest.mark.parametrize("visits", [1, 3])
def test_the_installers_service_visits_page_queries_are_bounded(
    client, support, installer, applicant, live_terminal_for, django_assert_max_num_queries, visits
):
    from support.services import case_book_visit

    for n in range(visits):
        case = case_open(terminal=live_terminal_for(), by=applicant, code="97")
        case_book_visit(case=case, by=support, installer=installer, starts_at=_offered(case.application, n))
    client.force_login(installer)

    with django_assert_max_num_queries(8):
        page = client.get("/installations/visits/").content.decode()

    assert page.count('class="task service-visit"') == visits
    # The installation visits of the same installer are on the same list.
    assert "/installations/visits/" in page


def test_the_case_queue_pages_instead_of_hiding_cases(client, support, live_terminal):
    from django.urls import reverse

    from support.models import CaseStatus, SupportCase

    SupportCase.objects.bulk_create(
        SupportCase(
            reference=f"SC-T{i:06d}",
            terminal=live_terminal,
            application=live_terminal.application,
            opened_by=support,
            code="97",
            status=CaseStatus.RESOLVED,
        )
        for i in range(60)
    )
    client.force_login(support)

    first = client.get(reverse("support:queue"), {"show": "resolved"}).content.decode()
    second = client.get(reverse("support:queue"), {"show": "resolved", "page": 2}).content.decode()

    assert "(60 cases)" in first
    shown = {f"SC-T{i:06d}" for i in range(60) if f"SC-T{i:06d}" in first + second}
    assert len(shown) == 60


@pytest.mark.parametrize(("affected", "words"), [(1, "1 terminal,"), (7, "7 terminals,")])
def test_the_queue_s_incident_line_counts_terminals_in_words(client, support, affected, words):
    from django.urls import reverse

    from support.models import Incident

    Incident.objects.create(codes=["96"], terminals_affected=affected)
    client.force_login(support)

    page = client.get(reverse("support:queue")).content.decode()

    assert words in page and "codes 96" in page


def test_the_diagnosis_starts_from_the_code_the_terminal_reported(merchant_client, device):
    device.report("transaction", code="97")

    response = merchant_client.get(f"/support/terminals/{device.terminal.serial_number}/problem/")

    assert response.context["form"]["code"].value() == "97"
    page = response.content.decode()
    assert '<option value="97" selected>' in page
    assert 'id="known-code"' in page and "reported code 97" in page


def test_without_a_reported_error_no_code_is_chosen(merchant_client, device):
    device.report("signin", code="00")

    response = merchant_client.get(f"/support/terminals/{device.terminal.serial_number}/problem/")

    assert not response.context["form"]["code"].value()
    assert 'id="known-code"' not in response.content.decode()


def test_the_case_page_lists_installers_without_decrypting_their_mobiles(client, support, installer, a_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(support)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/support/queue/{a_case.reference}/").content.decode()

    assert f'<option value="{installer.pk}">{installer}</option>' in page
    user_reads = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert user_reads and not [sql for sql in user_reads if '"accounts_user"."mobile"' in sql and "IN (" in sql]
