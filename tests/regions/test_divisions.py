"""The division table (GB/T 2260, from python-stdnum), the province/district check and the ID area check."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from stdnum.cn import ric

from installations.samples import valid_id_number
from regions import divisions
from regions.forms import DistrictField, ProvinceDistrictMixin
from regions.validators import (
    ELSEWHERE,
    SAME_CITY,
    SAME_DISTRICT,
    SAME_PROVINCE,
    UNKNOWN,
    id_area_check,
    validate_district_in_province,
)


def test_a_province_lists_its_current_cities_and_a_city_its_current_districts():
    assert [c.name for c in divisions.cities("44")][:3] == ["广州市", "韶关市", "深圳市"]
    shenzhen = [d.name for d in divisions.districts("440300")]
    assert "南山区" in shenzhen and "光明区" in shenzhen  # 2018
    assert "市辖区" not in shenzhen  # the table's placeholder is no choice


def test_a_municipality_is_its_own_city_and_former_districts_are_not_offered():
    (beijing,) = divisions.cities("11")
    assert beijing.name == "北京市"
    names = [d.name for d in divisions.districts(beijing.code)]
    assert "朝阳区" in names and "崇文区" not in names  # merged into 东城区 in 2010


def test_a_city_without_districts_is_itself_the_choice():
    groups = dict(divisions.district_choices("44"))
    assert groups["东莞市"] == [("441900", "东莞市")]
    assert divisions.current_place("441900").city == "东莞市"


def test_every_current_district_is_a_code_the_id_number_check_accepts():
    # One source for both: python-stdnum's resident-ID check knows every district offered here
    # (it checks the code held in the birth year: someone born this year).
    for province in divisions.provinces():
        for _city, options in divisions.district_choices(province.code[:2]):
            for code, _name in options:
                assert ric.get_birth_place(code + "20250101" + "0010")


def test_a_district_of_the_province_is_accepted_and_placed():
    place = validate_district_in_province("11", "110105")
    assert (place.province, place.city, place.district) == ("北京市", "北京市", "朝阳区")
    assert str(place) == "北京市朝阳区"


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "Business district: 上海市黄浦区 is not in 北京市. Choose a district of 北京市, or change the province.",
        ),
        ("zh-hans", "经营地址区县：上海市黄浦区不在北京市。请选择北京市的区县，或更改省份。"),
    ],
)
def test_a_district_of_another_province_is_refused_naming_the_field(language, message):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        validate_district_in_province(
            "11",
            "310101",
            district_field="district",
            district_label="Business district" if language == "en" else "经营地址区县",
        )
    assert refused.value.message_dict == {"district": [message]}


@pytest.mark.parametrize("code", ["", "110103", "999999", "11010", "440300", "110000"])
def test_a_former_unknown_or_incomplete_code_is_refused(code):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_district_in_province("11", code)
    assert refused.value.message_dict == {"district": ["District: choose a district from the list."]}


class AddressForm(ProvinceDistrictMixin, forms.Form):
    province = forms.CharField()
    district = DistrictField(province_field="province", label="Business district")


def test_the_form_lists_the_chosen_provinces_districts_grouped_by_city():
    html = str(AddressForm(initial={"province": "44"})["district"])
    assert '<optgroup label="深圳市">' in html and 'value="440305"' in html and "110105" not in html
    assert 'data-province-field="province"' in html
    assert f'data-districts-url="{reverse("regions:districts", args=["00"])}"' in html
    assert "regions/district-select.js" in str(AddressForm().media)


def test_the_form_refuses_a_mismatched_pair_keeping_what_was_typed_and_listing_the_new_provinces_districts():
    form = AddressForm(data={"province": "44", "district": "110105"})
    with translation.override("en"):
        assert not form.is_valid()
    assert form.errors == {
        "district": [
            "Business district: 北京市朝阳区 is not in 广东省. Choose a district of 广东省, or change the province."
        ]
    }
    html = str(form["district"])
    assert 'value="440305"' in html and 'value="110105"' not in html  # now Guangdong's list
    assert form.data["district"] == "110105"  # what was sent is still there to show


def test_the_form_accepts_a_matching_pair():
    form = AddressForm(data={"province": "44", "district": "440305"})
    assert form.is_valid(), form.errors


@pytest.mark.django_db
def test_the_districts_of_a_province_come_as_json_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("regions:districts", args=["44"]))
    assert response.status_code == 200
    assert "max-age=86400" in response["Cache-Control"]
    groups = {g["city"]: g["districts"] for g in response.json()["groups"]}
    assert ["440305", "南山区"] in groups["深圳市"]


@pytest.mark.parametrize("province", ["99", "1", "abc"])
def test_an_unknown_province_answers_404(client, province):
    assert client.get(reverse("regions:districts", args=[province])).status_code == 404


def id_from(area: str) -> str:
    """A valid resident ID number issued in `area`."""
    body = area + valid_id_number(1)[6:17]
    return body + ric.calc_check_digit(body)


@pytest.mark.parametrize(
    ("id_area", "address", "expected"),
    [
        ("110105", "110105", SAME_DISTRICT),
        ("110101", "110105", SAME_CITY),
        ("440305", "440104", SAME_PROVINCE),
        ("310101", "110105", ELSEWHERE),
        ("110103", "110101", SAME_CITY),  # a former district (崇文区) still reads
    ],
)
def test_the_id_numbers_area_code_is_compared_with_the_address(id_area, address, expected):
    assert id_area_check(id_from(id_area), address).code == expected


def test_the_area_check_is_worded_in_the_readers_language_at_reading_time():
    check = id_area_check(id_from("310101"), "110105")
    assert not check.matches
    with translation.override("en"):
        assert check.text() == (
            "The ID number was issued in 上海市黄浦区, another province than the address (北京市朝阳区): "
            "check the applicant lives or trades there."
        )
    with translation.override("zh-hans"):
        assert (
            check.text()
            == "身份证号码签发地为上海市黄浦区，与地址（北京市朝阳区）不在同一省份：请核实申请人是否在当地居住或经营。"
        )


def test_an_unknown_area_code_says_to_check_the_card():
    check = id_area_check("990000199001010010", "110105")
    assert check.code == UNKNOWN and not check.matches


@pytest.mark.parametrize(
    ("province", "city", "district", "code"),
    [
        ("11", "北京市", "朝阳区", "110105"),
        ("32", "南京市", "鼓楼区", "320106"),
        ("32", "徐州市", "鼓楼区", "320302"),
        ("32", "", "鼓楼区", ""),  # two cities have one: not placed without the city
        ("44", "东莞市", "", "441900"),  # a city without districts
        ("11", "北京市", "崇文区", ""),  # a former district is no address today
        ("11", "北京市", " 朝阳区 ", "110105"),
    ],
)
def test_a_district_typed_by_name_is_found_in_its_province(province, city, district, code):
    assert divisions.find_district(province, city, district) == code
