"""What verification registers in the applications context at start-up (VerificationConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from applications import hooks


def wire() -> None:
    from . import panels, services
    from .selectors import senior_queue, without_senior

    hooks.on_submitted(services.submitted)
    hooks.refuse_claim_unless(services.senior_claim_rule)
    hooks.queue_tab(hooks.QueueTab("senior", _("Senior review"), senior_queue, without_senior))
    hooks.panel("review", panels.review_panel)
    hooks.panel("status", panels.status_panel)
