import uuid
from datetime import time
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import MerchantApplication
from core.choices import Province
from core.time import stamp
from terminals.models import Terminal


def default_working_days() -> list[int]:
    return [0, 1, 2, 3, 4, 5]  # Monday to Saturday (date.weekday())


class InstallerProfile(models.Model):
    """When and how much an installer works. Their service area is a list of ServiceArea rows.

    Its row is also the lock that serialises bookings of one installer, so that two
    requests cannot both take the last visit of a day.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="installer_profile",
        verbose_name=_("installer"),
    )
    working_days = models.JSONField(
        _("working days"), default=default_working_days, help_text=_("0 = Monday … 6 = Sunday")
    )
    day_starts = models.TimeField(_("working day starts"), default=time(9, 0))
    day_ends = models.TimeField(_("working day ends"), default=time(18, 0))
    visits_per_day = models.PositiveSmallIntegerField(
        _("visits per day"), default=4, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    is_active = models.BooleanField(_("takes new visits"), default=True)

    class Meta:
        verbose_name = _("installer profile")
        verbose_name_plural = _("installer profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(day_ends__gt=models.F("day_starts")), name="working_day_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class ServiceArea(models.Model):
    """A province, or one city of it, where an installer visits merchants."""

    installer = models.ForeignKey(
        InstallerProfile, on_delete=models.CASCADE, related_name="areas", verbose_name=_("installer")
    )
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    city = models.CharField(_("city"), max_length=60, blank=True, help_text=_("Empty: the whole province."))

    class Meta:
        verbose_name = _("service area")
        verbose_name_plural = _("service areas")
        constraints = [models.UniqueConstraint(fields=["installer", "province", "city"], name="service_area_once")]
        indexes = [models.Index(fields=["province", "city"], name="service_area_lookup")]

    def __str__(self) -> str:
        return " ".join(p for p in (self.get_province_display(), self.city) if p)


class VisitPurpose(models.TextChoices):
    """Why an installer goes: each purpose has its own steps on the visit page."""

    INSTALLATION = "installation", _("Installation")
    SERVICE = "service", _("Service")


class VisitStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Done")


def visit_photo_upload_to(instance: "Visit", filename: str) -> str:
    # The stored name is made by the server: nothing the uploader typed reaches the disk.
    return f"visits/{instance.pk}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:6]}"


class Visit(models.Model):
    """One installer at one merchant at one time, whatever the purpose: the one calendar."""

    purpose = models.CharField(
        _("purpose"), max_length=20, choices=VisitPurpose.choices, default=VisitPurpose.INSTALLATION
    )
    application = models.ForeignKey(
        MerchantApplication, on_delete=models.CASCADE, related_name="visits", verbose_name=_("application")
    )
    terminal = models.ForeignKey(
        Terminal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("terminal"),
    )
    installer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits", verbose_name=_("installer")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(_("status"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.BOOKED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    notes = models.TextField(_("what was done"), blank=True)
    # Re-encoded from its pixels at upload (applications.uploads); served only by a view that checks who asks.
    photo = models.FileField(_("photo"), upload_to=visit_photo_upload_to, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["starts_at"]
        constraints = [
            # The database itself refuses a second booking of the same installer slot,
            # whatever the purposes and whatever two requests do at the same instant.
            models.UniqueConstraint(
                fields=["installer", "starts_at"],
                condition=models.Q(status="booked"),
                name="installer_slot_booked_once",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status="booked", purpose="installation"),
                name="one_booked_visit_per_application",
            ),
        ]
        indexes = [models.Index(fields=["installer", "status", "starts_at"], name="visit_installer_day")]

    def __str__(self) -> str:
        # In Beijing time, as every page shows the visit (the admin's messages and selects use this).
        return f"{self.get_purpose_display()} {self.application} @ {stamp(self.starts_at)}"


TRAINING_TOPICS = (
    ("sale", _("Make a sale")),
    ("void", _("Void a sale")),
    ("refund", _("Refund a sale")),
    ("settlement", _("Settle at the end of the day")),
    ("paper", _("Change the paper roll")),
    ("errors", _("What to do when the terminal shows an error")),
)


class TrainingRecord(models.Model):
    """The merchant's training, confirmed by the merchant typing their name."""

    application = models.OneToOneField(
        MerchantApplication, on_delete=models.CASCADE, related_name="training", verbose_name=_("application")
    )
    topics = models.JSONField(_("topics covered"), default=list)
    confirmed_by_name = models.CharField(_("confirmed by (merchant's name)"), max_length=100)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("trainer")
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")

    def __str__(self) -> str:
        return f"{self.application} · {self.confirmed_by_name}"
