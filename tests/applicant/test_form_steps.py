"""The application form, step by step: what is typed is checked, normalised, saved as a draft, and never lost."""

import pytest
from django.urls import reverse

from applications.choices import BusinessType, Status, TimeWindow
from applications.models import CONSENT_VERSION, ConsentRecord, MerchantApplication
from installations.samples import valid_card_number, valid_credit_code, valid_id_number

pytestmark = pytest.mark.django_db


def step_url(app: MerchantApplication, step: str) -> str:
    return reverse("applications:step", kwargs={"reference": app.reference, "step": step})


def fresh(app: MerchantApplication) -> MerchantApplication:
    return MerchantApplication.objects.get(pk=app.pk)


# --- Personal ---------------------------------------------------------------------------------


def test_the_personal_step_saves_the_draft_normalised_and_goes_to_the_next_step(applicant_client, draft, step_data):
    data = {**step_data["personal"], "id_number": valid_id_number(5)[:-1] + valid_id_number(5)[-1].lower()}

    response = applicant_client.post(step_url(draft, "personal"), data)

    assert response.status_code == 302
    assert response.url == step_url(draft, "business")
    app = fresh(draft)
    assert app.legal_name == "王小明"
    assert app.id_number == valid_id_number(5).upper()
    assert app.mobile == "+8613800138000"
    assert app.status == Status.DRAFT


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


def test_numbers_typed_with_spaces_full_width_digits_and_dashes_are_stored_normalised(
    applicant_client, draft, step_data
):
    number = valid_id_number(5)
    typed_id = f"{number[:6]} {number[6:14]}\u3000{number[14:]}".translate(FULL_WIDTH)
    data = {**step_data["personal"], "id_number": typed_id, "mobile": "+86 １３８-0013-8000"}

    response = applicant_client.post(step_url(draft, "personal"), data)

    assert response.status_code == 302
    app = fresh(draft)
    assert app.id_number == number.upper()
    assert app.mobile == "+8613800138000"

    card = valid_card_number(5)
    response = applicant_client.post(
        step_url(draft, "settlement"),
        {**step_data["settlement"], "card_number": " ".join(card[i : i + 4] for i in range(0, len(card), 4))},
    )
    assert response.status_code == 302
    assert fresh(draft).card_number == card


def test_a_wrong_id_number_is_refused_beside_the_field_with_everything_typed_kept(
    applicant_client, draft, step_data, snapshot
):
    before = snapshot(draft)
    wrong = valid_id_number(5)[:-1] + ("1" if valid_id_number(5)[-1] != "1" else "2")

    response = applicant_client.post(step_url(draft, "personal"), {**step_data["personal"], "id_number": wrong})

    assert response.status_code == 400
    html = response.content.decode()
    assert "check digit is wrong" in html
    assert f'value="{wrong}"' in html
    assert 'value="王小明"' in html
    assert 'value="138 0013 8000"' in html
    assert response.context["form"].errors.keys() == {"id_number"}
    before.assert_unchanged()
    assert fresh(draft).legal_name == draft.legal_name


def test_every_invalid_field_of_a_step_gets_its_own_message(applicant_client, draft, snapshot):
    before = snapshot(draft)

    response = applicant_client.post(
        step_url(draft, "personal"), {"legal_name": "王小明", "id_number": "12345", "mobile": "555"}
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"id_number", "mobile"}
    assert "18 characters" in errors["id_number"][0]
    assert "mainland China mobile number" in errors["mobile"][0]
    before.assert_unchanged()


def test_field_messages_come_in_chinese_for_a_chinese_browser(applicant_client, draft):
    response = applicant_client.post(
        step_url(draft, "personal"),
        {"legal_name": "王小明", "id_number": "12345", "mobile": "555"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    html = response.content.decode()
    assert "居民身份证号码为 18 位" in html
    assert "请输入中国大陆手机号码" in html
    assert "个人信息" in html


def test_a_draft_may_be_saved_incomplete_and_resumed_from_another_device(client, applicant, draft):
    phone = client
    phone.force_login(applicant)
    phone.post(step_url(draft, "personal"), {"legal_name": "王小明", "id_number": "", "mobile": ""})

    from django.test import Client

    laptop = Client(HTTP_ACCEPT_LANGUAGE="en")
    laptop.force_login(applicant)
    response = laptop.get(step_url(draft, "personal"))

    assert response.status_code == 200
    assert 'value="王小明"' in response.content.decode()


# --- Business ---------------------------------------------------------------------------------


def test_the_business_step_saves_a_credit_code_whose_authority_is_a_letter(applicant_client, draft, step_data):
    from stdnum.cn import uscc

    code = "N2110105MA0000001"[:17]
    code += uscc.calc_check_digit(code)

    response = applicant_client.post(step_url(draft, "business"), {**step_data["business"], "credit_code": code})

    assert response.status_code == 302
    assert fresh(draft).credit_code == code


def test_a_wrong_credit_code_is_refused_and_nothing_is_saved(applicant_client, draft, step_data, snapshot):
    before = snapshot(draft)
    code = valid_credit_code(4)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")

    response = applicant_client.post(step_url(draft, "business"), {**step_data["business"], "credit_code": wrong})

    assert response.status_code == 400
    assert "check character is wrong" in response.content.decode()
    assert 'value="小明便利店"' in response.content.decode()
    before.assert_unchanged()
    assert fresh(draft).business_name == ""


def test_an_individual_without_licence_needs_no_credit_code_and_a_stale_one_is_dropped(
    applicant_client, draft, step_data
):
    data = {**step_data["business"], "business_type": BusinessType.INDIVIDUAL, "credit_code": "not a code"}

    response = applicant_client.post(step_url(draft, "business"), data)

    assert response.status_code == 302
    app = fresh(draft)
    assert app.business_type == BusinessType.INDIVIDUAL
    assert app.credit_code == ""
    assert "licence" not in app.required_documents()


def test_an_unknown_choice_is_refused(applicant_client, draft, step_data, snapshot):
    before = snapshot(draft)

    response = applicant_client.post(step_url(draft, "business"), {**step_data["business"], "province": "99"})

    assert response.status_code == 400
    assert "province" in response.context["form"].errors
    before.assert_unchanged()


# --- Settlement -------------------------------------------------------------------------------


def test_the_settlement_step_accepts_a_card_number_with_spaces(applicant_client, draft, step_data):
    applicant_client.post(step_url(draft, "personal"), step_data["personal"])
    card = valid_card_number(9)
    spaced = " ".join(card[i : i + 4] for i in range(0, len(card), 4))

    response = applicant_client.post(step_url(draft, "settlement"), {**step_data["settlement"], "card_number": spaced})

    assert response.status_code == 302
    assert fresh(draft).card_number == card


def test_a_card_number_failing_the_luhn_check_is_refused(applicant_client, draft, step_data, snapshot):
    before = snapshot(draft)
    card = valid_card_number(9)
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)

    response = applicant_client.post(step_url(draft, "settlement"), {**step_data["settlement"], "card_number": wrong})

    assert response.status_code == 400
    assert "check digit is wrong" in response.content.decode()
    assert f'value="{wrong}"' in response.content.decode()
    before.assert_unchanged()


def test_an_account_holder_who_is_neither_the_applicant_nor_the_business_is_refused(
    applicant_client, draft, step_data, snapshot
):
    applicant_client.post(step_url(draft, "personal"), step_data["personal"])
    applicant_client.post(step_url(draft, "business"), step_data["business"])
    before = snapshot(draft)

    response = applicant_client.post(
        step_url(draft, "settlement"), {**step_data["settlement"], "account_holder": "张三"}
    )

    assert response.status_code == 400
    assert "The account holder must be the legal name or the business name" in response.content.decode()
    before.assert_unchanged()


def test_the_business_name_is_an_accepted_account_holder(applicant_client, draft, step_data):
    applicant_client.post(step_url(draft, "personal"), step_data["personal"])
    applicant_client.post(step_url(draft, "business"), step_data["business"])

    response = applicant_client.post(
        step_url(draft, "settlement"), {**step_data["settlement"], "account_holder": "小明便利店"}
    )

    assert response.status_code == 302
    assert fresh(draft).account_holder == "小明便利店"


# --- Terminal and installation --------------------------------------------------------------------


def test_the_installation_address_starts_as_the_business_address(applicant_client, draft, step_data):
    applicant_client.post(step_url(draft, "business"), step_data["business"])

    response = applicant_client.get(step_url(draft, "terminal"))

    assert response.context["form"]["install_street"].value() == "建国路 1 号"
    assert response.context["form"]["install_province"].value() == "11"


def test_the_terminal_step_saves_the_model_the_time_windows_and_another_address(applicant_client, draft, step_data):
    data = {
        "terminal_model": "mobile",
        "install_province": "31",
        "install_city": "上海市",
        "install_district": "310115",  # 浦东新区
        "install_street": "世纪大道 100 号",
        "preferred_windows": [TimeWindow.WEEKEND_AFTERNOON],
    }

    response = applicant_client.post(step_url(draft, "terminal"), data)

    assert response.status_code == 302
    app = fresh(draft)
    assert app.terminal_model == "mobile"
    assert app.install_at_business_address is False
    assert app.preferred_windows == [TimeWindow.WEEKEND_AFTERNOON]
    assert app.installation_address()["street"] == "世纪大道 100 号"


def test_an_unknown_time_window_is_refused(applicant_client, draft, step_data, snapshot):
    before = snapshot(draft)

    response = applicant_client.post(
        step_url(draft, "terminal"), {**step_data["terminal"], "preferred_windows": ["midnight"]}
    )

    assert response.status_code == 400
    assert "preferred_windows" in response.context["form"].errors
    before.assert_unchanged()


# --- Consent --------------------------------------------------------------------------------------


def test_consent_is_recorded_with_its_version_and_time(applicant_client, draft, applicant):
    response = applicant_client.post(step_url(draft, "consent"), {"accept": "on", "version": CONSENT_VERSION})

    assert response.status_code == 302
    assert response.url == reverse("applications:summary", kwargs={"reference": draft.reference})
    record = ConsentRecord.objects.get(application=draft)
    assert record.version == CONSENT_VERSION
    assert record.user == applicant
    assert record.accepted_at is not None


def test_consent_without_the_box_ticked_is_refused_and_not_recorded(applicant_client, draft, snapshot):
    before = snapshot(draft)

    response = applicant_client.post(step_url(draft, "consent"), {"version": CONSENT_VERSION})

    assert response.status_code == 400
    assert "Tick the box to give your consent" in response.content.decode()
    assert not ConsentRecord.objects.filter(application=draft).exists()
    before.assert_unchanged()


def test_consent_to_an_older_text_is_refused(applicant_client, draft, snapshot):
    before = snapshot(draft)

    response = applicant_client.post(step_url(draft, "consent"), {"accept": "on", "version": "2020-01-01"})

    assert response.status_code == 400
    assert "The consent text has changed" in response.content.decode()
    assert not ConsentRecord.objects.exists()
    before.assert_unchanged()


def test_consent_given_once_is_shown_and_not_recorded_twice(applicant_client, draft):
    applicant_client.post(step_url(draft, "consent"), {"accept": "on", "version": CONSENT_VERSION})

    response = applicant_client.get(step_url(draft, "consent"))
    applicant_client.post(step_url(draft, "consent"), {})

    assert "You gave this consent on" in response.content.decode()
    assert ConsentRecord.objects.filter(application=draft).count() == 1


# --- Not editable, changes requested ----------------------------------------------------------------


@pytest.mark.parametrize("step", ["personal", "business", "settlement", "documents", "terminal", "consent"])
def test_a_submitted_application_cannot_be_changed_through_any_step(applicant_client, application_in, step, snapshot):
    app = application_in(Status.SUBMITTED)
    before = snapshot(app)

    page = applicant_client.get(step_url(app, step))
    response = applicant_client.post(step_url(app, step), {"legal_name": "改名", "accept": "on"}, follow=True)

    assert page.status_code == 302
    assert page.url == reverse("applications:status", kwargs={"reference": app.reference})
    assert "it can no longer be changed" in response.content.decode()
    before.assert_unchanged()
    assert fresh(app).legal_name != "改名"


def test_on_changes_requested_the_fields_to_fix_are_highlighted_in_their_step(applicant_client, application_in):
    app = application_in(Status.CHANGES_REQUESTED)  # the reviewer asked for the storefront photo

    response = applicant_client.get(step_url(app, "documents"))

    html = response.content.decode()
    assert 'class="field document to-fix" id="field-storefront"' in html
    assert 'class="field document" id="field-id_front"' in html
    assert "门头照片太暗" in html
    assert "The reviewer asked you to correct this." in html


def test_an_application_in_changes_requested_can_be_edited(applicant_client, application_in, step_data):
    app = application_in(Status.CHANGES_REQUESTED)

    response = applicant_client.post(step_url(app, "personal"), {**step_data["personal"], "legal_name": "王小明"})

    assert response.status_code == 302
    assert fresh(app).legal_name == "王小明"


def test_an_unknown_step_is_not_found(applicant_client, draft):
    assert applicant_client.get(step_url(draft, "nonsense")).status_code == 404


def test_a_field_the_reviewer_named_is_highlighted_in_its_step_and_the_step_in_the_menu(
    applicant_client, application_in, reviewer
):
    from applications import services

    app = application_in(Status.IN_REVIEW)
    services.application_request_changes(
        application=app, by=reviewer, fields=["id_number", "card_number"], message="身份证号与照片不符"
    )

    response = applicant_client.get(step_url(app, "personal"))

    html = response.content.decode()
    assert 'class="field to-fix" id="field-id_number"' in html
    assert 'class="field" id="field-legal_name"' in html
    steps = {s["slug"]: s["to_fix"] for s in response.context["steps"]}
    assert steps == {
        "personal": True,
        "business": False,
        "settlement": True,
        "documents": False,
        "terminal": False,
        "consent": False,
    }
