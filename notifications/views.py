"""The in-app notification list: what the workflow sent the signed-in person."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.roles import Role, has_role

from .messages import TemplateError
from .messages import render as render_message
from .models import Notification
from .selectors import inbox_for
from .services import notifications_mark_read

PAGE_SIZE = 20


@dataclass(frozen=True)
class InboxItem:
    pk: int
    subject: str
    body: str
    at: datetime
    unread: bool
    link: str


def _link_for(user: User) -> Callable[[str], str]:
    """Where "open" leads for this person: the page their role has for that application.

    Named URLs only (no import of the contexts to the right): the applicant's status page,
    the installer's visit page; staff read the application in their own workspace.
    """
    if has_role(user, Role.APPLICANT):
        return lambda reference: reverse("applications:status", args=[reference])
    if has_role(user, Role.INSTALLER):
        return lambda reference: reverse("installations:visit", args=[reference])
    return lambda reference: ""


def _item(row: Notification, language: str, link: Callable[[str], str]) -> InboxItem:
    try:
        subject, body = render_message(row.template, row.context, language)
    except TemplateError:
        subject, body = row.template, ""
    return InboxItem(
        pk=row.pk,
        subject=subject,
        body=body,
        at=row.created_at,
        unread=row.read_at is None,
        link=link(reference) if (reference := str(row.context.get("reference", ""))) else "",
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    # Shown in the language of the page being read, whatever language the email went out in.
    language = get_language()
    page = Paginator(inbox_for(request.user).order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    link = _link_for(request.user)
    items = [_item(row, language, link) for row in page.object_list]
    return render(request, "notifications/inbox.html", {"page": page, "items": items})


@require_POST
@login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(pk) for pk in request.POST.getlist("id") if pk.isdigit()]
    changed = notifications_mark_read(user=request.user, ids=ids or None)
    if changed:
        messages.success(request, _("Marked as read."))
    return redirect("notifications:inbox")
