"""Every paginated page and every search, with the query strings of the attack pass.

`?page=9223372036854775807` answered 500 on the queue, `?q=%00` on the inventory on
PostgreSQL. Here each page number parameter of each paginated page (the admin's lists
included) gets numbers past any page, negative, not numbers; each search box (the admin's
too) gets a NUL, LIKE's wildcards, quotes, backslashes, full-width digits and a 5,000
character text. Run with DATABASE_URL on PostgreSQL (the PostgreSQL run of `.ci/run`),
where a NUL used to reach the database. Fails on any 5xx, on a NUL not refused with a
reason, and on any row changed by these GETs.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import resolve, reverse

from applications.choices import Status
from applications.models import AuditEvent, MerchantApplication
from terminals.models import Terminal

HUGE_PAGES = ["9223372036854775807", "99999999999999999999999999", "-1", "0", "abc", "1e9999", "１", "2.5", ""]
ODD_SEARCHES = ["%", "_", "%%_\\", "'; --", '"', "\\", "１３８００１３８０００", "+86 138 0013 8000", "x" * 5000, " "]

# (who, page, the page-number parameters it reads)
PAGINATED = [
    ("reviewer", "applications:review_queue", ["page"]),
    ("support", "terminals:inventory", ["page"]),
    ("support", "support:queue", ["page", "warnings_page"]),
    ("applicant", "notifications:inbox", ["page"]),
]
# (who, page, the search parameter)
SEARCHES = [
    ("reviewer", "applications:review_queue", "q"),
    ("support", "terminals:inventory", "q"),
]


@pytest.fixture
def world(application_in):
    """Rows in every list: applications in several states, terminals, messages."""
    for status in (Status.SUBMITTED, Status.IN_REVIEW, Status.ACTIVE):
        application_in(status)


def _counts() -> dict[str, int]:
    return {
        "applications": MerchantApplication.objects.count(),
        "audit": AuditEvent.objects.count(),
        "terminals": Terminal.objects.count(),
        "updated": MerchantApplication.objects.order_by("-updated_at").values_list("updated_at", flat=True).first(),
    }


def test_every_paginated_page_and_search_is_listed_here():
    """Any view that reads a page number from the query string is in PAGINATED."""
    read = set()
    apps = [d for d in Path(settings.BASE_DIR).iterdir() if (d / "apps.py").exists()]
    for path in (p for app in apps for p in app.rglob("*.py")):
        if path.name == "admin.py":
            continue  # the admin's lists are all in test_every_admin_list_takes_any_page_number_and_search
        for param in re.findall(r'get_page\(\s*request\.GET\.get\("(\w+)"\)', path.read_text()):
            read.add((".".join(path.relative_to(settings.BASE_DIR).with_suffix("").parts), param))
    listed = {(resolve(reverse(name)).func.__module__, p) for _who, name, params in PAGINATED for p in params}
    assert read <= listed
    assert ("applications.views.reviewer", "page") in listed  # a form field, not request.GET.get


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "name", "params"), PAGINATED, ids=[n for _w, n, _p in PAGINATED])
def test_a_page_number_past_any_page_or_not_a_number_is_never_a_5xx(client, request, world, who, name, params):
    client.force_login(request.getfixturevalue(who))
    before = _counts()
    for param in params:
        for value in HUGE_PAGES:
            response = client.get(reverse(name), {param: value})
            assert response.status_code == 200, f"{param}={value}: {response.status_code}"
    assert _counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "name", "param"), SEARCHES, ids=[n for _w, n, _p in SEARCHES])
def test_a_search_with_a_nul_is_refused_with_a_reason_and_odd_text_is_searched(
    client, request, world, who, name, param
):
    client.force_login(request.getfixturevalue(who))
    before = _counts()
    for nul in ("\x00", "138\x00", "%00"):
        refused = client.get(reverse(name), {param: nul})
        if nul == "%00":  # the literal text, not a NUL: searched like any text
            assert refused.status_code == 200
            continue
        assert refused.status_code == 400 and "NUL character" in refused.content.decode()
    for text in ODD_SEARCHES:
        response = client.get(reverse(name), {param: text}, follow=True)
        assert response.status_code == 200, f"{param}={text[:20]!r}: {response.status_code}"
    assert _counts() == before


def _changelists() -> list[str]:
    return sorted(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist" for m in admin.site._registry)


@pytest.mark.django_db
def test_every_admin_list_takes_any_page_number_and_search(client, admin_user, world):
    client.force_login(admin_user)
    before = _counts()
    for name in _changelists():
        model_admin = next(
            a for m, a in admin.site._registry.items() if name.endswith(f"{m._meta.model_name}_changelist")
        )
        url = reverse(name)
        for value in HUGE_PAGES:
            # The admin answers a page past the end with its list and "?e=1" (a redirect), not a crash.
            assert client.get(url, {"p": value}).status_code in (200, 302), f"{name} p={value}"
        assert client.get(url, {"q": "\x00"}).status_code == 400, name
        if model_admin.get_search_fields(None):
            for text in ODD_SEARCHES:
                assert client.get(url, {"q": text}).status_code == 200, f"{name} q={text[:20]!r}"
        # A filter the admin does not offer is refused (400), never run.
        assert client.get(url, {"password__startswith": "a"}).status_code in (400, 302), name
    assert _counts() == before
