"""Writes of the notifications context: enqueue (the outbox) and deliver."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .messages import TemplateError, render
from .models import Channel, DeliveryStatus, Notification

logger = logging.getLogger(__name__)

DEFAULT_CHANNELS = (Channel.IN_APP, Channel.EMAIL)


def notify(
    *,
    recipient: User,
    template: str,
    context: dict,
    channels: Iterable[Channel] = DEFAULT_CHANNELS,
) -> list[Notification]:
    """Write outbox rows for one person, and schedule their delivery after the commit.

    Call it inside the transaction of the change that causes the message: if that
    change rolls back, so do these rows, and nothing is sent.
    """
    now = timezone.now()
    rows = [
        Notification(
            recipient=recipient,
            channel=channel,
            template=template,
            context=context,
            language=recipient.preferred_language or settings.LANGUAGE_CODE,
            # In-app messages are delivered by being written.
            status=DeliveryStatus.SENT if channel == Channel.IN_APP else DeliveryStatus.PENDING,
            sent_at=now if channel == Channel.IN_APP else None,
        )
        for channel in channels
        if channel != Channel.EMAIL or recipient.email
    ]
    created = Notification.objects.bulk_create(rows)
    pending_ids = [n.pk for n in created if n.status == DeliveryStatus.PENDING]
    if pending_ids:
        transaction.on_commit(lambda: _dispatch(pending_ids))
    return created


def _dispatch(ids: list[int]) -> None:
    from .tasks import deliver_notification

    for pk in ids:
        try:
            deliver_notification.delay(pk)
        except Exception:
            # Broker down: the row stays pending and the periodic re-dispatch sends it later.
            logger.warning("could not enqueue notification %s; it stays pending", pk, exc_info=True)


class DeliveryFailed(Exception):
    """A delivery attempt failed in a way worth retrying (the row says why)."""


def deliver(*, notification_id: int) -> Notification | None:
    """Deliver one outbox row once. Safe to run twice: a row already sent is left alone.

    The row stays locked while it is sent, so two workers given the same row send once.
    """
    failure: Exception | None = None
    with transaction.atomic():
        row = Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        if row is None or row.status != DeliveryStatus.PENDING:
            return row
        row.attempts += 1
        try:
            _send(row)
        except TemplateError as exc:
            # Retrying cannot mend a broken template: fail now, visibly.
            row.status = DeliveryStatus.FAILED
            row.last_error = str(exc)
        except Exception as exc:
            row.last_error = f"{type(exc).__name__}: {exc}"
            failure = exc
        else:
            row.status = DeliveryStatus.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
        row.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    if failure is not None:
        raise DeliveryFailed(row.last_error) from failure
    return row


def _send(row: Notification) -> None:
    subject, body = render(row.template, row.context, row.language)
    if row.channel == Channel.EMAIL:
        send_mail(subject, body, None, [row.recipient.email])
    elif row.channel == Channel.SMS:
        raise TemplateError("no SMS backend configured")


def mark_failed(*, notification_id: int, error: str) -> None:
    Notification.objects.filter(pk=notification_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error=error
    )


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark a person's in-app messages read (all of them, or those given); returns how many changed.

    Only the person's own unread rows are touched, so a second click changes nothing.
    """
    rows = Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
