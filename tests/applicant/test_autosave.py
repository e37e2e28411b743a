"""Each step saves as the person types (static/js/autosave.js posts it with autosave=1): what is
valid is saved, what is not is named and kept in the browser, the time is the portal's."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from applications.models import MerchantApplication
from installations.samples import valid_id_number

pytestmark = pytest.mark.django_db

# 10:42 UTC is 18:42 in Shanghai.
AT = datetime(2026, 11, 24, 10, 42, tzinfo=ZoneInfo("UTC"))


def step_url(app: MerchantApplication, step: str = "personal") -> str:
    return reverse("applications:step", kwargs={"reference": app.reference, "step": step})


def autosave(client, app, data: dict, step: str = "personal", **headers):
    return client.post(step_url(app, step), {**data, "autosave": "1"}, HTTP_HX_REQUEST="true", **headers)


def fresh(app: MerchantApplication) -> MerchantApplication:
    return MerchantApplication.objects.get(pk=app.pk)


def test_typed_values_are_saved_and_the_status_says_when_in_the_portal_time_zone(applicant_client, draft):
    with time_machine.travel(AT, tick=False):
        response = autosave(
            applicant_client, draft, {"legal_name": "王小明", "id_number": "", "mobile": "138-0013-8000"}
        )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="saved"' in html and "Saved at 18:42" in html
    assert '<nav class="steps" id="steps" aria-label="Steps of the application" hx-swap-oob="true">' in html
    assert '<li class="current">' in html and '<li class="">' in html  # this step is current, not the summary
    assert html.count('class="current"') == 1
    assert "10:42" not in html
    assert fresh(draft).mobile == "+8613800138000"


def test_the_time_is_written_as_a_chinese_reader_reads_it(applicant_client, draft):
    with time_machine.travel(AT, tick=False):
        response = autosave(applicant_client, draft, {"legal_name": "王小明"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert "已于 18:42 保存" in response.content.decode()


def test_an_invalid_value_is_named_and_not_saved_while_the_valid_ones_are(applicant_client, draft, snapshot):
    response = autosave(
        applicant_client, draft, {"legal_name": "王小明", "id_number": "11010119900307", "mobile": "138 0013 8000"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="invalid"' in html and 'data-invalid="id_number"' in html
    # The field's error list is replaced beside the field, without touching what is typed in it.
    assert '<div id="errors-id_number" class="field-errors" hx-swap-oob="true"><ul class="errorlist"' in html
    assert "18 characters" in html
    app = fresh(draft)
    assert (app.legal_name, app.id_number, app.mobile) == ("王小明", "", "+8613800138000")


def test_an_unchanged_value_is_not_written_again(applicant_client, draft, snapshot):
    before = snapshot(draft)

    response = autosave(applicant_client, draft, {"legal_name": draft.legal_name, "id_number": "123", "mobile": "555"})

    assert 'data-state="invalid"' in response.content.decode()
    assert 'data-invalid="id_number mobile"' in response.content.decode()
    before.assert_unchanged()  # not even updated_at: nothing changed


def test_only_invalid_values_save_nothing_and_say_so(applicant_client, draft, snapshot):
    before = snapshot(draft)

    response = autosave(applicant_client, draft, {"card_number": "1234"}, step="settlement")

    html = response.content.decode()
    assert 'data-state="invalid"' in html  # the other fields of the step, empty, are fine as they are
    assert 'data-invalid="card_number"' in html
    before.assert_unchanged()


def test_a_session_that_ended_gets_401_and_the_way_back_to_this_step(client, draft, snapshot):
    before = snapshot(draft)

    response = autosave(client, draft, {"legal_name": "王小明", "id_number": valid_id_number(5)})

    assert response.status_code == 401
    html = response.content.decode()
    assert 'data-state="expired"' in html
    assert f'href="/accounts/login/?next=%2Fapplications%2F{draft.reference}%2Fstep%2Fpersonal%2F"' in html
    assert valid_id_number(5) not in html
    before.assert_unchanged()


def test_a_submitted_application_refuses_the_autosave_and_says_why(applicant_client, application_in, snapshot):
    from applications.choices import Status

    submitted = application_in(Status.SUBMITTED)
    before = snapshot(submitted)

    response = autosave(applicant_client, submitted, {"legal_name": "别人"})

    # The step redirects a closed application to its status page, autosave or not.
    assert response.status_code == 302
    before.assert_unchanged()


def test_the_step_page_carries_the_draft_key_and_no_inline_script(applicant_client, draft, other_applicant, client):
    html = applicant_client.get(step_url(draft)).content.decode()

    assert f'data-autosave="{draft.reference}:personal"' in html
    assert 'data-sensitive="id_number mobile card_number"' in html
    assert "<script>" not in html and " onchange=" not in html.replace('onchange="this.form.submit()"', "")
    key = html.split('data-draft-key="', 1)[1].split('"', 1)[0]
    assert len(key) == 44  # 32 bytes, base64: an AES-256 key
    # Another applicant's key for another application differs (and they cannot open this one).
    client.force_login(other_applicant)
    assert client.get(step_url(draft)).status_code == 404


def test_an_autosave_costs_a_bounded_number_of_queries(applicant_client, draft, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        autosave(applicant_client, draft, {"legal_name": "王小明", "id_number": valid_id_number(5), "mobile": ""})
