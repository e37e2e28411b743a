"""The installer's service visits (booked from support cases)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from core.views import act

from ..access import visit_for_installer


@login_required
@require_POST
def service_visit_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The installer's "visit done" (kept address): the declared action (support/actions.py), generic view."""
    visit_for_installer(request.user, pk)  # 404 unless it is this installer's
    return act(request, kind="service_visit", ident=str(pk), name="done")
