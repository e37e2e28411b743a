from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import MerchantApplication


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Done")


class InstallationAppointment(models.Model):
    """A visit of one installer to one merchant at one time."""

    application = models.ForeignKey(MerchantApplication, on_delete=models.CASCADE, related_name="appointments")
    installer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("installer")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("installation appointment")
        verbose_name_plural = _("installation appointments")
        ordering = ["starts_at"]
        constraints = [
            # The database itself refuses a second booking of the same installer slot,
            # whatever two requests do at the same instant.
            models.UniqueConstraint(
                fields=["installer", "starts_at"],
                condition=models.Q(status="booked"),
                name="installer_slot_booked_once",
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status="booked"),
                name="one_booked_visit_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} @ {self.starts_at:%Y-%m-%d %H:%M}"


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

    application = models.OneToOneField(MerchantApplication, on_delete=models.CASCADE, related_name="training")
    topics = models.JSONField(_("topics covered"), default=list)
    confirmed_by_name = models.CharField(_("confirmed by (merchant's name)"), max_length=100)
    trainer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")

    def __str__(self) -> str:
        return f"{self.application} · {self.confirmed_by_name}"
