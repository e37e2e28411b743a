"""The risk rules: each reads the application and the evidence and may add a reason.

A reason is stored as a code, its parameters and the weight the policy gave it; it is worded
when read (`reason_text`), in the reader's language. The weights and thresholds are the
policy's (models.RiskPolicy); DEFAULT_WEIGHTS are the first version's.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.choices import Category, Status
from applications.models import MerchantApplication
from regions import divisions
from regions.validators import ELSEWHERE, id_area_check

from .choices import CheckKind, Outcome

DEFAULT_WEIGHTS: dict[str, int] = {
    "identity_mismatch": 100,
    "identity_not_found": 100,
    "card_mismatch": 40,
    "card_not_found": 30,
    "business_mismatch": 60,
    "business_not_found": 60,
    "business_inactive": 100,
    "mobile_mismatch": 20,
    "mobile_not_found": 20,
    "new_mobile": 15,
    "auto_decision_refused": 0,
    "resubmitted_after_changes": 0,  # weighs nothing, but a person looks at every correction
    "check_not_done": 0,  # weighs nothing, but an incomplete check never lets anything through
    "duplicate_id_number": 40,
    "duplicate_card_number": 40,
    "duplicate_mobile": 10,
    "watched_category": 25,
    "under_age": 100,
    "senior_age": 15,
    "id_area_elsewhere": 10,
    "velocity_address": 30,
    "velocity_device": 20,
}
DEFAULT_WATCHED_CATEGORIES = [Category.ELECTRONICS.value, Category.SERVICES.value]

REASONS: dict[str, Any] = {
    "identity_mismatch": _("The name and ID number do not match the public security record."),
    "identity_not_found": _("The public security service has no record of this ID number."),
    "card_mismatch": _("The bank says the card's holder, ID number or reserved mobile differ from the application."),
    "card_not_found": _("The bank has no record of this card."),
    "business_mismatch": _("The enterprise credit register shows another name or legal representative."),
    "business_not_found": _("The enterprise credit register has no record of this credit code."),
    "business_inactive": _("The business is registered as “%(status)s”, not in operation."),
    "mobile_mismatch": _("The mobile operator says this number belongs to someone else."),
    "mobile_not_found": _("The mobile operator has no record of this number."),
    "new_mobile": _("The mobile number has been in service for only %(months)s months."),
    "auto_decision_refused": _("The automatic decision was refused by the workflow (%(why)s): a person decides."),
    "check_not_done": _("The %(check)s check could not be done (%(answer)s): a person decides."),
    "resubmitted_after_changes": _(
        "Corrected after a request for changes: a person looks at the corrections, never the automatic decision."
    ),
    "duplicate_id_number": _("Another applicant's application (%(refs)s) has the same ID number."),
    "duplicate_card_number": _("Another applicant's application (%(refs)s) has the same bank card."),
    "duplicate_mobile": _("Another applicant's application (%(refs)s) has the same mobile."),
    "watched_category": _("The merchant category %(category)s is under watch in the risk policy."),
    "under_age": _("By the ID number the applicant is %(age)s years old, under 18."),
    "senior_age": _("By the ID number the applicant is %(age)s years old."),
    "id_area_elsewhere": _("The ID number was issued in %(id_place)s, another province than the business address."),
    "velocity_address": _("%(n)s applications were submitted from the same network address in 24 hours."),
    "velocity_device": _("%(n)s applications were submitted from the same device in 24 hours."),
}

CHECK_NAMES = {
    CheckKind.IDENTITY: _("identity"),
    CheckKind.BANK_CARD: _("bank card"),
    CheckKind.BUSINESS: _("business register"),
    CheckKind.MOBILE: _("mobile operator"),
}
ACTIVE_BUSINESS = ("存续", "在业", "开业", "active")


def reason_text(reason: dict[str, Any]) -> str:
    """A stored reason in the reader's language (call while it is active)."""
    template = REASONS.get(reason.get("code", ""))
    if template is None:
        return str(reason.get("code", ""))
    params = dict(reason.get("params") or {})
    if "check" in params:
        params["check"] = CHECK_NAMES.get(params["check"], params["check"])
    if "answer" in params:
        params["answer"] = Outcome(params["answer"]).label if params["answer"] in Outcome.values else params["answer"]
    if "category" in params:
        value = params["category"]
        params["category"] = f"{value} {Category(value).label}" if value in Category.values else value
    try:
        return str(template) % {k: str(v) for k, v in params.items()}
    except (KeyError, TypeError, ValueError):
        return str(template)


@dataclass
class Facts:
    """What the rules read: the application, the answer of each check, where it came from."""

    application: MerchantApplication
    outcomes: dict[str, str]
    details: dict[str, dict[str, Any]]
    required: tuple[str, ...]
    watched_categories: list[str]
    velocity_limit: int
    origin_address: str = ""
    origin_device: str = ""
    # Filled by the caller (one query each): submissions from the same origin in 24 h, other than this one.
    same_address: int = 0
    same_device: int = 0
    today: date = field(default_factory=lambda: timezone.localdate())


Hit = tuple[str, dict[str, Any]]
Rule = Callable[[Facts], list[Hit]]


def checks(f: Facts) -> list[Hit]:
    hits: list[Hit] = []
    prefixes = {
        CheckKind.IDENTITY: "identity",
        CheckKind.BANK_CARD: "card",
        CheckKind.BUSINESS: "business",
        CheckKind.MOBILE: "mobile",
    }
    for kind in f.required:
        outcome = f.outcomes.get(kind)
        if outcome == Outcome.MISMATCH:
            hits.append((f"{prefixes[kind]}_mismatch", {"fields": f.details.get(kind, {}).get("fields", [])}))
        elif outcome == Outcome.NOT_FOUND:
            hits.append((f"{prefixes[kind]}_not_found", {}))
        elif outcome != Outcome.MATCH:
            hits.append(("check_not_done", {"check": kind, "answer": outcome or "missing"}))
    status = f.details.get(CheckKind.BUSINESS, {}).get("status")
    if f.outcomes.get(CheckKind.BUSINESS) == Outcome.MATCH and status not in ACTIVE_BUSINESS:
        hits.append(("business_inactive", {"status": status}))
    months = f.details.get(CheckKind.MOBILE, {}).get("months_in_service")
    if f.outcomes.get(CheckKind.MOBILE) == Outcome.MATCH and isinstance(months, int) and months < 6:
        hits.append(("new_mobile", {"months": months}))
    return hits


def duplicates(f: Facts) -> list[Hit]:
    """The same number on another applicant's application (the keyed blind indexes: one query)."""
    app = f.application
    keys = {
        "id_number": app.id_number_index,
        "card_number": app.card_number_index,
        "mobile": app.mobile_index,
    }
    condition = Q()
    for name, index in keys.items():
        if index:
            condition |= Q(**{f"{name}_index": index})
    if not condition:
        return []
    others = (
        MerchantApplication.objects.filter(condition)
        .exclude(applicant_id=app.applicant_id)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .values_list("reference", "id_number_index", "card_number_index", "mobile_index")[:50]
    )
    found: dict[str, list[str]] = {}
    for ref, id_index, card_index, mobile_index in others:
        for name, index in (("id_number", id_index), ("card_number", card_index), ("mobile", mobile_index)):
            if index and index == keys[name]:
                found.setdefault(name, []).append(ref)
    return [(f"duplicate_{name}", {"refs": ", ".join(sorted(refs)[:3])}) for name, refs in found.items()]


def category(f: Facts) -> list[Hit]:
    value = f.application.category
    return [("watched_category", {"category": value})] if value and value in f.watched_categories else []


def age(f: Facts) -> list[Hit]:
    number = f.application.id_number or ""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return []
    years = f.today.year - born.year - ((f.today.month, f.today.day) < (born.month, born.day))
    if years < 18:
        return [("under_age", {"age": years})]
    if years >= 70:
        return [("senior_age", {"age": years})]
    return []


def area(f: Facts) -> list[Hit]:
    app = f.application
    code = divisions.find_district(app.province, app.city, app.district) if app.province else ""
    found = id_area_check(app.id_number or "", code or (app.province + "0000" if app.province else ""))
    return [("id_area_elsewhere", {"id_place": found.id_place})] if found.code == ELSEWHERE else []


def velocity(f: Facts) -> list[Hit]:
    hits: list[Hit] = []
    if f.origin_address and f.same_address + 1 > f.velocity_limit:
        hits.append(("velocity_address", {"n": f.same_address + 1}))
    if f.origin_device and f.same_device + 1 > f.velocity_limit:
        hits.append(("velocity_device", {"n": f.same_device + 1}))
    return hits


RULES: list[Rule] = [checks, duplicates, category, age, area, velocity]
VELOCITY_WINDOW = timedelta(hours=24)


def score(facts: Facts, weights: dict[str, int]) -> tuple[int, list[dict[str, Any]]]:
    """The score and its reasons, heaviest first (what the reviewer reads first)."""
    reasons = []
    for rule in RULES:
        for code, params in rule(facts):
            weight = int(weights.get(code, DEFAULT_WEIGHTS.get(code, 0)))
            reasons.append({"code": code, "params": params, "weight": weight})
    reasons.sort(key=lambda r: -r["weight"])
    return sum(r["weight"] for r in reasons), reasons
