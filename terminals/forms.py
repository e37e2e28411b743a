from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TerminalStatus


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, first line: serial_number,model,key_check_value. One terminal per line."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New state"),
        choices=[(s.value, s.label) for s in (TerminalStatus.IN_STOCK, TerminalStatus.FAULTY, TerminalStatus.RETIRED)],
    )
    note = forms.CharField(label=_("Why"), max_length=200)
