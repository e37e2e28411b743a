"""The support context's message templates, added to the notifications registry at start-up
(notifications knows no app above it, so each app brings its own templates)."""

from django.utils.translation import gettext_lazy as _

from notifications.links import Subject
from notifications.messages import TEMPLATES, MessageTemplate

CASE = Subject("case")
# A service visit, named by its case's reference.
SERVICE_VISIT = Subject("service_visit")
TERMINAL = Subject("terminal", key="serial")

SUPPORT_TEMPLATES: dict[str, MessageTemplate] = {
    "support.case_opened": MessageTemplate(
        _("Support case {reference} opened"),
        _("We have your case {reference}, with our checks and your answers. Support will contact you."),
        about=CASE,
    ),
    "support.case_new": MessageTemplate(
        _("New support case {reference}"),
        _("Case {reference}: terminal {serial} shows code {code}."),
        about=CASE,
    ),
    "support.remote_action": MessageTemplate(
        _("Case {reference}: {action}"),
        _("Support acted on your terminal remotely ({action}). Keep it switched on and connected, then try a sale."),
        about=CASE,
    ),
    "support.visit_booked": MessageTemplate(
        _("Service visit booked for case {reference}"),
        _("An installer will visit you on {when} about case {reference}."),
        about=CASE,
    ),
    "support.visit_assigned": MessageTemplate(
        _("New service visit {reference}"),
        _("You have a service visit on {when} at {address} (case {reference})."),
        about=SERVICE_VISIT,
    ),
    "support.visit_cancelled": MessageTemplate(
        _("Service visit {reference} cancelled"),
        _("The service visit on {when} (case {reference}) is cancelled: no need to go."),
        about=SERVICE_VISIT,
    ),
    "support.visit_done": MessageTemplate(
        _("Service visit done for case {reference}"),
        _("The installer has finished the service visit of case {reference}: check the terminal and resolve the case."),
        about=CASE,
    ),
    "support.visit_done_merchant": MessageTemplate(
        _("Service visit done for case {reference}"),
        _(
            "The installer has finished the service visit of case {reference}. Support checks your terminal and closes the case."
        ),
        about=CASE,
    ),
    "support.case_resolved": MessageTemplate(
        _("Support case {reference} resolved"),
        _("Your case {reference} is resolved: {resolution}"),
        about=CASE,
    ),
    "support.incident_opened": MessageTemplate(
        _("Incident: host or gateway errors"),
        _("Since {when}, {count} terminals report host or gateway errors ({codes})."),
    ),
    "support.incident_closed": MessageTemplate(
        _("Incident closed"),
        _("Terminals stopped reporting host or gateway errors at {when}."),
    ),
    "support.warning.no_heartbeat": MessageTemplate(
        _("Your terminal {serial} has not been in touch for a day"),
        _("Terminal {serial} has sent no heartbeat for 24 hours. Check that it is switched on and connected."),
        about=TERMINAL,
    ),
    "support.warning.idle": MessageTemplate(
        _("Your terminal {serial} has made no sale for 30 days"),
        _(
            "Terminal {serial} has made no transaction for 30 days. Acquirers deactivate idle terminals: make a sale to keep it active."
        ),
        about=TERMINAL,
    ),
    "support.warning.drift": MessageTemplate(
        _("Your terminal {serial} has a changed configuration"),
        _(
            "The configuration of terminal {serial} differs from the one set at installation. Open “my terminal shows an error” if it fails."
        ),
        about=TERMINAL,
    ),
}


def register_templates() -> None:
    """Called from SupportConfig.ready: notifications knows no app above it, so support brings its own."""
    TEMPLATES.update(SUPPORT_TEMPLATES)
