"""Message templates: a code, a subject and a body, translated, rendered in the
recipient's language. Workflow code names a template code and gives a context;
it never builds text itself.

Each template also says on which channels it goes by default: what needs the person
to act soon (a decision, a visit) goes by SMS too, the rest by in-app and email.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core import texts

from .links import Subject
from .models import Channel

IN_APP_AND_EMAIL = (Channel.IN_APP, Channel.EMAIL)
APPLICATION = Subject("application")
# An installation visit, named by its application's reference.
INSTALLATION = Subject("installation")
URGENT = (Channel.IN_APP, Channel.EMAIL, Channel.SMS)
# A visit of the one calendar, whatever its purpose, named by its number.
VISIT = Subject("visit", key="visit")


@dataclass(frozen=True)
class MessageTemplate:
    subject: str
    body: str
    channels: tuple[Channel, ...] = IN_APP_AND_EMAIL
    # What the message is about: the inbox opens it through the link registry (links.py).
    about: Subject | None = None


TEMPLATES: dict[str, MessageTemplate] = {
    # --- To the applicant: their application ------------------------------------------
    "application.submitted": MessageTemplate(
        _("Application {reference} received"),
        _("We have received your application {reference}. A reviewer will look at it shortly."),
        about=APPLICATION,
    ),
    "application.claimed": MessageTemplate(
        _("Application {reference} is being reviewed"),
        _("A reviewer has started to review your application {reference}."),
        about=APPLICATION,
    ),
    "application.approved": MessageTemplate(
        _("Application {reference} approved"),
        _(
            "Your application {reference} is approved. Your merchant ID is {merchant_id}. Book your installation visit now."
        ),
        URGENT,
        about=APPLICATION,
    ),
    "application.rejected": MessageTemplate(
        _("Application {reference} was not approved"),
        _("Your application {reference} was not approved: {message}"),
        about=APPLICATION,
    ),
    "application.changes_requested": MessageTemplate(
        _("Application {reference}: changes requested"),
        _("Please correct your application {reference}: {message}"),
        URGENT,
        about=APPLICATION,
    ),
    "application.withdrawn": MessageTemplate(
        _("Application {reference} withdrawn"),
        _("Your application {reference} has been withdrawn."),
        about=APPLICATION,
    ),
    "application.idle_draft": MessageTemplate(
        _("Your application {reference} is waiting for you"),
        _(
            "Your draft application {reference} has not changed for {days} days. Finish it and submit it so that we can review it."
        ),
        about=APPLICATION,
    ),
    "application.idle_changes": MessageTemplate(
        _("Application {reference}: we are still waiting for your changes"),
        _(
            "We asked you to correct application {reference} {days} days ago: {message} Please make the changes and submit it again."
        ),
        URGENT,
        about=APPLICATION,
    ),
    # --- To reviewers -------------------------------------------------------------------
    "review.correction_back": MessageTemplate(
        _("Application {reference} corrected: back to you"),
        _(
            "The applicant corrected application {reference} after your request for changes. It waits for you under “Back to me”."
        ),
        about=APPLICATION,
    ),
    "review.sla_breached": MessageTemplate(
        _("Application {reference} has waited more than {hours} hours"),
        _(
            "Application {reference} was submitted on {submitted} and has waited longer than the {hours}-hour review target. Please review it now."
        ),
        about=APPLICATION,
    ),
    # --- Installation visits: applicant and installer ------------------------------------
    "installation.scheduled": MessageTemplate(
        _("Installation visit booked for {reference}"),
        _("Your installation visit is booked for {when}."),
        URGENT,
        about=INSTALLATION,
    ),
    "installation.assigned": MessageTemplate(
        _("New installation visit {reference}"),
        _("You have a new installation visit on {when} at {address}."),
        URGENT,
        about=INSTALLATION,
    ),
    "installation.cancelled": MessageTemplate(
        _("Installation visit cancelled for {reference}"),
        _("The installation visit for {reference} on {when} is cancelled."),
        URGENT,
        about=INSTALLATION,
    ),
    "installation.started": MessageTemplate(
        _("Your terminal is being installed"),
        _("The installer has started to set up the terminal for application {reference}."),
        about=APPLICATION,
    ),
    "installation.configured": MessageTemplate(
        _("Your terminal is configured"),
        _(
            "The terminal for application {reference} is configured and signed in to the bank. The installer will now show you how to use it."
        ),
        about=APPLICATION,
    ),
    "visit.reminder": MessageTemplate(
        _("Reminder: installation visit for {reference}"),
        _(
            "Your installation visit is on {when} at {address}. Please be there with your ID card and the bank card for settlement."
        ),
        URGENT,
        about=INSTALLATION,
    ),
    "visit.reminder_installer": MessageTemplate(
        _("Reminder: visit {reference} on {when}"),
        _("You visit the merchant of application {reference} on {when} at {address}."),
        URGENT,
        about=INSTALLATION,
    ),
    "visit.reminder_service": MessageTemplate(
        _("Reminder: service visit on {when}"),
        _("An installer visits you on {when} at {address} about your terminal. Please keep it at hand."),
        URGENT,
        about=VISIT,
    ),
    "visit.reminder_service_installer": MessageTemplate(
        _("Reminder: service visit on {when}"),
        _("You have a service visit on {when} at {address}."),
        URGENT,
        about=VISIT,
    ),
    "visit.moved": MessageTemplate(
        _("Your visit is moved to {when}"),
        _("The installer's visit at {address} is moved to {when}."),
        URGENT,
        about=VISIT,
    ),
    "visit.moved_installer": MessageTemplate(
        _("Visit moved to {when}"),
        _("Your visit at {address} is now on {when}."),
        URGENT,
        about=VISIT,
    ),
    "visit.cancelled": MessageTemplate(
        _("Visit on {when} cancelled"),
        _("The installer's visit on {when} at {address} is cancelled."),
        URGENT,
        about=VISIT,
    ),
    "visit.cancelled_installer": MessageTemplate(
        _("Visit on {when} cancelled"),
        _("Your visit on {when} at {address} is cancelled: no need to go."),
        URGENT,
        about=VISIT,
    ),
    # --- The terminal ----------------------------------------------------------------
    "terminal.active": MessageTemplate(
        _("Your terminal is live"),
        _("Your terminal for application {reference} is now active. Happy trading!"),
        about=APPLICATION,
    ),
    "terminal.suspended": MessageTemplate(
        _("Your terminal is suspended"),
        _("The terminal for application {reference} has been suspended: {message}"),
        URGENT,
        about=APPLICATION,
    ),
    "terminal.reinstated": MessageTemplate(
        _("Your terminal is active again"),
        _("The terminal for application {reference} is active again."),
        about=APPLICATION,
    ),
    # --- To staff --------------------------------------------------------------------
    "staff.digest": MessageTemplate(
        _("POS Portal daily digest, {date}"),
        _(
            "Waiting for a reviewer: {submitted}. In review: {in_review}. "
            "Waiting longer than the review target: {overdue}. "
            "Waiting for the applicant's changes: {changes_requested}. Installation visits today: {visits_today}. "
            "Notifications that failed in the last day: {failed}."
        ),
    ),
}


class TemplateError(Exception):
    """A template code is unknown or its context lacks a value it needs."""


def about(template: str, context: dict) -> tuple[str, str] | None:
    """What a message is about, as the link registry names it: (kind, id), or None."""
    message = TEMPLATES.get(template)
    if message is None or message.about is None:
        return None
    return message.about.kind, str(context.get(message.about.key, ""))


def channels_for(template: str) -> tuple[Channel, ...]:
    message = TEMPLATES.get(template)
    return message.channels if message else IN_APP_AND_EMAIL


def render(template: str, context: dict, language: str) -> tuple[str, str]:
    """Return (subject, body) in the given language, its moments in the portal's time zone."""
    subject, body = _translated(template, language)
    try:
        if any(isinstance(value, dict | list) for value in context.values()):
            # Only a tagged moment, day or word needs the reader's language to be worded.
            with translation.override(language):
                context = {name: readable(value) for name, value in context.items()}
        return subject.format(**context), body.format(**context)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        raise TemplateError(f"template {template!r} cannot be rendered: {exc!r}") from exc


@lru_cache(maxsize=512)
def _translated(template: str, language: str) -> tuple[str, str]:
    # Switching the language costs more than the formatting: a batch of deliveries looks
    # each kind up once per language. The catalogues are loaded at start and never change.
    try:
        message = TEMPLATES[template]
    except KeyError as exc:
        raise TemplateError(f"unknown template {template!r}") from exc
    with translation.override(language):
        return str(message.subject), str(message.body)


# A message's context is stored (JSON) when the message is written and rendered when it is read,
# in the reader's language: a moment, a day or a translatable word is kept as such (core.texts),
# never as text in the writer's language.
storable = texts.storable
readable = texts.readable
