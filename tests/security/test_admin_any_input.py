"""Hypothesis drives the admin's change form of every registered model with generated values.

As an administrator, each example takes one model's change form as the browser sends it back
and replaces some of its fields with generated values: unicode of every plane, full-width
digits, impossible dates, huge numbers, 20,000-character texts, JSON of any shape, lists for
single fields and single values for lists. Fails on any 5xx, and on a refused form (the form
again, with its errors) that changed the row. The valid edit of every field is
tests/backoffice/test_admin_every_model.py; this is the invalid half.
"""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.backoffice.test_admin_every_model import (  # noqa: F401 - the rows fixture, shared
    READ_ONLY,
    _posted_form,
    _snapshot,
    registered,
    rows,
)

ODD_TEXT = (
    st.text(max_size=60)
    | st.text(alphabet="０１２３４５６７８９＋－\u3000١٢٣", max_size=25)
    | st.sampled_from(
        [
            "2026-02-30", "2026-13-01", "24:61", "2026-02-30 25:00", "9223372036854775808", "-1", "1e9999",
            "NaN", "[" * 3000, '{"a": ' * 50, "null", "[]", "{}", "", " ", "x" * 20_000,
        ]
    )
)  # fmt: skip
VALUES = ODD_TEXT | st.lists(ODD_TEXT, max_size=3)


@pytest.mark.django_db
def test_no_generated_change_form_gets_a_5xx_and_a_refusal_changes_nothing(admin_user, rows):  # noqa: F811
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(admin_user)
    forms = {}
    for model, _admin in registered():
        if model in READ_ONLY:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[rows[model].pk])
        shown = client.get(url)
        assert shown.status_code == 200
        fields = [name for name, field in shown.context["adminform"].form.fields.items() if not field.disabled]
        if fields:  # a form of read-only fields only posts nothing to try
            forms[model] = (url, _posted_form(shown), fields)
    statuses = set()

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def check(data):
        model = data.draw(st.sampled_from(sorted(forms, key=lambda m: m._meta.label)))
        url, posted, fields = forms[model]
        names = data.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=4, unique=True))
        body = dict(posted)
        for name in names:
            body[name] = data.draw(VALUES)
            if data.draw(st.booleans()):  # a split date and time field's halves too
                body[f"{name}_0"], body[f"{name}_1"] = data.draw(ODD_TEXT), data.draw(ODD_TEXT)
        before = _snapshot(rows[model])

        response = client.post(url, body)

        statuses.add(response.status_code)
        assert response.status_code < 500, f"{model._meta.label} {names}: {response.status_code}"
        if response.status_code != 302:
            assert _snapshot(rows[model]) == before, f"{model._meta.label} {names}: refused, yet changed"

    check()
    assert 200 in statuses  # refusals were reached, not only saves


# --- What the generated forms found, kept as examples ---------------------------------------


@pytest.mark.django_db
def test_an_id_list_with_a_number_no_column_holds_matches_nothing_instead_of_crashing(admin_user):
    from django.contrib.auth.models import Group, Permission

    some = Permission.objects.order_by("pk").first()
    assert list(Permission.objects.filter(pk__in=[2**63, -(2**64), some.pk])) == [some]
    assert not Group.objects.filter(pk__in=[2**63]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "field", "value"),
    [("auth.group", "permissions", "9223372036854775808"), ("django_celery_beat.crontabschedule", "hour", "-1")],
)
def test_the_admin_refuses_what_it_used_to_answer_500_to(admin_user, rows, model, field, value):  # noqa: F811
    from django.apps import apps

    model_class = apps.get_model(model)
    row = rows[model_class]
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(admin_user)
    url = reverse(f"admin:{model.replace('.', '_')}_change", args=[row.pk])
    body = {**_posted_form(client.get(url)), field: value}
    before = _snapshot(row)

    response = client.post(url, body)

    assert response.status_code == 200 and response.context["errors"]
    assert _snapshot(row) == before
