"""Terminal support: what the portal concludes from the terminals' reports, and the cases.

What a terminal reports (its credential, its reports, its health, the commands waiting for
it) is the terminal's own and lives in `terminals`.

- Incident: many terminals reporting host or gateway errors together.
- EarlyWarning: one open warning per terminal and kind, closed when the cause goes away.
- SupportCase (+ CaseEvent): a merchant's problem with the evidence; a service visit of the one
  calendar (installations.Visit, linked by CaseVisit) and the terminals' remote commands,
  enqueued about the case, are what support does about it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import MerchantApplication
from core.texts import readable
from core.time import stamp
from installations.models import Visit
from terminals.models import Terminal

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def new_case_reference() -> str:
    return "SC-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


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
        return f"{stamp(self.opened_at)} {', '.join(self.codes)}"


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
        # The support queue lists the open warnings newest first: a few rows of a long history.
        indexes = [
            models.Index(fields=["-opened_at"], name="warning_open_age", condition=models.Q(closed_at__isnull=True))
        ]

    def __str__(self) -> str:
        return f"{self.terminal_id} {self.kind}"


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REMOTE_ACTION = "remote_action", _("Remote action sent")
    VISIT_BOOKED = "visit_booked", _("Service visit booked")
    VISIT_DONE = "visit_done", _("Service visit done")
    RESOLVED = "resolved", _("Resolved")


OPEN_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.REMOTE_ACTION, CaseStatus.VISIT_BOOKED, CaseStatus.VISIT_DONE)


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
        indexes = [
            models.Index(fields=["status", "created_at"], name="case_status_age"),
            # The queue's open cases, oldest first: the statuses of an open case are four, which
            # (status, created_at) cannot give in order without sorting every open case.
            models.Index(
                fields=["created_at"], name="case_open_age", condition=models.Q(status__in=OPEN_CASE_STATUSES)
            ),
            # The queue's "resolved" list, newest first: without it, every resolved case is sorted.
            models.Index(fields=["-resolved_at"], name="case_resolved", condition=models.Q(status="resolved")),
        ]

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
    # Words a person typed (a resolution), kept as they were typed. Rows written before
    # history lines were codes may hold a moment worded in the actor's language: shown as they are.
    note = models.TextField(_("note"), blank=True)
    # What the portal itself says about the event, as parameters worded when read (core.texts).
    params = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"

    def detail(self) -> str:
        """The event's details in the reader's language: the moment of a booked visit, or the note."""
        when = self.params.get("when") if self.params else None
        if when:
            return str(readable(when))
        return self.note


class CaseVisit(models.Model):
    """A visit of the one calendar (installations.Visit) booked by support for a case.

    The visit itself (installer, time, status, what was done) is the calendar's; the case
    only remembers which visits it booked.
    """

    case = models.ForeignKey(SupportCase, on_delete=models.PROTECT, related_name="visit_links", verbose_name=_("case"))
    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="case_link", verbose_name=_("visit"))

    class Meta:
        verbose_name = _("visit of a case")
        verbose_name_plural = _("visits of cases")

    def __str__(self) -> str:
        return f"{self.case} · {self.visit_id}"
