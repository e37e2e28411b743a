"""The actions on an application, declared once (core.actions): the reviewer's workspace, the
applicant's pages and the admin's buttons all run these. installations adds the visit's own
(installations/actions.py) to the same set."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role, anyone_of, has_role, is_staff_member
from core.actions import Action, ActionSet, register
from core.errors import ConditionsNotMet, RoleRefused

from . import hooks, services
from .choices import APPLICANT_EDITABLE_STATES, Status
from .forms_reviewer import (
    ChecklistForm,
    DocumentForm,
    MessageForm,
    RejectForm,
    RequestChangesForm,
    RequiredMessageForm,
)
from .models import MerchantApplication
from .workflow import check, conflict_message

reviewers = anyone_of(Role.REVIEWER)
staff = anyone_of(Role.REVIEWER, Role.SUPPORT)


def transition(name: str):  # type: ignore[no-untyped-def]
    """A guard: the transition's own rules (state, role, hold) say whether it applies."""

    def guard(app: MerchantApplication, user: User) -> None:
        check(app, name, by=user)

    return guard


def _claim_guard(app: MerchantApplication, user: User) -> None:
    check(app, "claim", by=user)
    # A case routed to someone else (verification: a senior reviewer's): no Claim button for this person.
    if why := hooks.refusal(hooks.CLAIM, app, user):
        raise RoleRefused(str(why))


def _approve_guard(app: MerchantApplication, user: User) -> None:
    # Said before the transition's own list: the reviewer holding it has one thing left to do.
    if app.status == Status.IN_REVIEW and app.reviewer_id == user.pk and (missing := app.checklist_missing()):
        raise ConditionsNotMet(_("Tick the checklist before you approve: %s") % "; ".join(missing))
    check(app, "approve", by=user)
    # Still something to wait for (verification: the automatic checks running): the button stays, explained.
    if why := hooks.refusal(hooks.APPROVE, app, user):
        raise ConditionsNotMet(str(why))


def load(user: User, reference: str) -> MerchantApplication:
    """The application as this person may act on it, or 404: a draft is only its applicant's."""
    qs = MerchantApplication.objects.select_related("applicant", "reviewer")
    if user.is_superuser:
        found = qs.filter(reference=reference).first()
    elif has_role(user, Role.REVIEWER, Role.SUPPORT):
        found = qs.exclude(status=Status.DRAFT).filter(reference=reference).first()
    else:
        found = qs.filter(reference=reference, applicant=user).first()
        if found is None and has_role(user, Role.INSTALLER):
            found = qs.filter(reference=reference, visits__installer=user).distinct().first()
    if found is None:
        raise Http404
    return found


def page(app: MerchantApplication, user: User) -> str:
    if has_role(user, Role.REVIEWER) and app.status != Status.DRAFT:
        return reverse("applications:review", args=[app.reference])
    if app.applicant_id == user.pk:
        return reverse("applications:status", args=[app.reference])
    return reverse("admin:applications_merchantapplication_change", args=[app.pk])


ACTIONS = ActionSet(
    kind="application",
    model=MerchantApplication,
    load=load,
    ident=lambda app: app.reference,
    state=lambda app: app.status,
    state_label=lambda value: str(Status(value).label) if value in Status.values else value,
    page=page,
    changed=lambda app, seen, user: conflict_message(app, name_holder=is_staff_member(user)),
    actions=[
        Action(
            "upload_document", _("Upload a document"),
            lambda app, by, d: services.document_upload(application=app, by=by, kind=d["kind"], upload=d["file"]),
            DocumentForm,
        ),
        Action(
            "record_consent", _("Record consent (given on paper)"),
            lambda app, by, d: services.application_record_consent(application=app, by=by),
            states=APPLICANT_EDITABLE_STATES,
        ),
        Action(
            "submit", _("Submit"), lambda app, by, d: services.application_submit(application=app, by=by),
            guard=transition("submit"),
        ),
        Action(
            "claim", _("Claim for review"), lambda app, by, d: services.application_claim(application=app, by=by),
            who=reviewers, states=(Status.SUBMITTED,), guard=_claim_guard,
            done=_("You now hold application %(ref)s."),
        ),
        Action(
            "release", _("Release"),
            lambda app, by, d: services.application_release(application=app, by=by, message=d["message"]),
            MessageForm, who=reviewers, states=(Status.IN_REVIEW,), guard=transition("release"),
            done=_("Application %(ref)s is back in the unassigned queue."),
        ),
        Action(
            "checklist", _("Tick the review checklist"),
            lambda app, by, d: services.application_save_checklist(application=app, by=by, checks=d),
            ChecklistForm, who=reviewers, states=(Status.IN_REVIEW,), guard=transition("release"),
            done=_("Checklist of application %(ref)s saved."),
        ),
        Action(
            "approve", _("Approve"),
            lambda app, by, d: services.application_approve(application=app, by=by, message=d["message"]),
            MessageForm, who=reviewers, states=(Status.IN_REVIEW,), guard=_approve_guard,
            done=_("Application %(ref)s is approved."),
        ),
        Action(
            "request_changes", _("Request changes"),
            lambda app, by, d: services.application_request_changes(
                application=app, by=by, fields=d["fields"], message=d["message"]
            ),
            RequestChangesForm, who=reviewers, states=(Status.IN_REVIEW,), guard=transition("request_changes"),
            done=_("Application %(ref)s is back with the applicant for changes."),
        ),
        Action(
            "reject", _("Reject"),
            lambda app, by, d: services.application_reject(
                application=app, by=by, reason=d["reason"], message=d["message"]
            ),
            RejectForm, who=reviewers, states=(Status.IN_REVIEW,), guard=transition("reject"), danger=True,
            done=_("Application %(ref)s is rejected."),
        ),
        Action(
            "withdraw", _("Withdraw"),
            lambda app, by, d: services.application_withdraw(application=app, by=by, message=d["message"]),
            MessageForm, guard=transition("withdraw"), danger=True,
        ),
        Action(
            "suspend", _("Suspend the terminal"),
            lambda app, by, d: services.application_suspend(application=app, by=by, message=d["message"]),
            RequiredMessageForm, who=staff, states=(Status.ACTIVE,), guard=transition("suspend"), danger=True,
        ),
        Action(
            "reinstate", _("Reinstate the terminal"),
            lambda app, by, d: services.application_reinstate(application=app, by=by, message=d["message"]),
            MessageForm, who=staff, states=(Status.SUSPENDED,), guard=transition("reinstate"),
        ),
    ],
)  # fmt: skip


def register_actions() -> None:
    # The workspace redraws itself on a refusal; its view module imports this one, hence here.
    from .views.reviewer import refused

    ACTIONS.refused = refused
    register(ACTIONS)
