from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from .context_processors import support_contact


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what the product is, and each role's way in (menus come from the role context)."""
    return render(request, "home.html")


@login_required
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The benchmark's floor: a logged-in page of the same site (same middleware, session and
    user loaded) that renders no template, so every page's time is read against the cost of
    the site itself (docs/benchmarks.md).

    Only served with BENCH_FLOOR set: a page with no purpose has no place on a live site, and
    the bench cannot use DEBUG instead, which makes every page slower than in production.
    """
    if not settings.BENCH_FLOOR:
        raise Http404
    return HttpResponse(f"floor {request.user.pk}", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page in the reader's language with the hotline.

    Rendered without the request's context: whatever broke (the database, a context processor)
    must not break the error page too. The language is already active (LocaleMiddleware).
    """
    return HttpResponseServerError(loader.get_template("500.html").render(support_contact()))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page open too long (or after logging in elsewhere): say what to do, in the
    reader's language, instead of Django's technical page. The reason stays in the log, not on screen."""
    return render(request, "403_csrf.html", status=403)
