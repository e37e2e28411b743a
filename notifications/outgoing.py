"""What an e-mail or an SMS says around its message: the portal's name, the exact page it is
about (an absolute link, from the link registry) and the support hotline with its hours.

A person reads an e-mail or an SMS away from the portal: it must name who writes, say what
happened (the message) and what to do next (open this page, or call us).
"""

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from core.contact import PORTAL_NAME, support_hours

from .links import links_for
from .messages import about, render


def page_url(recipient: User, template: str, context: dict) -> str:
    """The absolute address of the page the message is about, as this person opens it; the
    page after login (each role's own start) when the message is about nothing in particular
    or about something this person has no page for."""
    return page_urls([(recipient, template, context)])[0]


def page_urls(messages: list[tuple[User, str, dict]]) -> list[str]:
    """page_url of each (recipient, template, context), asking the link registry once per
    person: a batch of deliveries costs a lookup per reader, not one per message."""
    abouts: list[tuple[str, str] | None] = []
    subjects: dict[int, tuple[User, list[tuple[str, str]]]] = {}
    for recipient, template, context in messages:
        subject = about(template, context)
        if subject is not None:
            subjects.setdefault(recipient.pk, (recipient, []))[1].append(subject)
        abouts.append(subject)
    found = {pk: links_for(person, wanted) for pk, (person, wanted) in subjects.items()}
    start = resolve_url(settings.LOGIN_REDIRECT_URL)
    return [
        settings.SITE_URL + ((found[recipient.pk].get(subject) if subject else "") or start)
        for (recipient, _template, _context), subject in zip(messages, abouts, strict=True)
    ]


def email(recipient: User, template: str, context: dict, language: str, url: str = "") -> tuple[str, str]:
    """The subject and the text of the e-mail; `url`: its page_url, when the caller has it already."""
    subject, body = render(template, context, language)
    url = url or page_url(recipient, template, context)
    with translation.override(language):
        name = str(PORTAL_NAME)
        text = "\n\n".join(
            [
                _("Hello %(name)s,") % {"name": recipient.get_short_name() or recipient.email},
                body,
                _("Open the page: %(url)s") % {"url": url},
                _("Questions? Call our support hotline %(hotline)s (%(hours)s).")
                % {"hotline": settings.SUPPORT_HOTLINE, "hours": support_hours()},
                f"{name}\n{settings.SITE_URL}",
            ]
        )
        # The subject stays the message's own: the sender's name (DEFAULT_FROM_EMAIL) names the portal.
        return subject, text


def sms(recipient: User, template: str, context: dict, language: str, url: str = "") -> str:
    """Short: the message, the page, the hotline (no hours: an SMS is paid by its length)."""
    _subject, body = render(template, context, language)
    url = url or page_url(recipient, template, context)
    with translation.override(language):
        return _("【%(portal)s】%(message)s Open: %(url)s Hotline %(hotline)s") % {
            "portal": PORTAL_NAME,
            "message": body,
            "url": url,
            "hotline": settings.SUPPORT_HOTLINE,
        }
