"""The reviewer's workspace: the queue, one application on one screen, and the decisions.

Every page answers 404 to anyone without the Reviewer role (documents: to anyone who is not
staff), so that nobody learns an application exists. Decisions go through the services, with
the status the page showed: if the application changed since, the service refuses.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache, wraps
from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.timesince import timesince
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User, full_name
from accounts.roles import Role, has_role
from core.actions import Action
from core.choices import Province
from core.errors import WorkflowError
from core.masking import mask_card, mask_id_number, mask_mobile
from core.texts import wording
from core.views import act, generic_refused_page

from .. import hooks, services
from ..actions import ACTIONS
from ..choices import BusinessType, DocumentKind, Status, TimeWindow
from ..forms_reviewer import (
    CHECKLIST_LABELS,
    ChecklistForm,
    MessageForm,
    NoteForm,
    QueueFilterForm,
    RejectForm,
    RequestChangesForm,
    fixable_choices,
)
from ..models import ApplicationDocument, AuditEvent, MerchantApplication
from ..selectors import (
    MAX_OFFSET_PAGE,
    WAITING_FOR_REVIEW,
    QueuePage,
    QueueTab,
    Sla,
    duplicates_of,
    history_for,
    is_number_token,
    queue_page,
    review_queue,
    search_too_short,
    sla_hours,
    sla_of,
)
from ..versions import changes_since_last_review
from .files import document_response

View = Callable[..., HttpResponse]


def reviewer_required(view: View) -> View:
    """Logged in (else the login page), and a reviewer (else 404: the page does not exist for them)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not has_role(request.user, Role.REVIEWER):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _application(reference: str) -> MerchantApplication:
    # A draft is the applicant's own business until it is submitted: reviewers do not see it.
    return get_object_or_404(
        # The reviewer's name is shown; the applicant's row is not (the page shows what they typed).
        MerchantApplication.objects.exclude(status=Status.DRAFT).select_related("reviewer").defer("reviewer__mobile"),
        reference=reference,
    )


# --- The queue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue, its labels looked up once per page (get_FOO_display is slow in a loop)."""

    app: MerchantApplication
    sla: Sla | None
    status: str
    province: str
    business_type: str
    mobile: str
    url: str = ""
    waiting: str = ""
    reviewer: str = ""


# The queue's row, drawn in Python rather than by the template engine: profiled at 25 rows a
# page, the engine's ~20 lookups and filters per row were the largest part of the page after the
# base template, and format_html's lazy-aware escaping of 12 values a row the largest part of
# what remained. Same markup as before; every value is escaped (html.escape, as Django's escape).
_ROW = (
    '<tr>\n      <td data-label="{number}"><a href="{url}">{reference}</a></td>\n'
    '      <td data-label="{applicant}">{legal_name}<br><span class="muted">{mobile}</span></td>\n'
    '      <td data-label="{business}">{business_name}<br><span class="muted">{business_type}</span></td>\n'
    '      <td data-label="{region}">{province}</td>\n'
    '      <td data-label="{state}">{status}</td>\n'
    '      <td data-label="{waiting}">{waited}</td>\n'
    '      <td data-label="{held}">{reviewer}</td>\n    </tr>\n'
)


def _row_labels() -> dict[str, str]:
    """The column names each cell carries (shown above the value on a phone), translated once a page."""
    return {
        "number": _("Number"), "applicant": _("Applicant"), "business": _("Business"), "region": _("Region"),
        "state": _("State"), "waiting": _("Waiting"), "held": _("Held by"),
    }  # fmt: skip


def _waited(row: QueueRow, title: str, breached: str) -> str:
    sla = row.sla
    if sla is None:
        return f'<span class="muted">{escape(row.waiting)}</span>'
    hours = escape(floatformat(sla.hours_waiting, 0))
    return f'<span class="badge {sla.level}" title="{title}">{hours} h{breached if sla.breached else ""}</span>'


def _row_html(row: QueueRow, labels: dict[str, str], title: str, breached: str) -> str:
    app = row.app
    values = {
        "url": row.url, "reference": app.reference, "legal_name": app.legal_name, "mobile": row.mobile,
        "business_name": app.business_name, "business_type": row.business_type, "province": row.province,
        "status": row.status, "reviewer": row.reviewer or "—",
    }  # fmt: skip
    return _ROW.format(
        **labels, **{k: escape(v or "") for k, v in values.items()}, waited=_waited(row, title, breached)
    )


def _rows_html(rows: list[QueueRow]) -> str:
    labels = {name: escape(label) for name, label in _row_labels().items()}
    title, breached = escape(_("Hours waiting for a decision")), " · " + escape(_("SLA breached"))
    html = "".join(_row_html(row, labels, title, breached) for row in rows)
    return mark_safe(html)  # noqa: S308 (every value escaped above)


def _labels(choices: list[tuple[str, object]]) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _options(choices: list[tuple[str, object]], selected: str) -> str:
    """<option>s of a filter, rendered in one pass (the widget templates cost more than the query)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if str(value) == selected else "", label) for value, label in choices),
    )


QUEUE_ROW_FIELDS = (
    "reference", "status", "status_changed_at", "submitted_at", "legal_name", "mobile", "business_name",
    "business_type", "province", "reviewer__first_name", "reviewer__last_name", "reviewer__email",
    "reviewer__username",
)  # fmt: skip


@lru_cache(maxsize=512)
def _filter_options(language: str, name: str, selected: str) -> str:
    """A filter's <option>s, rendered once per language and selection for the life of the process.

    Profiled at 100,000 applications, rendering them (lazy translations of every region and
    state) was ~40 % of the queue's time on every request. The choices change only with the code
    and its catalogues, that is with a restart, which empties this cache; `selected` is always
    one of the choices (the form is valid), so it holds a few hundred short strings at most.
    """
    return _options(QueueFilterForm().fields[name].choices, selected)


@require_http_methods(["GET", "POST"])
@reviewer_required
def queue(request: HttpRequest) -> HttpResponse:
    """The search box is POSTed, and a number typed in it comes back as a token in the link
    (`is_number_token`): a personal number never reaches a URL, a proxy's log or the history."""
    form = QueueFilterForm(request.POST if request.method == "POST" else request.GET)
    filters = form.filters()
    link = reverse("applications:review_queue") + "?" + urlencode(filters.as_dict())
    if request.method == "POST" and not request.htmx:
        return redirect(link)
    if request.method == "GET" and filters.q != (request.GET.get("q") or "").strip() and is_number_token(filters.q):
        return redirect(link)  # a number typed into the address bar leaves it at once
    notice = ""
    if not form.is_valid():
        # An unknown filter value or page: a clear empty result, not the default queue.
        page = QueuePage(rows=[], number=1, has_next=False)
        notice = _("Nothing can match these filters: %(problems)s") % {"problems": form.problems()}
    elif search_too_short(filters.q):
        page = QueuePage(rows=[], number=1, has_next=False)
        notice = _("Type at least two letters or digits of a name, or a whole number.")
    else:
        # What a row shows, no more: the other personal numbers (and the reviewer's) are not decrypted.
        queue_rows = review_queue(user=request.user, filters=filters).only(*QUEUE_ROW_FIELDS)
        page = queue_page(queue_rows, page=form.page_number(), **form.keyset())
        if page.too_deep:
            notice = _("Pages past %(max)s are reached with Next, page by page; or narrow the filters.") % {
                "max": MAX_OFFSET_PAGE
            }
    now = timezone.now()
    # One reverse() for the page; each row's link is the reference appended to it.
    review_prefix = reverse("applications:review", args=["PA-X"]).removesuffix("PA-X/")
    statuses, provinces, types = _labels(Status.choices), _labels(Province.choices), _labels(BusinessType.choices)
    rows = [
        QueueRow(
            app,
            sla_of(app, now=now),
            statuses.get(app.status, app.status),
            provinces.get(app.province, ""),
            types.get(app.business_type, ""),
            mask_mobile(app.mobile),
            url=review_prefix + app.reference + "/",
            waiting="" if app.status in WAITING_FOR_REVIEW else timesince(app.status_changed_at, now),
            reviewer=str(app.reviewer) if app.reviewer_id else "",
        )
        for app in page.rows
    ]
    query = filters.as_dict()
    context = {
        "form": form,
        "filters": filters,
        "options": {
            name: _filter_options(get_language(), name, getattr(filters, name))
            for name in ("status", "province", "business_type", "age")
        },
        "page": page,
        "rows": rows,
        "rows_html": _rows_html(rows),
        "tabs": [
            (tab, label, "?" + urlencode({**{k: v for k, v in query.items() if k != "tab"}, "tab": tab}))
            for tab, label in (
                (QueueTab.UNASSIGNED, _("Unassigned")),
                (QueueTab.MINE, _("Mine")),
                (QueueTab.ALL, _("All")),
                *((tab.name, tab.label) for tab in hooks.queue_tabs()),
            )
        ],
        "query": urlencode(query),
        "previous_link": "?" + urlencode({**query, "page": page.number - 1, "before": page.before}),
        "next_link": "?" + urlencode({**query, "page": page.number + 1, "after": page.after}),
        "notice": notice,
        "sla_hours": sla_hours(),
        "search_text": "" if is_number_token(filters.q) else filters.q,
        "search_hidden": is_number_token(filters.q),
    }
    template = "applications/reviewer/_queue_results.html" if request.htmx else "applications/reviewer/queue.html"
    response = render(request, template, context)
    if request.method == "POST":
        response["HX-Push-Url"] = link
    return response


EXPORT_COLUMNS = (
    "reference", "status", "submitted_at", "status_changed_at", "legal_name", "id_number", "mobile",
    "business_type", "business_name", "province", "city", "bank_name", "card_number", "reviewer",
)  # fmt: skip


@require_GET
@reviewer_required
def queue_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered queue as CSV, personal numbers masked; the export is recorded in the audit history."""
    filters = QueueFilterForm(request.GET).filters()
    qs = review_queue(user=request.user, filters=filters)
    services.audit(application=None, actor=request.user, action="queue.exported", filters=filters.as_dict())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # Labels are read now, in the language of the request: the rows are written after the view returns.
    header = [capfirst(str(MerchantApplication._meta.get_field(c).verbose_name)) for c in EXPORT_COLUMNS]
    labels = (_labels(Status.choices), _labels(BusinessType.choices), _labels(Province.choices))
    response = StreamingHttpResponse(
        _csv_rows(qs, header, labels, timezone.get_current_timezone()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="review-queue-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _csv_rows(
    qs: QuerySet[MerchantApplication], header: list[str], labels: tuple[dict[str, str], ...], tz: tzinfo
) -> Iterator[str]:
    """Plain values, not model instances, sent a thousand rows at a time: 100,000 rows in seconds."""
    statuses, types, provinces = labels
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # a byte-order mark, so that spreadsheet programs read the Chinese names right
    writer.writerow(header)
    values = qs.values_list(
        "reference", "status", "submitted_at", "status_changed_at", "legal_name", "id_number", "mobile",
        "business_type", "business_name", "province", "city", "bank_name", "card_number",
        "reviewer__first_name", "reviewer__last_name", "reviewer__email",
    )  # fmt: skip
    for i, row in enumerate(values.iterator(chunk_size=2000), start=1):
        (ref, status, submitted, changed, name, id_number, mobile, btype, bname, province, city, bank, card,
         first, last, email) = row  # fmt: skip
        writer.writerow(
            [
                ref, statuses.get(status, status), _local(submitted, tz), _local(changed, tz), _cell(name),
                mask_id_number(id_number), _cell(mask_mobile(mobile)), types.get(btype, btype), _cell(bname),
                provinces.get(province, province), _cell(city), _cell(bank), mask_card(card),
                _cell(full_name(first, last) or (email or "")),
            ]
        )  # fmt: skip
        if i % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# Full-width forms too: a Chinese input method types ＝＋－＠, which some spreadsheets also read.
_FORMULA_START = ("=", "+", "-", "@", "|", "%", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _cell(text: str) -> str:
    """Text typed by applicants, made inert for spreadsheets: a leading = + - @ would start a formula."""
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


def _local(value: datetime | None, tz: tzinfo) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


# --- One application ----------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    who: User | None
    what: str
    detail: str


# Lazy: this dict is built once at import, and each reader sees it in their own language.
AUDIT_LABELS = {
    "document.uploaded": gettext_lazy("document uploaded"),
    "document.viewed": gettext_lazy("document viewed"),
    "review.checklist": gettext_lazy("checklist saved"),
    "queue.exported": gettext_lazy("queue exported"),
}


_NAMES = ("first_name", "last_name", "email", "username")
_HISTORY_LOG_FIELDS = ("timestamp", "source_state", "state", "description", *(f"by__{n}" for n in _NAMES))
_HISTORY_EVENT_FIELDS = ("at", "action", "detail", *(f"actor__{n}" for n in _NAMES))


def _history(app: MerchantApplication) -> list[HistoryEntry]:
    entries = [
        HistoryEntry(
            log.timestamp,
            log.by,
            f"{Status(log.source_state).label if log.source_state in Status.values else log.source_state or '—'} → "
            f"{Status(log.state).label if log.state in Status.values else log.state}",
            wording(log.description),
        )
        for log in history_for(app).only(*_HISTORY_LOG_FIELDS)  # who, by name: nothing else of them is read
    ]
    # Document views are audited too, but listing every look here would bury the history.
    events = AuditEvent.objects.filter(application=app).exclude(action="document.viewed")
    for event in events.select_related("actor").only(*_HISTORY_EVENT_FIELDS).order_by("at")[:200]:
        kind = event.detail.get("kind")
        entries.append(
            HistoryEntry(
                event.at,
                event.actor,
                str(AUDIT_LABELS.get(event.action, event.action)),
                str(DocumentKind(kind).label) if kind in DocumentKind.values else "",
            )
        )
    return sorted(entries, key=lambda e: e.at)


def _data_sections(app: MerchantApplication) -> list[tuple[str, list[tuple[str, str]]]]:
    def label(name: str) -> str:
        return capfirst(str(MerchantApplication._meta.get_field(name).verbose_name))

    def shown(name: str) -> str:
        display = getattr(app, f"get_{name}_display", None)
        return str(display() if display else getattr(app, name) or "")

    windows = _labels(TimeWindow.choices)

    def rows(names: tuple[str, ...]) -> list[tuple[str, str]]:
        return [(label(n), shown(n)) for n in names]

    return [
        (_("Person"), rows(("legal_name", "id_number", "mobile"))),
        (
            _("Business"),
            rows(
                ("business_type", "business_name", "credit_code", "category", "province", "city", "district", "street")
            ),
        ),
        (_("Settlement account"), rows(("bank_name", "bank_branch", "account_holder", "card_number"))),
        (
            _("Terminal and installation"),
            [
                (label("terminal_model"), shown("terminal_model")),
                (_("Installation address"), app.installation_address_display()),
                (label("preferred_windows"), ", ".join(windows.get(w, w) for w in app.preferred_windows or [])),
            ],
        ),
    ]


def _review_context(
    request: HttpRequest,
    app: MerchantApplication,
    *,
    bound: dict[str, object] | None = None,
    error: str = "",
) -> dict[str, object]:
    checklist = {k: v for k, v in (app.review_checklist or {}).items() if k in CHECKLIST_LABELS}
    forms = {
        "approve_form": MessageForm(auto_id="approve-%s"),
        "reject_form": RejectForm(),
        "changes_form": RequestChangesForm(),
        "checklist_form": ChecklistForm(initial=checklist),
        "note_form": NoteForm(),
        "seen_form": MessageForm(auto_id="hold-%s"),
        **(bound or {}),
    }
    holds = app.status == Status.IN_REVIEW and app.reviewer_id == request.user.pk
    fixable = dict(fixable_choices())
    if not holds:
        for checkbox in forms["checklist_form"].fields.values():  # type: ignore[attr-defined]
            checkbox.disabled = True  # only the holder ticks it
    return {
        "app": app,
        "sla": sla_of(app),
        "sections": _data_sections(app),
        "changes": changes_since_last_review(app),
        "documents": sorted(app.documents.all(), key=lambda d: KIND_ORDER.get(d.kind, 99)),
        "duplicates": duplicates_of(app),
        "notes": list(app.notes.select_related("author").defer("author__mobile")),
        "history": _history(app),
        "holds": holds,
        "can_claim": app.status == Status.SUBMITTED,
        # What a context above refuses (a senior reviewer's case, checks still running): drawn instead of the button.
        "claim_refused": hooks.refusal(hooks.CLAIM, app, request.user) if app.status == Status.SUBMITTED else None,
        "approve_waits": hooks.refusal(hooks.APPROVE, app, request.user) if app.status == Status.IN_REVIEW else None,
        "error": error,
        "checklist_done": app.checklist_missing() == [],
        "to_fix": [fixable.get(name, name) for name in app.changes_requested_fields or []],
        **forms,
    }


KIND_ORDER = {kind: i for i, kind in enumerate(DocumentKind.values)}


def _render_review(
    request: HttpRequest, app: MerchantApplication, *, status: int = 200, **kwargs: object
) -> HttpResponse:
    return render(request, "applications/reviewer/review.html", _review_context(request, app, **kwargs), status=status)


@require_GET
@reviewer_required
def review(request: HttpRequest, reference: str) -> HttpResponse:
    return _render_review(request, _application(reference))


@require_GET
@login_required
def document(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    """One document (images inline, PDFs as downloads: views.files), to reviewers only (their work is to check it); anyone else gets 404.

    Each look is recorded: the consent tells applicants only those who handle the application see them.
    """
    if not has_role(request.user, Role.REVIEWER):
        raise Http404
    doc = get_object_or_404(
        ApplicationDocument.objects.exclude(application__status=Status.DRAFT).select_related("application"),
        pk=pk,
        application__reference=reference,
    )
    services.audit(application=doc.application, actor=request.user, action="document.viewed", kind=doc.kind)
    return document_response(doc.file.open("rb"), content_type=doc.content_type, name=f"{reference}-{doc.kind}")


# --- Decisions: the declared actions (applications/actions.py), run by core.views.act ----------------

# Which form of the workspace each action redraws when it is refused.
FORM_OF_ACTION = {
    "claim": "seen_form",
    "release": "seen_form",
    "approve": "approve_form",
    "reject": "reject_form",
    "request_changes": "changes_form",
    "checklist": "checklist_form",
}


def refused(
    request: HttpRequest, app: MerchantApplication, action: Action, form: Form | None, message: str, status: int
) -> HttpResponse:
    """The workspace again, with why and the form as typed (now marked with the state shown, so that
    a second press acts on what the reviewer sees this time); anyone else gets the generic page."""
    name = FORM_OF_ACTION.get(action.name)
    if not has_role(request.user, Role.REVIEWER) or app.status == Status.DRAFT or name is None:
        return generic_refused_page(request, ACTIONS, app, action, form, message, status)
    bound = {name: form} if form is not None else {}
    return _render_review(request, app, bound=bound, error=message, status=status)


def decide(name: str) -> View:
    """The workspace's address of one action (kept: bookmarks and tests know them): the generic view."""

    @require_POST
    @reviewer_required
    def view(request: HttpRequest, reference: str) -> HttpResponse:
        return act(request, kind=ACTIONS.kind, ident=reference, name=name)

    return view


@require_POST
@reviewer_required
def add_note(request: HttpRequest, reference: str) -> HttpResponse:
    app = _application(reference)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render_review(
            request, app, bound={"note_form": form}, error=_("The note was not saved: it is empty."), status=400
        )
    try:
        services.review_note_add(application=app, by=request.user, text=form.cleaned_data["text"])
    except WorkflowError as exc:
        return _render_review(request, app, bound={"note_form": form}, error=str(exc), status=400)
    messages.success(request, _("Note added."))
    return redirect(reverse("applications:review", args=[app.reference]) + "#notes")
