"""A district field whose choices follow the province field of the same form.

The select lists the districts of the chosen province, one group per city. static/regions/district-select.js
reloads them when the province changes; without JavaScript the form still works: a district
that does not belong to the province is refused with a message naming the field, and the form
comes back listing the new province's districts.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import divisions
from .validators import validate_district_in_province


class DistrictSelect(forms.Select):
    class Media:
        js = ("regions/district-select.js",)

    def __init__(self, province_field: str, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.province_field = province_field

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-province-field"] = self.province_field
        # The script puts the chosen province in place of 00.
        widget_attrs["data-districts-url"] = reverse("regions:districts", args=["00"])
        return context


class DistrictField(forms.ChoiceField):
    """A six-digit district code of a province named by another field of the form.

    Call `for_province(code)` before validation and rendering (ProvinceDistrictMixin does).
    """

    def __init__(self, *, province_field: str, **kwargs: object) -> None:
        kwargs.setdefault("label", _("District"))
        super().__init__(widget=DistrictSelect(province_field), **kwargs)
        self.province_field = province_field

    def for_province(self, province_code: str) -> None:
        self.choices = [("", "—"), *divisions.district_choices(province_code or "")]

    def valid_value(self, value: str) -> bool:
        # The pair is checked in the form's clean(), where the province is known, with a clearer message.
        return True


class ProvinceDistrictMixin:
    """For a form with a province field and one or more DistrictFields: choices and the pair check."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, DistrictField):
                field.for_province(self._chosen_province(field.province_field))

    def _chosen_province(self, name: str) -> str:
        if self.is_bound:
            return self.data.get(self.add_prefix(name), "")
        return self.initial.get(name, "") or self.fields[name].initial or ""

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, field in self.fields.items():
            if not isinstance(field, DistrictField) or name in self.errors or not cleaned.get(name):
                continue
            try:
                validate_district_in_province(
                    cleaned.get(field.province_field, ""),
                    cleaned[name],
                    district_field=name,
                    district_label=str(field.label),
                )
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned
