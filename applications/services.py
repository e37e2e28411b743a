"""Every write to a merchant application: one keyword-only function per business action.

Each runs in one transaction: lock the row, fire the transition (which writes its
history row), save, write the outbox rows; deliveries start after the commit.
"""

import hashlib
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role, has_role, is_staff_member
from core.errors import ConditionsNotMet, InvalidState, RoleRefused
from notifications.services import notify

from . import hooks, versions
from .choices import APPLICANT_EDITABLE_STATES, DocumentKind, ReviewCheck, Status
from .models import (
    CONSENT_VERSION,
    ApplicationDocument,
    AuditEvent,
    ConsentRecord,
    MerchantApplication,
    ReviewNote,
)
from .uploads import CleanFile, clean_upload
from .workflow import check, fire, locked


def _tell_applicant(application: MerchantApplication, template: str, **extra: str) -> None:
    notify(
        recipient=application.applicant,
        template=template,
        context={"reference": application.reference, **extra},
    )


# --- Drafts -----------------------------------------------------------------------------


def application_create(*, applicant: User) -> MerchantApplication:
    if not has_role(applicant, Role.APPLICANT) and not applicant.is_superuser:
        raise RoleRefused(_("Only an applicant account can start an application."))
    with transaction.atomic():
        return MerchantApplication.objects.create(
            applicant=applicant, mobile=applicant.mobile, legal_name=applicant.get_full_name()
        )


def _locked_for_its_applicant(
    application: MerchantApplication, by: User, *, refused: str, closed: str
) -> MerchantApplication:
    """The application locked, if `by` is its applicant (or an administrator) and it is theirs to edit."""
    app = locked(application, by=by)
    if app.applicant_id != by.pk and not by.is_superuser:
        raise RoleRefused(refused % app.reference)
    if app.status not in APPLICANT_EDITABLE_STATES:
        raise InvalidState(closed % {"ref": app.reference, "status": app.get_status_display()})
    return app


def application_save_fields(
    *, application: MerchantApplication, by: User, fields: dict[str, object]
) -> MerchantApplication:
    """Save one step of the form. Only the applicant, only while the application is theirs to edit."""
    with transaction.atomic():
        app = _locked_for_its_applicant(
            application,
            by,
            refused=_("Only the applicant can change application %s."),
            closed=_("Application %(ref)s is “%(status)s”: it can no longer be changed."),
        )
        protected = {"status", "applicant", "reviewer", "merchant_id", "reference", "id", "pk"}
        unknown = set(fields) & protected
        assert not unknown, f"not editable by the applicant: {unknown}"
        for name, value in fields.items():
            setattr(app, name, value)
        app.save(update_fields=[*fields, "updated_at"])
        return app


def application_record_consent(*, application: MerchantApplication, by: User) -> ConsentRecord:
    with transaction.atomic():
        app = locked(application, by=by)
        # An administrator may record a consent given on paper; the record names who recorded it.
        if app.applicant_id != by.pk and not by.is_superuser:
            raise RoleRefused(_("Only the applicant can give consent for application %s.") % app.reference)
        consent, _created = ConsentRecord.objects.get_or_create(
            application=app, version=CONSENT_VERSION, defaults={"user": by}
        )
        return consent


def document_upload(
    *, application: MerchantApplication, by: User, kind: str, upload: UploadedFile
) -> ApplicationDocument:
    """Store one document (replacing the earlier one of its kind), cleaned and renamed.

    Raises django's ValidationError for a refused file, with what is accepted.
    """
    return _store_documents(application=application, by=by, cleaned={kind: clean_upload(upload)})[0]


def documents_upload(
    *, application: MerchantApplication, by: User, uploads: Mapping[str, UploadedFile]
) -> list[ApplicationDocument]:
    """Store the documents sent together (one form): every one of them, or none.

    Raises ValidationError({kind: [why]}) naming each refused file; then nothing is stored.
    """
    cleaned: dict[str, CleanFile] = {}
    refused: dict[str, list[ValidationError]] = {}
    for kind, upload in uploads.items():
        try:
            cleaned[kind] = clean_upload(upload)  # before any lock: the slow part touches no row
        except ValidationError as exc:
            refused[kind] = exc.error_list
    if refused:
        raise ValidationError(refused)
    return _store_documents(application=application, by=by, cleaned=cleaned)


def _store_documents(
    *, application: MerchantApplication, by: User, cleaned: dict[str, CleanFile]
) -> list[ApplicationDocument]:
    if any(kind not in DocumentKind.values for kind in cleaned):
        raise ConditionsNotMet(_("This document needs:"), missing=[_("a known document kind")])
    # Files are written before their rows (a row never names a missing file). Django has no
    # hook for a rollback, so the files this call wrote go when its transaction fails.
    written: list[tuple[Storage, str]] = []
    try:
        with transaction.atomic():
            app = _locked_for_its_applicant(
                application,
                by,
                refused=_("Only the applicant can add documents to application %s."),
                closed=_("Application %(ref)s is “%(status)s”: its documents can no longer be changed."),
            )
            return [_store_document(app, by, kind, clean, written) for kind, clean in cleaned.items()]
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def _store_document(
    app: MerchantApplication, by: User, kind: str, cleaned: CleanFile, written: list[tuple[Storage, str]]
) -> ApplicationDocument:
    old = ApplicationDocument.objects.filter(application=app, kind=kind).first()
    if old:
        old_name, old_storage = old.file.name, old.file.storage
        old.delete()
        # The old file goes only once the replacement is committed.
        transaction.on_commit(lambda: old_storage.delete(old_name))
    document = ApplicationDocument(
        application=app,
        kind=kind,
        content_type=cleaned.content_type,
        size=len(cleaned.content),
        sha256=hashlib.sha256(cleaned.content).hexdigest(),
        uploaded_by=by,
    )
    document.file.save(f"upload{cleaned.extension}", ContentFile(cleaned.content), save=False)
    written.append((document.file.storage, document.file.name))
    document.save()
    audit(application=app, actor=by, action="document.uploaded", kind=kind, replaced=bool(old))
    return document


# --- Applicant transitions ------------------------------------------------------------------


def application_submit(
    *, application: MerchantApplication, by: User, origin: hooks.Origin | None = None
) -> MerchantApplication:
    with transaction.atomic():
        app = locked(application, by=by)
        fire(app, "submit", by=by)
        # What was sent, so that a reviewer sees what changed when it comes back (versions.py).
        versions.record(app)
        _tell_applicant(app, "application.submitted")
        hooks.submitted(app, by, origin)  # after the commit: the automatic checks (verification)
        return app


def application_withdraw(*, application: MerchantApplication, by: User, message: str = "") -> MerchantApplication:
    with transaction.atomic():
        app = locked(application, by=by)
        fire(app, "withdraw", by=by, description=message)
        _tell_applicant(app, "application.withdrawn")
        return app


# --- Reviewer transitions ----------------------------------------------------------------


def application_claim(*, application: MerchantApplication, by: User) -> MerchantApplication:
    with transaction.atomic():
        app = locked(application, by=by)
        if app.status == Status.SUBMITTED and (why := hooks.refusal(hooks.CLAIM, app, by)):
            raise RoleRefused(str(why))  # a case routed to someone else (verification: a senior reviewer)
        fire(app, "claim", by=by)
        _tell_applicant(app, "application.claimed")
        return app


def application_release(*, application: MerchantApplication, by: User, message: str = "") -> MerchantApplication:
    with transaction.atomic():
        app = locked(application, by=by)
        fire(app, "release", by=by, description=message)
        return app


def application_approve(*, application: MerchantApplication, by: User, message: str = "") -> MerchantApplication:
    with transaction.atomic():
        app = locked(application, by=by)
        check(app, "approve", by=by)  # refuse before reserving a merchant ID
        if why := hooks.refusal(hooks.APPROVE, app, by):
            raise ConditionsNotMet(str(why))  # the automatic checks still running (verification)
        fire(app, "approve", by=by, description=message, merchant_id=_next_merchant_id(app))
        _tell_applicant(app, "application.approved", merchant_id=app.merchant_id or "")
        return app


def application_reject(*, application: MerchantApplication, by: User, reason: str, message: str) -> MerchantApplication:
    with transaction.atomic():
        app = locked(application, by=by)
        fire(app, "reject", by=by, description=message, reason=reason)
        _tell_applicant(app, "application.rejected", message=message)
        return app


def application_request_changes(
    *, application: MerchantApplication, by: User, fields: list[str], message: str
) -> MerchantApplication:
    with transaction.atomic():
        app = locked(application, by=by)
        fire(app, "request_changes", by=by, description=message, fields=fields)
        _tell_applicant(app, "application.changes_requested", message=message)
        return app


# --- Support transitions ---------------------------------------------------------------------


def application_suspend(*, application: MerchantApplication, by: User, message: str) -> MerchantApplication:
    with transaction.atomic():
        app = locked(application, by=by)
        fire(app, "suspend", by=by, description=message)
        _tell_applicant(app, "terminal.suspended", message=message)
        return app


def application_reinstate(*, application: MerchantApplication, by: User, message: str = "") -> MerchantApplication:
    with transaction.atomic():
        app = locked(application, by=by)
        fire(app, "reinstate", by=by, description=message)
        _tell_applicant(app, "terminal.reinstated")
        return app


# --- Review work that is not a transition ---------------------------------------------------

REVIEW_CHECKLIST = tuple(ReviewCheck.values)


def application_save_checklist(
    *, application: MerchantApplication, by: User, checks: dict[str, bool]
) -> MerchantApplication:
    """Record the reviewer's checklist. Only the reviewer holding the application, while in review."""
    unknown = set(checks) - set(REVIEW_CHECKLIST)
    assert not unknown, f"not on the checklist: {unknown}"
    with transaction.atomic():
        app = locked(application)
        _require_holder(app, by)
        app.review_checklist = {
            **{key: bool(checks.get(key)) for key in REVIEW_CHECKLIST},
            "by": by.pk,
            "at": timezone.now().isoformat(),
        }
        app.save(update_fields=["review_checklist", "updated_at"])
        audit(
            application=app,
            actor=by,
            action="review.checklist",
            **{k: app.review_checklist[k] for k in REVIEW_CHECKLIST},
        )
        return app


def review_note_add(*, application: MerchantApplication, by: User, text: str) -> ReviewNote:
    """An internal note by a member of staff; the applicant never sees it."""
    text = (text or "").strip()
    if not is_staff_member(by):
        raise RoleRefused(_("Only staff can write internal notes."))
    if not text:
        raise ConditionsNotMet(_("This note needs:"), missing=[_("some text")])
    with transaction.atomic():
        return ReviewNote.objects.create(application=application, author=by, text=text)


def _require_holder(app: MerchantApplication, by: User) -> None:
    if app.status != Status.IN_REVIEW:
        raise InvalidState(
            _("Application %(ref)s is “%(status)s”: only an application in review can be checked.")
            % {"ref": app.reference, "status": app.get_status_display()}
        )
    if app.reviewer_id != by.pk and not by.is_superuser:
        if app.reviewer is None:
            raise RoleRefused(_("Claim application %s before you check it.") % app.reference)
        raise RoleRefused(
            _("Only %(name)s, who holds application %(ref)s, can check it.")
            % {"name": app.reviewer, "ref": app.reference}
        )


def audit(*, application: MerchantApplication | None, actor: User | None, action: str, **detail: object) -> None:
    AuditEvent.objects.create(application=application, actor=actor, action=action, detail=detail)


# --- Merchant IDs ---------------------------------------------------------------------------


def _next_merchant_id(app: MerchantApplication) -> str:
    """A 15-digit MID: acquirer code (3), province (2), 00, MCC (4), serial (4).

    The serial is the next free one for that prefix. Approvals run under the row lock of
    their own application only, so two approvals in the same prefix can pick the same
    serial: the unique constraint catches it and the save is retried by the caller's
    savepoint below.
    """
    prefix = f"{settings.ACQUIRER_INSTITUTION_CODE}{app.province or '00'}00{app.category or '0000'}"
    last = MerchantApplication.objects.filter(merchant_id__startswith=prefix).aggregate(m=Max("merchant_id")).get("m")
    serial = int(last[-4:]) + 1 if last else 1
    if serial > 9999:
        raise InvalidState(_("No merchant ID is left for prefix %s: call the acquirer.") % prefix)
    candidate = f"{prefix}{serial:04d}"
    # Reserve it now so that a concurrent approval fails here, not at the final save.
    try:
        with transaction.atomic():
            MerchantApplication.objects.filter(pk=app.pk).update(merchant_id=candidate)
    except IntegrityError:
        return _next_merchant_id(app)
    return candidate
