"""Forms of the visit and the booking: they convert input; the services judge it."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from core.widgets import QuickSelect
from terminals.models import CommMode

from .models import TRAINING_TOPICS


class AssignTerminalForm(forms.Form):
    serial_number = forms.CharField(
        label=_("Serial number (on the terminal's label)"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )


class ReleaseTerminalForm(forms.Form):
    faulty = forms.BooleanField(label=_("The terminal is faulty (set it aside)"), required=False)
    note = forms.CharField(label=_("Why"), max_length=200, required=False)


class ConfigurationForm(forms.Form):
    tid = forms.CharField(
        label=_("Terminal ID (TID)"),
        max_length=20,
        help_text=_("8 digits or capital letters, as typed on the terminal."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    mid = forms.CharField(
        label=_("Merchant ID (MID)"),
        max_length=30,
        help_text=_("15 digits, issued at approval."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    host = forms.CharField(
        label=_("Acquirer host address"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    port = forms.CharField(label=_("Port"), max_length=10, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    comm_mode = forms.ChoiceField(label=_("Communication mode"), choices=CommMode.choices)
    key_check_value = forms.CharField(
        label=_("Key check value (KCV)"),
        max_length=64,
        help_text=_("The 6 characters the terminal shows for its key. Never enter the key itself."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false", "maxlength": "6"}
        ),
    )


class TrainingForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Shown to the merchant"), choices=TRAINING_TOPICS, widget=forms.CheckboxSelectMultiple, required=False
    )
    confirmed_by_name = forms.CharField(
        label=_("Merchant's name, typed by the merchant"),
        max_length=100,
        required=False,
        help_text=_("Hand the phone to the merchant: they type their own name to confirm the training."),
    )


SLOT_FORMATS = ["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S"]


class SlotForm(forms.Form):
    """The slot an applicant picks: one of those offered (the service checks it is still free)."""

    starts_at = forms.DateTimeField(label=_("Visit time"), input_formats=SLOT_FORMATS)


class SwapTerminalForm(forms.Form):
    serial_number = forms.CharField(
        label=_("Serial number of the new terminal (on its label)"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    note = forms.CharField(label=_("What is wrong with the old one"), max_length=200, required=False)


class WorkForm(forms.Form):
    notes = forms.CharField(
        label=_("What was done"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the TID re-entered, the sign-in answered 00, a sale tested with the merchant."),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        help_text=_("JPEG or PNG, at most 10 MB: the terminal's screen, the receipt of the test sale."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class VisitForm(forms.Form):
    installer = forms.ModelChoiceField(
        label=_("Installer"),
        queryset=User.objects.filter(groups__name=Role.INSTALLER, is_active=True),
        required=False,
        help_text=_("Empty: the least busy installer of the area who is free then."),
    )
    starts_at = forms.DateTimeField(
        label=_("Visit starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    outside_windows = forms.BooleanField(
        label=_("The merchant agreed to a time outside their preferred time windows"), required=False
    )

    def for_object(self, app: object) -> None:
        """Staff book and move from the one free-slot selector too: the slots offered, preferred first."""
        from .selectors import booked_visit, free_slots

        slots = free_slots(app, earliest=timezone.now(), moving=booked_visit(app))  # type: ignore[arg-type]
        self.fields["starts_at"].widget = QuickSelect(choices=slot_choices(slots))


class ReassignForm(forms.Form):
    installer = forms.ModelChoiceField(
        label=_("Installer"), queryset=User.objects.filter(groups__name=Role.INSTALLER, is_active=True)
    )

    def for_object(self, app: object) -> None:
        """Only the installers of the area free at the visit's time (the one calendar says who)."""
        from .selectors import booked_visit, free_slots

        visit = booked_visit(app)  # type: ignore[arg-type]
        if visit is None:
            return
        free = [
            s
            for s in free_slots(app, earliest=visit.starts_at, days=60, moving=visit)  # type: ignore[arg-type]
            if s.starts_at == visit.starts_at
        ]
        ids = [i for s in free for i in s.installer_ids if i != visit.installer_id]
        self.fields["installer"].queryset = User.objects.filter(pk__in=ids)


def slot_choices(slots: list) -> list:
    """The free slots by day, the merchant's preferred windows first within each day."""
    tz = timezone.get_default_timezone()
    days: dict = {}
    for slot in slots:
        local = timezone.localtime(slot.starts_at, tz)
        days.setdefault(local.date(), []).append((not slot.preferred, local, slot))
    choices: list = [("", gettext("— choose a free slot —"))]
    for day, rows in days.items():
        options = []
        for _later, local, slot in sorted(rows, key=lambda r: (r[0], r[1])):
            label = f"{local:%H:%M}–{timezone.localtime(slot.ends_at, tz):%H:%M}"
            if slot.preferred:
                label += " · " + gettext("merchant's preferred time")
            options.append((local.isoformat(), label))
        choices.append((date_format(day, "D Y-m-d"), options))
    return choices


class SignInForm(forms.Form):
    response_code = forms.CharField(label=_("Response code the terminal showed"), max_length=2, initial="00")
    detail = forms.CharField(
        label=_("Detail"), max_length=200, help_text=_("Why the portal could not test it itself (e.g. private APN).")
    )
