"""Writes of the notifications context: enqueue (the outbox), deliver, re-dispatch."""

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.masking import mask_mobile
from accounts.models import User
from accounts.validators import normalize_cn_mobile

from .messages import TemplateError, channels_for, render, storable
from .models import Channel, DeliveryStatus, Notification
from .sms import SmsRefused, send_sms

logger = logging.getLogger(__name__)

# A retried delivery waits 30 s, 1, 2, 4, 8 min...; the row is failed after the last try.
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(minutes=10)
# A message may reach a worker a moment before the due time its row holds (clocks differ).
EARLY_TOLERANCE = timedelta(seconds=5)


def notify(
    *,
    recipient: User,
    template: str,
    context: dict,
    channels: Iterable[Channel] | None = None,
    key: str = "",
) -> list[Notification]:
    """Write outbox rows for one person, and schedule their delivery after the commit.

    Call it inside the transaction of the change that causes the message: if that
    change rolls back, so do these rows, and nothing is sent. It never raises for a
    bad template or address: those rows fail on delivery, with the reason, and the
    change that caused them stands.

    `key`, given by periodic jobs, makes the message once-only per person and channel.
    """
    now = timezone.now()
    context = {name: storable(value) for name, value in context.items()}
    wanted = [
        channel
        for channel in (channels if channels is not None else channels_for(template))
        if (channel != Channel.EMAIL or recipient.email) and (channel != Channel.SMS or recipient.mobile)
    ]
    if key:
        done = set(Notification.objects.filter(recipient=recipient, key=key).values_list("channel", flat=True))
        wanted = [channel for channel in wanted if channel not in done]
    rows = [
        Notification(
            recipient=recipient,
            channel=channel,
            template=template,
            context=context,
            language=recipient.preferred_language or settings.LANGUAGE_CODE,
            status=DeliveryStatus.PENDING,
            due_at=now,
            key=key,
        )
        for channel in wanted
    ]
    for row in rows:
        if row.channel == Channel.IN_APP:
            _deliver_in_app(row, now)
    if key:
        try:
            # A savepoint: a concurrent run of the same job loses the race quietly,
            # without breaking the caller's transaction.
            with transaction.atomic():
                created = Notification.objects.bulk_create(rows)
        except IntegrityError:
            return []
    else:
        created = Notification.objects.bulk_create(rows)
    pending_ids = [n.pk for n in created if n.status == DeliveryStatus.PENDING]
    if pending_ids:
        transaction.on_commit(lambda: dispatch(pending_ids))
    return created


def _deliver_in_app(row: Notification, now: datetime) -> None:
    """In-app messages are delivered by being written; a broken template fails them now."""
    try:
        render(row.template, row.context, row.language)
    except TemplateError as exc:
        row.status = DeliveryStatus.FAILED
        row.last_error = str(exc)
    else:
        row.status = DeliveryStatus.SENT
        row.sent_at = now


def dispatch(ids: list[int]) -> int:
    """Hand rows to the broker. Returns how many were handed over; the rest stay pending."""
    from .tasks import deliver_notification

    for done, pk in enumerate(ids):
        try:
            deliver_notification.delay(pk)
        except Exception:
            # Broker down: the rows stay pending and the periodic re-dispatch sends them later.
            # Stop at the first failure so that a request does not wait once per row.
            logger.warning("could not enqueue notifications %s; they stay pending", ids[done:], exc_info=True)
            return done
    return len(ids)


def redispatch_pending(*, older_than: timedelta = timedelta(minutes=2), limit: int = 1000) -> int:
    """Hand to the broker again the rows that are due but still pending.

    They are rows whose message never reached the broker (Redis was down at the commit) or
    was lost with it, and retries whose message went missing. `older_than` leaves alone
    the rows whose first message is surely still on its way. A row handed over twice is
    still sent once (see deliver), so erring towards re-sending is safe.
    """
    now = timezone.now()
    with transaction.atomic():
        # Rows locked by a worker are being delivered right now: not ours to hand over.
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, due_at__lte=now - older_than)
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        # Moving the due time spaces out the next re-dispatch of the same rows.
        Notification.objects.filter(pk__in=ids).update(due_at=now)
    return dispatch(ids) if ids else 0


class DeliveryFailed(Exception):
    """A delivery attempt failed in a way worth retrying (the row says why and when)."""

    def __init__(self, message: str, *, retry_in: float) -> None:
        super().__init__(message)
        self.retry_in = retry_in


class PermanentFailure(Exception):
    """Retrying cannot help: a bad address, a refused recipient, a broken template."""


def retry_delay(attempts: int) -> timedelta:
    return min(LONGEST_RETRY, FIRST_RETRY * 2 ** max(0, attempts - 1))


def deliver(*, notification_id: int) -> Notification | None:
    """Deliver one outbox row once. Safe to run twice, even at the same time.

    The row stays locked while it is sent, so a second worker given the same row skips
    it; a row already sent or failed, or not yet due, is left alone. If the worker dies
    mid-send, the transaction rolls back and the row is pending again, to be sent by
    the broker's redelivery or the periodic re-dispatch.
    """
    now = timezone.now()
    retry_in: float | None = None
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if row is None or row.status != DeliveryStatus.PENDING or row.due_at > now + EARLY_TOLERANCE:
            return row
        row.attempts += 1
        try:
            _send(row)
        except (PermanentFailure, TemplateError) as exc:
            row.status = DeliveryStatus.FAILED
            row.last_error = str(exc)
        except Exception as exc:
            row.last_error = f"{type(exc).__name__}: {exc}"
            if row.attempts >= MAX_ATTEMPTS:
                row.status = DeliveryStatus.FAILED
                row.last_error = _("Gave up after %(n)d attempts. Last error: %(error)s") % {
                    "n": row.attempts,
                    "error": row.last_error,
                }
            else:
                delay = retry_delay(row.attempts)
                row.due_at = now + delay
                retry_in = delay.total_seconds()
        else:
            row.status = DeliveryStatus.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
        row.save(update_fields=["attempts", "status", "sent_at", "last_error", "due_at"])
    if row.status == DeliveryStatus.FAILED:
        logger.warning("notification %s failed: %s", row.pk, row.last_error)
    if retry_in is not None:
        raise DeliveryFailed(row.last_error, retry_in=retry_in)
    return row


def _send(row: Notification) -> None:
    subject, body = render(row.template, row.context, row.language)
    if row.channel == Channel.EMAIL:
        _send_email(row.recipient.email, subject, body)
    elif row.channel == Channel.SMS:
        try:
            mobile = normalize_cn_mobile(row.recipient.mobile)
        except ValidationError as exc:
            raise PermanentFailure(_("Invalid mobile number %s.") % mask_mobile(row.recipient.mobile)) from exc
        try:
            send_sms(to=mobile, text=f"【POS Portal】{body}")
        except SmsRefused as exc:
            raise PermanentFailure(_("The SMS gateway refused the message: %s") % exc) from exc


def _send_email(address: str, subject: str, body: str) -> None:
    try:
        validate_email(address)
    except ValidationError as exc:
        raise PermanentFailure(_("Invalid email address %s.") % address) from exc
    try:
        EmailMessage(subject, body, None, [address]).send()
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentFailure(_("The mail server refused the recipient: %s") % _smtp_reason(exc)) from exc
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            raise PermanentFailure(_("The mail server refused the message: %s") % _smtp_reason(exc)) from exc
        raise  # 4xx: the server asks us to try again later


def _smtp_reason(exc: smtplib.SMTPException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{code} {_decode(msg)}" for code, msg in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_decode(exc.smtp_error)}"
    return str(exc)


def _decode(message: bytes | str) -> str:
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)


def requeue(*, notification_ids: Iterable[int]) -> int:
    """Staff send failed rows again (after fixing an address or a template): a new set of tries."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(notification_ids), status=DeliveryStatus.FAILED)
            .exclude(channel=Channel.IN_APP)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, due_at=timezone.now(), last_error=""
        )
        if ids:
            transaction.on_commit(lambda: dispatch(ids))
    return len(ids)


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark a person's in-app messages read (all of them, or those given); returns how many changed.

    Only the person's own unread rows are touched, so a second click changes nothing.
    """
    rows = Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
