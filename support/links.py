"""How a case, a service visit and a terminal open for each reader (registered at start-up;
the installer's list of visits is the back office's, which registers it)."""

from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from notifications.links import register
from terminals.models import Terminal

from .models import SupportCase


def _cases(references: list[str], page: str, **mine: object) -> dict[str, str]:
    refs = SupportCase.objects.filter(reference__in=references, **mine).values_list("reference", flat=True)
    return {ref: reverse(page, args=[ref]) for ref in refs}


def merchant_cases(user: User, references: list[str]) -> dict[str, str]:
    return _cases(references, "support:case_detail", application__applicant=user)


def support_cases(user: User, references: list[str]) -> dict[str, str]:
    return _cases(references, "support:case_manage")


def merchant_terminals(user: User, serials: list[str]) -> dict[str, str]:
    mine = Terminal.objects.filter(serial_number__in=serials, application__applicant=user)
    return {s: reverse("support:terminal_problem", args=[s]) for s in mine.values_list("serial_number", flat=True)}


def register_links() -> None:
    register("case", Role.APPLICANT, merchant_cases)
    register("case", Role.SUPPORT, support_cases)
    register("service_visit", Role.APPLICANT, merchant_cases)
    register("service_visit", Role.SUPPORT, support_cases)
    register("terminal", Role.APPLICANT, merchant_terminals)
