"""The support hotline and its hours as a person reads them: pages (the footer, the error pages,
"someone will call you") and the e-mails and SMS of every context."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The portal's name as people read it, in their language (the brand of pages and messages).
PORTAL_NAME = gettext_lazy("POS Portal")


def _days(code: str) -> str:
    # Resolved at each call, so the words follow the reader's language.
    words = {
        "daily": _("every day"),
        "mon-fri": _("Monday to Friday"),
        "mon-sat": _("Monday to Saturday"),
    }
    if code not in words:
        raise ImproperlyConfigured(f"SUPPORT_DAYS must be one of {', '.join(words)}, not {code!r}")
    return words[code]


def support_hours() -> str:
    # Beijing time whatever the reader's zone: the hotline keeps the acquirer's hours.
    return _("%(days)s, %(hours)s Beijing time") % {
        "days": _days(settings.SUPPORT_DAYS),
        "hours": settings.SUPPORT_HOURS,
    }


def support_contact() -> dict[str, str]:
    return {"support_hotline": settings.SUPPORT_HOTLINE, "support_hours": support_hours()}
