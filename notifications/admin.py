from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.admin_mixins import KeepsHistoryAdmin

from . import services
from .messages import TEMPLATES
from .models import DeliveryStatus, Notification


class TemplateFilter(admin.SimpleListFilter):
    """The template codes known to the code, not a DISTINCT over the whole outbox."""

    title = _("template")
    parameter_name = "template"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(code, code) for code in sorted(TEMPLATES)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Notification]) -> QuerySet[Notification]:
        return queryset.filter(template=self.value()) if self.value() else queryset


class NotificationAdmin(KeepsHistoryAdmin, admin.ModelAdmin):
    """Read-only outbox for staff: what was sent to whom, and why a message failed.

    The outbox is the largest table: no date hierarchy and no full count, which would
    each scan it on every page.
    """

    list_display = ("created_at", "template", "recipient", "channel", "status", "attempts", "last_error")
    list_filter = ("status", "channel", TemplateFilter)
    search_fields = ("template", "recipient__email", "key")
    list_select_related = ("recipient",)
    readonly_fields = [f.name for f in Notification._meta.fields]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # an aggregate over the whole table per filter
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Send the selected failed notifications again"), permissions=["change"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        count = services.requeue(
            notification_ids=queryset.filter(status=DeliveryStatus.FAILED).values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d notification will be sent again.",
                "%(count)d notifications will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
