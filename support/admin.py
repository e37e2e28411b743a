from django.contrib import admin

from .models import (
    CaseEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Support data is written by services (the device API, the case pages); the admin reads it."""

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class DeviceCredentialAdmin(ReadOnlyAdmin):
    list_display = ("terminal", "token_hint", "issued_at", "revoked_at")
    exclude = ("token_hash",)


class DeviceEventAdmin(ReadOnlyAdmin):
    list_display = ("terminal", "kind", "response_code", "occurred_at", "received_at")
    list_filter = ("kind", "response_code")
    search_fields = ("terminal__serial_number", "event_id")


class TerminalHealthAdmin(ReadOnlyAdmin):
    list_display = (
        "terminal",
        "last_heartbeat_at",
        "last_signin_at",
        "last_signin_code",
        "last_code",
        "last_transaction_at",
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
    readonly_fields = ("action", "by", "at", "note")

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class SupportCaseAdmin(ReadOnlyAdmin):
    list_display = ("reference", "terminal", "code", "symptom", "status", "created_at")
    list_filter = ("status", "code")
    search_fields = ("reference", "terminal__serial_number", "application__reference")
    inlines = [CaseEventInline]


class RemoteCommandAdmin(ReadOnlyAdmin):
    list_display = ("terminal", "kind", "case", "created_at", "delivered_at")


class ServiceVisitAdmin(ReadOnlyAdmin):
    list_display = ("case", "installer", "starts_at", "status")
    list_filter = ("status",)
