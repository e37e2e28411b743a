"""Where to send a person back after a POST: the page they came from, if it is ours."""

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def back(request: HttpRequest, fallback: str, *args: object) -> HttpResponseRedirect:
    """Redirect to the form's `next` field (a page of this site only), else to the fallback URL name."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(resolve_url(fallback, *args))
