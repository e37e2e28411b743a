"""Hypothesis drives every page and form of the portal with generated values: no 5xx, ever.

Every URL pattern is visited, by every role and anonymously, with GET query strings and POST
bodies built from the field names of every form of the project (and allauth's), holding unicode
of every plane, NUL, full-width digits, impossible dates, huge numbers, huge texts, repeated keys
and files of random bytes. The arguments of a URL are real (an application, a case, a terminal
of the demo data) or generated.

Left out here, and driven elsewhere: the Django admin (test_admin_any_input.py, with generated
values in every change form; tests/backoffice/test_admin_every_model.py, a valid edit of every
field); the device report API is visited here unsigned, and driven with signed bodies and
generated headers in test_device_api_attacks.py (its old address, support/api/, is the same view).
"""

import contextlib
import importlib
import io
import re
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from applications.choices import DocumentKind
from applications.forms import STEPS
from applications.models import ApplicationDocument, MerchantApplication
from installations.views_installer import STEP_ACTIONS
from support.models import SupportCase
from terminals.models import Terminal

ROOT = Path(__file__).resolve().parents[2]
# See the module's docstring; /healthz answers 503 by design when a worker is missing.
# The bench's stock admin answers 404 unless BENCH_FLOOR is set (tests/test_bench_floor.py).
LEFT_OUT = ("admin/", "support/api/", "healthz", "bench/stock-admin/")


def url_patterns(patterns=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str, list[str]]]:
    """(route, name with namespace, argument names) of every named route of the project."""
    found = []
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            found += url_patterns(
                entry.url_patterns, prefix + str(entry.pattern), f"{entry.namespace}:" if entry.namespace else namespace
            )
        elif isinstance(entry, URLPattern) and entry.name:
            route = prefix + str(entry.pattern)
            if not route.startswith(LEFT_OUT):
                found.append((route, namespace + entry.name, list(entry.pattern.regex.groupindex)))
    return found


def field_names() -> list[str]:
    """The field names of every form the project declares, and of allauth's."""
    for config in apps.get_app_configs():
        if config.path.startswith(str(ROOT)):
            for module in ("forms", "forms_reviewer"):
                with contextlib.suppress(ModuleNotFoundError):
                    importlib.import_module(f"{config.name}.{module}")
    names = {"login", "password", "remember", "email", "password1", "password2", "code", "next", "language"}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            names.update(getattr(sub, "base_fields", {}))
            walk(sub)

    walk(forms.BaseForm)
    return sorted(n for n in names if re.fullmatch(r"[a-z_0-9-]+", n))


NASTY_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "１３８００１３８０００",
            "13800138000",
            "2026-02-30",
            "2026-13-01",
            "2026-01-01T10:00:00+25:00",
            "9223372036854775807",
            "-1",
            "0",
            "1e309",
            "NaN",
            "[" * 3000,
            "x" * 20_000,
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            "\u202e\u200b\ufeff",
            "😀" * 50,
            "PA-AAAAAAAA",
            "#" + "0" * 64,
        ]
    ),
)


@pytest.fixture
def world(db):
    call_command("seed_demo", force=True, stdout=io.StringIO())
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.pos-portal.cn")}
    candidates = {
        "reference": [
            *MerchantApplication.objects.values_list("reference", flat=True),
            *SupportCase.objects.values_list("reference", flat=True),
        ],
        "serial_number": [*Terminal.objects.values_list("serial_number", flat=True)],
        "pk": [*ApplicationDocument.objects.values_list("pk", flat=True)[:5], 1, 999999],
        "step": [s.slug for s in STEPS] + list(STEP_ACTIONS),
        "kind": list(DocumentKind.values),
        "action": ["resend", "signin", "visit", "resolve", "nothing"],
    }
    return people, candidates


def address(route: tuple[str, str, list[str]], chosen: dict[str, str], candidates: dict[str, list]) -> str:
    _path, name, arguments = route
    real = {arg: candidates.get(arg, ["x"])[0] for arg in arguments}
    try:
        return reverse(name, kwargs={**real, **{a: chosen[a] for a in arguments if a in chosen}})
    except NoReverseMatch:
        return reverse(name, kwargs=real)  # the generated value does not fit the route's converter


ROUTES = url_patterns()
FIELDS = field_names()
ROLES = [None, "applicant", "reviewer", "installer", "support", "admin"]


@st.composite
def requests(draw, candidates):
    route = draw(st.sampled_from(ROUTES))
    chosen = {
        arg: draw(st.one_of(st.sampled_from(candidates.get(arg) or ["x"]), st.text(min_size=1, max_size=20)))
        for arg in route[2]
    }
    keys = st.one_of(st.sampled_from(FIELDS), st.text(max_size=10))
    data = draw(st.dictionaries(keys, st.one_of(NASTY_TEXT, st.lists(NASTY_TEXT, max_size=3)), max_size=8))
    if draw(st.booleans()):
        data[draw(st.sampled_from(["file", "storefront", "id_front", "id_back", "licence", "csv"]))] = io.BytesIO(
            draw(st.binary(max_size=2000))
        )
    return route, chosen, draw(st.sampled_from(ROLES)), draw(st.sampled_from(["get", "post"])), data


def test_every_route_is_known():
    names = {name for _path, name, _args in ROUTES}
    assert {"applications:step", "applications:review_queue", "account_login", "support:case_action"} <= names
    assert {"password", "id_number", "card_number", "mobile", "q"} <= set(FIELDS)


@pytest.mark.django_db
def test_no_generated_request_gets_a_5xx(world):
    people, candidates = world
    clients = {}
    for role in ROLES:
        client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
        if role:
            client.force_login(people[role])
        clients[role] = client
    seen = {"routes": set(), "statuses": set()}

    @settings(
        max_examples=400,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(requests(candidates))
    def check(request):
        route, chosen, role, method, data = request
        url = address(route, chosen, candidates)
        client = clients[role]
        if role and "_auth_user_id" not in client.session:
            client.force_login(people[role])  # a generated request may have signed it out
        if method == "get":
            query = {k: v for k, v in data.items() if not hasattr(v, "read")}
            response = client.get(url, query)
        else:
            response = client.post(url, data)
        seen["routes"].add(route[1])
        seen["statuses"].add(response.status_code)
        assert response.status_code < 500, f"{method.upper()} {url} as {role}: {response.status_code}"

    check()
    assert len(seen["routes"]) > len(ROUTES) // 2
    assert {200, 302} <= seen["statuses"] and any(400 <= s < 500 for s in seen["statuses"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "url", "query"),
    [
        ("support", "terminals:inventory", {"q": "\x00"}),
        ("reviewer", "applications:review_queue", {"q": "a\x00"}),
        ("applicant", "applications:mine", {"x\x00": "1"}),
    ],
)
def test_a_nul_character_is_refused_with_a_reason(client, request, who, url, query):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(url), query)
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


@pytest.mark.django_db
def test_a_page_number_past_any_queue_is_the_first_page_not_a_crash(client, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("applications:review_queue"), {"page": "9223372036854775807"})
    assert response.status_code == 200 and response.context["page"].number == 1
