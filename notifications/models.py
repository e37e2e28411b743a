from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """One message to one person on one channel: the outbox row.

    Written in the same transaction as the change that causes it, so a rolled-back
    change sends nothing, and a committed one is never lost even if the broker is down.
    In-app rows are "sent" once written; the applicant's notification list reads them.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    template = models.CharField(_("template"), max_length=80)
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Names what a periodic job reminded someone of ("idle:42:<since>"): the job may run
    # twice, or overlap itself, and the person still hears of it once.
    key = models.CharField(_("key"), max_length=120, blank=True, default="")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="notif_status_due"),
            # The re-dispatch's selection (pending, oldest due first): only pending rows, a
            # few among millions sent, so the index stays small whatever the outbox holds.
            models.Index(fields=["due_at", "id"], name="notif_pending_due", condition=models.Q(status="pending")),
            # The admin's default order (newest first), read backwards.
            models.Index(fields=["created_at", "id"], name="notif_created"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notif_inbox"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "channel", "key"],
                condition=~models.Q(key=""),
                name="notif_once_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient_id} ({self.channel}, {self.status})"
