"""An administrator's edit of an application in the admin's change form saves (a paper form)."""

import datetime

from django.urls import reverse

from applications.choices import Status
from tests.conftest import PASSWORD, history_of


def _posted_form(response) -> dict[str, object]:
    """The change form as the browser would send it back: every field with the value shown."""
    data: dict[str, object] = {}

    def put(form, name):
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            return
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        elif isinstance(value, datetime.date | datetime.time):
            data[key] = value.isoformat()
        else:
            data[key] = str(value)

    form = response.context["adminform"].form
    for name in form.fields:
        put(form, name)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for sub in formset.forms:
            for name in sub.fields:
                put(sub, name)
    return data


def test_an_administrator_s_edit_in_the_change_form_is_saved(client, admin_user, application_in):
    draft = application_in(Status.DRAFT)
    url = reverse("admin:applications_merchantapplication_change", args=[draft.pk])
    client.login(username=admin_user.username, password=PASSWORD)
    data = _posted_form(client.get(url))
    steps = len(history_of(draft))
    data["business_name"] = "王记面馆（纸质申请）"

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.business_name == "王记面馆（纸质申请）"
    assert draft.status == Status.DRAFT
    assert len(history_of(draft)) == steps  # an edit of the data is not a workflow step


def test_an_unchanged_change_form_of_an_active_application_saves_without_error(client, admin_user, application_in):
    active = application_in(Status.ACTIVE)
    url = reverse("admin:applications_merchantapplication_change", args=[active.pk])
    client.login(username=admin_user.username, password=PASSWORD)

    response = client.post(url, _posted_form(client.get(url)))

    assert response.status_code == 302, response.content.decode()[:2000]
    active.refresh_from_db()
    assert active.status == Status.ACTIVE
