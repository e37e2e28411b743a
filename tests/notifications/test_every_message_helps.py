"""Every e-mail and SMS names the portal, links to the exact page it is about (an absolute
address, never the development server's) and carries the support hotline.

Parametrised from the templates themselves: a new template is covered without editing this test.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation

from notifications import links
from notifications import outgoing as letters
from notifications.messages import TEMPLATES
from notifications.models import Channel, DeliveryStatus, Notification
from notifications.services import deliver
from tests.test_inbox_every_kind import _fields, world  # noqa: F401 - the fixture, shared

SITE = "https://pos.example.cn"
HOTLINE = "400-123-4567"
READERS = ["applicant", "installer", "reviewer", "support"]


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.SUPPORT_HOTLINE = HOTLINE


def _reader_and_page(request, template: str, world) -> tuple[object, dict, str]:  # noqa: F811
    """Someone the message may be sent to, its context, and the page it must link to."""
    about = TEMPLATES[template].about
    context = {name: "x" for name in _fields(template)}
    if about is None:
        return request.getfixturevalue("support"), context, ""
    context[about.key] = world[about.kind]
    for role in READERS:
        person = request.getfixturevalue(role)
        page = links.links_for(person, [(about.kind, world[about.kind])]).get((about.kind, world[about.kind]))
        if page:
            return person, context, page
    raise AssertionError(f"nobody opens {template}'s subject")


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_message_links_to_its_page_and_gives_the_hotline(request, world, template):  # noqa: F811
    person, context, page = _reader_and_page(request, template, world)

    for language in ("zh-hans", "en"):
        subject, email = letters.email(person, template, context, language)
        sms = letters.sms(person, template, context, language)

        expected = SITE + (page or "/start/")
        with translation.override(language):
            portal = str(letters.PORTAL_NAME)
        for text in (email, sms):
            assert re.search(re.escape(expected) + r"(\s|$)", text), text
            assert HOTLINE in text
            assert portal in text
            assert "127.0.0.1" not in text and "localhost" not in text
        assert subject.strip()
    if page:  # the link opens the page for this person
        client = Client()
        client.force_login(person)
        assert client.get(page).status_code == 200, page


def test_an_email_and_an_sms_go_out_with_the_link_and_the_hotline(applicant, world, sms_outbox):  # noqa: F811
    applicant.mobile = "13900139000"
    applicant.save()
    rows = [
        Notification.objects.create(
            recipient=applicant,
            channel=channel,
            template="application.approved",
            context={"reference": world["application"], "merchant_id": "898110054990001"},
            language="zh-hans",
        )
        for channel in (Channel.EMAIL, Channel.SMS)
    ]
    mail.outbox.clear()
    for row in rows:
        deliver(notification_id=row.pk)

    page = links.links_for(applicant, [("application", world["application"])])[("application", world["application"])]
    assert {r.status for r in Notification.objects.filter(pk__in=[r.pk for r in rows])} == {DeliveryStatus.SENT}
    assert SITE + page in mail.outbox[-1].body
    assert HOTLINE in mail.outbox[-1].body
    assert "工作时间" in mail.outbox[-1].body or "北京时间" in mail.outbox[-1].body
    assert SITE + page in sms_outbox[-1].text and HOTLINE in sms_outbox[-1].text
    assert sms_outbox[-1].text.startswith("【POS 商户服务平台】")


@pytest.mark.parametrize(
    ("debug", "hosts", "expected"),
    [
        (True, ["127.0.0.1"], "http://127.0.0.1:8000"),
        (False, ["127.0.0.1", "localhost", "pos.bank.cn"], "https://pos.bank.cn"),
        (False, ["127.0.0.1", "localhost"], ""),
    ],
)
def test_the_site_address_is_never_a_loopback_one_in_production(monkeypatch, debug, hosts, expected):
    import environ

    from pos_portal import settings as project

    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("WEB_PORT", raising=False)
    monkeypatch.setattr(project, "DEBUG", debug)
    monkeypatch.setattr(project, "ALLOWED_HOSTS", hosts)
    monkeypatch.setattr(project, "env", environ.Env())

    assert project._site_url() == expected
