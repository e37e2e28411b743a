"""The installers' pages, made for a phone: "My visits" and each visit, step by step."""

from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Role, has_role
from applications.choices import Status
from applications.models import MerchantApplication
from applications.views.files import document_response
from core.actions import Action, action_set
from core.views import act, form_invalid, generic_refused_page
from terminals.models import CommMode, Terminal, TerminalConfiguration
from terminals.selectors import current_configuration, latest_signin_code, signin_advice, signins_of
from terminals.services import current_terminal

from .access import service_visit_for_installer, visible_visits, visit_for_installer
from .actions import visit_state
from .calendar import visit_ics
from .forms import AssignTerminalForm, ConfigurationForm, ReleaseTerminalForm, SwapTerminalForm, TrainingForm, WorkForm
from .hooks import visit_panels
from .models import TRAINING_TOPICS, TrainingRecord, Visit, VisitStatus
from .selectors import my_visits, signed_in_since
from .services import check_in_opens

AFTER_CHECK_IN = (Status.CONFIGURING, Status.TRAINING, Status.ACTIVE, Status.SUSPENDED)
AFTER_CONFIGURATION = (Status.TRAINING, Status.ACTIVE, Status.SUSPENDED)


@login_required
def my_visits_page(request: HttpRequest) -> HttpResponse:
    """The installer's one list: every visit of every purpose, by day."""
    if not has_role(request.user, Role.INSTALLER):
        raise Http404
    return render(request, "installations/my_visits.html", {"visits": my_visits(request.user)})


def map_link(app: MerchantApplication) -> str:
    return "https://uri.amap.com/search?keyword=" + quote(app.installation_address_display())


@dataclass
class Step:
    key: str
    label: str
    done: bool


def _steps(app: MerchantApplication, terminal: object, config: object, code: str, training: object) -> list[Step]:
    return [
        Step("check_in", _("Check in"), app.status in AFTER_CHECK_IN),
        Step("assign", _("Assign a terminal"), terminal is not None),
        Step("configure", _("Configure"), config is not None or app.status in AFTER_CONFIGURATION),
        Step("signin", _("Sign-in test"), code == "00" or app.status in AFTER_CONFIGURATION),
        Step("complete_configuration", _("Configuration done"), app.status in AFTER_CONFIGURATION),
        Step("training", _("Training"), training is not None),
        Step("complete", _("Complete"), app.status in (Status.ACTIVE, Status.SUSPENDED)),
    ]


def _configuration_initial(
    app: MerchantApplication, terminal: Terminal | None, config: TerminalConfiguration | None, *, with_key: bool
) -> dict:
    """What the configuration form starts from: the current configuration, else the terminal's
    issued TID and the acquirer host of the settings."""
    if config is not None:
        fields = ("tid", "mid", "host", "port", "comm_mode", *(("key_check_value",) if with_key else ()))
        return {f: getattr(config, f) for f in fields}
    if terminal is not None:
        return {
            "tid": terminal.tid,
            "mid": app.merchant_id,
            "host": settings.ACQUIRER_HOST,
            "port": settings.ACQUIRER_PORT,
            "comm_mode": CommMode.ETHERNET,
        }
    return {}


def _visit_page(
    request: HttpRequest,
    app: MerchantApplication,
    visit: Visit,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    terminal = current_terminal(app)
    config = current_configuration(app)
    code = latest_signin_code(app)
    signins = signins_of(app, 5)
    training = TrainingRecord.objects.filter(application=app).first()
    initial = _configuration_initial(app, terminal, config, with_key=True)
    last = signins[0] if signins and config is not None and signins[0].configuration_id == config.pk else None
    context = {
        "app": app,
        "visit": visit,
        "terminal": terminal,
        "config": config,
        "code": code,
        "last_signin": last,
        "advice": signin_advice(last.response_code, issued_tid=terminal.tid if terminal else None) if last else "",
        "signins": signins,
        "training": training,
        "topics": TRAINING_TOPICS,
        "steps": _steps(app, terminal, config, code, training),
        "map_link": map_link(app),
        "assign_form": bound.get("assign") or AssignTerminalForm(),
        "release_form": bound.get("release") or ReleaseTerminalForm(),
        "configure_form": bound.get("configure") or ConfigurationForm(initial=initial),
        "training_form": bound.get("training")
        or TrainingForm(
            initial={"topics": training.topics, "confirmed_by_name": training.confirmed_by_name} if training else None
        ),
        "Status": Status,
    }
    return render(request, "installations/visit.html", context, status=status)


@login_required
def visit_detail(request: HttpRequest, reference: str) -> HttpResponse:
    app, visit = visit_for_installer(request.user, reference)
    return _visit_page(request, app, visit)


@login_required
def visit_calendar(request: HttpRequest, reference: str) -> HttpResponse:
    app, visit = visit_for_installer(request.user, reference)
    response = HttpResponse(visit_ics(visit, for_installer=True), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="visit-{app.reference}.ics"'
    return response


# The visit page's step names (its URLs and sections) and the declared actions they run.
STEP_ACTIONS = {
    "check_in": "start_installation",
    "assign": "assign_terminal",
    "release": "release_terminal",
    "configure": "configure_terminal",
    "signin": "signin",
    "complete_configuration": "complete_configuration",
    "training": "record_training",
    "complete": "complete_training",
}
STEP_OF_ACTION = {action: step for step, action in STEP_ACTIONS.items()}
# The steps whose form the visit page draws (and redraws as typed after a refusal).
PAGE_FORMS = ("assign", "release", "configure", "training")


@login_required
@require_POST
def visit_step(request: HttpRequest, reference: str, step: str) -> HttpResponse:
    """A step of the visit page: the declared action (installations/actions.py) through the generic view."""
    visit_for_installer(request.user, reference)  # 404 unless the visit is this installer's
    if step not in STEP_ACTIONS:
        raise Http404
    return act(request, kind="application", ident=reference, name=STEP_ACTIONS[step])


def refused(
    request: HttpRequest, app: MerchantApplication, action: Action, form: forms.Form | None, message: str, status: int
) -> HttpResponse:
    """The visit page again, with why and the form as typed (a key typed is never sent back)."""
    visit = visible_visits(request.user).filter(application=app).select_related("installer").first()
    if visit is None or not has_role(request.user, Role.INSTALLER):
        return generic_refused_page(request, action_set("application"), app, action, form, message, status)
    step = STEP_OF_ACTION.get(action.name, action.name)
    if form is None or message != form_invalid():
        messages.error(request, message)  # the form's fields say the rest
    if form is not None and "key_check_value" in form.errors:
        # Whatever was typed there may be a key: never send it back to the screen.
        form.data = form.data.copy()
        form.data["key_check_value"] = ""
    shown = step in PAGE_FORMS and form is not None
    return _visit_page(request, app, visit, bound={step: form} if shown else None, status=status)


# --- A service visit ------------------------------------------------------------------------


def _service_steps(visit: Visit, code: str) -> list[Step]:
    return [
        Step("check_in", _("Check in"), visit.checked_in_at is not None),
        Step("terminal", _("Swap or reconfigure the terminal"), code != "" or visit.status == VisitStatus.DONE),
        Step("signin", _("Sign-in test"), code == "00"),
        Step("work", _("What was done"), bool(visit.notes)),
        Step("complete", _("Complete"), visit.status == VisitStatus.DONE),
    ]


def _service_page(
    request: HttpRequest, visit: Visit, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    bound = bound or {}
    app = visit.application
    terminal = current_terminal(app)
    config = current_configuration(app)
    code = signed_in_since(visit)
    signins = signins_of(app, 5)
    last = signins[0] if signins and visit.checked_in_at and signins[0].at >= visit.checked_in_at else None
    # Everything but the key check value, which the installer reads off the terminal again.
    initial = _configuration_initial(app, terminal, config, with_key=False)
    context = {
        "app": app,
        "visit": visit,
        "terminal": terminal,
        "config": config,
        "code": code,
        "last_signin": last,
        "advice": signin_advice(last.response_code, issued_tid=terminal.tid if terminal else None) if last else "",
        "panels": visit_panels(visit),
        "steps": _service_steps(visit, code),
        "map_link": map_link(app),
        "check_in_opens": check_in_opens(visit),
        "registration": terminal.host_registrations.filter(done_at__isnull=True).first() if terminal else None,
        "reconfigure_form": bound.get("reconfigure") or ConfigurationForm(initial=initial),
        "swap_form": bound.get("swap") or SwapTerminalForm(),
        "work_form": bound.get("work") or WorkForm(initial={"notes": visit.notes}),
        "state": visit_state(visit),
    }
    return render(request, "installations/service_visit.html", context, status=status)


@login_required
def service_visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _service_page(request, service_visit_for_installer(request.user, pk))


@login_required
def service_visit_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    visit = service_visit_for_installer(request.user, pk)
    response = HttpResponse(visit_ics(visit, for_installer=True), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="visit-{visit.pk}.ics"'
    return response


@login_required
def service_visit_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The photo of what was done: to the visit's installer (support sees it on the case page)."""
    visit = service_visit_for_installer(request.user, pk)
    return visit_photo_response(visit)


def visit_photo_response(visit: Visit) -> HttpResponse:
    if not visit.photo:
        raise Http404
    content_type = "image/png" if visit.photo.name.endswith(".png") else "image/jpeg"
    return document_response(visit.photo.open("rb"), content_type=content_type, name=f"visit-{visit.pk}")


SERVICE_STEPS = ("check_in", "reconfigure", "swap", "signin", "work", "complete")
SERVICE_FORMS = ("reconfigure", "swap", "work")


@login_required
@require_POST
def service_visit_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """A step of the service visit page: the declared action (installations/actions.py), generic view."""
    service_visit_for_installer(request.user, pk)  # 404 unless the visit is this installer's
    if step not in SERVICE_STEPS:
        raise Http404
    return act(request, kind="visit", ident=str(pk), name=step)


def service_refused(
    request: HttpRequest, visit: Visit, action: Action, form: forms.Form | None, message: str, status: int
) -> HttpResponse:
    """The service visit page again, with why and the form as typed (a key typed is never sent back)."""
    if form is None or message != form_invalid():
        messages.error(request, message)
    if form is not None and "key_check_value" in form.errors:
        form.data = form.data.copy()
        form.data["key_check_value"] = ""
    fresh = Visit.objects.select_related("application", "application__applicant", "installer", "terminal").get(
        pk=visit.pk
    )
    shown = action.name in SERVICE_FORMS and form is not None
    return _service_page(request, fresh, bound={action.name: form} if shown else None, status=status)
