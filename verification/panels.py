"""The blocks verification draws on the application's pages (applications.hooks.panel)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from accounts.roles import Role, has_role
from applications.models import MerchantApplication

from .choices import Route
from .jobs import STALLED_AFTER
from .selectors import evidence_of, worded_reasons
from .services import checks_running, latest_assessment, latest_for_page


def review_panel(request: HttpRequest, app: MerchantApplication) -> str:
    """First on the review page: where the checks sent it, the reasons heaviest first, the answers."""
    assessment = latest_for_page(app)
    if assessment is None:
        return ""
    context = {
        "app": app,
        "assessment": assessment,
        "running": checks_running(assessment),
        # Running past the time the periodic job gives a lost task: a person decides, told why.
        "stalled": assessment.route == Route.RUNNING and not checks_running(assessment),
        "stalled_minutes": int(STALLED_AFTER.total_seconds() // 60),
        "reasons": worded_reasons(assessment),
        "evidence": evidence_of(assessment),
        "can_look": (assessment.sampled and not assessment.second_look and has_role(request.user, Role.REVIEWER)),
    }
    return render_to_string("verification/_review_panel.html", context, request=request)


def status_panel(request: HttpRequest, app: MerchantApplication) -> str:
    """The applicant's "checks running" while the job runs; nothing once it is done."""
    if app.status != "submitted":
        return ""  # checks run only on a submitted application: no query for the others
    if not checks_running(latest_assessment(app)):
        return ""  # done, or given up waiting for a lost worker: a person decides now
    return render_to_string("verification/_status_panel.html", {"app": app}, request=request)
