"""Terminal support: what live terminals report, what the portal concludes, and the cases.

- DeviceCredential: one per terminal; only the SHA-256 of its token is kept.
- DeviceEvent: one report (heartbeat, sign-in, transaction result), stored once per event id.
- TerminalHealth: the latest of each kind of report, per terminal (what pages and jobs read).
- Incident: many terminals reporting host or gateway errors together.
- EarlyWarning: one open warning per terminal and kind, closed when the cause goes away.
- SupportCase (+ CaseEvent): a merchant's problem with the evidence; RemoteCommand and
  ServiceVisit are what support does about it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import MerchantApplication
from terminals.models import Terminal

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def new_case_reference() -> str:
    return "SC-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


class DeviceCredential(models.Model):
    """The token a terminal authenticates with. The token itself is shown once, at issue."""

    terminal = models.OneToOneField(Terminal, on_delete=models.CASCADE, related_name="device_credential")
    token_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True)
    token_hint = models.CharField(_("last characters of the token"), max_length=4)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("device credential")
        verbose_name_plural = _("device credentials")

    def __str__(self) -> str:
        return f"{self.terminal.serial_number} …{self.token_hint}"


class EventKind(models.TextChoices):
    HEARTBEAT = "heartbeat", _("Heartbeat")
    SIGNIN = "signin", _("Sign-in")
    TRANSACTION = "transaction", _("Transaction result")


class DeviceEvent(models.Model):
    """One report from a terminal. (terminal, event_id) is unique: a retried report stores once."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="device_events")
    event_id = models.CharField(_("event ID (from the terminal)"), max_length=64)
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("at (terminal's clock)"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    response_code = models.CharField(_("response code"), max_length=2, blank=True)
    config = models.JSONField(_("configuration reported"), default=dict, blank=True)
    software_version = models.CharField(_("software version"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("device report")
        verbose_name_plural = _("device reports")
        ordering = ["-received_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["terminal", "event_id"], name="device_event_once")]
        indexes = [
            models.Index(fields=["response_code", "received_at"], name="device_event_code_time"),
            models.Index(fields=["terminal", "kind", "received_at"], name="device_event_terminal_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.kind} {self.response_code}"


class TerminalHealth(models.Model):
    """The latest known state of one terminal, updated with each report it sends."""

    terminal = models.OneToOneField(Terminal, on_delete=models.CASCADE, related_name="health")
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    last_signin_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)
    last_signin_code = models.CharField(_("last sign-in answer"), max_length=2, blank=True)
    last_transaction_at = models.DateTimeField(_("last transaction"), null=True, blank=True)
    last_code = models.CharField(_("last response code shown"), max_length=2, blank=True)
    last_code_at = models.DateTimeField(_("last response code at"), null=True, blank=True)
    reported_config = models.JSONField(_("configuration last reported"), default=dict, blank=True)
    software_version = models.CharField(_("software version"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("terminal health")
        verbose_name_plural = _("terminal health")

    def __str__(self) -> str:
        return str(self.terminal_id)

    @property
    def last_contact_at(self):  # type: ignore[no-untyped-def]
        moments = [m for m in (self.last_heartbeat_at, self.last_signin_at, self.last_code_at) if m]
        return max(moments) if moments else None


class Incident(models.Model):
    """A host or gateway problem seen by many terminals at once. At most one is open."""

    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    codes = models.JSONField(_("response codes seen"), default=list)
    terminals_affected = models.PositiveIntegerField(_("terminals affected"), default=0)
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-opened_at"]
        constraints = [
            # The database refuses a second open incident, whatever two scans do at once.
            models.UniqueConstraint(fields=["is_open"], condition=models.Q(is_open=True), name="one_open_incident")
        ]

    def __str__(self) -> str:
        return f"{self.opened_at:%Y-%m-%d %H:%M} {', '.join(self.codes)}"


class WarningKind(models.TextChoices):
    NO_HEARTBEAT = "no_heartbeat", _("No heartbeat for 24 hours")
    IDLE = "idle", _("No transaction for 30 days")
    DRIFT = "drift", _("Configuration differs from the one recorded at installation")


class EarlyWarning(models.Model):
    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="warnings")
    kind = models.CharField(_("kind"), max_length=20, choices=WarningKind.choices)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["terminal", "kind"], condition=models.Q(closed_at__isnull=True), name="one_open_warning"
            )
        ]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.kind}"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REMOTE_ACTION = "remote_action", _("Remote action sent")
    VISIT_BOOKED = "visit_booked", _("Service visit booked")
    RESOLVED = "resolved", _("Resolved")


OPEN_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.REMOTE_ACTION, CaseStatus.VISIT_BOOKED)


class SupportCase(models.Model):
    """A merchant's problem with one terminal, holding the evidence gathered on the way."""

    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_case_reference, editable=False)
    terminal = models.ForeignKey(
        Terminal, on_delete=models.PROTECT, related_name="support_cases", verbose_name=_("terminal")
    )
    application = models.ForeignKey(
        MerchantApplication, on_delete=models.PROTECT, related_name="support_cases", verbose_name=_("application")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    code = models.CharField(_("response code"), max_length=2, blank=True)
    symptom = models.CharField(_("symptom"), max_length=20, blank=True)
    checks = models.JSONField(_("automatic checks"), default=list)
    answers = models.JSONField(_("merchant's answers"), default=dict)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    created_at = models.DateTimeField(_("opened at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("support case")
        verbose_name_plural = _("support cases")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="case_status_age")]

    def __str__(self) -> str:
        return self.reference


class CaseAction(models.TextChoices):
    OPENED = "opened", _("Case opened")
    RESEND_CONFIGURATION = "resend_configuration", _("Configuration re-sent")
    SIGN_IN = "sign_in", _("New sign-in asked")
    VISIT_BOOKED = "visit_booked", _("Service visit booked")
    VISIT_DONE = "visit_done", _("Service visit done")
    RESOLVED = "resolved", _("Resolved")


class CaseEvent(models.Model):
    """The history of a case: who did what, when."""

    case = models.ForeignKey(SupportCase, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    action = models.CharField(_("action"), max_length=40, choices=CaseAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CommandKind(models.TextChoices):
    RESEND_CONFIGURATION = "resend_configuration", _("Re-send the configuration")
    SIGN_IN = "sign_in", _("Ask for a new sign-in")


class RemoteCommand(models.Model):
    """An order for a terminal, handed over in the answer to its next report."""

    terminal = models.ForeignKey(Terminal, on_delete=models.CASCADE, related_name="remote_commands")
    case = models.ForeignKey(SupportCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="commands")
    kind = models.CharField(_("kind"), max_length=30, choices=CommandKind.choices)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("remote command")
        verbose_name_plural = _("remote commands")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.kind}"


class VisitStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ServiceVisit(models.Model):
    """An installer's visit to a live terminal, booked from a support case."""

    case = models.ForeignKey(SupportCase, on_delete=models.PROTECT, related_name="visits", verbose_name=_("case"))
    application = models.ForeignKey(
        MerchantApplication, on_delete=models.PROTECT, related_name="service_visits", verbose_name=_("application")
    )
    terminal = models.ForeignKey(
        Terminal, on_delete=models.PROTECT, related_name="service_visits", verbose_name=_("terminal")
    )
    installer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_visits", verbose_name=_("installer")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.BOOKED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("service visit")
        verbose_name_plural = _("service visits")
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["installer", "starts_at"],
                condition=models.Q(status="booked"),
                name="service_visit_slot_once",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="booked"), name="one_booked_visit_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} @ {self.starts_at:%Y-%m-%d %H:%M}"
