"""Actions on a support case, declared once (core.actions): the case page's buttons and the admin's
buttons are these. The service visit's own steps are the calendar's (installations/actions.py)."""

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role, anyone_of
from core.actions import Action, ActionSet, register
from installations.models import Visit

from . import services
from .access import case_for_support
from .forms import ResolveForm, VisitForm
from .models import OPEN_CASE_STATUSES, CaseStatus, SupportCase

support_staff = anyone_of(Role.SUPPORT)


def _tell_booked(request: HttpRequest, visit: Visit) -> None:
    messages.success(request, gettext("Service visit booked with %s.") % visit.installer)


installers = anyone_of(Role.INSTALLER)
OPEN = tuple(str(s) for s in OPEN_CASE_STATUSES)

CASE_ACTIONS = ActionSet(
    kind="case",
    model=SupportCase,
    load=case_for_support,
    ident=lambda case: case.reference,
    state=lambda case: case.status,
    state_label=lambda value: str(CaseStatus(value).label) if value in CaseStatus.values else value,
    page=lambda case, user: reverse("support:case_manage", args=[case.reference]),
    actions=[
        Action(
            "resend", _("Re-send the configuration"),
            lambda case, by, d: services.case_resend_configuration(case=case, by=by),
            who=support_staff, states=OPEN, done=_("The configuration goes to the terminal with its next report."),
        ),
        Action(
            "signin", _("Ask for a new sign-in"),
            lambda case, by, d: services.case_request_signin(case=case, by=by),
            who=support_staff, states=OPEN, done=_("The terminal is asked to sign in with its next report."),
        ),
        Action(
            "visit", _("Book a service visit"),
            lambda case, by, d: services.case_book_visit(
                case=case, by=by, installer=d["installer"], starts_at=d["starts_at"],
                outside_windows=d["outside_windows"],
            ),
            VisitForm, who=support_staff, states=OPEN, tell=_tell_booked,
        ),
        Action(
            "resolve", _("Mark resolved"),
            lambda case, by, d: services.case_resolve(case=case, by=by, resolution=d["resolution"]),
            ResolveForm, who=support_staff, states=OPEN, done=_("Case %(ref)s is resolved."),
        ),
    ],
)  # fmt: skip


def register_actions() -> None:
    from .views.staff import refused  # the case page redraws itself; its module imports this one

    CASE_ACTIONS.refused = refused
    register(CASE_ACTIONS)
