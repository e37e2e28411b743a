"""The business and installation addresses: province, then city and district chosen from the
division table (GB/T 2260); a district of another province is refused naming the field, with
everything typed kept; names typed before the list existed are not lost."""

import pytest

from applications.models import MerchantApplication

from .test_form_steps import step_url

pytestmark = pytest.mark.django_db


def fresh(app: MerchantApplication) -> MerchantApplication:
    return MerchantApplication.objects.get(pk=app.pk)


def test_a_district_chosen_from_the_list_saves_its_code_and_names(applicant_client, draft, step_data):
    response = applicant_client.post(
        step_url(draft, "business"), {**step_data["business"], "district": "440305"} | {"province": "44"}
    )

    assert response.status_code == 302
    app = fresh(draft)
    assert (app.province, app.district_code, app.city, app.district) == ("44", "440305", "深圳市", "南山区")


def test_a_district_of_another_province_is_refused_naming_the_field_and_keeping_what_was_typed(
    applicant_client, draft, step_data, snapshot
):
    before = snapshot(draft)

    response = applicant_client.post(
        step_url(draft, "business"),
        {**step_data["business"], "province": "44", "district": "110105"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["district"]
    assert errors == [
        "City and district: 北京市朝阳区 is not in 广东省. Choose a district of 广东省, or change the province."
    ]
    form = response.context["form"]
    assert form["street"].value() == step_data["business"]["street"]
    assert form["business_name"].value() == step_data["business"]["business_name"]
    assert form["province"].value() == "44"
    # The list now offers the chosen province's districts.
    assert "440305" in response.content.decode()
    before.assert_unchanged()
    assert fresh(draft).district_code == ""


def test_the_refusal_reads_in_chinese_for_a_chinese_reader(applicant_client, draft, step_data):
    response = applicant_client.post(
        step_url(draft, "business"),
        {**step_data["business"], "province": "44", "district": "110105"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    assert response.context["form"].errors["district"][0].startswith("所在市区：北京市朝阳区不在广东省")


def test_names_typed_before_the_list_start_the_select_at_their_district(applicant_client, draft):
    MerchantApplication.objects.filter(pk=draft.pk).update(province="11", city="北京市", district="朝阳区")

    form = applicant_client.get(step_url(draft, "business")).context["form"]

    assert form["district"].value() == "110105"
    assert form.typed_place() == ""


def test_names_typed_before_the_list_are_kept_and_shown_until_a_district_is_chosen(applicant_client, draft, step_data):
    MerchantApplication.objects.filter(pk=draft.pk).update(province="11", city="北京市", district="朝杨区")  # mistyped

    page = applicant_client.get(step_url(draft, "business"), HTTP_ACCEPT_LANGUAGE="en")
    assert "北京市 朝杨区" in page.content.decode()

    data = {**step_data["business"], "district": ""}
    response = applicant_client.post(step_url(draft, "business"), data)

    assert response.status_code == 302
    app = fresh(draft)
    assert (app.city, app.district, app.district_code) == ("北京市", "朝杨区", "")


def test_the_installation_address_is_chosen_the_same_way(applicant_client, draft, step_data):
    data = {
        "terminal_model": "mobile",
        "install_province": "31",
        "install_district": "310115",
        "install_street": "世纪大道 100 号",
        "preferred_windows": ["weekend_afternoon"],
    }
    response = applicant_client.post(step_url(draft, "terminal"), data)

    assert response.status_code == 302
    app = fresh(draft)
    assert (app.install_district_code, app.install_city, app.install_district) == ("310115", "上海市", "浦东新区")

    refused = applicant_client.post(
        step_url(draft, "terminal"), {**data, "install_district": "440305"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["install_district"][0].startswith("Installation city and district: ")
    assert fresh(draft).install_district_code == "310115"


def test_the_installation_district_starts_as_the_business_one(applicant_client, draft, step_data):
    applicant_client.post(step_url(draft, "business"), step_data["business"])

    form = applicant_client.get(step_url(draft, "terminal")).context["form"]

    assert form["install_district"].value() == "110105"
    assert ("110105", "朝阳区") in [
        option for _city, options in form.fields["install_district"].choices[1:] for option in options
    ]


def test_the_review_hint_compares_the_id_number_with_the_chosen_district():
    from regions.templatetags.regions import id_area_hint

    hint = id_area_hint("110105198001040039", "44", "深圳市", "南山区", "110105")

    assert hint.code == "same_district"
