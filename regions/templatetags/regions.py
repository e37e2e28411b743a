from django import template

from regions.divisions import find_district
from regions.validators import AreaCheck, id_area_check

register = template.Library()


@register.simple_tag
def id_area_hint(id_number: str, province: str, city: str, district: str, code: str = "") -> AreaCheck | None:
    """For the reviewer: where the ID number was issued, compared with the address: its district
    chosen from the table (`code`), or else placed from the names typed before the list existed.

    None when there is no ID number to compare. The hint names places only, never the number.
    """
    if not id_number:
        return None
    return id_area_check(id_number, code or find_district(province, city, district))
