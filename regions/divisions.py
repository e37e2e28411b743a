"""China's administrative divisions (GB/T 2260): province, prefecture-level city, county-level district.

The table is python-stdnum's `cn/loc.dat`, the one its resident-ID check (`stdnum.cn.ric`) reads
the birthplace code from. python-stdnum is already a pinned dependency and is kept up to date
(the table carries changes up to 2025), so the address choices and the ID number's area code
come from one source and never disagree; nothing is typed by hand here.

Each county line lists its names with the years they held, e.g. `[1983-1989]A,[1990-]B`: the
current divisions are those whose last name has no end year. Old codes stay readable, because
an ID number keeps the code of the place where it was issued (`place_of_code`).
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import stdnum

# Municipalities list their districts under a placeholder prefecture (110100 "市辖区"):
# their city is the municipality itself.
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
_PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政单位"})
_SEGMENT = re.compile(r"^\[(?P<start>\d{4})?-(?P<end>\d{4})?\](?P<name>.*)$")


@dataclass(frozen=True)
class Division:
    code: str  # six digits: 440000 province, 440300 city, 440305 district
    name: str
    current: bool = True


@dataclass(frozen=True)
class Place:
    """Where a six-digit code is: the names of its province, city and district (empty where none)."""

    code: str
    province: str
    city: str
    district: str
    current: bool

    def __str__(self) -> str:
        parts = [self.province, self.city if self.city != self.province else "", self.district]
        return "".join(p for p in parts if p and p not in _PLACEHOLDERS)


def _latest(names: str) -> tuple[str, bool]:
    """The last name of a `[1983-1989]A,[1990-]B` entry, and whether it still holds."""
    last = names.split(",")[-1]
    match = _SEGMENT.match(last)
    if not match:
        return last, True
    return match["name"], match["end"] is None


@dataclass
class _Table:
    provinces: dict[str, Division]  # "44" -> 广东省
    counties: dict[str, Division]  # "440305" -> 南山区, every code ever listed, current or not


@cache
def _table() -> _Table:
    source = Path(stdnum.__file__).parent / "cn" / "loc.dat"
    provinces: dict[str, Division] = {}
    counties: dict[str, Division] = {}
    province = ""
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, _, rest = line.strip().partition(" ")
        value = rest.split("=", 1)[1].strip('"')
        if not line.startswith(" "):
            province = code
            provinces[code] = Division(f"{code}0000", value)
            continue
        name, current = _latest(value)
        counties[province + code] = Division(province + code, name, current)
    return _Table(provinces, counties)


def provinces() -> list[Division]:
    return sorted(_table().provinces.values(), key=lambda d: d.code)


def province_name(province_code: str) -> str:
    division = _table().provinces.get(province_code)
    return division.name if division else ""


def cities(province_code: str) -> list[Division]:
    """The current prefecture-level divisions of a province (a municipality is its own one city)."""
    table = _table()
    if province_code not in table.provinces:
        return []
    if province_code in MUNICIPALITIES:
        return [Division(f"{province_code}0100", table.provinces[province_code].name)]
    return [d for d in _under(province_code) if d.code.endswith("00") and d.code[2:4] != "00" and d.current]


def districts(city_code: str) -> list[Division]:
    """The current county-level divisions of a city, without the table's placeholders.

    A city without districts (东莞市, 中山市...) has none: the city itself is then the choice.
    """
    return [d for d in _under(city_code[:4]) if not d.code.endswith("00") and d.current and d.name not in _PLACEHOLDERS]


@cache
def _under(prefix: str) -> tuple[Division, ...]:
    """The table's divisions whose code starts with `prefix` (2 or 4 digits), in the table's order.

    Each form with an address drew its district choices by scanning the whole table once per
    city (about 6,000 rows × 20 cities): a third of the review page's time (issue 15).
    """
    return tuple(d for code, d in _table().counties.items() if code.startswith(prefix))


def district_choices(province_code: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(city name, [(district code, district name)]) of a province, for a select with one group per city."""
    groups = []
    for city in cities(province_code):
        options = [(d.code, d.name) for d in districts(city.code)] or [(city.code, city.name)]
        groups.append((city.name, options))
    return groups


def place_of_code(code: str) -> Place | None:
    """The place a six-digit code names, current or former (an ID number keeps its old code)."""
    table = _table()
    if not re.fullmatch(r"\d{6}", code or "") or code[:2] not in table.provinces:
        return None
    province = table.provinces[code[:2]].name
    if code[2:] == "0000":
        return Place(code, province, "", "", True)
    if code[:2] in MUNICIPALITIES:
        city = province
    else:
        city_division = table.counties.get(code[:4] + "00")
        city = city_division.name if city_division else ""
    if code.endswith("00"):
        division = table.counties.get(code)
        if division is None:
            return None
        return Place(code, province, division.name if code[:2] not in MUNICIPALITIES else city, "", division.current)
    division = table.counties.get(code)
    if division is None or division.name in _PLACEHOLDERS:
        return None
    return Place(code, province, city, division.name, division.current)


def current_place(code: str) -> Place | None:
    """The place of a code a person may choose today: a current district, or a city without districts."""
    place = place_of_code(code)
    if place is None or not place.current:
        return None
    if code.endswith("00") and (code[2:] == "0000" or districts(code)):
        return None  # a province, or a city whose districts must be chosen
    if code.endswith("00") and code[:2] in MUNICIPALITIES:
        return None
    return place


def find_district(province_code: str, city_name: str, district_name: str) -> str:
    """The code of a district named by hand (an address typed before the select existed), or "".

    The city's name settles a district name found twice in the province (朝阳区 of 长春市 and of
    北京市 are in different provinces, but 鼓楼区 is in four cities of 江苏省 and 福建省...).
    """
    city_name, district_name = (city_name or "").strip(), (district_name or "").strip()
    candidates = []
    for city in cities(province_code):
        options = districts(city.code) or [city]
        for district in options:
            if district.name == (district_name or city_name):
                candidates.append((city, district))
    if len(candidates) > 1:
        candidates = [(city, district) for city, district in candidates if city.name == city_name]
    return candidates[0][1].code if len(candidates) == 1 else ""
