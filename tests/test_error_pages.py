"""The 403, 404 and 500 pages with DEBUG off: styled like the portal, in the browser's language, with the hotline."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# What each language's page says, and a word of the other language that must not be there.
WORDS = {
    "zh-hans": {404: "找不到页面", 403: "您无权打开此页面", 500: "我们这边出了问题", "foreign": "Page not found"},
    "en": {
        404: "Page not found",
        403: "You may not open this page",
        500: "Something went wrong on our side",
        "foreign": "找不到页面",
    },
}


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.error_urls"
    settings.SUPPORT_HOTLINE = "400-123-4567"


def styled(page: str) -> bool:
    """The portal's own page: its stylesheet, its header and the footer with the hotline."""
    return "css/app.css" in page and 'class="site"' in page and "400-123-4567" in page


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_missing_page_answers_a_styled_404_in_the_browsers_language(language):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page")
    page = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in page
    assert WORDS[language][404] in page and WORDS[language]["foreign"] not in page
    assert styled(page)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_refused_page_answers_a_styled_403_that_offers_to_log_in(language):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/refuse/")
    page = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}">' in page and WORDS[language][403] in page
    assert "/accounts/login/?next=/refuse/" in page
    assert styled(page)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_failing_page_answers_a_styled_500_in_the_browsers_language_without_the_database(language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/break/")
    page = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in page and WORDS[language][500] in page
    assert styled(page)
    # The session middleware may look up the session; the error page itself asks nothing.
    assert not [q for q in queries.captured_queries if "django_session" not in q["sql"]]


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "表单已过期"), ("en", "The form has expired")])
def test_a_form_sent_from_a_stale_page_says_what_to_do_in_the_readers_language(language, heading):
    client = Client(HTTP_ACCEPT_LANGUAGE=language, enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": "someone@example.cn", "password": "x"})
    page = response.content.decode()
    assert response.status_code == 403
    assert heading in page and "CSRF verification" not in page
    assert styled(page)
