"""Headers every answer of the portal carries, beside Django's and django-csp's."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer; `Cache-Control: no-store` on every page shown to someone
    signed in, since any of them may carry personal data (numbers, names, addresses, documents) that
    a shared computer's cache or a proxy must not keep. Static files never reach this far (WhiteNoise
    answers them first) and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response


class RefuseNulMiddleware:
    """A NUL character in the address, a query parameter or a form field answers 400 at once.

    No text of the portal has one, PostgreSQL cannot store one in a text column (it raised a
    DataError: a 500), and a search for one matches nothing: refusing it here covers every page
    that reads request.GET directly as well as every form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or _has_nul(request.GET)
            or (
                request.method == "POST"
                and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
                and _has_nul(request.POST)
            )
        ):
            return HttpResponseBadRequest(
                _("The request contains a NUL character, which no field accepts."), content_type="text/plain"
            )
        return self.get_response(request)


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())
