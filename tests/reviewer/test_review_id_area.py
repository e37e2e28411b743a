"""The review page compares the ID number's area code (first six digits) with the business address."""

import pytest
from django.urls import reverse
from stdnum.cn import ric

from applications.choices import Status
from applications.models import MerchantApplication
from core.choices import Province


def id_number_from(area: str) -> str:
    body = area + "198001010012"[:11]
    return body + ric.calc_check_digit(body + "0")


def hint_of(client, app: MerchantApplication) -> str:
    body = client.get(reverse("applications:review", args=[app.reference])).content.decode()
    start = body.index('data-testid="id-area-check"')
    return body[start : body.index("</p>", start)]


def test_an_id_issued_in_the_district_of_the_address_is_said_to_match(reviewer_client, application_in):
    app = application_in(Status.IN_REVIEW)  # ID from 110105, shop in 北京市朝阳区
    hint = hint_of(reviewer_client, app)
    assert "The ID number was issued in 北京市朝阳区, the same district as the address." in hint
    assert app.id_number not in hint  # places only, never the number


def test_an_id_from_another_province_is_flagged_in_the_readers_language(reviewer_client, application_in):
    app = application_in(Status.IN_REVIEW)
    MerchantApplication.objects.filter(pk=app.pk).update(id_number=id_number_from("310101"))
    hint = hint_of(reviewer_client, app)
    assert "another province than the address (北京市朝阳区)" in hint and "上海市黄浦区" in hint
    reviewer_client.cookies.load({"django_language": "zh-hans"})
    assert "不在同一省份" in hint_of(reviewer_client, app)


@pytest.mark.parametrize(("city", "district"), [("南京市", "鼓楼区"), ("徐州市", "鼓楼区")])
def test_a_district_name_found_in_several_cities_is_placed_by_its_city(reviewer_client, application_in, city, district):
    app = application_in(Status.IN_REVIEW)
    MerchantApplication.objects.filter(pk=app.pk).update(province=Province.JIANGSU, city=city, district=district)
    assert f"(江苏省{city}{district})" in hint_of(reviewer_client, app)


def test_an_address_not_in_the_table_says_to_check_its_spelling(reviewer_client, application_in):
    app = application_in(Status.IN_REVIEW)
    MerchantApplication.objects.filter(pk=app.pk).update(district="朝杨区")
    assert "the district of the address is not in the division table" in hint_of(reviewer_client, app)
