"""Sign-up and account forms: validate and convert input only."""

from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import applicant_register
from .validators import normalize_cn_mobile


def _language_code() -> str:
    return (get_language() or "zh-hans").lower()


class SignupForm(forms.Form):
    """The fields allauth's sign-up form adds to email and password (ACCOUNT_SIGNUP_FORM_CLASS)."""

    mobile = forms.CharField(
        label=_("Mobile"),
        max_length=20,
        help_text=_("Mainland China mobile number, e.g. +86 138 0013 8000."),
        widget=forms.TextInput(
            attrs={"autocomplete": "tel", "inputmode": "tel", "placeholder": _("Mobile, e.g. 138 0013 8000")}
        ),
    )

    def clean_mobile(self) -> str:
        return normalize_cn_mobile(self.cleaned_data["mobile"])

    def signup(self, request: HttpRequest, user: User) -> None:
        # Called by allauth once the user row exists, inside its sign-up flow.
        applicant_register(user=user, mobile=self.cleaned_data["mobile"], language=_language_code())


class ContactForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["mobile", "preferred_language"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mobile"].required = True
        self.fields["mobile"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean_mobile(self) -> str:
        return normalize_cn_mobile(self.cleaned_data["mobile"])
