"""Message templates: a code, a subject and a body, translated, rendered in the
recipient's language. Workflow code names a template code and gives a context;
it never builds text itself.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MessageTemplate:
    subject: str
    body: str


TEMPLATES: dict[str, MessageTemplate] = {
    "application.submitted": MessageTemplate(
        _("Application {reference} received"),
        _("We have received your application {reference}. A reviewer will look at it shortly."),
    ),
    "application.claimed": MessageTemplate(
        _("Application {reference} is being reviewed"),
        _("A reviewer has started to review your application {reference}."),
    ),
    "application.approved": MessageTemplate(
        _("Application {reference} approved"),
        _(
            "Your application {reference} is approved. Your merchant ID is {merchant_id}. Book your installation visit now."
        ),
    ),
    "application.rejected": MessageTemplate(
        _("Application {reference} was not approved"),
        _("Your application {reference} was not approved: {message}"),
    ),
    "application.changes_requested": MessageTemplate(
        _("Application {reference}: changes requested"),
        _("Please correct your application {reference}: {message}"),
    ),
    "application.withdrawn": MessageTemplate(
        _("Application {reference} withdrawn"),
        _("Your application {reference} has been withdrawn."),
    ),
    "installation.scheduled": MessageTemplate(
        _("Installation visit booked for {reference}"),
        _("Your installation visit is booked for {when}."),
    ),
    "installation.assigned": MessageTemplate(
        _("New installation visit {reference}"),
        _("You have a new installation visit on {when} at {address}."),
    ),
    "installation.cancelled": MessageTemplate(
        _("Installation visit cancelled for {reference}"),
        _("The installation visit for {reference} on {when} is cancelled."),
    ),
    "terminal.active": MessageTemplate(
        _("Your terminal is live"),
        _("Your terminal for application {reference} is now active. Happy trading!"),
    ),
    "terminal.suspended": MessageTemplate(
        _("Your terminal is suspended"),
        _("The terminal for application {reference} has been suspended: {message}"),
    ),
    "terminal.reinstated": MessageTemplate(
        _("Your terminal is active again"),
        _("The terminal for application {reference} is active again."),
    ),
}


class TemplateError(Exception):
    """A template code is unknown or its context lacks a value it needs."""


def render(template: str, context: dict, language: str) -> tuple[str, str]:
    """Return (subject, body) in the given language."""
    try:
        message = TEMPLATES[template]
    except KeyError as exc:
        raise TemplateError(f"unknown template {template!r}") from exc
    with translation.override(language):
        try:
            return str(message.subject).format(**context), str(message.body).format(**context)
        except (KeyError, IndexError, ValueError) as exc:
            raise TemplateError(f"template {template!r} cannot be rendered: {exc!r}") from exc
