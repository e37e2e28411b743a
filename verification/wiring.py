"""What verification registers in the applications context at start-up (VerificationConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import name_system_account
from applications import hooks


def wire() -> None:
    from . import panels, services
    from .choices import SYSTEM_USERNAME
    from .selectors import returned_queue, senior_queue, without_returned, without_senior

    name_system_account(SYSTEM_USERNAME, _("automatic verification"))
    hooks.on_submitted(services.submitted)
    hooks.refuse_unless(hooks.CLAIM, services.senior_claim_rule)
    hooks.refuse_unless(hooks.APPROVE, services.checks_running_rule)
    hooks.queue_tab(hooks.QueueTab("senior", _("Senior review"), senior_queue, without_senior))
    hooks.queue_tab(hooks.QueueTab("returned", _("Back to me"), returned_queue, without_returned))
    hooks.panel("review", panels.review_panel)
    hooks.panel("status", panels.status_panel)


def grant_senior_permissions(**_signal_kwargs: object) -> None:
    """Senior reviewers publish the risk policy in the admin (setup after migrate, idempotent)."""
    from django.contrib.auth.models import Group, Permission

    from .choices import SENIOR_GROUP

    group, _created = Group.objects.get_or_create(name=SENIOR_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="verification",
            codename__in=["add_riskpolicy", "view_riskpolicy", "view_evidence", "view_assessment"],
        )
    )
