"""Checks of an address against the division table, and of an ID number's area code against an address."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import divisions


def validate_district_in_province(
    province_code: str,
    district_code: str,
    *,
    district_field: str = "district",
    district_label: str | None = None,
) -> divisions.Place:
    """The place of `district_code`, or a ValidationError on `district_field` naming the field.

    Refuses a code that is not a current district (or a city without districts) and a district
    that lies in another province than the one chosen.
    """
    label = district_label or str(gettext_lazy("District"))
    place = divisions.current_place(district_code or "")
    if place is None:
        raise ValidationError(
            {district_field: _("%(field)s: choose a district from the list.") % {"field": label}},
            code="unknown_district",
        )
    if district_code[:2] != province_code:
        raise ValidationError(
            {
                district_field: _(
                    "%(field)s: %(district)s is not in %(province)s. Choose a district of %(province)s, or change the province."
                )
                % {"field": label, "district": str(place), "province": divisions.province_name(province_code) or "—"}
            },
            code="district_not_in_province",
        )
    return place


# How near the ID number's area code is to the address: stored as a code, worded when read.
SAME_DISTRICT, SAME_CITY, SAME_PROVINCE, ELSEWHERE, UNKNOWN, ADDRESS_UNKNOWN = (
    "same_district",
    "same_city",
    "same_province",
    "elsewhere",
    "unknown",
    "address_unknown",
)


@dataclass(frozen=True)
class AreaCheck:
    """The ID number's area code compared with an address, for the reviewer (a hint, not a rule:
    people move, and the code is where the ID was first issued)."""

    code: str
    id_place: str
    address_place: str

    @property
    def matches(self) -> bool:
        return self.code in (SAME_DISTRICT, SAME_CITY, SAME_PROVINCE)

    def text(self) -> str:
        """In the reader's language (call it while their language is active)."""
        words = {
            SAME_DISTRICT: _("The ID number was issued in %(id_place)s, the same district as the address."),
            SAME_CITY: _("The ID number was issued in %(id_place)s, the same city as the address (%(address_place)s)."),
            SAME_PROVINCE: _(
                "The ID number was issued in %(id_place)s, in the same province as the address (%(address_place)s)."
            ),
            ELSEWHERE: _(
                "The ID number was issued in %(id_place)s, another province than the address (%(address_place)s): check the applicant lives or trades there."
            ),
            UNKNOWN: _("The area code of the ID number is not in the division table: check the ID card."),
            ADDRESS_UNKNOWN: _(
                "The ID number was issued in %(id_place)s; the district of the address is not in the division table: check its spelling."
            ),
        }
        return words[self.code] % {"id_place": self.id_place, "address_place": self.address_place}


def id_area_check(id_number: str, district_code: str) -> AreaCheck:
    """Compare the first six digits of a resident ID number with the address's district code."""
    id_place = divisions.place_of_code((id_number or "")[:6])
    address = divisions.place_of_code(district_code or "")
    address_text = str(address) if address else ""
    if id_place is None:
        return AreaCheck(UNKNOWN, "", address_text)
    if address is None:
        return AreaCheck(ADDRESS_UNKNOWN, str(id_place), "")
    id_code, code = id_number[:6], district_code or ""
    if id_code == code:
        level = SAME_DISTRICT
    elif address and id_code[:4] == code[:4]:
        level = SAME_CITY
    elif address and id_code[:2] == code[:2]:
        level = SAME_PROVINCE
    else:
        level = ELSEWHERE
    return AreaCheck(level, str(id_place), address_text)
