"""Writes of the notifications context: enqueue (the outbox), deliver, re-dispatch."""

import logging
import smtplib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import remember_role_names
from accounts.validators import normalize_cn_mobile
from core.masking import mask_mobile

from . import outgoing as letters
from .messages import TemplateError, channels_for, render, storable
from .models import Channel, DeliveryStatus, Notification
from .selectors import UNREAD_ATTRIBUTE
from .sms import BaseSmsBackend, SmsMessage, SmsRefused
from .sms import get_backend as get_sms_backend

logger = logging.getLogger(__name__)

# A retried delivery waits 30 s, 1, 2, 4, 8 min...; the row is failed after the last try.
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(minutes=10)
# A message may reach a worker a moment before the due time its row holds (clocks differ).
EARLY_TOLERANCE = timedelta(seconds=5)
# Rows per delivery task: enough to spread the cost of a task and a connection, few enough
# that a batch of slow SMTP answers stays within the task's time limit.
DELIVERY_BATCH = 100


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
        dispatch_on_commit(pending_ids)
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


def dispatch(ids: list[int], *, countdown: float | None = None) -> int:
    """Hand rows to the broker, a batch per message. Returns how many rows were handed over;
    the rest stay pending (the periodic re-dispatch sends them)."""
    from .tasks import deliver_notifications

    for start in range(0, len(ids), DELIVERY_BATCH):
        batch = ids[start : start + DELIVERY_BATCH]
        try:
            deliver_notifications.apply_async(args=[batch], countdown=countdown)
        except Exception:
            # Broker down: stop at the first failure so that a request does not wait once per batch.
            logger.warning("could not enqueue notifications %s; they stay pending", ids[start:], exc_info=True)
            return start
    return len(ids)


class _Batch:
    """The pending rows one transaction wrote, to be handed to the broker once it commits."""

    def __init__(self) -> None:
        self.ids: list[int] = []


class _DispatchOnCommit:
    def __init__(self, batch: _Batch) -> None:
        self.batch = batch
        self.done = False

    def __call__(self) -> None:
        self.done = True
        ids, self.batch.ids = self.batch.ids, []
        if ids:
            dispatch(ids)


def dispatch_on_commit(ids: list[int]) -> None:
    """Hand the rows over after the commit: one publish per transaction, however many
    notify() calls wrote rows in it (a job notifying a thousand people publishes ten
    messages, not a thousand).

    Each call adds a commit callback, but they share the transaction's batch: the first to
    run publishes every row, the others find nothing left. A rolled-back savepoint takes its
    callbacks away with its rows, never the batch that earlier rows of the transaction are
    in; the ids it added there cost nothing, as delivering a row that does not exist is a no-op.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        dispatch(ids)  # autocommit: the rows are already committed
        return
    # Whatever still waits in the connection's commit callbacks belongs to this transaction.
    batch = (
        next(
            (
                func.batch
                for _savepoints, func, _robust in reversed(connection.run_on_commit)
                if isinstance(func, _DispatchOnCommit) and not func.done
            ),
            None,
        )
        or _Batch()
    )
    batch.ids.extend(ids)
    transaction.on_commit(_DispatchOnCommit(batch))


def redispatch_pending(*, older_than: timedelta = timedelta(minutes=2), limit: int = 1000) -> int:
    """Hand to the broker again the rows that are due but still pending.

    They are rows whose message never reached the broker (Redis was down at the commit) or
    was lost with it, and retries whose message went missing. `older_than` leaves alone
    the rows whose first message is surely still on its way. A row handed over twice is
    still sent once (see deliver_many), so erring towards re-sending is safe.
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


@dataclass
class DeliveryReport:
    """What a batch did: each row it found (as it left it), and the rows to try again when."""

    rows: dict[int, Notification] = field(default_factory=dict)
    retries: dict[int, float] = field(default_factory=dict)  # id -> seconds until the next try

    def retry_groups(self) -> dict[float, list[int]]:
        groups: dict[float, list[int]] = {}
        for pk, delay in self.retries.items():
            groups.setdefault(delay, []).append(pk)
        return groups


def deliver(*, notification_id: int) -> Notification | None:
    """Deliver one outbox row once (see deliver_many). Raises DeliveryFailed when it is to be
    tried again; returns None when the row is missing or another worker holds it."""
    report = deliver_many(notification_ids=[notification_id])
    row = report.rows.get(notification_id)
    if notification_id in report.retries:
        raise DeliveryFailed(row.last_error if row else "", retry_in=report.retries[notification_id])
    return row


def deliver_many(*, notification_ids: Iterable[int]) -> DeliveryReport:
    """Deliver a batch of outbox rows, each once. Safe to run twice, even at the same time.

    The rows are read in one query; each is then locked (SKIP LOCKED), sent and marked in a
    transaction of its own, so a second worker given the same row skips it, and a row
    already sent or failed, or not yet due, is left alone. If the worker dies mid-send, only
    the row in hand rolls back to pending (to be sent by the broker's redelivery or the
    periodic re-dispatch): the rows before it are committed as sent. The batch shares one
    SMTP connection and one SMS client, asks the link registry once per person, and each
    kind of message is translated once.
    """
    now = timezone.now()
    report = DeliveryReport()
    rows = list(Notification.objects.filter(pk__in=sorted(set(notification_ids))).select_related("recipient"))
    rows.sort(key=lambda row: row.pk)
    due = [row for row in rows if _is_due(row, now)]  # the common duplicate: no lock, no write
    outside = [row for row in due if row.channel != Channel.IN_APP]  # e-mails and SMS link to a page
    _one_object_per_person(outside)
    urls = dict(
        zip(
            (row.pk for row in outside),
            letters.page_urls([(row.recipient, row.template, row.context) for row in outside]),
            strict=True,
        )
    )
    for row in rows:
        report.rows[row.pk] = row
    with _Outgoing() as outgoing, _quick_commits():
        for row in due:
            if outgoing.down(row.channel):
                # This batch could not reach the server: the row keeps its attempts and
                # waits with the row that failed, instead of a timeout of its own.
                report.retries[row.pk] = FIRST_RETRY.total_seconds()
                continue
            with transaction.atomic():
                taken = _take(row)
                if taken is None:
                    del report.rows[row.pk]  # another worker is sending it right now
                    continue
                (row.status, row.attempts, row.due_at), marked_sent = taken
                if not _is_due(row, now):
                    transaction.set_rollback(True)  # sent or rescheduled meanwhile: not ours
                    continue
                retry_in = _attempt(row, outgoing, now, urls.get(row.pk, ""))
                if row.status != DeliveryStatus.SENT:
                    row.sent_at = None
                if not (marked_sent and row.status == DeliveryStatus.SENT):
                    Notification.objects.filter(pk=row.pk).update(
                        attempts=row.attempts,
                        status=row.status,
                        sent_at=row.sent_at,
                        last_error=row.last_error,
                        due_at=row.due_at,
                    )
            if retry_in is not None:
                report.retries[row.pk] = retry_in
            if row.status == DeliveryStatus.FAILED:
                logger.warning("notification %s failed: %s", row.pk, row.last_error)
    return report


# Locks the row (SKIP LOCKED) and marks it sent in one statement: what a send that succeeds
# needs written, so that a row costs a BEGIN, this and a COMMIT. It answers the row as it was
# before; the caller rolls the mark back if that row was not due, or writes a failed send over
# it. By the primary key alone: a condition on the status or due time would let the planner walk
# the pending rows' partial index, whose statistics lag behind a job's thousand new rows.
_TAKE_AND_MARK_SENT = """
UPDATE {table} AS marked SET status = %s, attempts = held.attempts + 1, sent_at = %s, last_error = ''
FROM (SELECT id, status, attempts, due_at FROM {table} WHERE id = %s FOR UPDATE SKIP LOCKED) AS held
WHERE marked.id = held.id
RETURNING held.status, held.attempts, held.due_at
"""


def _take(row: Notification) -> tuple[tuple[str, int, datetime], bool] | None:
    """Lock the row for the current transaction: (its status, attempts and due time as they
    were, whether it is now marked sent), or None when another worker holds it."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        row.sent_at = timezone.now()  # the moment its sending starts
        with connection.cursor() as cursor:
            cursor.execute(
                _TAKE_AND_MARK_SENT.format(table=connection.ops.quote_name(Notification._meta.db_table)),
                [DeliveryStatus.SENT.value, row.sent_at, row.pk],
            )
            held = cursor.fetchone()
        return (tuple(held), True) if held else None
    held = (
        Notification.objects.select_for_update(skip_locked=True)
        .filter(pk=row.pk)
        .values_list("status", "attempts", "due_at")
        .first()
    )
    return (held, False) if held else None


def _one_object_per_person(rows: list[Notification]) -> None:
    # The link registry asks each reader's roles: read once for the batch, on one User object
    # per person.
    people: dict[int, User] = {}
    for row in rows:
        row.recipient = people.setdefault(row.recipient_id, row.recipient)
    remember_role_names(people.values())


@contextmanager
def _quick_commits() -> Iterator[None]:
    """PostgreSQL: the batch's commits do not wait for the disk (synchronous_commit off).

    One commit per row keeps a worker's death from undoing rows already sent, and waiting
    for the WAL flush of each was half of a row's cost. Visibility and locks are unchanged,
    so no row is sent twice by two workers; what a crash of PostgreSQL itself (not of a
    worker) may undo is the last fraction of a second of "sent" marks (3 × wal_writer_delay),
    whose rows would then be sent again: the same limit as a worker dying mid-send.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:
            logger.debug("could not reset synchronous_commit", exc_info=True)  # a broken connection: closed anyway


def _is_due(row: Notification, now: datetime) -> bool:
    return row.status == DeliveryStatus.PENDING and row.due_at <= now + EARLY_TOLERANCE


def _attempt(row: Notification, outgoing: "_Outgoing", now: datetime, url: str) -> float | None:
    """Send the row and record the outcome on it; returns the seconds until a retry, if any."""
    row.attempts += 1
    try:
        _send(row, outgoing, url)
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
            return delay.total_seconds()
    else:
        row.status = DeliveryStatus.SENT
        row.sent_at = row.sent_at or timezone.now()  # PostgreSQL: as _take marked it
        row.last_error = ""
    return None


class _Outgoing:
    """The channels of one batch: one SMTP connection and one SMS client for all its rows.

    A channel that fails for a reason other than the server's answer (it cannot be reached,
    it timed out) is down for the rest of the batch: each further row would wait for the
    same timeout, and the task would outlive its time limit.
    """

    def __init__(self) -> None:
        self._mail: BaseEmailBackend | None = None
        self._sms: BaseSmsBackend | None = None
        self._down: set[str] = set()

    def __enter__(self) -> "_Outgoing":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._close_mail()

    def down(self, channel: str) -> bool:
        return channel in self._down

    def email(self, message: EmailMessage) -> None:
        try:
            if self._mail is None:
                self._mail = get_connection()
                self._mail.open()
            self._mail.send_messages([message])
        except smtplib.SMTPResponseException:
            raise  # the server answered: the connection is still good
        except Exception:
            self._down.add(Channel.EMAIL)
            self._close_mail()
            raise

    def sms(self, message: SmsMessage) -> None:
        try:
            if self._sms is None:
                self._sms = get_sms_backend()
            self._sms.send_messages([message])
        except SmsRefused:
            raise
        except Exception:
            self._down.add(Channel.SMS)
            raise

    def _close_mail(self) -> None:
        if self._mail is not None:
            try:
                self._mail.close()
            except Exception:
                logger.debug("closing the SMTP connection failed", exc_info=True)
            self._mail = None


def _send(row: Notification, outgoing: _Outgoing, url: str) -> None:
    if row.channel == Channel.EMAIL:
        subject, text = letters.email(row.recipient, row.template, row.context, row.language, url)
        _send_email(outgoing, row.recipient.email, subject, text)
    elif row.channel == Channel.SMS:
        text = letters.sms(row.recipient, row.template, row.context, row.language, url)
        try:
            mobile = normalize_cn_mobile(row.recipient.mobile)
        except ValidationError as exc:
            raise PermanentFailure(_("Invalid mobile number %s.") % mask_mobile(row.recipient.mobile)) from exc
        try:
            outgoing.sms(SmsMessage(to=mobile, text=text))
        except SmsRefused as exc:
            raise PermanentFailure(_("The SMS gateway refused the message: %s") % exc) from exc
    else:
        render(row.template, row.context, row.language)


def _send_email(outgoing: _Outgoing, address: str, subject: str, body: str) -> None:
    try:
        validate_email(address)
    except ValidationError as exc:
        raise PermanentFailure(_("Invalid email address %s.") % address) from exc
    try:
        outgoing.email(EmailMessage(subject, body, None, [address]))
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
            dispatch_on_commit(ids)
    return len(ids)


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark a person's in-app messages read (all of them, or those given); returns how many changed.

    Only the person's own unread rows are touched, so a second click changes nothing.
    """
    rows = Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    changed = rows.update(read_at=timezone.now())
    user.__dict__.pop(UNREAD_ATTRIBUTE, None)  # the badge read with the roles is this request's no longer
    return changed
