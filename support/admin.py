from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import (
    CaseEvent,
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


class ServiceVisitAdmin(ReadOnlyAdmin):
    list_display = ("case", "installer", "starts_at", "status")
    list_filter = ("status",)
