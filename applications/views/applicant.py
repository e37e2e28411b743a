"""The applicant's pages: their applications, the form in steps, the summary, the status, documents.

Every application is fetched through `access` (someone else's is a 404, never a 403), and
every write goes through `applications.services`.
"""

import base64
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from accounts.roles import Role, has_role
from core.crypto import blind_index
from core.errors import Conflict, InvalidState, WorkflowError
from core.network import client_ip
from core.time import local_time, local_when

from .. import hooks, services
from ..access import application_for_applicant, document_for_applicant
from ..choices import APPLICANT_EDITABLE_STATES, Status
from ..forms import STEP_BY_SLUG, STEPS, ConsentForm, DocumentsForm, WithdrawForm, field_label, step_of_field
from ..models import CONSENT_VERSION, MerchantApplication, Problem
from ..selectors import applicant_timeline, applications_of, documents_of
from .files import document_response

View = Callable[..., HttpResponse]


def applicant_required(view: View) -> View:
    """Signed in and holding the Applicant role; anyone else sees nothing here (404)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not has_role(request.user, Role.APPLICANT):
            raise Http404
        return view(request, *args, **kwargs)

    @wraps(view)
    def autosave_aware(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # An autosave is answered in its status line: the login page there would say nothing.
        if _is_autosave(request) and not request.user.is_authenticated:
            return _session_ended(request)
        return wrapped(request, *args, **kwargs)

    return autosave_aware


# --- Applications ---------------------------------------------------------------------------


@applicant_required
def my_applications(request: HttpRequest) -> HttpResponse:
    apps = applications_of(request.user).only("reference", "status", "business_name", "created_at", "status_changed_at")
    return render(request, "applications/applicant/list.html", {"applications": apps})


@require_POST
@applicant_required
def application_new(request: HttpRequest) -> HttpResponse:
    try:
        app = services.application_create(applicant=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return redirect("applications:mine")
    messages.success(request, _("Application %s started. It is saved as you go: you can stop and come back.") % app)
    return redirect("applications:step", reference=app.reference, step=STEPS[0].slug)


# --- The form in steps ------------------------------------------------------------------------


def _step_nav(app: MerchantApplication, current: str, problems: list[Problem] | None = None) -> list[dict]:
    """Each step with how many problems it still has (from the one list the submit checks)."""
    counts: dict[str, int] = {}
    for problem in app.submission_problems() if problems is None else problems:
        counts[problem.step] = counts.get(problem.step, 0) + 1
    to_fix = {step_of_field(name) for name in app.changes_requested_fields}
    return [
        {
            "slug": step.slug,
            "title": step.title,
            "problems": counts.get(step.slug, 0),
            "to_fix": step.slug in to_fix,
            "current": step.slug == current,
            "number": index,
        }
        for index, step in enumerate(STEPS, start=1)
    ]


def _next_url(app: MerchantApplication, slug: str) -> str:
    slugs = [step.slug for step in STEPS]
    index = slugs.index(slug)
    if index + 1 < len(slugs):
        return reverse("applications:step", kwargs={"reference": app.reference, "step": slugs[index + 1]})
    return reverse("applications:summary", kwargs={"reference": app.reference})


# Django's error reports must not carry what the applicant typed into these fields.
@sensitive_post_parameters("id_number", "card_number", "mobile", "credit_code")
@applicant_required
def application_step(request: HttpRequest, reference: str, step: str) -> HttpResponse:
    app = application_for_applicant(request.user, reference)
    spec = STEP_BY_SLUG.get(step)
    if spec is None:
        raise Http404
    if app.status not in APPLICANT_EDITABLE_STATES:
        messages.info(
            request,
            _("Application %(ref)s is “%(status)s”: it can no longer be changed.")
            % {"ref": app.reference, "status": app.get_status_display()},
        )
        return redirect("applications:status", reference=app.reference)

    consent = app.consents.filter(version=CONSENT_VERSION).first() if spec.slug == "consent" else None
    if spec.slug == "documents":
        form = DocumentsForm(request.POST or None, request.FILES or None, application=app)
    elif spec.slug == "consent":
        if consent and request.method == "POST":
            return redirect(_next_url(app, spec.slug))  # given already: nothing to record again
        form = ConsentForm(request.POST or None)
    else:
        form = spec.form_class(request.POST or None, instance=app)

    if request.method == "POST" and _is_autosave(request) and spec.slug in AUTOSAVED_STEPS:
        return _autosave(request, app, spec, form)
    if request.method == "POST" and form.is_valid():
        saved = _save_step(request, app, spec.slug, form)
        if saved is None:
            return redirect("applications:status", reference=app.reference)
        if saved and not form.errors:
            messages.success(request, _("Saved."))
            return redirect(_next_url(app, spec.slug))

    context = {
        "application": app,
        "step": spec,
        "form": form,
        "steps": _step_nav(app, spec.slug),
        "to_fix": set(app.changes_requested_fields),
        "to_fix_labels": [field_label(n) for n in app.changes_requested_fields if step_of_field(n) == spec.slug],
        "next_url": _next_url(app, spec.slug),
        "autosave": spec.slug in AUTOSAVED_STEPS,
        "draft_key": draft_key(request.user, app) if spec.slug in AUTOSAVED_STEPS else "",
        "sensitive_fields": " ".join(SENSITIVE_FIELDS),
    }
    if spec.slug == "documents":
        context["documents"] = {doc.kind: doc for doc in documents_of(app)}
    if spec.slug == "consent":
        context["consent"] = consent
        context["consent_version"] = CONSENT_VERSION
    status = 200 if not form.errors else 400
    return render(request, f"applications/applicant/step_{spec.slug}.html", context, status=status)


# Steps of fields that save as the person types. Documents are uploaded with their button (a
# file chosen but not sent is warned of when leaving); consent is given by a deliberate tick.
AUTOSAVED_STEPS = ("personal", "business", "settlement", "terminal")
# Kept in the browser only sealed (encrypted with the page's draft key), never in clear.
SENSITIVE_FIELDS = ("id_number", "mobile", "card_number")


def _is_autosave(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("autosave") == "1"


def draft_key(user, app: MerchantApplication) -> str:
    """The key that seals what the applicant typed but the server has not saved yet, in their browser
    tab (static/js/autosave.js). It is only ever in the step page, so a draft left in the browser
    after the session ended can be read again only by logging in again as the same person."""
    digest = salted_hmac("applications.draft-key", f"{user.pk}:{app.pk}", algorithm="sha256").digest()
    return base64.b64encode(digest).decode()


def _autosave(request: HttpRequest, app: MerchantApplication, spec, form) -> HttpResponse:
    """Save what is valid of the step as typed; name the fields that are not. Answers the status line."""
    form.is_valid()
    invalid = [name for name in form.errors if name in form.fields]
    valid = {name: value for name, value in form.fields_to_save().items() if name not in form.errors}
    # Every keystroke pause posts the whole step: write only what changed (one writer at a time on SQLite).
    # (Compared with the row: validating the form has already copied the typed values onto `app`.)
    stored = MerchantApplication.objects.filter(pk=app.pk).values(*valid).first() or {}
    changed = {name: value for name, value in valid.items() if stored.get(name) != value}
    state, message = ("invalid" if valid else "not_saved") if invalid else "saved", ""
    if changed:
        try:
            services.application_save_fields(application=app, by=request.user, fields=changed)
        except WorkflowError as exc:
            state, message = "refused", str(exc)
    return render(
        request,
        "applications/applicant/_autosave_status.html",
        {
            "state": state,
            "message": message,
            "time": local_time(timezone.now()),
            "form": form,
            "invalid": invalid,
            "oob": True,
            # The menu's count of what is missing follows what was just saved.
            "application": app,
            "step": spec,
            "steps": _step_nav(MerchantApplication.objects.get(pk=app.pk), spec.slug),
        },
    )


def _session_ended(request: HttpRequest) -> HttpResponse:
    """The session ended while the person typed: say so, and where to log in to come back here."""
    back_to = request.path  # the step; never the query, which could hold nothing useful anyway
    login = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': back_to})}"
    return render(
        request, "applications/applicant/_autosave_status.html", {"state": "expired", "login_url": login}, status=401
    )


def _save_step(request: HttpRequest, app: MerchantApplication, slug: str, form) -> bool | None:
    """Hand the cleaned step to its service. True: saved; False: re-render; None: no longer editable."""
    try:
        if slug == "documents":
            uploads = form.uploads()
            try:
                services.documents_upload(application=app, by=request.user, uploads=uploads)
            except ValidationError as exc:
                for kind, errors in exc.error_dict.items():
                    form.add_error(kind, errors)
                if len(uploads) > len(exc.error_dict):
                    form.add_error(
                        None,
                        _("The files of one form are stored together: none was stored. Choose them again."),
                    )
            return True
        if slug == "consent":
            services.application_record_consent(application=app, by=request.user)
            return True
        services.application_save_fields(application=app, by=request.user, fields=form.fields_to_save())
        return True
    except (InvalidState, Conflict) as exc:
        messages.error(request, str(exc))
        return None
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return False


# --- Summary, submit, status, withdraw -----------------------------------------------------------


@applicant_required
def application_summary(request: HttpRequest, reference: str) -> HttpResponse:
    app = application_for_applicant(request.user, reference)
    problems = app.submission_problems() if app.status in APPLICANT_EDITABLE_STATES else []
    for_template = [
        {
            "message": p.message,
            "step": STEP_BY_SLUG[p.step].title,
            "url": reverse("applications:step", kwargs={"reference": app.reference, "step": p.step})
            + f"#field-{p.field}",
        }
        for p in problems
    ]
    return render(
        request,
        "applications/applicant/summary.html",
        {
            "application": app,
            "problems": for_template,
            "documents": documents_of(app),
            "steps": _step_nav(app, "summary", problems),
            "editable": app.status in APPLICANT_EDITABLE_STATES,
        },
    )


def _origin(request: HttpRequest) -> hooks.Origin:
    """Where the submission came from, as keyed digests (the velocity rules count them)."""
    agent = request.META.get("HTTP_USER_AGENT", "")[:300] + "|" + request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:60]
    return hooks.Origin(address=blind_index(client_ip(request)), device=blind_index(agent))


@require_POST
@applicant_required
def application_submit(request: HttpRequest, reference: str) -> HttpResponse:
    app = application_for_applicant(request.user, reference)
    try:
        services.application_submit(application=app, by=request.user, origin=_origin(request))
    except WorkflowError as exc:
        app.refresh_from_db()
        if app.submitted_at and app.status not in APPLICANT_EDITABLE_STATES:
            # A double click or a second tab: the first submit won, this one changed nothing.
            messages.info(
                request,
                _("Application %(ref)s was already submitted on %(when)s. Nothing was changed by this second submit.")
                % {"ref": app.reference, "when": local_when(app.submitted_at)},
            )
            return redirect("applications:status", reference=app.reference)
        messages.error(request, str(exc))
        if app.status in APPLICANT_EDITABLE_STATES:
            return redirect("applications:summary", reference=app.reference)
        return redirect("applications:status", reference=app.reference)
    messages.success(
        request, _("Application %s is submitted. We will tell you when a reviewer has looked at it.") % app
    )
    return redirect("applications:status", reference=app.reference)


def _what_next(app: MerchantApplication) -> str:
    texts = {
        Status.DRAFT: _("Fill in every step, then check the summary and submit. Your answers are saved at every step."),
        Status.SUBMITTED: _(
            "A reviewer will look at your application, usually within one working day. "
            "You can still withdraw it until then."
        ),
        Status.IN_REVIEW: _("A reviewer is checking your application now. We will tell you the result."),
        Status.CHANGES_REQUESTED: _(
            "The reviewer asks you to correct what is listed below. Fix it in the form, then submit again."
        ),
        Status.APPROVED: _("Your application is approved. Book an installation visit for your terminal."),
        Status.INSTALLATION_SCHEDULED: _(
            "An installer will visit at the booked time to set up the terminal and show you how to use it."
        ),
        Status.CONFIGURING: _("The installer is setting up your terminal."),
        Status.TRAINING: _("The installer is showing you how to use the terminal."),
        Status.ACTIVE: _("Your terminal is live: you can take card payments."),
        Status.SUSPENDED: _("Your terminal is suspended. Our support team will contact you."),
        Status.REJECTED: _("Your application was not approved. You may start a new application."),
        Status.WITHDRAWN: _("You withdrew this application. You may start a new one at any time."),
    }
    return texts.get(Status(app.status), "")


@applicant_required
def application_status(request: HttpRequest, reference: str) -> HttpResponse:
    app = application_for_applicant(request.user, reference)
    to_fix = [
        {
            "label": field_label(name),
            "url": reverse("applications:step", kwargs={"reference": app.reference, "step": step}) + f"#field-{name}"
            if (step := step_of_field(name))
            else "",
        }
        for name in app.changes_requested_fields
    ]
    return render(
        request,
        "applications/applicant/status.html",
        {
            "application": app,
            "timeline": applicant_timeline(app),
            "what_next": _what_next(app),
            "to_fix": to_fix if app.status == Status.CHANGES_REQUESTED else [],
            "documents": documents_of(app),
            "editable": app.status in APPLICANT_EDITABLE_STATES,
            "can_withdraw": can_proceed(app.withdraw, check_conditions=False),
        },
    )


@applicant_required
def application_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    app = application_for_applicant(request.user, reference)
    if app.status == Status.WITHDRAWN:
        messages.info(request, _("Application %s is already withdrawn. Nothing was changed.") % app)
        return redirect("applications:status", reference=app.reference)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(application=app, by=request.user, message=form.cleaned_data["message"])
        except WorkflowError as exc:
            app.refresh_from_db()
            if app.status == Status.WITHDRAWN:
                messages.info(request, _("Application %s is already withdrawn. Nothing was changed.") % app)
            else:
                messages.error(request, str(exc))
            return redirect("applications:status", reference=app.reference)
        messages.success(request, _("Application %s is withdrawn.") % app)
        return redirect("applications:status", reference=app.reference)
    return render(
        request,
        "applications/applicant/withdraw.html",
        {"application": app, "form": form, "can_withdraw": can_proceed(app.withdraw, check_conditions=False)},
    )


# --- Documents ---------------------------------------------------------------------------------


@login_required
def document_file(request: HttpRequest, reference: str, kind: str) -> FileResponse:
    """One stored document, to its owner or to staff; 404 for anyone else, whatever they try."""
    document = document_for_applicant(request.user, reference, kind)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return document_response(handle, content_type=document.content_type, name=f"{reference}-{document.kind}")
