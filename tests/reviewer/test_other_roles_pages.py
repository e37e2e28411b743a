"""A reviewer never sees the installer's pages nor the applicant-only pages.

Discovered from the URL configuration, so that pages added later (the applicant's, the
installer's) are covered as soon as they exist. A page meant for staff as well must be
named in SHARED_WITH_STAFF, on purpose.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from applications.choices import Status

SHARED_WITH_STAFF = {"backoffice:dashboard"}


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            found += _patterns(entry, prefix + str(entry.pattern), f"{ns}" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{namespace}:{entry.name}" if namespace else entry.name, prefix + str(entry.pattern)))
    return found


def other_roles_pages() -> list[tuple[str, str]]:
    pages = []
    for name, route in _patterns(get_resolver()):
        applicant_only = route.startswith("applications/") and not route.startswith("applications/review/")
        installer = route.startswith("installations/")
        if (applicant_only or installer) and name not in SHARED_WITH_STAFF:
            pages.append((name, route))
    return pages


def _fill(route: str, reference: str) -> str | None:
    path = re.sub(r"<(?:\w+:)?reference>", reference, route)
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<(?:str|slug|uuid|path):\w+>", "x", path)
    return None if "<" in path or "^" in path else "/" + path


@pytest.mark.parametrize("who", ["reviewer", "support"])
def test_staff_get_no_applicant_or_installer_page(client, request, application_in, who):
    app = application_in(Status.INSTALLATION_SCHEDULED)
    client.force_login(request.getfixturevalue(who))
    seen = []
    for name, route in other_roles_pages():
        path = _fill(route, app.reference)
        if path is None:
            continue
        status = client.get(path).status_code
        if status not in (403, 404, 405):
            seen.append(f"{name} {path} → {status}")
    assert seen == []
