"""The merchant's pages: my terminals, "my terminal shows an error", my cases."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import WorkflowError
from core.texts import source
from terminals.models import Terminal

from ..access import case_for_merchant, terminal_for_merchant
from ..catalogue import CUSTOMER_SIDES, SYMPTOMS, entry
from ..checks import PROBLEM, CheckResult, readable_checks, run_checks
from ..forms import CaseForm, ProblemForm
from ..selectors import case_visits, health_of, merchant_cases, merchant_terminals, open_incident
from ..services import case_open


@login_required
@require_GET
def my_terminals(request: HttpRequest) -> HttpResponse:
    terminals = list(merchant_terminals(request.user))
    rows = [(t, health_of(t)) for t in terminals]
    return render(
        request,
        "support/my_terminals.html",
        {"rows": rows, "cases": merchant_cases(request.user)[:20], "incident": open_incident()},
    )


def _path(code: str, symptom: str) -> dict:
    """What the guided path shows for a code or a symptom: meaning, causes, steps."""
    item = entry(code) if code else None
    sym = SYMPTOMS.get(symptom) if symptom else None
    causes = [str(c) for c in (item.causes if item else ())] + [str(c) for c in (sym.causes if sym else ())]
    lazy_steps = list(item.steps if item else ()) + list(sym.steps if sym else ())
    return {
        "entry": item,
        "symptom_item": sym,
        "causes": causes,
        "steps": [str(s) for s in lazy_steps],
        # What a case keeps of the steps: their source text, worded in each reader's language.
        "step_sources": [source(s) for s in lazy_steps],
        "customer_side": bool(item and item.side in CUSTOMER_SIDES),
        "needs_support": bool((item and item.needs_support) or (sym and sym.hardware)),
    }


def _verdict(checks: list[CheckResult]) -> list[CheckResult]:
    return [c for c in checks if c.status == PROBLEM]


def _render_problem(
    request: HttpRequest,
    terminal: Terminal,
    form: ProblemForm,
    case_form: CaseForm | None = None,
    status: int = 200,
    known_code: str = "",
) -> HttpResponse:
    context: dict = {
        "terminal": terminal,
        "form": form,
        "incident": open_incident(),
        "health": health_of(terminal),
        "known_code": known_code,
    }
    if form.is_bound and form.is_valid():
        code, symptom = form.cleaned_data["code"], form.cleaned_data["symptom"]
        path = _path(code, symptom)
        checks = run_checks(terminal=terminal, code=code)
        context.update(path)
        context.update(
            {
                "code": code,
                "symptom": symptom,
                "checks": checks,
                "findings": _verdict(checks),
                "case_form": case_form or CaseForm(initial={"code": code, "symptom": symptom}, steps=path["steps"]),
                "open_case": terminal.support_cases.filter(
                    status__in=["open", "remote_action", "visit_booked"]
                ).first(),
            }
        )
    return render(request, "support/terminal_problem.html", context, status=status)


@login_required
@require_GET
def terminal_problem(request: HttpRequest, serial_number: str) -> HttpResponse:
    terminal = terminal_for_merchant(request.user, serial_number)
    if "code" in request.GET or "symptom" in request.GET:
        form = ProblemForm(request.GET)
    else:
        # Start from what the terminal last showed, when it reported an error.
        health = health_of(terminal)
        known = health.last_code if health and health.last_code not in ("", "00") and entry(health.last_code) else ""
        form = ProblemForm(initial={"code": known} if known else {})
        return _render_problem(request, terminal, form, known_code=known)
    return _render_problem(request, terminal, form)


@login_required
@require_POST
def case_new(request: HttpRequest, serial_number: str) -> HttpResponse:
    terminal = terminal_for_merchant(request.user, serial_number)
    code, symptom = request.POST.get("code", ""), request.POST.get("symptom", "")
    path = _path(code if entry(code) else "", symptom if symptom in SYMPTOMS else "")
    form = CaseForm(request.POST, steps=path["steps"])
    problem_form = ProblemForm({"code": code, "symptom": symptom})
    if not form.is_valid():
        return _render_problem(request, terminal, problem_form, form, status=400)
    tried = [path["step_sources"][int(i)] for i in form.cleaned_data["tried"]]
    answers = {
        "tried": tried,
        "not_tried": [s for s in path["step_sources"] if s not in tried],
        "note": form.cleaned_data["note"],
    }
    try:
        case = case_open(
            terminal=terminal,
            by=request.user,
            code=form.cleaned_data["code"],
            symptom=form.cleaned_data["symptom"],
            answers=answers,
        )
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return _render_problem(request, terminal, problem_form, form, status=409)
    messages.success(request, _("Case %s is open: support has your answers and our checks.") % case.reference)
    return redirect("support:case_detail", reference=case.reference)


@login_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for_merchant(request.user, reference)
    return render(
        request,
        "support/case_detail.html",
        {
            "case": case,
            "checks": readable_checks(case.checks),
            "visits": case_visits(case),
            "entry": entry(case.code),
            "symptom_item": SYMPTOMS.get(case.symptom),
        },
    )
