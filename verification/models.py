from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import MerchantApplication

from .choices import Band, CheckKind, Outcome, Route, Verdict


class Evidence(models.Model):
    """One question to an authoritative service and its answer, for one version of an application.

    What was sent is kept masked (core.masking); the inputs themselves only as a keyed digest,
    which is how the same question is recognised and not asked twice.
    """

    application = models.ForeignKey(
        MerchantApplication, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("application")
    )
    kind = models.CharField(_("check"), max_length=20, choices=CheckKind.choices)
    version = models.CharField(_("application version checked"), max_length=64)
    inputs_digest = models.CharField(_("inputs digest"), max_length=64, db_index=True)
    sent = models.JSONField(_("sent (masked)"), default=dict)
    outcome = models.CharField(_("answer"), max_length=20, choices=Outcome.choices)
    detail = models.JSONField(_("answer detail"), default=dict, blank=True)
    backend = models.CharField(_("provider"), max_length=200)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked on behalf of"),
    )
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)
    reused_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("answer reused from")
    )

    class Meta:
        verbose_name = _("verification evidence")
        verbose_name_plural = _("verification evidence")
        ordering = ["-asked_at", "-id"]
        indexes = [models.Index(fields=["application", "kind", "-asked_at"], name="evidence_app_kind")]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.kind} · {self.outcome}"


class RiskPolicy(models.Model):
    """One version of the risk policy. Rows are never changed: an edit in the admin publishes
    the next version (services.policy_publish), so every decision names the policy it used."""

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    created_at = models.DateTimeField(_("published"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
        editable=False,
    )
    note = models.CharField(_("what changed and why"), max_length=300, blank=True)
    auto_approve_max = models.PositiveIntegerField(
        _("approve automatically up to this score"), default=10, help_text=_("Only when every check answered a match.")
    )
    senior_min = models.PositiveIntegerField(_("senior reviewer from this score"), default=60)
    auto_reject_min = models.PositiveIntegerField(
        _("reject automatically from this score"),
        default=100,
        help_text=_("Only on conclusive answers; the applicant is told the reasons."),
    )
    sample_percent = models.PositiveSmallIntegerField(
        _("share of automatic approvals sampled for a second look (%)"),
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weights = models.JSONField(_("rule weights"), default=dict, blank=True, help_text=_("Rule code → weight."))
    watched_categories = models.JSONField(
        _("merchant categories under watch"), default=list, blank=True, help_text=_("MCC codes, e.g. 5732.")
    )
    velocity_limit = models.PositiveSmallIntegerField(
        _("submissions from one address or device in 24 h before it counts"), default=3
    )

    class Meta:
        verbose_name = _("risk policy")
        verbose_name_plural = _("risk policy versions")
        ordering = ["-version"]

    def __str__(self) -> str:
        return _("Risk policy v%(n)s") % {"n": self.version}


class Assessment(models.Model):
    """The checks and the score of one submission (one version of the application), and where it went."""

    application = models.ForeignKey(
        MerchantApplication, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("application")
    )
    version = models.CharField(_("application version checked"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted at"), null=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("submitted by")
    )
    origin_address = models.CharField(_("address digest"), max_length=64, blank=True, db_index=True)
    origin_device = models.CharField(_("device digest"), max_length=64, blank=True, db_index=True)
    policy = models.ForeignKey(
        RiskPolicy, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("policy")
    )
    score = models.PositiveIntegerField(_("risk score"), null=True)
    band = models.CharField(_("risk band"), max_length=10, choices=Band.choices, blank=True)
    # [{"code": "card_mismatch", "params": {...}, "weight": 40}], worded when read (rules.REASONS).
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    complete = models.BooleanField(_("every check answered"), default=False)
    route = models.CharField(_("route"), max_length=20, choices=Route.choices, default=Route.RUNNING, db_index=True)
    # Route.RETURNED: the reviewer who asked for the changes, to whom the correction goes back.
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("back to"),
    )
    sampled = models.BooleanField(_("sampled for a second look"), default=False)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    second_look = models.CharField(_("second look"), max_length=10, choices=Verdict.choices, blank=True)
    second_look_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second look by"),
    )
    second_look_at = models.DateTimeField(_("second look at"), null=True, blank=True)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["application", "-started_at"], name="assessment_app"),
            models.Index(fields=["route", "decided_at"], name="assessment_route"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.route}"
