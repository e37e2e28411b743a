"""The inbox of every role, after every kind of message the link registry knows.

Parametrised from the registry itself: a new subject kind or a new template is covered
without editing this test (a new kind only needs a line in `world` saying which object it names).
"""

import string

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.choices import Status
from installations.selectors import free_slots
from notifications import links
from notifications.messages import TEMPLATES
from notifications.models import Channel, DeliveryStatus, Notification
from support.services import case_book_visit, case_open
from terminals.models import Terminal
from tests.conftest import PASSWORD

ROLES = ["applicant", "reviewer", "installer", "support", "admin_user"]
ROLE_OF_FIXTURE = {"applicant": "Applicant", "reviewer": "Reviewer", "installer": "Installer", "support": "Support"}


def _fields(template: str) -> set[str]:
    message = TEMPLATES[template]
    return {
        name
        for text in (str(message.subject), str(message.body))
        for _literal, name, _spec, _conv in string.Formatter().parse(text)
        if name
    }


def _templates_about(kind: str) -> list[str]:
    return [code for code, message in TEMPLATES.items() if message.about and message.about.kind == kind]


@pytest.fixture
def world(application_in, installer, support) -> dict[str, str]:
    """One live object of each subject kind, each reachable by the people it concerns."""
    scheduled = application_in(Status.INSTALLATION_SCHEDULED)
    live = application_in(Status.ACTIVE)
    terminal = Terminal.objects.get(application=live)
    case = case_open(terminal=terminal, by=live.applicant, code="97")
    starts = next(s for s in free_slots(live, earliest=timezone.now()) if s.preferred).starts_at
    visit = case_book_visit(case=case, by=support, installer=installer, starts_at=starts)
    return {
        "visit": str(visit.pk),
        "application": scheduled.reference,
        "installation": scheduled.reference,
        "case": case.reference,
        "service_visit": case.reference,
        "terminal": terminal.serial_number,
    }


def _send(person, template: str, subject_id: str) -> Notification:
    about = TEMPLATES[template].about
    context = {name: "x" for name in _fields(template)}
    if about:
        context[about.key] = subject_id
    return Notification.objects.create(
        recipient=person,
        channel=Channel.IN_APP,
        template=template,
        context=context,
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
    )


def test_every_registered_kind_has_a_template_and_an_object_in_this_test(world):
    assert set(links.kinds()) <= set(world), "a new subject kind: add the object it names to `world`"
    for kind in links.kinds():
        assert _templates_about(kind), kind


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", links.kinds())
def test_the_inbox_opens_every_message_about_a_kind_for_its_reader(request, client, world, kind, role):
    person = request.getfixturevalue(role)
    Notification.objects.filter(recipient=person).delete()  # what building the world sent: one page for this kind
    for template in _templates_about(kind):
        _send(person, template, world[kind])
    # The same kind of message about something that does not exist (any more): text, no link.
    gone = _send(person, _templates_about(kind)[0], "GONE-0000")
    client.login(username=person.username, password=PASSWORD)

    for language in ("zh-hans", "en"):
        response = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
    items = response.context["items"]
    assert len(items) == len(_templates_about(kind)) + 1

    opens = person.is_superuser or ROLE_OF_FIXTURE[role] in {str(r) for r in links.readers_of(kind)}
    for item in items:
        if item.pk == gone.pk:
            assert item.link == ""
            continue
        assert bool(item.link) == opens, f"{role} reading {item.subject!r}: link {item.link!r}"
        if item.link:
            assert client.get(item.link).status_code == 200, item.link


@pytest.mark.parametrize("role", ROLES)
def test_messages_about_nothing_in_particular_render_as_text(request, client, role):
    person = request.getfixturevalue(role)
    plain = [code for code, message in TEMPLATES.items() if message.about is None]
    for template in plain:
        _send(person, template, "")
    client.login(username=person.username, password=PASSWORD)

    response = client.get(reverse("notifications:inbox"))

    assert response.status_code == 200
    assert [item.link for item in response.context["items"]] == [""] * len(plain)


def test_the_merchant_s_inbox_still_opens_after_they_open_a_support_case(client, application_in):
    live = application_in(Status.ACTIVE)
    case = case_open(terminal=Terminal.objects.get(application=live), by=live.applicant, code="97")
    client.login(username=live.applicant.username, password=PASSWORD)

    page = client.get(reverse("notifications:inbox"))

    assert page.status_code == 200
    assert reverse("support:case_detail", args=[case.reference]) in page.content.decode()
