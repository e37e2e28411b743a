"""The admin adapter of the action pattern: a model's declared actions as buttons of its change page.

django-fsm-2's admin mixin would save the model directly; each button here opens a small
form for what the action needs and runs it through core.actions, so the admin gets the
same checks, history rows and notifications as every other caller.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from . import actions
from .errors import WorkflowError


class ActionsAdminMixin:
    """Put before admin.ModelAdmin; the model has an ActionSet registered (core.actions.register)."""

    change_form_template = "admin/actions/change_form.html"

    def _act_url_name(self) -> str:
        opts = self.model._meta  # type: ignore[attr-defined]
        return f"{opts.app_label}_{opts.model_name}_act"

    def get_urls(self):  # type: ignore[no-untyped-def]
        custom = [
            path(
                "<path:object_id>/act/<str:action_name>/",
                self.admin_site.admin_view(self.action_view),  # type: ignore[attr-defined]
                name=self._act_url_name(),
            )
        ]
        return custom + super().get_urls()  # type: ignore[misc]

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]  # None for a malformed id
        if obj is not None:
            extra_context["workflow_actions"] = actions.available_actions(obj, request.user, admin=True)
            extra_context["act_url"] = f"admin:{self._act_url_name()}"
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def action_view(self, request: HttpRequest, object_id: str, action_name: str) -> HttpResponse:
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        action_set = actions.action_set_for(obj) if obj is not None else None
        action = action_set.get(action_name) if action_set else None
        if action is None or not action.in_admin or not self.has_change_permission(request, obj):  # type: ignore[attr-defined]
            raise Http404
        opts = self.model._meta  # type: ignore[attr-defined]
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        form = action.form(request.POST or None, request.FILES or None) if action.form else None
        if form is not None and hasattr(form, "for_object"):
            form.for_object(obj)  # what the form offers depends on the object (a visit's free slots)
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                actions.run(
                    action_set,
                    action,
                    obj,
                    request.user,
                    form.cleaned_data if form else {},
                    seen=request.POST.get("seen"),
                )
            except WorkflowError as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                if form is not None:
                    form.add_error(None, exc)
                else:
                    messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": action.label})
                return HttpResponseRedirect(change_url)
            if form is None:
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": opts,
            "original": obj,
            "action": action,
            "form": form,
            "change_url": change_url,
            "seen": action_set.state(obj),
            "state": action_set.state_label(action_set.state(obj)),
            "ident": action_set.ident(obj),
            "title": f"{action.label}: {action_set.ident(obj)}",
        }
        return TemplateResponse(request, "admin/actions/action.html", context)


__all__ = ["ActionsAdminMixin", "admin"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services (the device API, the case pages): the admin reads them.

    These tables grow with the fleet: no exact COUNT(*) of the whole list, no facet counts
    (each an aggregate over the table per filter).
    """

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
