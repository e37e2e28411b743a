"""The message templates, in both languages, and a message for each step that concerns a person."""

import string

import pytest

from applications.choices import Status
from applications.services import application_reinstate
from installations.services import installation_cancel
from notifications.messages import TEMPLATES, TemplateError, render
from notifications.models import Notification


def placeholders(template: str) -> set[str]:
    message = TEMPLATES[template]
    return {
        name
        for text in (str(message.subject), str(message.body))
        for _literal, name, _spec, _conversion in string.Formatter().parse(text)
        if name
    }


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_reads_in_english_and_in_chinese(template):
    context = {name: f"<{name}>" for name in placeholders(template)}
    english = render(template, context, "en")
    chinese = render(template, context, "zh-hans")
    for subject, body in (english, chinese):
        assert subject.strip() and body.strip()
        assert "{" not in subject + body
        assert all(value in subject + body for value in context.values() if value in str(english))
    assert chinese[0] != english[0], "the subject has no Chinese translation (run compilemessages)"
    assert chinese[1] != english[1], "the body has no Chinese translation (run compilemessages)"


def test_a_template_missing_a_value_is_a_template_error():
    with pytest.raises(TemplateError, match="merchant_id"):
        render("application.approved", {"reference": "R"}, "en")


def templates_received(person) -> set[str]:
    return set(Notification.objects.filter(recipient=person).values_list("template", flat=True))


def test_the_applicant_hears_of_every_step_to_a_live_terminal(application_in, applicant, installer, reviewer):
    application_in(Status.ACTIVE)
    assert templates_received(applicant) >= {
        "application.submitted",
        "application.claimed",
        "application.approved",
        "installation.scheduled",
        "installation.started",
        "installation.configured",
        "terminal.active",
    }
    assert "installation.assigned" in templates_received(installer)


@pytest.mark.parametrize(
    ("target", "template"),
    [
        (Status.CHANGES_REQUESTED, "application.changes_requested"),
        (Status.REJECTED, "application.rejected"),
        (Status.WITHDRAWN, "application.withdrawn"),
        (Status.SUSPENDED, "terminal.suspended"),
    ],
)
def test_the_applicant_hears_of_each_decision(application_in, applicant, target, template):
    application_in(target)
    assert template in templates_received(applicant)


def test_a_reinstated_terminal_is_announced(application_in, applicant, support):
    app = application_in(Status.SUSPENDED)
    application_reinstate(application=app, by=support)
    assert "terminal.reinstated" in templates_received(applicant)


def test_a_cancelled_visit_is_announced_to_applicant_and_installer(application_in, applicant, installer):
    app = application_in(Status.INSTALLATION_SCHEDULED)
    installation_cancel(application=app, by=applicant)
    assert "installation.cancelled" in templates_received(applicant)
    assert "installation.cancelled" in templates_received(installer)
