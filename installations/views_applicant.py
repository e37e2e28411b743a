"""The applicant's side of the visit: pick a slot after approval, move or cancel it, follow it."""

from datetime import date
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.access import application_for_applicant
from applications.choices import Status, TimeWindow
from applications.models import MerchantApplication
from core.errors import WorkflowError
from terminals.services import current_terminal

from . import services
from .access import visit_for_applicant
from .calendar import visit_ics
from .forms import SlotForm
from .selectors import APPLICANT_NOTICE, booked_visit, free_slots, last_visit, windows_outside_hours

BOOKABLE = (Status.APPROVED, Status.INSTALLATION_SCHEDULED)


def _days(slots: list) -> list[tuple[date, list]]:
    local = timezone.get_default_timezone()
    return [
        (day, list(group)) for day, group in groupby(slots, key=lambda s: timezone.localtime(s.starts_at, local).date())
    ]


def _chosen_day(days: list[tuple[date, list]], asked: str) -> date | None:
    """The day asked for (?day=), else the first with a slot in the merchant's preferred windows, else the first."""
    known = [day for day, _slots in days]
    try:
        wanted = date.fromisoformat(asked)
    except ValueError:
        wanted = None
    if wanted in known:
        return wanted
    return next((day for day, slots in days if any(s.preferred for s in slots)), known[0] if known else None)


@login_required
def booking(request: HttpRequest, reference: str) -> HttpResponse:
    app = application_for_applicant(request.user, reference)
    form = SlotForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "cancel":
                services.installation_cancel(application=app, by=request.user, message=request.POST.get("message", ""))
                messages.success(request, _("Your visit is cancelled. You can book another one below."))
                return redirect("installations:booking", reference=app.reference)
            form = SlotForm(request.POST)
            if form.is_valid():
                when = form.cleaned_data["starts_at"]
                if action == "move":
                    services.installation_reschedule(application=app, by=request.user, starts_at=when)
                else:
                    services.installation_schedule(application=app, by=request.user, starts_at=when)
                messages.success(request, _("Your visit is booked."))
                return redirect("installations:booking", reference=app.reference)
            form.add_error(None, _("Visit time: choose one of the free slots below."))
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        app.refresh_from_db()
    visit = booked_visit(app) if app.status == Status.INSTALLATION_SCHEDULED else last_visit(app)
    can_change = (
        visit is not None
        and app.status == Status.INSTALLATION_SCHEDULED
        and visit.starts_at - timezone.now() >= APPLICANT_NOTICE
    )
    slots = free_slots(app) if app.status == Status.APPROVED or can_change else []
    days = _days(slots)
    chosen = _chosen_day(days, request.GET.get("day", ""))
    of_day = next((day_slots for day, day_slots in days if day == chosen), [])
    context = {
        "app": app,
        "visit": visit,
        "can_change": can_change,
        "days": [
            {"day": day, "count": len(day_slots), "preferred": any(s.preferred for s in day_slots)}
            for day, day_slots in days
        ],
        "chosen": chosen,
        "preferred_slots": [s for s in of_day if s.preferred],
        "other_slots": [s for s in of_day if not s.preferred],
        "windows_outside": [TimeWindow(w).label for w in windows_outside_hours(app) if w in TimeWindow.values]
        if slots
        else [],
        "windows_label": str(MerchantApplication._meta.get_field("preferred_windows").verbose_name),
        "form": form,
        "terminal": current_terminal(app),
        "Status": Status,
    }
    return render(request, "installations/booking/booking.html", context, status=400 if form.errors else 200)


@login_required
def booking_calendar(request: HttpRequest, reference: str) -> HttpResponse:
    app = application_for_applicant(request.user, reference)
    visit = booked_visit(app) or last_visit(app)
    if visit is None:
        raise Http404
    response = HttpResponse(visit_ics(visit, for_installer=False), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="visit-{app.reference}.ics"'
    return response


@login_required
def visit_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """The .ics of a visit to this merchant, whatever its purpose (a service visit's, from the case page)."""
    visit = visit_for_applicant(request.user, pk)
    response = HttpResponse(visit_ics(visit, for_installer=False), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="visit-{visit.pk}.ics"'
    return response
