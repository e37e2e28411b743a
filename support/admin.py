from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .checks import readable_checks, status_label
from .models import (
    CaseEvent,
    SupportCase,
)


class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("opened_at", "closed_at", "codes", "terminals_affected", "is_open")


class EarlyWarningAdmin(ReadOnlyAdmin):
    list_display = ("terminal", "kind", "opened_at", "closed_at")
    list_filter = ("kind",)


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = ("action", "by", "at", "detail")

    @admin.display(description=_("details"))
    def detail(self, obj: CaseEvent) -> str:
        return obj.detail()

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class SupportCaseAdmin(ReadOnlyAdmin):
    list_display = ("reference", "terminal", "code", "symptom", "status", "created_at")
    list_filter = ("status", "code")
    search_fields = ("reference", "terminal__serial_number", "application__reference")
    inlines = [CaseEventInline]
    # The checks are kept as codes: shown worded in the reader's language, not as stored.
    exclude = ("checks",)
    readonly_fields = ("checks_read",)

    @admin.display(description=_("automatic checks"))
    def checks_read(self, obj: SupportCase) -> str:
        return format_html_join(
            "",
            "<p><strong>{}</strong> ({}): {}</p>",
            ((c.title, status_label(c), c.message) for c in readable_checks(obj.checks)),
        )


class CaseVisitAdmin(ReadOnlyAdmin):
    """Which visit of the one calendar each case booked (the visit itself: installations' admin)."""

    list_display = ("case", "visit")
    list_select_related = ("case", "visit", "visit__application")
