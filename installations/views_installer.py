"""The installers' pages, made for a phone: the task list and the visit, step by step."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import Role, has_role
from applications.choices import Status
from applications.models import MerchantApplication
from core.errors import WorkflowError
from terminals.models import CommMode
from terminals.selectors import current_configuration, latest_signin_code, signin_advice, signins_of
from terminals.services import current_terminal

from . import services
from .access import visit_for_installer
from .calendar import visit_ics
from .forms import AssignTerminalForm, ConfigurationForm, ReleaseTerminalForm, TrainingForm
from .models import TRAINING_TOPICS, InstallationAppointment, TrainingRecord
from .selectors import task_list

AFTER_CHECK_IN = (Status.CONFIGURING, Status.TRAINING, Status.ACTIVE, Status.SUSPENDED)
AFTER_CONFIGURATION = (Status.TRAINING, Status.ACTIVE, Status.SUSPENDED)


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user, Role.INSTALLER):
        raise Http404
    return render(request, "installations/tasks.html", {"tasks": task_list(request.user)})


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


def _visit_page(
    request: HttpRequest,
    app: MerchantApplication,
    visit: InstallationAppointment,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    terminal = current_terminal(app)
    config = current_configuration(app)
    code = latest_signin_code(app)
    signins = signins_of(app, 5)
    training = TrainingRecord.objects.filter(application=app).first()
    initial = {}
    if config is not None:
        initial = {f: getattr(config, f) for f in ("tid", "mid", "host", "port", "comm_mode", "key_check_value")}
    elif terminal is not None:
        initial = {
            "tid": terminal.tid,
            "mid": app.merchant_id,
            "host": settings.ACQUIRER_HOST,
            "port": settings.ACQUIRER_PORT,
            "comm_mode": CommMode.ETHERNET,
        }
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


Runner = Callable[[MerchantApplication, User, dict], object]


@dataclass(frozen=True)
class StepAction:
    form_class: type[forms.Form] | None
    run: Runner
    done: str


def _signin(app: MerchantApplication, user: User, data: dict) -> str:
    signin = services.visit_signin(application=app, by=user)
    return signin.response_code


STEP_ACTIONS: dict[str, StepAction] = {
    "check_in": StepAction(
        None, lambda app, u, d: services.installation_start(application=app, by=u), gettext_lazy("Checked in.")
    ),
    "assign": StepAction(
        AssignTerminalForm,
        lambda app, u, d: services.visit_assign_terminal(application=app, by=u, serial_number=d["serial_number"]),
        gettext_lazy("Terminal assigned."),
    ),
    "release": StepAction(
        ReleaseTerminalForm,
        lambda app, u, d: services.visit_release_terminal(application=app, by=u, faulty=d["faulty"], note=d["note"]),
        gettext_lazy("Terminal taken back."),
    ),
    "configure": StepAction(
        ConfigurationForm,
        lambda app, u, d: services.visit_configure(application=app, by=u, **d),
        gettext_lazy("Configuration saved. Now test the sign-in."),
    ),
    "signin": StepAction(None, _signin, ""),
    "complete_configuration": StepAction(
        None,
        lambda app, u, d: services.installation_complete_configuration(application=app, by=u),
        gettext_lazy("Configuration complete. Now train the merchant."),
    ),
    "training": StepAction(
        TrainingForm,
        lambda app, u, d: services.installation_record_training(
            application=app, by=u, topics=d["topics"], confirmed_by_name=d["confirmed_by_name"]
        ),
        gettext_lazy("Training recorded."),
    ),
    "complete": StepAction(
        None,
        lambda app, u, d: services.installation_complete_training(application=app, by=u),
        gettext_lazy("Visit complete: the terminal is active."),
    ),
}


@login_required
@require_POST
def visit_step(request: HttpRequest, reference: str, step: str) -> HttpResponse:
    app, visit = visit_for_installer(request.user, reference)
    action = STEP_ACTIONS.get(step)
    if action is None:
        raise Http404
    form = action.form_class(request.POST) if action.form_class else None
    if form is None or form.is_valid():
        try:
            result = action.run(app, request.user, form.cleaned_data if form else {})
        except WorkflowError as exc:
            if form is None:
                messages.error(request, str(exc))
                return redirect(reverse("installations:visit", args=[app.reference]) + f"#{step}")
            form.add_error(None, str(exc))
        except ValidationError as exc:
            assert form is not None
            form.add_error(None, exc)
        else:
            if step == "signin":
                _tell_signin(request, str(result))
            else:
                messages.success(request, str(action.done))
            return redirect(reverse("installations:visit", args=[app.reference]) + f"#{step}")
    if form is not None and "key_check_value" in form.errors:
        # Whatever was typed there may be a key: never send it back to the screen.
        form.data = form.data.copy()
        form.data["key_check_value"] = ""
    app.refresh_from_db()
    return _visit_page(request, app, visit, bound={step: form} if form else None, status=400)


def _tell_signin(request: HttpRequest, code: str) -> None:
    shown = code or "—"
    if code == "00":
        messages.success(
            request, _("Sign-in answered %(code)s. %(advice)s") % {"code": shown, "advice": signin_advice(code)}
        )
    else:
        messages.error(
            request, _("Sign-in answered %(code)s. %(advice)s") % {"code": shown, "advice": signin_advice(code)}
        )
