"""Transition buttons for the Django admin that go through the services.

django-fsm-2's admin mixin would save the model directly; here each button opens a
small form for what the action needs, then calls the service, so the admin gets the
same checks, history rows and notifications as every other caller.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import ConditionsNotMet, InvalidState, RoleRefused, WorkflowError

from . import services
from .choices import DocumentKind, RejectionReason, ReviewCheck
from .models import APPLICANT_FIELDS, MerchantApplication
from .workflow import check


class MessageForm(forms.Form):
    message = forms.CharField(label=gettext_lazy("Message"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RequiredMessageForm(forms.Form):
    message = forms.CharField(label=gettext_lazy("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 3}))


class RejectForm(RequiredMessageForm):
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=RejectionReason.choices)


def fixable_choices() -> list[tuple[str, str]]:
    """What a reviewer may ask the applicant to fix: the fields, then the documents (admin and workspace)."""
    names = [n for n in APPLICANT_FIELDS if n != "install_at_business_address"]  # a choice, not something wrong
    fields = [(n, str(MerchantApplication._meta.get_field(n).verbose_name).capitalize()) for n in names]
    return fields + [(k, str(label)) for k, label in DocumentKind.choices]


class RequestChangesForm(RequiredMessageForm):
    fields = forms.MultipleChoiceField(
        label=gettext_lazy("Fields and documents to fix"),
        choices=fixable_choices,
        widget=forms.CheckboxSelectMultiple,
    )


class ChecklistForm(forms.Form):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for item in ReviewCheck:
            self.fields[item.value] = forms.BooleanField(label=item.label, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Document"), choices=DocumentKind.choices)
    file = forms.FileField(label=gettext_lazy("File (PDF, JPEG or PNG, at most 10 MB)"))


@dataclass(frozen=True)
class AdminAction:
    """One button: the transition it fires (for availability), its form and its service call."""

    name: str
    label: str
    run: Callable[[HttpRequest, MerchantApplication, dict], object]
    form_class: type[forms.Form] | None = None
    transition: str | None = None  # None: not a transition (e.g. upload a document)
    danger: bool = False


APPLICATION_ACTIONS: list[AdminAction] = [
    AdminAction(
        "upload_document",
        gettext_lazy("Upload a document"),
        lambda r, app, d: services.document_upload(application=app, by=r.user, kind=d["kind"], upload=d["file"]),
        DocumentForm,
    ),
    AdminAction(
        "record_consent",
        gettext_lazy("Record consent (given on paper)"),
        lambda r, app, d: services.application_record_consent(application=app, by=r.user),
    ),
    AdminAction(
        "submit", gettext_lazy("Submit"), lambda r, app, d: services.application_submit(application=app, by=r.user),
        transition="submit",
    ),
    AdminAction(
        "claim", gettext_lazy("Claim for review"),
        lambda r, app, d: services.application_claim(application=app, by=r.user), transition="claim",
    ),
    AdminAction(
        "release", gettext_lazy("Release"),
        lambda r, app, d: services.application_release(application=app, by=r.user, message=d["message"]),
        MessageForm, transition="release",
    ),
    AdminAction(
        "checklist", gettext_lazy("Tick the review checklist"),
        lambda r, app, d: services.application_save_checklist(application=app, by=r.user, checks=d),
        ChecklistForm, transition="approve",
    ),
    AdminAction(
        "approve", gettext_lazy("Approve"),
        lambda r, app, d: services.application_approve(application=app, by=r.user, message=d["message"]),
        MessageForm, transition="approve",
    ),
    AdminAction(
        "request_changes", gettext_lazy("Request changes"),
        lambda r, app, d: services.application_request_changes(
            application=app, by=r.user, fields=d["fields"], message=d["message"]
        ),
        RequestChangesForm, transition="request_changes",
    ),
    AdminAction(
        "reject", gettext_lazy("Reject"),
        lambda r, app, d: services.application_reject(
            application=app, by=r.user, reason=d["reason"], message=d["message"]
        ),
        RejectForm, transition="reject", danger=True,
    ),
    AdminAction(
        "withdraw", gettext_lazy("Withdraw"),
        lambda r, app, d: services.application_withdraw(application=app, by=r.user, message=d["message"]),
        MessageForm, transition="withdraw", danger=True,
    ),
    AdminAction(
        "suspend", gettext_lazy("Suspend the terminal"),
        lambda r, app, d: services.application_suspend(application=app, by=r.user, message=d["message"]),
        RequiredMessageForm, transition="suspend", danger=True,
    ),
    AdminAction(
        "reinstate", gettext_lazy("Reinstate the terminal"),
        lambda r, app, d: services.application_reinstate(application=app, by=r.user, message=d["message"]),
        MessageForm, transition="reinstate",
    ),
]  # fmt: skip


class TransitionAdminMixin:
    """Adds the action buttons to a ModelAdmin of MerchantApplication.

    Subclasses in apps higher in the order extend `actions_for_application` with their own.
    """

    actions_for_application: list[AdminAction] = APPLICATION_ACTIONS
    change_form_template = "admin/applications/merchantapplication/change_form.html"

    def _action(self, name: str) -> AdminAction | None:
        return next((a for a in self.actions_for_application if a.name == name), None)

    def available_actions(self, request: HttpRequest, app: MerchantApplication) -> list[AdminAction]:
        shown = []
        for action in self.actions_for_application:
            if action.transition is None:
                shown.append(action)
                continue
            try:
                check(app, action.transition, by=request.user)
            except (InvalidState, RoleRefused):
                continue
            except ConditionsNotMet:
                pass  # shown: pressing it says what is missing
            shown.append(action)
        return shown

    def get_urls(self):  # type: ignore[no-untyped-def]
        custom = [
            path(
                "<path:object_id>/act/<str:action_name>/",
                self.admin_site.admin_view(self.action_view),  # type: ignore[attr-defined]
                name="applications_merchantapplication_act",
            )
        ]
        return custom + super().get_urls()  # type: ignore[misc]

    def change_view(self, request, object_id, form_url="", extra_context=None):  # type: ignore[no-untyped-def]
        extra_context = extra_context or {}
        app = self.get_object(request, object_id)  # type: ignore[attr-defined]  # None for a malformed id
        if app is not None:
            extra_context["workflow_actions"] = self.available_actions(request, app)
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def action_view(self, request: HttpRequest, object_id: str, action_name: str) -> HttpResponse:
        app = self.get_object(request, object_id)  # type: ignore[attr-defined]
        if app is None:
            raise Http404
        action = self._action(action_name)
        if action is None or not self.has_change_permission(request, app):  # type: ignore[attr-defined]
            raise Http404
        change_url = reverse("admin:applications_merchantapplication_change", args=[app.pk])
        form = action.form_class(request.POST or None, request.FILES or None) if action.form_class else None
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                action.run(request, app, form.cleaned_data if form else {})
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
            "opts": MerchantApplication._meta,
            "original": app,
            "action": action,
            "form": form,
            "change_url": change_url,
            "title": f"{action.label}: {app.reference}",
        }
        return TemplateResponse(request, "admin/applications/merchantapplication/action.html", context)
