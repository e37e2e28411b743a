from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


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
