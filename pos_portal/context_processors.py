from django.http import HttpRequest

from core.contact import support_contact as _contact


def support_contact(request: HttpRequest | None = None) -> dict[str, str]:
    """The support hotline and its hours, for the footer and every page that says someone will call.

    Needs no request: the 500 page, rendered without one, uses it too.
    """
    return _contact()
