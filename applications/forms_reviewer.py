"""Forms of the reviewer's workspace: they validate and convert input, nothing else.

The decision forms are the declared actions' (applications/actions.py): one form each,
shared by the workspace and the admin.
"""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.choices import Province

from . import hooks
from .choices import BusinessType, DocumentKind, RejectionReason, ReviewCheck, Status
from .models import APPLICANT_FIELDS, MerchantApplication
from .selectors import AGE_CHOICES, QueueFilters, QueueTab, personal_number_token
from .services import REVIEW_CHECKLIST


def _age_label(value: str) -> str:
    return str(_("over the SLA target")) if value == "sla" else str(_("over %s hours") % value)


class QueueFilterForm(forms.Form):
    tab = forms.ChoiceField(
        choices=[(QueueTab.UNASSIGNED, _("Unassigned")), (QueueTab.MINE, _("Mine")), (QueueTab.ALL, _("All"))],
        required=False,
    )
    status = forms.ChoiceField(label=_("State"), choices=[("", _("Any state")), *Status.choices], required=False)
    province = forms.ChoiceField(label=_("Region"), choices=[("", _("Any region")), *Province.choices], required=False)
    business_type = forms.ChoiceField(
        label=_("Business type"), choices=[("", _("Any type")), *BusinessType.choices], required=False
    )
    age = forms.ChoiceField(label=_("Waiting"), choices=[("", _("Any time"))], required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    # Any page number is answered (past the last: an empty page that says so), without an OFFSET
    # past applications.selectors.MAX_OFFSET_PAGE; a number the database cannot hold is refused.
    page = forms.IntegerField(min_value=1, max_value=10**12, required=False)
    # Where Next and Previous continue the order (applications.selectors.key_of): a keyset.
    after = forms.RegexField(regex=r"^\d{1,17}\.\d{1,12}$", required=False)
    before = forms.RegexField(regex=r"^\d{1,17}\.\d{1,12}$", required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["age"].choices = [("", _("Any time")), *((a, _age_label(a)) for a in AGE_CHOICES)]
        self.fields["q"].widget.attrs["placeholder"] = _("Number, name or mobile")
        self.fields["tab"].choices = [*self.fields["tab"].choices, *((t.name, t.label) for t in hooks.queue_tabs())]

    def clean_q(self) -> str:
        # A personal number becomes its token here, before it reaches a link, a log or the audit.
        text = self.cleaned_data["q"].strip()
        return personal_number_token(text) or text

    def filters(self) -> QueueFilters:
        """The filters typed, or the default queue when the input is not valid."""
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        return QueueFilters(
            tab=data.get("tab") or QueueTab.UNASSIGNED,
            status=data.get("status") or "",
            province=data.get("province") or "",
            business_type=data.get("business_type") or "",
            age=data.get("age") or "",
            q=(data.get("q") or "").strip(),
        )

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1

    def keyset(self) -> dict[str, str]:
        if not self.is_valid():
            return {}
        return {k: self.cleaned_data[k] for k in ("after", "before") if self.cleaned_data.get(k)}

    def problems(self) -> str:
        """What makes the filters typed impossible to match, in the reader's language."""
        return " ".join(str(error) for errors in self.errors.values() for error in errors)


class ActionForm(forms.Form):
    """A form of a declared action (applications/actions.py), in the workspace and in the admin alike.

    The state the page showed travels beside it as `seen` (core.actions): a stale page is refused.
    Several of these forms share the review page: each gets its own element ids.
    """

    id_prefix = "action"

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class MessageForm(ActionForm):
    """Approve, release, withdraw, reinstate: a message that may stay empty."""

    id_prefix = "message"
    message = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class RequiredMessageForm(ActionForm):
    """Suspend, cancel: the applicant is told why."""

    id_prefix = "why"
    message = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class RejectForm(RequiredMessageForm):
    id_prefix = "reject"
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *RejectionReason.choices])
    field_order = ("reason", "message")


def fixable_choices() -> list[tuple[str, str]]:
    """What a reviewer may ask the applicant to fix: the fields, then the documents."""
    names = [n for n in APPLICANT_FIELDS if n != "install_at_business_address"]  # a choice, not something wrong
    fields = [(n, capfirst(str(MerchantApplication._meta.get_field(n).verbose_name))) for n in names]
    return fields + [(k, str(label)) for k, label in DocumentKind.choices]


class RequestChangesForm(RequiredMessageForm):
    id_prefix = "changes"
    fields = forms.MultipleChoiceField(
        label=_("Fields and documents to fix"), choices=fixable_choices, widget=forms.CheckboxSelectMultiple
    )
    field_order = ("fields", "message")


CHECKLIST_LABELS = dict(ReviewCheck.choices)


class ChecklistForm(ActionForm):
    id_prefix = "checklist"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for key in REVIEW_CHECKLIST:
            self.fields[key] = forms.BooleanField(label=CHECKLIST_LABELS[key], required=False)

    def clean(self) -> dict[str, bool]:
        data = super().clean() or {}
        return {key: bool(data.get(key)) for key in REVIEW_CHECKLIST}


class DocumentForm(ActionForm):
    id_prefix = "document"
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 10 MB)"))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
