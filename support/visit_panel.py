"""What the installer's service visit page (installations) shows of the case it was booked for:
the case, the code, the automatic checks and what the terminal reported last."""

from installations.hooks import add_visit_panel
from installations.models import Visit, VisitPurpose

from .catalogue import entry
from .checks import readable_checks
from .models import CaseVisit
from .selectors import last_codes


def case_panel(visit: Visit) -> tuple[str, dict] | None:
    link = CaseVisit.objects.select_related("case", "case__terminal").filter(visit=visit).first()
    if link is None:
        return None
    case = link.case
    return (
        "support/_visit_case.html",
        {
            "case": case,
            "entry": entry(case.code),
            "codes": last_codes(case.terminal),
            "checks": readable_checks(case.checks),
        },
    )


def register_visit_panel() -> None:
    add_visit_panel(VisitPurpose.SERVICE, case_panel)
