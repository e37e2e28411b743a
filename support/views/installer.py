"""The installer's service visits (booked from support cases)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, has_role
from core.errors import WorkflowError

from ..access import visit_for_installer
from ..selectors import installer_tasks
from ..services import visit_complete


@login_required
@require_GET
def service_visits(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.INSTALLER):
        raise Http404
    return render(request, "support/installer_visits.html", {"tasks": installer_tasks(request.user)})


@login_required
@require_POST
def service_visit_done(request: HttpRequest, pk: int) -> HttpResponse:
    visit = visit_for_installer(request.user, pk)
    try:
        visit_complete(visit=visit, by=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Visit marked done."))
    return redirect("support:service_visits")
