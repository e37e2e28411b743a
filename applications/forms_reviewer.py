"""Forms of the reviewer's workspace: they validate and convert input, nothing else.

Every decision form carries the status the page showed (`seen_status`), so that the
service can refuse when the application changed since the page was loaded.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .admin_transitions import fixable_choices
from .choices import BusinessType, Province, RejectionReason, ReviewCheck, Status
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
    # A page past any real queue, not a number the database cannot OFFSET by (that was a 500).
    page = forms.IntegerField(min_value=1, max_value=100_000, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["age"].choices = [("", _("Any time")), *((a, _age_label(a)) for a in AGE_CHOICES)]
        self.fields["q"].widget.attrs["placeholder"] = _("Number, name or mobile")

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
            tab=QueueTab(data.get("tab") or QueueTab.UNASSIGNED),
            status=data.get("status") or "",
            province=data.get("province") or "",
            business_type=data.get("business_type") or "",
            age=data.get("age") or "",
            q=(data.get("q") or "").strip(),
        )

    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1


class SeenStatusForm(forms.Form):
    seen_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    # Several of these forms share the review page: each gets its own element ids.
    id_prefix = "seen"

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class ApproveForm(SeenStatusForm):
    id_prefix = "approve"
    message = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class HoldForm(SeenStatusForm):
    """Claim or release."""

    id_prefix = "hold"
    message = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class RejectForm(SeenStatusForm):
    id_prefix = "reject"
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *RejectionReason.choices])
    message = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class RequestChangesForm(SeenStatusForm):
    id_prefix = "changes"
    fields = forms.MultipleChoiceField(
        label=_("Fields and documents to fix"), choices=fixable_choices, widget=forms.CheckboxSelectMultiple
    )
    message = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


CHECKLIST_LABELS = dict(ReviewCheck.choices)


class ChecklistForm(SeenStatusForm):
    id_prefix = "checklist"

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for key in REVIEW_CHECKLIST:
            self.fields[key] = forms.BooleanField(label=CHECKLIST_LABELS[key], required=False)

    def checks(self) -> dict[str, bool]:
        return {key: bool(self.cleaned_data.get(key)) for key in REVIEW_CHECKLIST}


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
