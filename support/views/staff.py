"""Support staff: the case queue, a case with its remote actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import WorkflowError

from ..access import case_for_support, require_support
from ..catalogue import SYMPTOMS, entry
from ..forms import ResolveForm, VisitForm
from ..selectors import case_queue, open_incident, open_warnings
from ..services import case_book_visit, case_request_signin, case_resend_configuration, case_resolve


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    require_support(request.user)
    show = "resolved" if request.GET.get("show") == "resolved" else "open"
    # Paged, never cut: the newest cases must not vanish behind the oldest hundred.
    page = Paginator(case_queue(status=show), 50).get_page(request.GET.get("page"))
    warnings = Paginator(open_warnings(), 50).get_page(request.GET.get("warnings_page"))
    return render(
        request,
        "support/queue.html",
        {"cases": page, "show": show, "incident": open_incident(), "warnings": warnings},
    )


def _render_case(request: HttpRequest, case, visit_form=None, resolve_form=None, status: int = 200) -> HttpResponse:  # type: ignore[no-untyped-def]
    return render(
        request,
        "support/case_manage.html",
        {
            "case": case,
            "entry": entry(case.code),
            "symptom_item": SYMPTOMS.get(case.symptom),
            "events": case.events.select_related("by").all(),
            "commands": case.commands.all(),
            "visits": case.visits.select_related("installer").all(),
            "visit_form": visit_form or VisitForm(),
            "resolve_form": resolve_form or ResolveForm(),
        },
        status=status,
    )


@login_required
@require_GET
def case_manage(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_case(request, case_for_support(request.user, reference))


@login_required
@require_POST
def case_action(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    case = case_for_support(request.user, reference)
    try:
        if action == "resend":
            case_resend_configuration(case=case, by=request.user)
            messages.success(request, _("The configuration goes to the terminal with its next report."))
        elif action == "signin":
            case_request_signin(case=case, by=request.user)
            messages.success(request, _("The terminal is asked to sign in with its next report."))
        elif action == "visit":
            form = VisitForm(request.POST)
            if not form.is_valid():
                return _render_case(request, case, visit_form=form, status=400)
            visit = case_book_visit(
                case=case,
                by=request.user,
                installer=form.cleaned_data["installer"],
                starts_at=form.cleaned_data["starts_at"],
            )
            messages.success(request, _("Service visit booked with %s.") % visit.installer)
        elif action == "resolve":
            form = ResolveForm(request.POST)
            if not form.is_valid():
                return _render_case(request, case, resolve_form=form, status=400)
            case_resolve(case=case, by=request.user, resolution=form.cleaned_data["resolution"])
            messages.success(request, _("Case %s is resolved.") % case.reference)
        else:
            raise Http404
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _render_case(
            request,
            case_for_support(request.user, reference),
            visit_form=VisitForm(request.POST) if action == "visit" else None,
            status=409,
        )
    return redirect("support:case_manage", reference=case.reference)
