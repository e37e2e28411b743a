from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import Role, has_role, is_staff_member
from applications.choices import Status
from applications.models import MerchantApplication
from core.errors import WorkflowError

from . import services
from .selectors import dashboard_figures


@require_POST
@login_required
def second_look(request: HttpRequest, reference: str) -> HttpResponse:
    """A reviewer's verdict on a sampled automatic decision; back to the review page either way."""
    if not has_role(request.user, Role.REVIEWER):
        raise Http404
    app = get_object_or_404(MerchantApplication.objects.exclude(status=Status.DRAFT), reference=reference)
    assessment = services.latest_assessment(app)
    if assessment is None:
        raise Http404
    try:
        services.second_look_record(assessment=assessment, by=request.user, verdict=request.POST.get("verdict", ""))
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your second look is recorded."))
    return redirect(reverse("applications:review", args=[app.reference]) + "#verification")


@require_GET
@login_required
def dashboard_panel(request: HttpRequest) -> HttpResponse:
    """The dashboard's verification panel (htmx swaps it in after the page; without script, a page of its own)."""
    if not is_staff_member(request.user):
        raise Http404
    template = "verification/_dashboard_panel.html" if request.htmx else "verification/dashboard_panel.html"
    return render(request, template, {"v": dashboard_figures()})
