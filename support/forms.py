"""Validate and convert input only: the support pages' forms."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from core.widgets import QuickSelect
from installations.forms import SLOT_FORMATS, slot_choices

from .catalogue import CATALOGUE, KNOWN_CODES, SYMPTOMS

# --- Pages --------------------------------------------------------------------------------


def code_choices() -> list[tuple[str, str]]:
    return [("", gettext("— choose the code —"))] + [
        (code, f"{code} · {item.shows}") for code, item in CATALOGUE.items()
    ]


class ProblemForm(forms.Form):
    """What the merchant sees: a code or a symptom (either is enough)."""

    code = forms.ChoiceField(label=_("Code on the screen"), required=False)
    symptom = forms.ChoiceField(label=_("Or what happens"), required=False)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = code_choices()
        self.fields["symptom"].choices = [("", gettext("— choose what happens —"))] + [
            (key, str(s.label)) for key, s in SYMPTOMS.items()
        ]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("code") and not data.get("symptom"):
            raise forms.ValidationError(_("Choose the code the terminal shows, or what happens."))
        return data


class CaseForm(forms.Form):
    code = forms.CharField(required=False, max_length=2)
    symptom = forms.CharField(required=False, max_length=20)
    tried = forms.MultipleChoiceField(label=_("What I tried"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(
        label=_("Anything else we should know"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, steps: list[str] | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["tried"].choices = [(str(i), s) for i, s in enumerate(steps or [])]

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").upper()
        if code and code not in KNOWN_CODES:
            raise forms.ValidationError(_("Unknown code."))
        return code

    def clean_symptom(self) -> str:
        symptom = self.cleaned_data.get("symptom") or ""
        if symptom and symptom not in SYMPTOMS:
            raise forms.ValidationError(_("Unknown symptom."))
        return symptom


class VisitForm(forms.Form):
    """A free slot of the one calendar (offered by installations.selectors.free_slots; the booking
    checks again that it is still free) and, optionally, the installer."""

    starts_at = forms.DateTimeField(label=_("Free slot"), input_formats=SLOT_FORMATS, widget=QuickSelect)
    installer = forms.ModelChoiceField(
        label=_("Installer"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Any free installer (the least busy)"),
        widget=QuickSelect,
    )
    outside_windows = forms.BooleanField(
        label=_("The merchant agreed to a time outside their preferred time windows"), required=False
    )

    def __init__(self, *args, slots: list | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # The group's members read first: joined by the group's name, PostgreSQL cannot tell the
        # few installers from the many applicants, and reads every user to find them.
        installers = list(
            User.groups.through.objects.filter(group__name=Role.INSTALLER).values_list("user_id", flat=True)
        )
        # Only what an option shows (the name): no installer's mobile decrypted to draw the list.
        self.fields["installer"].queryset = (
            User.objects.filter(pk__in=installers, is_active=True)
            .only("pk", "username", "email", "first_name", "last_name")
            .order_by("last_name", "first_name")
        )
        if slots is not None:
            self.fields["starts_at"].widget.choices = slot_choices(slots)


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
