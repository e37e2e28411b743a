"""Admin pieces of the applications context.

The MerchantApplication admin is registered in installations/admin.py, the highest app
whose actions it shows (DESIGN.md: a page showing several contexts lives in the app
highest in the order among them); it is built from the pieces here.
"""

import re

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_fsm_log.admin import StateLogInline
from django_fsm_log.models import StateLog

from accounts.admin_mixins import KeepsHistoryAdmin
from accounts.models import User
from accounts.roles import Role, has_role
from accounts.validators import normalize_cn_mobile
from core.admin import ActionsAdminMixin
from core.masking import mask_card, mask_id_number, mask_mobile
from core.texts import wording

from . import services
from .choices import APPLICANT_EDITABLE_STATES
from .forms import loosen
from .models import APPLICANT_FIELDS, ApplicationDocument, ConsentRecord, MerchantApplication, ReviewNote
from .selectors import search_condition
from .validators import normalize_card_number, normalize_credit_code, normalize_id_number


class HistoryInline(StateLogInline):
    verbose_name = _("history")
    verbose_name_plural = _("history")
    extra = 0

    fields = ("transition", "source_state", "state", "by", "message", "timestamp")

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> tuple[str, ...]:
        return self.fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("by")

    @admin.display(description=_("message"))
    def message(self, log: StateLog) -> str:
        return wording(log.description)  # typed by a person, or kept as a code (an automatic decision)


class DocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    can_delete = False
    fields = ("kind", "open_link", "content_type", "size", "uploaded_at", "uploaded_by")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def open_link(self, obj: ApplicationDocument) -> str:
        # Through the staff-only document view, which records who looked.
        url = reverse("applications:review_document", args=[obj.application.reference, obj.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Open"))

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # uploads go through the "Upload a document" button (content checks)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("uploaded_by", "application")


class ConsentInline(admin.TabularInline):
    model = ConsentRecord
    extra = 0
    can_delete = False
    fields = ("version", "accepted_at", "user")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class NoteInline(admin.TabularInline):
    model = ReviewNote
    extra = 0
    can_delete = False
    fields = ("created_at", "author", "text")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


DATA_FIELDS = APPLICANT_FIELDS
# Shown whole only to those whose work needs them (reviewers check them against the
# documents; administrators); everyone else in the admin sees them masked.
PERSONAL_NUMBERS = {"id_number": "masked_id_number", "card_number": "masked_card_number", "mobile": "masked_mobile"}
REVIEW_FIELDS = (
    "reference", "status_display", "status_changed_at", "submitted_at", "reviewer", "claimed_at",
    "merchant_id", "rejection_reason", "decision_message_worded", "changes_requested_fields", "status_message_worded",
)  # fmt: skip


_MERCHANT_ID_RE = re.compile(r"^\d{15}$")


def sees_personal_numbers(user: User) -> bool:
    return user.is_superuser or has_role(user, Role.REVIEWER)


class EstimatedCountPaginator(Paginator):
    """Counts the unfiltered table from PostgreSQL's statistics instead of COUNT(*).

    On a large table COUNT(*) reads every row on every page view; the planner's estimate
    (kept fresh by autovacuum) is good enough to number the pages. A filtered or searched
    list, and every list on other databases or on a small table, is counted exactly.
    """

    EXACT_BELOW = 10_000

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if isinstance(qs, QuerySet) and not qs.query.where and connections[qs.db].vendor == "postgresql":
            with connections[qs.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [qs.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] >= self.EXACT_BELOW:
                return int(row[0])
        return super().count


class MerchantApplicationAdminForm(forms.ModelForm):
    """The numbers stored as the applicant's own forms store them (ASCII, no separators, an
    upper-case X): the model's checks accept full-width digits and spaces, which would then be
    stored as typed, out of reach of the blind index's searches and duplicate checks."""

    NORMALIZERS = {
        "id_number": normalize_id_number,
        "card_number": normalize_card_number,
        "mobile": normalize_cn_mobile,
        "credit_code": normalize_credit_code,
    }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for name in self.NORMALIZERS:
            if name in self.fields:
                # Typed with spaces it is longer than the column: the length is checked once compacted.
                loosen(self.fields[name], 40)

    def _clean_fields(self) -> None:
        super()._clean_fields()
        for name, normalize in self.NORMALIZERS.items():
            value = self.cleaned_data.get(name)
            if name in self.fields and not self.fields[name].disabled and value:
                try:
                    self.cleaned_data[name] = normalize(value)
                except forms.ValidationError as error:
                    self.add_error(name, error)


class _ApplicationChangeList(ChangeList):
    """The list reads no personal number it does not show: of 50 rows, the mobile (masked) only.

    Profiled, decrypting each row's ID and card numbers and the reviewer's mobile (three Fernet
    tokens a row, 158 a page) was a tenth of the changelist. The change page reads them all.
    """

    def get_queryset(self, request: HttpRequest, exclude_parameters: object = None) -> QuerySet:
        return super().get_queryset(request, exclude_parameters).defer("id_number", "card_number", "reviewer__mobile")


class MerchantApplicationAdminBase(KeepsHistoryAdmin, ActionsAdminMixin, admin.ModelAdmin):
    """Applications are withdrawn or rejected, never deleted. Their buttons are the declared
    actions (applications/actions.py and the visit's, installations/actions.py)."""

    change_form_template = "admin/applications/merchantapplication/change_form.html"
    form = MerchantApplicationAdminForm

    list_display = (
        "reference", "status", "legal_name", "business_name", "province", "masked_mobile", "reviewer",
        "status_changed_at",
    )  # fmt: skip
    list_filter = ("status", "business_type", "province", "terminal_model", "category")
    # The search box is answered by get_search_results, through the indexes; these only make
    # the admin draw the box (and say what it searches).
    search_fields = ("=reference", "legal_name", "business_name", "=merchant_id")
    search_help_text = _("An application number, a merchant ID, a mobile, ID or card number, or a name.")
    # The facet counts ("?_facets=True") are an aggregate over the whole table per filter.
    show_facets = admin.ShowFacets.NEVER
    list_select_related = ("reviewer",)
    ordering = ("-created_at",)  # index app_created
    # No date_hierarchy: its year links need a DISTINCT over the dates of the whole table.
    list_per_page = 50
    # The changelist must stay fast on a large table: no COUNT(*) of the whole table,
    # neither for the "N total" line nor for the page numbers.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    raw_id_fields = ("applicant",)
    inlines = [DocumentInline, ConsentInline, NoteInline, HistoryInline]
    fieldsets = (
        (_("Workflow"), {"fields": REVIEW_FIELDS}),
        (_("Applicant"), {"fields": ("applicant",)}),
        (_("Application"), {"fields": DATA_FIELDS}),
    )

    def get_changelist(self, request: HttpRequest, **kwargs: object) -> type[ChangeList]:
        return _ApplicationChangeList

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[MerchantApplication], search_term: str
    ) -> tuple[QuerySet[MerchantApplication], bool]:
        """The queue's search (each form of input on its own index), and the merchant ID exactly.

        The stock search turned `=reference` into `UPPER(reference) = UPPER(…)`, which no index
        serves, OR'd with `ILIKE '%…%'` on the names: a sequential scan, then another to count.
        Input too short to search (one character, `%`) finds nothing rather than everything.
        """
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = search_condition(term)
        if _MERCHANT_ID_RE.match(term):
            condition = Q(merchant_id=term) | (condition or Q(pk__in=[]))
        if condition is None:
            return queryset.none(), False
        return queryset.filter(condition), False

    @admin.display(description=_("status"))
    def status_display(self, obj: MerchantApplication) -> str:
        return format_html("<strong>{}</strong>", obj.get_status_display())

    # Words a person typed, or a text kept as a code (an automatic decision's), in the reader's language.
    @admin.display(description=_("message to the applicant"))
    def decision_message_worded(self, obj: MerchantApplication) -> str:
        return wording(obj.decision_message)

    @admin.display(description=_("reason of the last status change"))
    def status_message_worded(self, obj: MerchantApplication) -> str:
        return wording(obj.status_message)

    @admin.display(description=_("mobile"))
    def masked_mobile(self, obj: MerchantApplication) -> str:
        return mask_mobile(obj.mobile)

    @admin.display(description=_("resident ID number"))
    def masked_id_number(self, obj: MerchantApplication) -> str:
        return mask_id_number(obj.id_number)

    @admin.display(description=_("bank card number"))
    def masked_card_number(self, obj: MerchantApplication) -> str:
        return mask_card(obj.card_number)

    def get_fieldsets(self, request: HttpRequest, obj: MerchantApplication | None = None):  # type: ignore[no-untyped-def]
        if sees_personal_numbers(request.user):
            return self.fieldsets
        data = tuple(PERSONAL_NUMBERS.get(name, name) for name in DATA_FIELDS)
        return (*self.fieldsets[:2], (_("Application"), {"fields": data}))

    def get_readonly_fields(self, request: HttpRequest, obj: MerchantApplication | None = None) -> tuple:
        # Only an administrator edits an applicant's data here (a paper form, say); the
        # service refuses anyone else, so the form does not offer it.
        editable = request.user.is_superuser and (obj is None or obj.status in APPLICANT_EDITABLE_STATES)
        if editable:
            return REVIEW_FIELDS if obj is None else (*REVIEW_FIELDS, "applicant")
        return (*REVIEW_FIELDS, "applicant", *DATA_FIELDS, *PERSONAL_NUMBERS.values())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "applicant":
            kwargs["queryset"] = User.objects.filter(groups__name=Role.APPLICANT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: MerchantApplication, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        if not change:
            created = services.application_create(applicant=obj.applicant)
            obj.pk = created.pk
            obj.reference = created.reference
            changed = [f for f in form.changed_data if f in DATA_FIELDS]
        else:
            changed = [f for f in form.changed_data if f in DATA_FIELDS]
        if changed:
            services.application_save_fields(
                application=MerchantApplication.objects.get(pk=obj.pk),
                by=request.user,
                fields={name: getattr(obj, name) for name in changed},
            )
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        # Every inline is read-only, so nothing of theirs is saved; the admin's change message
        # still reads what each formset saved, so each says "nothing".
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


class AuditEventAdmin(KeepsHistoryAdmin, admin.ModelAdmin):
    list_display = ("at", "action", "application", "actor")
    list_filter = ("action",)
    search_fields = ("=application__reference", "action")
    list_select_related = ("application", "actor")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
