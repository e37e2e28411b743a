from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.translation import gettext as _


def _days(code: str) -> str:
    # Resolved at each render, so the words follow the reader's language.
    words = {
        "daily": _("every day"),
        "mon-fri": _("Monday to Friday"),
        "mon-sat": _("Monday to Saturday"),
    }
    if code not in words:
        raise ImproperlyConfigured(f"SUPPORT_DAYS must be one of {', '.join(words)}, not {code!r}")
    return words[code]


def support_contact(request: HttpRequest | None = None) -> dict[str, str]:
    """The support hotline and its hours, for the footer and every page that says someone will call.

    Needs no request: the 500 page, rendered without one, uses it too.
    """
    return {
        "support_hotline": settings.SUPPORT_HOTLINE,
        # Beijing time whatever the reader's zone: the hotline keeps the acquirer's hours.
        "support_hours": _("%(days)s, %(hours)s Beijing time")
        % {"days": _days(settings.SUPPORT_DAYS), "hours": settings.SUPPORT_HOURS},
    }
