"""An address in a message is kept as codes and worded when read, in the reader's language:
a visit booked by someone reading English reads 北京 to a reader of Chinese."""

from django.utils import translation

from applications.choices import Status
from core import texts
from notifications.messages import render
from notifications.models import Channel, Notification


def test_a_visit_message_names_the_province_in_each_readers_language(application_in):
    with translation.override("en"):  # the person whose action wrote the message reads English
        app = application_in(Status.INSTALLATION_SCHEDULED)
    row = Notification.objects.get(template="installation.assigned", channel=Channel.IN_APP)
    street = app.installation_address()["street"]

    stored = row.context["address"]
    assert stored[texts.ADDRESS]["province"] == "11"  # the code, not "Beijing" or "北京"
    assert "Beijing" not in str(stored)

    _subject, english = render(row.template, row.context, "en")
    _subject, chinese = render(row.template, row.context, "zh-hans")
    assert f"at Beijing 北京市 朝阳区 {street}." in english
    assert f"北京 北京市 朝阳区 {street}" in chinese
    assert "Beijing" not in chinese


def test_the_city_and_district_are_read_from_the_table_by_their_code():
    place = texts.address(province="44", code="440305", city="深圳", district="南山", street="科技园路 1 号")
    with translation.override("en"):
        assert texts.readable(place) == "Guangdong 深圳市 南山区 科技园路 1 号"
    with translation.override("zh-hans"):
        assert texts.readable(place) == "广东 深圳市 南山区 科技园路 1 号"


def test_an_address_typed_without_a_code_reads_as_typed_and_a_plain_string_as_it_is():
    typed = texts.address(province="44", city="深圳市", district="南山区", street="科技园路 1 号")
    with translation.override("zh-hans"):
        assert texts.readable(typed) == "广东 深圳市 南山区 科技园路 1 号"
        # A message written before addresses were kept as codes: its words, unchanged.
        assert render("visit.cancelled", {"when": "x", "address": "Guangdong 深圳市"}, "zh-hans")[1].count("Guangdong")
