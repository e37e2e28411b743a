"""Terminal inventory for staff: the list by state, a CSV import, each terminal's history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.roles import is_staff_member
from core.errors import WorkflowError
from core.paging import IdsFirstPaginator

from . import services
from .forms import ImportForm, StatusForm
from .models import Terminal, TerminalStatus
from .selectors import history_of, inventory, inventory_counts

MAX_IMPORT_BYTES = 2 * 1024 * 1024
# The matches of a search listed at most: beyond, the person types more of the serial.
MAX_SEARCH_MATCHES = 1000


def _staff_only(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise Http404


@login_required
def inventory_list(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    status = request.GET.get("status", "")
    search = request.GET.get("q", "")
    counts = inventory_counts()
    terminals = inventory(status=status, search=search)
    # The counts per status already say how many rows the page numbers need; a search counts
    # its matches only up to a bound (a character or two matches a whole fleet); ids first (core.paging).
    capped = False
    if search.strip():
        known = terminals[: MAX_SEARCH_MATCHES + 1].count()
        capped, known = known > MAX_SEARCH_MATCHES, min(known, MAX_SEARCH_MATCHES)
    else:
        known = counts.get(status, 0) if status in counts else sum(counts.values())
    page = IdsFirstPaginator(terminals, 50, count=known).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "capped": capped,
        "status": status,
        "q": search,
        "counts": [(s, s.label, counts[s.value]) for s in TerminalStatus],
    }
    return render(request, "terminals/inventory.html", context)


@login_required
def inventory_import(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    rows = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is larger than 2 MB: split it."))
        else:
            try:
                created = services.terminal_import_csv(data=upload.read(), by=request.user)
            except services.ImportRefused as exc:
                form.add_error(None, exc.message)
                rows = exc.rows
            except WorkflowError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%d terminals received into stock.") % len(created))
                return redirect("terminals:inventory")
    return render(request, "terminals/import.html", {"form": form, "rows": rows}, status=400 if form.errors else 200)


@login_required
def terminal_detail(request: HttpRequest, serial_number: str) -> HttpResponse:
    _staff_only(request)
    terminal = get_object_or_404(Terminal.objects.select_related("application"), serial_number=serial_number)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.terminal_set_status(
                terminal=terminal, by=request.user, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
        except WorkflowError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Terminal %s updated.") % terminal.serial_number)
            return redirect("terminals:terminal", serial_number=terminal.serial_number)
    context = {"terminal": terminal, "events": history_of(terminal), "form": form}
    return render(request, "terminals/detail.html", context, status=400 if form.errors else 200)
