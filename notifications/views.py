"""The in-app notification list: what the workflow sent the signed-in person."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .links import links_for
from .messages import TemplateError, about
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


def _subject(row: Notification) -> tuple[str, str] | None:
    return about(row.template, row.context)


def _item(row: Notification, language: str, links: dict[tuple[str, str], str]) -> InboxItem:
    try:
        subject, body = render_message(row.template, row.context, language)
    except TemplateError:
        subject, body = row.template, ""
    about = _subject(row)
    return InboxItem(
        pk=row.pk,
        subject=subject,
        body=body,
        at=row.created_at,
        unread=row.read_at is None,
        # A subject that is gone, or that this reader has no page for, is text without a link.
        link=links.get(about, "") if about else "",
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    # Shown in the language of the page being read, whatever language the email went out in.
    language = get_language()
    page = Paginator(inbox_for(request.user).order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    links = links_for(request.user, [about for row in rows if (about := _subject(row))])
    items = [_item(row, language, links) for row in rows]
    return render(request, "notifications/inbox.html", {"page": page, "items": items})


@require_POST
@login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(pk) for pk in request.POST.getlist("id") if pk.isdigit()]
    changed = notifications_mark_read(user=request.user, ids=ids or None)
    if changed:
        messages.success(request, _("Marked as read."))
    return redirect("notifications:inbox")
