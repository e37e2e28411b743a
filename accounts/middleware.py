"""Guards around signing in: throttled passwords, steady answers, session timeouts, staff 2FA."""

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from . import throttle
from .roles import is_staff_member

GetResponse = Callable[[HttpRequest], HttpResponse]


def _url_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).url_name or ""
    except Resolver404:
        return ""


class LoginThrottleMiddleware:
    """Counts failed password sign-ins and refuses, with 429, those over a limit (accounts.throttle).

    It sits around allauth's login view, the one password form of the portal: /admin/login/ sends
    people to it (pos_portal.urls), so the admin is covered by the same throttle and the same 2FA.
    A failed attempt is the form shown again (200); a success is a redirect with someone signed in.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    # Where a sign-in is completed without a password form: the device becomes known there too,
    # so that an owner let in by an e-mailed code (or a staff member by their TOTP) is not asked again.
    COMPLETING = frozenset({"account_confirm_login_code", "mfa_authenticate"})

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = _url_name(request) if request.method == "POST" else ""
        if name in self.COMPLETING:
            response = self.get_response(request)
            if request.user.is_authenticated and 300 <= response.status_code < 400:
                throttle.record_success(request, request.user.email, response)
            return response
        if name != "account_login":
            return self.get_response(request)
        login = str(request.POST.get("login", ""))[:254]
        if not login:
            return self.get_response(request)
        refused = throttle.refusal(request, login)
        if refused:
            response = render(
                request,
                "account/login_throttled.html",
                {"refusal": refused, "minutes": max(1, refused.retry_after // 60)},
                status=429,
            )
            response["Retry-After"] = str(refused.retry_after)
            return response
        response = self.get_response(request)
        if response.status_code == 200:
            throttle.record_failure(request, login)
        elif request.user.is_authenticated:
            throttle.record_success(request, login, response)
        return response


class SteadyAnswerMiddleware:
    """Sign-up, password reset and sign-in-code requests answer after the same time, whether the
    e-mail is known or not: the new account's password hashing must not tell who is registered."""

    URL_NAMES = frozenset({"account_signup", "account_reset_password", "account_request_login_code"})

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or _url_name(request) not in self.URL_NAMES:
            return self.get_response(request)
        started = time.monotonic()
        response = self.get_response(request)
        time.sleep(max(0.0, settings.ACCOUNT_ANSWER_FLOOR_SECONDS - (time.monotonic() - started)))
        return response


SESSION_STARTED = "_session_started"
SESSION_SEEN = "_session_seen"


def stamp_session(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED] = request.session[SESSION_SEEN] = now


class SessionTimeoutMiddleware:
    """Signs out after SESSION_IDLE_STAFF / SESSION_IDLE_MERCHANT seconds without a request, and
    after SESSION_ABSOLUTE seconds whatever the activity. The last-seen time is written at most
    once a minute, so an active session does not write its row on every request."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            seen = session.get(SESSION_SEEN, now)
            staff = user.is_staff or is_staff_member(user)
            idle = settings.SESSION_IDLE_STAFF if staff else settings.SESSION_IDLE_MERCHANT
            if now - seen > idle or now - started > settings.SESSION_ABSOLUTE:
                logout(request)
                messages.info(request, _("You were signed out after a while without activity. Please sign in again."))
                login = reverse("account_login") + "?" + urlencode({"next": request.get_full_path()})
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login
                    return response
                return redirect(login)
            if now - seen >= 60 or SESSION_SEEN not in session:
                session[SESSION_SEEN] = now
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """Staff (reviewers, support, administrators, anyone with admin access) work only once they
    have an authenticator app (TOTP, allauth.mfa): until then every page leads to its set-up.
    From then on allauth asks for a code at each sign-in."""

    ALLOWED_PREFIXES = ("/accounts/", "/i18n/", "/jsi18n/", "/static/", "/healthz")

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.STAFF_MFA_REQUIRED
            and user.is_authenticated
            and (user.is_staff or is_staff_member(user))
            and not request.path_info.startswith(self.ALLOWED_PREFIXES)
            and not _has_totp(request)
        ):
            messages.warning(request, _("Staff accounts need two-factor authentication: set up an authenticator app."))
            target = reverse("mfa_activate_totp")
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)


def _has_totp(request: HttpRequest) -> bool:
    from allauth.mfa.models import Authenticator

    if request.session.get("_mfa_enrolled"):
        return True
    enrolled = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists()
    if enrolled:
        request.session["_mfa_enrolled"] = True
    return enrolled
