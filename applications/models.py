import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.models import User
from accounts.roles import Role, has_role, is_staff_member
from accounts.validators import validate_cn_mobile
from core import texts
from core.choices import Province, TerminalModel
from core.errors import ConditionsNotMet
from core.fields import BlindIndexField, EncryptedCharField, SealedNumbersMixin, SealedQuerySet
from core.time import stamp

from .choices import LICENSED_BUSINESS_TYPES, BusinessType, Category, DocumentKind, RejectionReason, ReviewCheck, Status
from .validators import (
    validate_card_number,
    validate_credit_code,
    validate_id_number,
    validate_merchant_id,
)

# Bump when the wording of the consent to process sensitive personal information changes;
# applicants must consent to the version in force before they submit.
CONSENT_VERSION = "2026-11-01"

_REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


# What the applicant fills in, in the order of the form's steps. The admin's data fieldset
# and what a reviewer may ask to fix are derived from it; a test keeps the step forms to it.
APPLICANT_FIELDS = (
    "legal_name", "id_number", "mobile",
    "business_type", "business_name", "credit_code", "category", "province", "city", "district", "street",
    "bank_name", "bank_branch", "account_holder", "card_number",
    "terminal_model", "install_at_business_address", "install_province", "install_city", "install_district",
    "install_street", "preferred_windows",
)  # fmt: skip


def new_reference() -> str:
    return "PA-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(8))


@dataclass(frozen=True)
class Problem:
    """Something that stops a submission: which step fixes it, which field, and why."""

    step: str
    field: str
    message: str


# --- Who may fire a transition (django-fsm permission callables) --------------------
# Administrators (superusers) may fire every transition: they carry applications through
# the admin on behalf of people (paper forms, an absent reviewer). The history row says who.


def _or_admin(rule: Callable[["MerchantApplication", User], bool]) -> Callable:
    def permission(app: "MerchantApplication", user: User) -> bool:
        if not (user.is_authenticated and user.is_active):
            return False
        return user.is_superuser or rule(app, user)

    permission.__name__ = rule.__name__
    return permission


@_or_admin
def _is_owner(app: "MerchantApplication", user: User) -> bool:
    return app.applicant_id == user.pk


@_or_admin
def _is_reviewer(app: "MerchantApplication", user: User) -> bool:
    return has_role(user, Role.REVIEWER)


@_or_admin
def _is_holder(app: "MerchantApplication", user: User) -> bool:
    return has_role(user, Role.REVIEWER) and app.reviewer_id == user.pk


@_or_admin
def _is_owner_or_staff(app: "MerchantApplication", user: User) -> bool:
    return app.applicant_id == user.pk or is_staff_member(user)


@_or_admin
def _is_installer(app: "MerchantApplication", user: User) -> bool:
    return has_role(user, Role.INSTALLER)


@_or_admin
def _is_support_or_staff(app: "MerchantApplication", user: User) -> bool:
    return is_staff_member(user)


# --- Conditions, each able to say what is missing --------------------------------------


def _explained(explain: Callable[["MerchantApplication"], list[str]]) -> Callable:
    """A django-fsm condition that can also list, in words, what it lacks."""

    def condition(app: "MerchantApplication") -> bool:
        return not explain(app)

    condition.explain = explain  # type: ignore[attr-defined]
    return condition


is_complete = _explained(lambda app: [p.message for p in app.submission_problems()])
has_consent = _explained(
    lambda app: (
        []
        if app.has_current_consent()
        else [_t("Consent to the processing of sensitive personal information (version %s).") % CONSENT_VERSION]
    )
)
# The checklist counts only when ticked by the reviewer who holds the application now:
# ticks from before a change request or from another reviewer do not carry over.
checklist_done = _explained(lambda app: app.checklist_missing())
has_merchant_id = _explained(lambda app: [] if app.merchant_id else [_t("A merchant ID (MID) must be issued.")])


def _require(**values: object) -> None:
    """Refuse a transition whose arguments lack something, naming each missing thing."""
    missing = [label for label, value in values.items() if not value]
    if missing:
        raise ConditionsNotMet(_t("This action needs:"), missing=missing)


def document_upload_to(instance: "ApplicationDocument", filename: str) -> str:
    # The stored name is made by the server: nothing the uploader typed reaches the disk.
    suffix = PurePath(filename).suffix.lower()[:6]
    return f"documents/{instance.application_id}/{uuid.uuid4().hex}{suffix}"


class MerchantApplication(SealedNumbersMixin, ConcurrentTransitionMixin, models.Model):
    """A merchant's application for a POS terminal, from draft to a live terminal.

    `status` is protected: only transitions change it, and only services call them.
    The integer primary key is internal (django-fsm-log needs it); people see `reference`.
    """

    reference = models.CharField(_("reference"), max_length=12, unique=True, default=new_reference, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    status = FSMField(_("status"), max_length=32, choices=Status.choices, default=Status.DRAFT, protected=True)
    status_changed_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)

    # Personal
    legal_name = models.CharField(_("legal name"), max_length=100, blank=True)
    id_number = EncryptedCharField(
        _("resident ID number"),
        max_length=18,
        blank=True,
        validators=[validate_id_number],
        blind_index="id_number_index",
    )
    mobile = EncryptedCharField(
        _("mobile"), max_length=16, blank=True, validators=[validate_cn_mobile], blind_index="mobile_index"
    )

    # Business
    business_type = models.CharField(_("business type"), max_length=20, choices=BusinessType.choices, blank=True)
    business_name = models.CharField(_("business name"), max_length=120, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    category = models.CharField(_("business category"), max_length=4, choices=Category.choices, blank=True)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    district = models.CharField(_("district"), max_length=60, blank=True)
    # The district chosen from the division table (GB/T 2260); city and district above hold its
    # names, which every page shows. Empty for an address typed before the list existed.
    district_code = models.CharField(_("district code"), max_length=6, blank=True)
    street = models.CharField(_("street address"), max_length=200, blank=True)

    # Settlement account
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_branch = models.CharField(_("branch"), max_length=120, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=120, blank=True)
    card_number = EncryptedCharField(
        _("bank card number"),
        max_length=19,
        blank=True,
        validators=[validate_card_number],
        blind_index="card_number_index",
    )
    # Keyed blind indexes of the three numbers (core.crypto): exact search and duplicates.
    id_number_index = BlindIndexField(source="id_number")
    mobile_index = BlindIndexField(source="mobile")
    card_number_index = BlindIndexField(source="card_number")

    # Terminal and installation
    terminal_model = models.CharField(_("terminal model"), max_length=20, choices=TerminalModel.choices, blank=True)
    install_at_business_address = models.BooleanField(_("install at the business address"), default=True)
    install_province = models.CharField(_("installation province"), max_length=2, choices=Province.choices, blank=True)
    install_city = models.CharField(_("installation city"), max_length=60, blank=True)
    install_district = models.CharField(_("installation district"), max_length=60, blank=True)
    install_district_code = models.CharField(_("installation district code"), max_length=6, blank=True)
    install_street = models.CharField(_("installation street address"), max_length=200, blank=True)
    preferred_windows = models.JSONField(_("preferred time windows"), default=list, blank=True)

    # Review
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="held_applications",
        verbose_name=_("held by"),
    )
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    review_checklist = models.JSONField(_("review checklist"), default=dict, blank=True)
    merchant_id = models.CharField(
        _("merchant ID (MID)"),
        max_length=15,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_merchant_id],
    )
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    decision_message = models.TextField(_("message to the applicant"), blank=True)
    changes_requested_fields = models.JSONField(_("fields and documents to fix"), default=list, blank=True)
    status_message = models.TextField(_("reason of the last status change"), blank=True)

    objects = SealedQuerySet.as_manager()

    class Meta:
        verbose_name = _("merchant application")
        verbose_name_plural = _("merchant applications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "status_changed_at"], name="app_status_age"),
            models.Index(fields=["reviewer", "status"], name="app_reviewer_status"),
            models.Index(fields=["id_number_index"], name="app_id_number_index"),
            models.Index(fields=["card_number_index"], name="app_card_number_index"),
            models.Index(fields=["mobile_index"], name="app_mobile_index"),
            # The reviewer queue's "All" tab and the admin changelist read the oldest or the
            # newest rows first across every state: without these they sort the whole table.
            models.Index(fields=["status_changed_at", "id"], name="app_age"),
            models.Index(fields=["created_at"], name="app_created"),
            # Applications waiting for a decision (the SLA filter, the dashboard's breaches):
            # a few thousand rows of a large table, read without walking the rest.
            models.Index(
                fields=["status_changed_at", "id"],
                name="app_waiting_age",
                condition=models.Q(status__in=["submitted", "in_review"]),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    # --- The dashboard's rollups, written in the transaction of each change of state ---------

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._remember_state()

    def save(self, *args, **kwargs) -> None:
        from . import rollups

        adding, (before, since) = self._state.adding, self._rollup_seen
        status = self.__dict__.get("status")
        if status is None or (not adding and before in (None, status)):
            super().save(*args, **kwargs)
            return
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            rollups.record(before=None if adding else before, since=since, after=status, at=self.status_changed_at)
        self._remember_state()

    def _remember_state(self) -> None:
        # From __dict__: a row read with only() must not load its deferred fields for this.
        self._rollup_seen = (self.__dict__.get("status"), self.__dict__.get("status_changed_at"))

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._remember_state()

    # --- Derived data -------------------------------------------------------------------

    @property
    def needs_licence(self) -> bool:
        return self.business_type in LICENSED_BUSINESS_TYPES

    def required_documents(self) -> list[str]:
        kinds = [DocumentKind.ID_FRONT, DocumentKind.ID_BACK, DocumentKind.STOREFRONT, DocumentKind.BANK_CARD]
        if self.needs_licence:
            kinds.insert(2, DocumentKind.LICENCE)
        return [str(k) for k in kinds]

    def installation_address(self) -> dict[str, str]:
        if self.install_at_business_address:
            return {"province": self.province, "city": self.city, "district": self.district, "street": self.street}
        return {
            "province": self.install_province,
            "city": self.install_city,
            "district": self.install_district,
            "street": self.install_street,
        }

    def installation_place(self) -> dict:
        """The installation address as a message keeps it (core.texts.address): codes, worded
        in the reader's language when the message is read."""
        address = self.installation_address()
        return texts.address(
            province=address["province"],
            code=self.district_code if self.install_at_business_address else self.install_district_code,
            city=address["city"],
            district=address["district"],
            street=address["street"],
        )

    def installation_address_display(self) -> str:
        address = self.installation_address()
        province = Province(address["province"]).label if address["province"] else ""
        return " ".join(str(p) for p in (province, address["city"], address["district"], address["street"]) if p)

    def checklist_missing(self) -> list[str]:
        """The checks still to tick by the holder, in words; [] when the checklist is done."""
        needed = [ReviewCheck.ID_MATCHES_NAME, ReviewCheck.ACCOUNT_HOLDER_MATCHES]
        if self.needs_licence:
            needed.append(ReviewCheck.LICENCE_READABLE)
        ticked = self.review_checklist or {}
        by_holder = self.reviewer_id is not None and ticked.get("by") == self.reviewer_id
        return [str(check.label) for check in needed if not (by_holder and ticked.get(check.value))]

    def has_current_consent(self) -> bool:
        return self.consents.filter(version=CONSENT_VERSION).exists()

    def submission_problems(self) -> list[Problem]:
        """Everything that stops this application from being submitted, step by step."""
        problems: list[Problem] = []

        def need(step: str, field: str, value: object, label: str) -> bool:
            if not value:
                problems.append(Problem(step, field, _t("%s is required.") % label))
                return False
            return True

        def check(step: str, field: str, value: str, validator: Callable[[str], None]) -> None:
            try:
                validator(value)
            except ValidationError as exc:
                problems.append(Problem(step, field, " ".join(str(m) for m in exc.messages)))

        def label(name: str) -> str:
            text = str(self._meta.get_field(name).verbose_name)
            return text[:1].upper() + text[1:]

        need("personal", "legal_name", self.legal_name, label("legal_name"))
        if need("personal", "id_number", self.id_number, label("id_number")):
            check("personal", "id_number", self.id_number, validate_id_number)
        if need("personal", "mobile", self.mobile, label("mobile")):
            check("personal", "mobile", self.mobile, validate_cn_mobile)

        need("business", "business_type", self.business_type, label("business_type"))
        need("business", "business_name", self.business_name, label("business_name"))
        if self.needs_licence and need("business", "credit_code", self.credit_code, label("credit_code")):
            check("business", "credit_code", self.credit_code, validate_credit_code)
        need("business", "category", self.category, label("category"))
        for name in ("province", "city", "district", "street"):
            need("business", name, getattr(self, name), label(name))

        need("settlement", "bank_name", self.bank_name, label("bank_name"))
        need("settlement", "bank_branch", self.bank_branch, label("bank_branch"))
        if need("settlement", "account_holder", self.account_holder, label("account_holder")):
            allowed = {n.strip() for n in (self.legal_name, self.business_name) if n}
            if self.account_holder.strip() not in allowed:
                problems.append(
                    Problem(
                        "settlement",
                        "account_holder",
                        _t("The account holder must be the legal name or the business name."),
                    )
                )
        if need("settlement", "card_number", self.card_number, label("card_number")):
            check("settlement", "card_number", self.card_number, validate_card_number)

        present = set(self.documents.values_list("kind", flat=True))
        for kind in self.required_documents():
            if kind not in present:
                problems.append(Problem("documents", kind, _t("%s is required.") % DocumentKind(kind).label))

        need("terminal", "terminal_model", self.terminal_model, label("terminal_model"))
        if not self.install_at_business_address:
            for name in ("install_province", "install_city", "install_district", "install_street"):
                need("terminal", name, getattr(self, name), label(name))
        need("terminal", "preferred_windows", self.preferred_windows, label("preferred_windows"))

        if not self.has_current_consent():
            problems.append(
                Problem(
                    "consent",
                    "consent",
                    _t("Consent to the processing of sensitive personal information is required."),
                )
            )
        return problems

    # --- Transitions: fired only by services (applications.services and those above) --

    def _enter(self, description: str | None = None) -> None:
        self.status_changed_at = timezone.now()
        self.status_message = description or ""

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[Status.DRAFT, Status.CHANGES_REQUESTED],
        target=Status.SUBMITTED,
        conditions=[is_complete],
        permission=_is_owner,
    )
    def submit(self, *, by: User | None = None, description: str | None = None) -> None:
        self._enter(description)
        self.submitted_at = self.status_changed_at
        self.changes_requested_fields = []

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=[Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED],
        target=Status.WITHDRAWN,
        permission=_is_owner,
    )
    def withdraw(self, *, by: User | None = None, description: str | None = None) -> None:
        self._enter(description)

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.SUBMITTED, target=Status.IN_REVIEW, permission=_is_reviewer)
    def claim(self, *, by: User, description: str | None = None) -> None:
        self._enter(description)
        self.reviewer = by
        self.claimed_at = self.status_changed_at
        self.review_checklist = {}

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.IN_REVIEW, target=Status.SUBMITTED, permission=_is_holder)
    def release(self, *, by: User | None = None, description: str | None = None) -> None:
        self._enter(description)
        self.reviewer = None
        self.claimed_at = None
        self.review_checklist = {}

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=Status.IN_REVIEW,
        target=Status.APPROVED,
        conditions=[is_complete, checklist_done],
        permission=_is_holder,
    )
    def approve(self, *, merchant_id: str, by: User | None = None, description: str | None = None) -> None:
        _require(**{_t("a merchant ID (MID)"): merchant_id})
        self._enter(description)
        self.merchant_id = merchant_id
        self.decision_message = description or ""
        self.reviewer = None

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.IN_REVIEW, target=Status.REJECTED, permission=_is_holder)
    def reject(self, *, reason: str, by: User | None = None, description: str | None = None) -> None:
        _require(
            **{
                _t("a reason code"): reason in RejectionReason.values,
                _t("a message to the applicant"): (description or "").strip(),
            }
        )
        self._enter(description)
        self.rejection_reason = reason
        self.decision_message = description or ""
        self.reviewer = None

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.IN_REVIEW, target=Status.CHANGES_REQUESTED, permission=_is_holder)
    def request_changes(self, *, fields: list[str], by: User | None = None, description: str | None = None) -> None:
        _require(
            **{
                _t("the fields or documents to fix"): fields,
                _t("a message to the applicant"): (description or "").strip(),
            }
        )
        self._enter(description)
        self.changes_requested_fields = list(fields)
        self.decision_message = description or ""
        self.reviewer = None
        self.review_checklist = {}  # what the applicant changes must be checked again

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.INSTALLATION_SCHEDULED,
        conditions=[has_merchant_id],
        permission=_is_owner_or_staff,
    )
    def schedule_installation(self, *, by: User | None = None, description: str | None = None) -> None:
        self._enter(description)

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=Status.INSTALLATION_SCHEDULED,
        target=Status.INSTALLATION_SCHEDULED,
        permission=_is_owner_or_staff,
    )
    def reschedule(self, *, by: User | None = None, description: str | None = None) -> None:
        self._enter(description)

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=Status.INSTALLATION_SCHEDULED,
        target=Status.APPROVED,
        permission=_is_owner_or_staff,
    )
    def cancel_installation(self, *, by: User | None = None, description: str | None = None) -> None:
        self._enter(description)

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=status,
        source=Status.INSTALLATION_SCHEDULED,
        target=Status.CONFIGURING,
        permission=_is_installer,
    )
    def start_installation(self, *, by: User | None = None, description: str | None = None) -> None:
        self._enter(description)

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.CONFIGURING, target=Status.TRAINING, permission=_is_installer)
    def complete_configuration(
        self, *, signin_code: str, by: User | None = None, description: str | None = None
    ) -> None:
        # The sign-in lives in the terminals context; its service passes the host's answer.
        if signin_code != "00":
            raise ConditionsNotMet(
                _t("The configuration cannot be completed:"),
                missing=[_t("a sign-in to the acquirer host answered 00 (last answer: %s)") % (signin_code or "—")],
            )
        self._enter(description)

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.TRAINING, target=Status.ACTIVE, permission=_is_installer)
    def complete_training(
        self, *, confirmed_by_merchant: str, by: User | None = None, description: str | None = None
    ) -> None:
        _require(**{_t("the training checklist confirmed by the merchant"): (confirmed_by_merchant or "").strip()})
        self._enter(description)

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.ACTIVE, target=Status.SUSPENDED, permission=_is_support_or_staff)
    def suspend(self, *, by: User | None = None, description: str | None = None) -> None:
        _require(**{_t("a reason"): (description or "").strip()})
        self._enter(description)

    @fsm_log_by
    @fsm_log_description
    @transition(field=status, source=Status.SUSPENDED, target=Status.ACTIVE, permission=_is_support_or_staff)
    def reinstate(self, *, by: User | None = None, description: str | None = None) -> None:
        self._enter(description)


class ConsentRecord(models.Model):
    """An applicant's consent to the processing of sensitive personal information (PIPL art. 29)."""

    application = models.ForeignKey(
        MerchantApplication, on_delete=models.CASCADE, related_name="consents", verbose_name=_("application")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("user")
    )
    version = models.CharField(_("version"), max_length=20)
    accepted_at = models.DateTimeField(_("accepted at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["application", "version"], name="consent_once_per_version")]

    def __str__(self) -> str:
        return f"{self.application_id} · {self.version}"


class ApplicationDocument(models.Model):
    """One uploaded document. Only a view that checks who asks ever serves the file."""

    application = models.ForeignKey(
        MerchantApplication, on_delete=models.CASCADE, related_name="documents", verbose_name=_("application")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_upload_to)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256 checksum"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="one_document_per_kind")]

    def __str__(self) -> str:
        return f"{self.application} · {self.get_kind_display()}"


class ReviewNote(models.Model):
    """An internal note by staff; the applicant never sees it."""

    application = models.ForeignKey(
        MerchantApplication, on_delete=models.CASCADE, related_name="notes", verbose_name=_("application")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]


class AuditEvent(models.Model):
    """What happened that is not a status change: an export, a document replaced, a note."""

    application = models.ForeignKey(
        MerchantApplication,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("application"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("actor")
    )
    action = models.CharField(_("action"), max_length=60)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.action} @ {stamp(self.at)}"


class SubmittedVersion(models.Model):
    """What the applicant sent, as of one submission: the review page lists what changed since
    the submission a reviewer saw before (applications.versions). Personal numbers are kept
    masked, with their blind index to tell a change, never in clear."""

    application = models.ForeignKey(
        MerchantApplication, on_delete=models.CASCADE, related_name="versions", verbose_name=_("application")
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    fields = models.JSONField(_("fields"), default=dict)
    documents = models.JSONField(_("documents"), default=dict)

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} @ {stamp(self.submitted_at)}"


class FigureRollup(models.Model):
    """The dashboard's figures kept up to date as applications move (applications.rollups).

    One table for three metrics, so that a transition writes them in one statement, in its own
    transaction: `count` (applications in `state` now; `day` and `bucket` unused), `entered`
    (applications that entered `state` on `day`, local time) and `stay` (stays in `state` that
    ended on `day`, by length: `bucket` is a 5 % wide step of the hours, for the median).
    """

    metric = models.CharField(max_length=8)
    state = models.CharField(max_length=32)
    day = models.DateField()
    bucket = models.SmallIntegerField(default=0)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["metric", "day", "state", "bucket"], name="figure_rollup_key"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.state} {self.day} {self.bucket}: {self.n}"


class FigureSnapshot(models.Model):
    """Figures that depend on the time of reading (SLA breaches, open work), as last computed.

    The periodic job writes them here and in the cache; after a cold start (cache emptied, no
    worker yet) the dashboard serves this row and says how old it is, never recomputing them.
    """

    key = models.CharField(max_length=40, primary_key=True)
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.key} @ {stamp(self.computed_at)}"
