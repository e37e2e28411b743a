from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url

from core.contact import PORTAL_NAME, support_contact

from .network import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Everyone lands on LOGIN_REDIRECT_URL after signing up or in: the top app's landing page
    sends each role to its own work (accounts names no page of the apps above it)."""

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def send_mail(self, template_prefix: str, email: str, mail_context: dict) -> None:
        """allauth's e-mails name the portal (not the request's host, "127.0.0.1:8101") and end
        with its address and the support hotline (templates/account/email/base_message.txt)."""
        request = context.request
        site_url = settings.SITE_URL or (request.build_absolute_uri("/").rstrip("/") if request else "")
        values = {
            "current_site": _Site(name=str(PORTAL_NAME), domain=urlsplit(site_url).netloc or site_url),
            "site_url": site_url,
            **support_contact(),
            **mail_context,
        }
        super().send_mail(template_prefix, email, values)

    def format_email_subject(self, subject: str) -> str:
        return f"[{PORTAL_NAME}] {subject}"

    def get_client_ip(self, request: HttpRequest) -> str:
        # Through the trusted proxies, and never an error: allauth's own raises when the
        # X-Forwarded-For header is shorter than the proxies, a 500 anyone could cause.
        return client_ip(request)


@dataclass(frozen=True)
class _Site:
    """What allauth's templates read of a site (django.contrib.sites is not installed)."""

    name: str
    domain: str
