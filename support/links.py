"""How a case, a service visit and a terminal open for each reader (registered at start-up)."""

from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from applications.links import status_pages
from installations.models import Visit, VisitStatus
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


def installer_service_visits(user: User, references: list[str]) -> dict[str, str]:
    """An installer opens the service visit of a case while it is still theirs (a cancelled one is text)."""
    rows = (
        Visit.objects.filter(case_link__case__reference__in=references, installer=user)
        .exclude(status=VisitStatus.CANCELLED)
        .order_by("starts_at")
        .values_list("case_link__case__reference", "pk")
    )
    return {ref: reverse("installations:service_visit", args=[pk]) for ref, pk in rows}


def merchant_visits(user: User, idents: list[str]) -> dict[str, str]:
    """A merchant opens a visit to them: a service visit on its case's page, an installation on the application's."""
    pks = [int(i) for i in idents if i.isdigit()]
    rows = Visit.objects.filter(pk__in=pks, application__applicant=user).values_list(
        "pk", "case_link__case__reference", "application__reference"
    )
    found = {}
    for pk, case_ref, app_ref in rows:
        found[str(pk)] = (
            reverse("support:case_detail", args=[case_ref]) if case_ref else status_pages(user, [app_ref]).get(app_ref)
        )
    return {k: v for k, v in found.items() if v}


def support_visits(user: User, idents: list[str]) -> dict[str, str]:
    """Support opens a service visit on its case's page."""
    pks = [int(i) for i in idents if i.isdigit()]
    rows = Visit.objects.filter(pk__in=pks, case_link__isnull=False).values_list("pk", "case_link__case__reference")
    return {str(pk): reverse("support:case_manage", args=[ref]) for pk, ref in rows}


def register_links() -> None:
    register("case", Role.APPLICANT, merchant_cases)
    register("case", Role.SUPPORT, support_cases)
    register("service_visit", Role.APPLICANT, merchant_cases)
    register("service_visit", Role.SUPPORT, support_cases)
    register("service_visit", Role.INSTALLER, installer_service_visits)
    register("visit", Role.APPLICANT, merchant_visits)
    register("visit", Role.SUPPORT, support_visits)
    register("terminal", Role.APPLICANT, merchant_terminals)
