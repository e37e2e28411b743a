"""The installer's service visits (booked from support cases)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import WorkflowError
from core.http import back

from ..access import visit_for_installer
from ..services import visit_complete


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
    # Back to the list the installer pressed it on (the back office's, which shows both kinds of visit).
    return back(request, "installations:tasks")
