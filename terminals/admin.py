from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import KeepsHistoryAdmin
from core.admin import ReadOnlyAdmin

from .models import SignIn, Terminal, TerminalConfiguration, TerminalEvent


class ConfigurationInline(admin.TabularInline):
    model = TerminalConfiguration
    extra = 0
    can_delete = False
    fields = (
        "tid",
        "mid",
        "host",
        "port",
        "comm_mode",
        "key_check_value",
        "is_current",
        "configured_by",
        "configured_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class SignInInline(admin.TabularInline):
    model = SignIn
    extra = 0
    can_delete = False
    fields = ("at", "response_code", "source", "by", "detail")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).select_related("by")


class TerminalEventInline(admin.TabularInline):
    model = TerminalEvent
    extra = 0
    can_delete = False
    fields = ("at", "from_status", "to_status", "application", "by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


class TerminalAdmin(KeepsHistoryAdmin, admin.ModelAdmin):
    inlines = [TerminalEventInline]
    # Terminals change through the services (the import, the visit, the inventory page), which
    # write the history: here they are only looked at.
    readonly_fields = [f.name for f in Terminal._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # terminals arrive through the CSV import, which writes their first history row

    list_display = ("serial_number", "model", "status", "application", "updated_at")
    list_filter = ("status", "model")
    search_fields = ("=serial_number", "=application__reference")
    list_select_related = ("application",)
    raw_id_fields = ("application",)
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # an aggregate over the whole table per filter


class SignInAdmin(KeepsHistoryAdmin, admin.ModelAdmin):
    list_display = ("at", "application", "response_code", "source", "by")
    list_filter = ("response_code", "source")
    list_select_related = ("application", "by")
    readonly_fields = [f.name for f in SignIn._meta.fields]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # an aggregate over the whole table per filter

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
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


class RemoteCommandAdmin(ReadOnlyAdmin):
    list_display = ("terminal", "kind", "about_kind", "about_id", "created_at", "delivered_at")


class FailingFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("failing", _("Keeps failing (3 attempts or more)")), ("waiting", _("Waiting")), ("done", _("Done"))]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        if self.value() == "failing":
            return queryset.filter(done_at__isnull=True, attempts__gte=3)
        if self.value() == "waiting":
            return queryset.filter(done_at__isnull=True)
        if self.value() == "done":
            return queryset.filter(done_at__isnull=False)
        return queryset


class HostRegistrationAdmin(ReadOnlyAdmin):
    """What the acquirer host still has to learn; a row that keeps failing stands out here."""

    list_display = ("tid", "action", "terminal", "attempts", "due_at", "last_error", "done_at")
    list_filter = (FailingFilter, "action")
    search_fields = ("tid", "terminal__serial_number")
    list_select_related = ("terminal",)
