"""Support staff: the case queue, a case with its remote actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from applications.choices import TimeWindow
from core.actions import Action
from core.paging import IdsFirstPaginator
from core.views import act
from installations.models import VisitStatus
from installations.selectors import free_slots, windows_outside_hours
from installations.views_installer import visit_photo_response
from terminals.selectors import commands_about

from ..access import case_for_support, require_support
from ..catalogue import SYMPTOMS, entry
from ..checks import readable_checks
from ..forms import ResolveForm, VisitForm, slot_choices
from ..models import SupportCase
from ..selectors import case_queue, case_visits, open_incident, open_warnings
from ..services import CASE_SUBJECT


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    require_support(request.user)
    show = "resolved" if request.GET.get("show") == "resolved" else "open"
    # Paged, never cut: the newest cases must not vanish behind the oldest hundred.
    # The page's ids first, then its rows with their terminal and application: with a fleet,
    # joining before the LIMIT read every terminal (core.paging).
    page = IdsFirstPaginator(case_queue(status=show), 50).get_page(request.GET.get("page"))
    warnings = IdsFirstPaginator(open_warnings(), 50).get_page(request.GET.get("warnings_page"))
    return render(
        request,
        "support/queue.html",
        {"cases": page, "show": show, "incident": open_incident(), "warnings": warnings},
    )


def _render_case(request: HttpRequest, case, visit_form=None, resolve_form=None, status: int = 200) -> HttpResponse:  # type: ignore[no-untyped-def]
    form = visit_form or VisitForm()
    form.fields["starts_at"].widget.choices = slot_choices(free_slots(case.application, earliest=timezone.now()))
    visit_form = form
    visits = case_visits(case)
    return render(
        request,
        "support/case_manage.html",
        {
            "case": case,
            "checks": readable_checks(case.checks),
            "entry": entry(case.code),
            "symptom_item": SYMPTOMS.get(case.symptom),
            "events": case.events.select_related("by").all(),
            "commands": commands_about(about_kind=CASE_SUBJECT, about_id=case.pk),
            "visits": visits,
            # Booking again moves it (support.services.case_book_visit): the form says so.
            "booked_visit": next((v for v in visits if v.status == VisitStatus.BOOKED), None),
            "visit_form": visit_form or VisitForm(),
            "windows_outside": [
                TimeWindow(w).label for w in windows_outside_hours(case.application) if w in TimeWindow.values
            ],
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
    """The case page's address of an action (kept): the declared action (support/actions.py), generic view."""
    require_support(request.user)
    return act(request, kind="case", ident=reference, name=action)


# Which form of the case page each action redraws when it is refused.
FORM_OF_ACTION = {"visit": "visit_form", "resolve": "resolve_form"}


def refused(
    request: HttpRequest, case: SupportCase, action: Action, form: Form | None, message: str, status: int
) -> HttpResponse:
    """The case page again, with why and the form as typed."""
    messages.error(request, message)
    name = FORM_OF_ACTION.get(action.name)
    return _render_case(request, case, status=status, **({name: form} if name and form is not None else {}))


@login_required
@require_GET
def visit_photo(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """The photo the installer took of what was done on the case's service visit."""
    case = case_for_support(request.user, reference)
    visit = next((v for v in case_visits(case) if v.pk == pk), None)
    if visit is None:
        raise Http404
    return visit_photo_response(visit)
