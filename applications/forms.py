"""The applicant's forms, one per step: validate and convert input only.

Every field may be left empty while the application is a draft (the summary page lists what
is still missing); what is typed must be valid, and is normalised (+86 mobile, upper-case X,
card digits without spaces) before a service saves it.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_cn_mobile
from regions.divisions import current_place, find_district
from regions.forms import DistrictField, ProvinceDistrictMixin

from .choices import LICENSED_BUSINESS_TYPES, DocumentKind, TimeWindow
from .models import CONSENT_VERSION, MerchantApplication
from .uploads import ACCEPTED
from .validators import normalize_card_number, normalize_credit_code, normalize_id_number

ACCEPT_ATTR = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def _without_blank(field: forms.Field) -> None:
    """Radio buttons need no "---------" choice: nothing ticked means not chosen yet."""
    field.choices = [(value, label) for value, label in field.choices if value != ""]


def loosen(field: forms.Field, max_length: int) -> None:
    """Let people type numbers with spaces or dashes: the clean method compacts them to fit the column."""
    field.max_length = max_length
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.widget.attrs["maxlength"] = str(max_length)


class StepForm(forms.ModelForm):
    """A step of the application; `fields_to_save()` is what the service writes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def fields_to_save(self) -> dict[str, object]:
        """The cleaned fields; after a failed validation, those that passed (autosave keeps them)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class PersonalForm(StepForm):
    class Meta:
        model = MerchantApplication
        fields = ["legal_name", "id_number", "mobile"]
        widgets = {
            "legal_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "mobile": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }
        help_texts = {
            "legal_name": _("As printed on your resident ID card."),
            "id_number": _("18 characters: 17 digits and a final digit or X."),
            "mobile": _("Mainland China mobile number, e.g. 138 0013 8000."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        loosen(self.fields["id_number"], 24)
        loosen(self.fields["mobile"], 24)

    def clean_legal_name(self) -> str:
        return " ".join(self.cleaned_data["legal_name"].split())

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip().upper()
        return normalize_id_number(value) if value else ""

    def clean_mobile(self) -> str:
        value = self.cleaned_data["mobile"].strip()
        return normalize_cn_mobile(value) if value else ""


def _with_place(fields: dict[str, object], *, city: str, district: str, code: str) -> dict[str, object]:
    """What a step with a district select saves: the chosen code, and the city and district
    names it stands for (what every page shows). Nothing chosen (or a refused choice): the names
    already kept stay as they are, so an address typed before the list existed is not lost."""
    chosen = fields.pop(district, None)
    fields.pop(city, None)
    place = current_place(str(chosen or ""))
    if place is not None:
        fields.update({code: place.code, city: place.city, district: place.district or place.city})
    return fields


class _AddressForm(ProvinceDistrictMixin, StepForm):
    """A step with an address: the district is chosen from the division table, in the chosen
    province; the city follows from it (a hidden field, kept for the names typed before)."""

    # (province field, city field, district field, code field)
    address: tuple[str, str, str, str]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        province, city, district, code = self.address
        self.fields[city].widget = forms.HiddenInput()
        if not self.is_bound:
            # An address typed before the list existed starts at the district its names designate.
            self.initial[district] = getattr(self.instance, code) or find_district(
                getattr(self.instance, province) or "",
                getattr(self.instance, city) or "",
                getattr(self.instance, district) or "",
            )

    def typed_place(self) -> str:
        """The city and district typed before the list existed that the table does not place,
        shown beside the select until one is chosen."""
        province, city, district, code = self.address
        typed = [getattr(self.instance, city) or "", getattr(self.instance, district) or ""]
        if getattr(self.instance, code) or not any(typed):
            return ""
        if find_district(getattr(self.instance, province) or "", *typed):
            return ""
        return " ".join(n for n in typed if n)

    def fields_to_save(self) -> dict[str, object]:
        _province, city, district, code = self.address
        return _with_place(super().fields_to_save(), city=city, district=district, code=code)


class BusinessForm(_AddressForm):
    address = ("province", "city", "district", "district_code")
    district = DistrictField(province_field="province", required=False, label=_("City and district"))

    class Meta:
        model = MerchantApplication
        fields = ["business_type", "business_name", "credit_code", "category", "province", "city", "district", "street"]
        widgets = {"business_type": forms.RadioSelect, "credit_code": forms.TextInput(attrs={"autocomplete": "off"})}
        help_texts = {
            "credit_code": _("18 characters on your business licence. Needed for an individual business or a company."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _without_blank(self.fields["business_type"])
        loosen(self.fields["credit_code"], 24)

    def clean_credit_code(self) -> str:
        value = self.cleaned_data["credit_code"].strip().upper()
        return normalize_credit_code(value) if value else ""

    def clean(self) -> dict:
        cleaned = super().clean()
        business_type = cleaned.get("business_type")
        if business_type and business_type not in LICENSED_BUSINESS_TYPES:
            # Without a licence there is no credit code: drop one typed before the type changed.
            cleaned["credit_code"] = ""
            self.errors.pop("credit_code", None)
        return cleaned


class SettlementForm(StepForm):
    class Meta:
        model = MerchantApplication
        fields = ["bank_name", "bank_branch", "account_holder", "card_number"]
        widgets = {"card_number": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})}
        help_texts = {
            "account_holder": _("Must be your legal name or your business name, exactly."),
            "card_number": _("13 to 19 digits; spaces are fine."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        loosen(self.fields["card_number"], 25)

    def clean_card_number(self) -> str:
        value = self.cleaned_data["card_number"].strip()
        return normalize_card_number(value) if value else ""

    def clean_account_holder(self) -> str:
        holder = " ".join(self.cleaned_data["account_holder"].split())
        app = self.instance
        names = {n.strip() for n in (app.legal_name, app.business_name) if n and n.strip()}
        if holder and names and holder not in names:
            raise forms.ValidationError(
                _("The account holder must be the legal name or the business name: %(names)s."),
                code="holder_mismatch",
                params={"names": " / ".join(sorted(names))},
            )
        return holder


class TerminalForm(_AddressForm):
    address = ("install_province", "install_city", "install_district", "install_district_code")
    install_district = DistrictField(
        province_field="install_province", required=False, label=_("Installation city and district")
    )
    preferred_windows = forms.MultipleChoiceField(
        label=_("Preferred time windows"),
        choices=TimeWindow.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("When an installer may visit. Tick one or more."),
    )

    class Meta:
        model = MerchantApplication
        fields = [
            "terminal_model",
            "install_at_business_address",
            "install_province",
            "install_city",
            "install_district",
            "install_street",
            "preferred_windows",
        ]
        widgets = {"terminal_model": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _without_blank(self.fields["terminal_model"])
        app = self.instance
        if not self.is_bound and not app.install_street:
            # The installation address starts as the business address; the applicant may change it.
            for name in ("province", "city", "street"):
                self.initial[f"install_{name}"] = getattr(app, name)
            self.initial["install_district"] = app.district_code
            self.fields["install_district"].for_province(app.province)

    def clean_preferred_windows(self) -> list[str]:
        return list(self.cleaned_data["preferred_windows"])


class DocumentsForm(forms.Form):
    """One file input per document the application needs; each may be sent on its own."""

    def __init__(self, *args, application: MerchantApplication, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for kind in application.required_documents():
            self.fields[kind] = forms.FileField(
                label=DocumentKind(kind).label,
                required=False,
                help_text=ACCEPTED,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
            )

    def uploads(self) -> dict[str, object]:
        return {kind: f for kind, f in self.cleaned_data.items() if f}


class ConsentForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I consent to the processing of my sensitive personal information as described above."),
        required=True,
        error_messages={
            "required": _("Tick the box to give your consent; without it the application cannot be submitted.")
        },
    )
    version = forms.CharField(widget=forms.HiddenInput, initial=CONSENT_VERSION)

    def clean(self) -> dict:
        cleaned = super().clean()
        # The version is a hidden field: its refusal is shown above the form, not beside it.
        if cleaned.get("version") != CONSENT_VERSION:
            raise forms.ValidationError(
                _("The consent text has changed since you opened this page: read it again and tick the box."),
                code="consent_version",
            )
        return cleaned


class WithdrawForm(forms.Form):
    message = forms.CharField(
        label=_("Why do you withdraw? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type[forms.BaseForm]


# The order of the form; slugs are the `step` of MerchantApplication.submission_problems().
STEPS: list[Step] = [
    Step("personal", _("Personal details"), PersonalForm),
    Step("business", _("Business"), BusinessForm),
    Step("settlement", _("Settlement account"), SettlementForm),
    Step("documents", _("Documents"), DocumentsForm),
    Step("terminal", _("Terminal and installation"), TerminalForm),
    Step("consent", _("Consent"), ConsentForm),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}


def step_of_field(name: str) -> str | None:
    """The step whose form holds a field or document kind (as a reviewer names it), if any."""
    if name in DocumentKind.values:
        return "documents"
    for step in STEPS:
        meta = getattr(step.form_class, "Meta", None)
        if meta is not None and name in meta.fields:
            return step.slug
    if name in ("consent",):
        return "consent"
    return None


def field_label(name: str) -> str:
    """A field or document kind in the reader's language, for lists of things to fix."""
    if name in DocumentKind.values:
        return str(DocumentKind(name).label)
    try:
        return capfirst(str(MerchantApplication._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name
