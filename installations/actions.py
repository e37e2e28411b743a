"""The visit's actions on an application (core.actions), added to the application's set:
the installer's steps on the visit page and the admin's buttons are these, declared once."""

from django.contrib import messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Role, anyone_of, has_role
from applications.actions import transition
from applications.choices import Status
from applications.forms_reviewer import MessageForm
from applications.models import MerchantApplication
from core.actions import Action, ActionSet, extend, register
from terminals.selectors import signin_advice
from terminals.services import signin_record

from . import services
from .access import service_visit_for_installer, visible_visits
from .forms import (
    AssignTerminalForm,
    ConfigurationForm,
    ReassignForm,
    ReleaseTerminalForm,
    SignInForm,
    SwapTerminalForm,
    TrainingForm,
    VisitForm,
    WorkForm,
)
from .models import Visit, VisitPurpose, VisitStatus

installers = anyone_of(Role.INSTALLER)
ON_SITE = (Status.CONFIGURING,)


def tell_signin(request: HttpRequest, signin: object) -> None:
    """The sign-in's answer, good or bad, with what to do about it."""
    code = str(getattr(signin, "response_code", "") or "")
    text = _("Sign-in answered %(code)s. %(advice)s") % {"code": code or "—", "advice": signin_advice(code)}
    (messages.success if code == "00" else messages.error)(request, text)


VISIT_ACTIONS = [
    Action(
        "schedule_installation", gettext_lazy("Book the installation visit"),
        lambda app, by, d: services.installation_schedule(
            application=app, by=by, installer=d["installer"], starts_at=d["starts_at"],
            outside_windows=d["outside_windows"],
        ),
        VisitForm, guard=transition("schedule_installation"),
    ),
    Action(
        "reschedule", gettext_lazy("Move the visit"),
        lambda app, by, d: services.installation_reschedule(
            application=app, by=by, installer=d["installer"], starts_at=d["starts_at"],
            outside_windows=d["outside_windows"],
        ),
        VisitForm, guard=transition("reschedule"),
    ),
    Action(
        "cancel_installation", gettext_lazy("Cancel the visit"),
        lambda app, by, d: services.installation_cancel(application=app, by=by, message=d["message"]),
        MessageForm, guard=transition("cancel_installation"), danger=True,
    ),
    Action(
        "reassign", gettext_lazy("Reassign the visit to another installer"),
        lambda app, by, d: services.installation_reassign(application=app, by=by, installer=d["installer"]),
        ReassignForm, guard=transition("reschedule"),
    ),
    Action(
        "start_installation", gettext_lazy("Check in (start installation)"),
        lambda app, by, d: services.installation_start(application=app, by=by),
        who=installers, states=(Status.INSTALLATION_SCHEDULED,), guard=transition("start_installation"),
        done=gettext_lazy("Checked in."),
    ),
    Action(
        "assign_terminal", gettext_lazy("Assign a terminal from stock"),
        lambda app, by, d: services.visit_assign_terminal(application=app, by=by, serial_number=d["serial_number"]),
        AssignTerminalForm, who=installers, states=ON_SITE, done=gettext_lazy("Terminal assigned."),
    ),
    Action(
        "release_terminal", gettext_lazy("Take the terminal back"),
        lambda app, by, d: services.visit_release_terminal(application=app, by=by, faulty=d["faulty"], note=d["note"]),
        ReleaseTerminalForm, who=installers, states=ON_SITE, done=gettext_lazy("Terminal taken back."),
    ),
    Action(
        "configure_terminal", gettext_lazy("Enter the terminal's configuration"),
        lambda app, by, d: services.visit_configure(application=app, by=by, **d),
        ConfigurationForm, who=installers, states=ON_SITE,
        done=gettext_lazy("Configuration saved. Now test the sign-in."),
    ),
    Action(
        "signin", gettext_lazy("Test the sign-in at the acquirer host"),
        lambda app, by, d: services.visit_signin(application=app, by=by),
        who=installers, states=ON_SITE, tell=tell_signin,
    ),
    Action(
        "record_signin", gettext_lazy("Record a sign-in made over a network the portal cannot reach"),
        lambda app, by, d: signin_record(application=app, by=by, response_code=d["response_code"], detail=d["detail"]),
        SignInForm, who=installers, states=ON_SITE,
    ),
    Action(
        "complete_configuration", gettext_lazy("Complete the configuration"),
        lambda app, by, d: services.installation_complete_configuration(application=app, by=by),
        who=installers, states=ON_SITE, guard=transition("complete_configuration"),
        done=gettext_lazy("Configuration complete. Now train the merchant."),
    ),
    Action(
        "record_training", gettext_lazy("Record the training"),
        lambda app, by, d: services.installation_record_training(
            application=app, by=by, topics=d["topics"], confirmed_by_name=d["confirmed_by_name"]
        ),
        TrainingForm, who=installers, states=(Status.TRAINING,), done=gettext_lazy("Training recorded."),
    ),
    Action(
        "complete_training", gettext_lazy("Complete the training"),
        lambda app, by, d: services.installation_complete_training(application=app, by=by),
        who=installers, states=(Status.TRAINING,), guard=transition("complete_training"),
        done=gettext_lazy("Visit complete: the terminal is active."),
    ),
]  # fmt: skip


# --- A visit of the one calendar, by its own steps (a service visit) --------------------------


def visit_state(visit: Visit) -> str:
    """What the page shows and posts back as `seen`: booked, on site (checked in), done, cancelled."""
    if visit.status == VisitStatus.BOOKED and visit.checked_in_at:
        return ON_SITE_STATE
    return visit.status


ON_SITE_STATE = "on_site"
VISIT_STATE_LABELS = {ON_SITE_STATE: gettext_lazy("On site (checked in)"), **dict(VisitStatus.choices)}


def _visit_loader(user: User, ident: str) -> Visit:
    if user.is_superuser and str(ident).isdigit():
        found = Visit.objects.filter(pk=int(ident), purpose=VisitPurpose.SERVICE).first()
        if found is not None:
            return found
    return service_visit_for_installer(user, ident)


SERVICE_VISIT_ACTIONS = ActionSet(
    kind="visit",
    model=Visit,
    load=_visit_loader,
    ident=lambda visit: str(visit.pk),
    state=visit_state,
    state_label=lambda value: str(VISIT_STATE_LABELS.get(value, value)),
    page=lambda visit, user: reverse("installations:service_visit", args=[visit.pk]),
    actions=[
        Action(
            "check_in", gettext_lazy("Check in"),
            lambda visit, by, d: services.visit_check_in(visit=visit, by=by),
            who=installers, states=(VisitStatus.BOOKED,), in_admin=False, done=gettext_lazy("Checked in."),
        ),
        Action(
            "reconfigure", gettext_lazy("Re-enter the terminal's configuration"),
            lambda visit, by, d: services.visit_reconfigure(visit=visit, by=by, **d),
            ConfigurationForm, who=installers, states=(ON_SITE_STATE,), in_admin=False,
            done=gettext_lazy("Configuration saved; the acquirer host is told. Now test the sign-in."),
        ),
        Action(
            "swap", gettext_lazy("Swap the terminal"),
            lambda visit, by, d: services.visit_swap_terminal(
                visit=visit, by=by, serial_number=d["serial_number"], note=d["note"]
            ),
            SwapTerminalForm, who=installers, states=(ON_SITE_STATE,), in_admin=False,
            done=gettext_lazy("Terminal swapped. Now enter its configuration."),
        ),
        Action(
            "signin", gettext_lazy("Test the sign-in at the acquirer host"),
            lambda visit, by, d: services.visit_service_signin(visit=visit, by=by),
            who=installers, states=(ON_SITE_STATE,), in_admin=False, tell=tell_signin,
        ),
        Action(
            "work", gettext_lazy("Record what was done"),
            lambda visit, by, d: services.visit_record_work(visit=visit, by=by, notes=d["notes"], photo=d["photo"]),
            WorkForm, who=installers, states=(ON_SITE_STATE,), in_admin=False, done=gettext_lazy("Saved."),
        ),
        Action(
            "complete", gettext_lazy("Complete the visit"),
            lambda visit, by, d: services.visit_complete(visit=visit, by=by),
            who=installers, states=(ON_SITE_STATE,), in_admin=False,
            done=gettext_lazy("Visit complete: support is told and the case moves on."),
        ),
    ],
)  # fmt: skip


def installer_page(app: MerchantApplication, user: User) -> str | None:
    """An installer goes back to the visit page, while the visit is theirs."""
    mine = has_role(user, Role.INSTALLER) and not user.is_superuser
    if mine and visible_visits(user).filter(application=app).exists():
        return reverse("installations:visit", args=[app.reference])
    return None


def register_actions() -> None:
    # The visit page redraws itself on a refusal; its view module imports this one, hence here.
    from .views_installer import refused

    extend("application", VISIT_ACTIONS, refused=refused, page=installer_page)
    from .views_installer import service_refused

    SERVICE_VISIT_ACTIONS.refused = service_refused
    register(SERVICE_VISIT_ACTIONS)
