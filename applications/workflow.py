"""The one place that fires a transition on MerchantApplication.

Every service (here and in the apps above) calls `locked()` then `fire()` inside its
`transaction.atomic()`. Together they give the refusals their words: wrong state,
wrong role, what is missing, or a conflict with someone who acted first.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition, can_proceed

from accounts.models import User
from accounts.roles import is_staff_member
from core.errors import ConditionsNotMet, Conflict, InvalidState, RoleRefused

from .choices import Status
from .models import MerchantApplication

ACTION_LABELS = {
    "submit": gettext_lazy("submit"),
    "withdraw": gettext_lazy("withdraw"),
    "claim": gettext_lazy("claim"),
    "release": gettext_lazy("release"),
    "approve": gettext_lazy("approve"),
    "reject": gettext_lazy("reject"),
    "request_changes": gettext_lazy("request changes to"),
    "schedule_installation": gettext_lazy("schedule the installation of"),
    "reschedule": gettext_lazy("reschedule the installation of"),
    "cancel_installation": gettext_lazy("cancel the installation of"),
    "start_installation": gettext_lazy("start the installation of"),
    "complete_configuration": gettext_lazy("complete the configuration of"),
    "complete_training": gettext_lazy("complete the training of"),
    "suspend": gettext_lazy("suspend"),
    "reinstate": gettext_lazy("reinstate"),
}


def _action(name: str) -> str:
    return str(ACTION_LABELS.get(name, name))


def locked(application: MerchantApplication | int, *, by: User | None = None) -> MerchantApplication:
    """The application re-read under a row lock, checked against the caller's copy.

    If the caller's copy (the page they loaded) shows another state than the database
    now holds, someone acted in between: refuse with a conflict rather than act on
    a state the person never saw.
    """
    assert transaction.get_connection().in_atomic_block, "lock inside transaction.atomic()"
    pk = application.pk if isinstance(application, MerchantApplication) else application
    # No select_related: after waiting for the lock, PostgreSQL re-reads the locked row but
    # not rows joined to it, so a joined reviewer could be the one from before the wait.
    fresh = MerchantApplication.objects.select_for_update().get(pk=pk)
    if isinstance(application, MerchantApplication) and application.status != fresh.status:
        raise Conflict(conflict_message(fresh, name_holder=by is not None and is_staff_member(by)))
    return fresh


def conflict_message(fresh: MerchantApplication, *, name_holder: bool = True) -> str:
    # Staff are told who holds it (so they can talk to them); an applicant is not given the name.
    if name_holder and fresh.status == Status.IN_REVIEW and fresh.reviewer is not None:
        return _("Application %(ref)s changed meanwhile: %(name)s is reviewing it now.") % {
            "ref": fresh.reference,
            "name": fresh.reviewer,
        }
    return _("Application %(ref)s changed meanwhile: it is now “%(status)s”. Reload the page.") % {
        "ref": fresh.reference,
        "status": fresh.get_status_display(),
    }


def check(application: MerchantApplication, name: str, *, by: User) -> None:
    """Raise the refusal that firing `name` by `by` would meet, without firing it."""
    method = getattr(application, name)
    meta = method._django_fsm
    state = application.status
    if not can_proceed(method, check_conditions=False):
        raise InvalidState(
            _("You cannot %(action)s an application that is “%(status)s”.")
            % {"action": _action(name), "status": application.get_status_display()}
        )
    if not meta.has_transition_perm(application, state, by):
        raise RoleRefused(_role_refusal(application, name, by))
    transition = meta.get_transition(state)
    missing: list[str] = []
    for condition in transition.conditions:
        if not condition(application):
            explain = getattr(condition, "explain", None)
            missing.extend(explain(application) if explain else [condition.__name__])
    if missing:
        raise ConditionsNotMet(
            _("You cannot %(action)s application %(ref)s yet. Missing:")
            % {"action": _action(name), "ref": application.reference},
            missing=missing,
        )


def _role_refusal(application: MerchantApplication, name: str, by: User) -> str:
    if application.status == Status.IN_REVIEW and application.reviewer_id and application.reviewer_id != by.pk:
        return _("Only %(name)s, who holds application %(ref)s, can %(action)s it.") % {
            "name": application.reviewer,
            "ref": application.reference,
            "action": _action(name),
        }
    return _("Your role does not allow you to %(action)s application %(ref)s.") % {
        "action": _action(name),
        "ref": application.reference,
    }


def fire(application: MerchantApplication, name: str, *, by: User, description: str = "", **kwargs) -> None:
    """Check, fire and save one transition. The history row is written by django-fsm-log."""
    check(application, name, by=by)
    try:
        getattr(application, name)(by=by, description=description, **kwargs)
        application.save()
    except ConcurrentTransition as exc:
        fresh = MerchantApplication.objects.get(pk=application.pk)
        raise Conflict(conflict_message(fresh, name_holder=is_staff_member(by))) from exc
