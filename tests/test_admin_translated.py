"""The admin on a Chinese page: the column headers of every list of the portal's models are Chinese."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from applications.choices import Status

pytestmark = pytest.mark.django_db

# The portal's own apps, and allauth's second factors, which the portal's staff administer.
PORTAL_APPS = {
    "accounts",
    "notifications",
    "applications",
    "terminals",
    "installations",
    "support",
    "verification",
    "mfa",
}
# Codes that read the same in both languages.
CODES = re.compile(r"\b(TID|MID|KCV|SHA-256|ID|SN|SLA|URL|CSV|MCC|API)\b")


def english_headers(page: str) -> list[str]:
    """The headers of the list's own table (the sidebar's hidden headers are Django's, translated by it)."""
    start = page.find('id="result_list"')
    if start == -1:
        return []  # an empty list has no table
    table = page[start : page.index("</thead>", start)]
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table, re.S)
    texts = [re.sub(r"<[^>]+>", " ", h) for h in headers]
    return [" ".join(t.split()) for t in texts if re.search(r"[A-Za-z]{2,}", CODES.sub("", t))]


def test_every_list_of_the_portals_models_has_chinese_column_headers(client, admin_user, application_in):
    application_in(Status.ACTIVE)  # rows in the lists of applications, visits, training, sign-ins, messages...
    client.force_login(admin_user)
    found, checked = {}, set()
    for model, _model_admin in admin.site._registry.items():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200, url
        page = response.content.decode()
        if 'id="result_list"' in page:
            checked.add(model._meta.model_name)
        if english := english_headers(page):
            found[url] = english
    assert not found
    assert {
        "merchantapplication",
        "auditevent",
        "visit",
        "trainingrecord",
        "notification",
        "signin",
    } <= checked


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hans", ("POS 商户服务平台", "门户时区", "Asia/Shanghai")),
        ("en", ("POS Portal", "time zone", "Asia/Shanghai")),
    ],
)
def test_the_admin_names_the_portal_and_the_time_zone_its_times_are_in(client, admin_user, language, words):
    client.force_login(admin_user)

    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    for word in words:
        assert word in page


def test_the_admin_index_names_allauth_s_authenticators_in_chinese(client, admin_user):
    client.force_login(admin_user)

    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "身份验证器" in page
    assert "Authenticator" not in page
