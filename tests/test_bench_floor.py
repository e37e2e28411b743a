"""The benchmark's floor page: a logged-in page without a template, served only when asked for."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications.models import MerchantApplication
from pos_portal.stock_admin import StockApplicationAdmin

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


# --- The stock admin the bench measures ours against ------------------------------------------

STOCK = "/bench/stock-admin/applications/merchantapplication/"


def test_the_stock_admin_is_not_found_on_a_site_that_did_not_ask_for_it(admin_client, admin_user):
    for url in (STOCK, f"{STOCK}?q=王伟", "/bench/stock-admin/", f"{STOCK}1/change/", "/bench/stock-admin/login/"):
        assert admin_client.get(url).status_code == 404, url


def test_the_stock_admin_lists_and_searches_the_applications_as_django_s_admin_does(admin_client, settings, applicant):
    settings.BENCH_FLOOR = True
    wang = MerchantApplication.objects.create(applicant=applicant, reference="PA-STOCK001", legal_name="王伟")
    other = MerchantApplication.objects.create(
        applicant=applicant, reference="PA-STOCK002", legal_name="李娜", mobile="+8613812345678"
    )

    listed = admin_client.get(STOCK)
    by_name = admin_client.get(STOCK, {"q": "王伟"})
    by_mobile = admin_client.get(STOCK, {"q": "+8613812345678"})

    assert listed.status_code == 200
    assert type(listed.context["cl"].model_admin) is StockApplicationAdmin
    assert set(listed.context["cl"].result_list) == {wang, other}
    assert list(by_name.context["cl"].result_list) == [wang]
    assert list(by_mobile.context["cl"].result_list) == [other]  # `=mobile`: through its blind index
