"""The admin of the verification context (registered on the site by backoffice/admin.py).

The risk policy is edited by publishing its next version: the add form starts from the
current one, the saved row gets the next number, and no version is ever changed or deleted.
Evidence and assessments are read-only records.
"""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from core.errors import WorkflowError

from . import services
from .models import Assessment, Evidence, RiskPolicy


class RiskPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "version",
        "created_at",
        "created_by",
        "auto_approve_max",
        "senior_min",
        "auto_reject_min",
        "sample_percent",
        "note",
    )
    fields = services.POLICY_FIELDS
    readonly_fields = ()

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        current = services.current_policy()
        return {name: getattr(current, name) for name in services.POLICY_FIELDS if name != "note"}

    def get_readonly_fields(self, request: HttpRequest, obj: RiskPolicy | None = None) -> tuple[str, ...]:
        # A published version is a record: read it, publish the next one to change it.
        return ("version", "created_at", "created_by", *services.POLICY_FIELDS) if obj else ()

    def get_fields(self, request: HttpRequest, obj: RiskPolicy | None = None) -> tuple[str, ...]:
        return ("version", "created_at", "created_by", *services.POLICY_FIELDS) if obj else services.POLICY_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: RiskPolicy | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RiskPolicy, form: Any, change: bool) -> None:
        if change:
            return  # never reached: every field of a published version is read-only
        published = services.policy_publish(
            by=request.user, **{name: form.cleaned_data[name] for name in services.POLICY_FIELDS}
        )
        obj.pk, obj.version = published.pk, published.version

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None):
        try:
            return super().add_view(request, form_url, extra_context)
        except WorkflowError as exc:
            self.message_user(request, " ".join([str(exc), *exc.missing]), messages.ERROR)
            from django.shortcuts import redirect

            return redirect(request.path)


class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("application", "kind", "outcome", "attempt", "asked_at", "backend")
    list_filter = ("kind", "outcome")
    list_select_related = ("application",)
    search_fields = ("application__reference",)
    raw_id_fields = ("application", "asked_by", "reused_from")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Evidence | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Evidence | None = None) -> bool:
        return False


class AssessmentAdmin(EvidenceAdmin):
    list_display = (
        "application",
        "route",
        "band",
        "score",
        "complete",
        "sampled",
        "second_look",
        "started_at",
        "decided_at",
    )
    list_filter = ("route", "band", "sampled", "second_look")
    raw_id_fields = ("application", "requested_by", "policy", "second_look_by")

    def has_change_permission(self, request: HttpRequest, obj: Assessment | None = None) -> bool:
        return False
