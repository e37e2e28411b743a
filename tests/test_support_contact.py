"""The support hotline and hours (settings) on every page and where a person is told someone will call."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation

from applications.choices import Status
from applications.models import MerchantApplication
from core.choices import Province
from pos_portal.context_processors import support_contact
from tests import visit_fixtures
from tests.conftest import PASSWORD

clock = visit_fixtures.clock  # Monday 8:00, a working week ahead

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def hotline(settings):
    settings.SUPPORT_HOTLINE = "400 123 4567"
    settings.SUPPORT_HOURS = "08:30–20:00"
    settings.SUPPORT_DAYS = "daily"


def test_every_page_shows_the_hotline_and_its_hours_in_the_footer(client):
    page = client.get(reverse("home")).content.decode()
    footer = page[page.index("<footer") :]
    assert 'href="tel:4001234567"' in footer and "400 123 4567" in footer
    assert "every day, 08:30–20:00 Beijing time" in footer


def test_the_hours_are_worded_in_the_readers_language(client):
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    footer = page[page.index("<footer") :]
    assert "每天" in footer and "every day" not in footer


def test_a_merchant_outside_every_installers_area_gets_the_number_to_call(clock, application_in, client):
    app = application_in(Status.APPROVED)
    # Nobody installs in Tibet.
    MerchantApplication.objects.filter(pk=app.pk).update(province=Province.TIBET, install_at_business_address=True)
    assert client.login(username=app.applicant.username, password=PASSWORD)
    page = client.get(reverse("installations:booking", args=[app.reference])).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert "We will call you" in main
    assert 'href="tel:4001234567"' in main and "every day, 08:30–20:00 Beijing time" in main


def test_an_unknown_days_code_is_a_configuration_error_naming_the_setting(settings):
    settings.SUPPORT_DAYS = "weekends"
    with translation.override("en"), pytest.raises(ImproperlyConfigured, match="SUPPORT_DAYS"):
        support_contact()
