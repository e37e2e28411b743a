from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url

from core import crypto
from core.contact import PORTAL_NAME, support_contact
from core.network import client_ip


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


class MFAAdapter(DefaultMFAAdapter):
    """Staff's TOTP secrets and recovery-code seeds sealed like the personal numbers (Fernet under
    FIELD_ENCRYPTION_KEYS): allauth stores them as given, and a copy of the database would let
    anyone compute every staff member's codes. A value written before this is read as it is,
    and sealed by migration accounts.0004 and by `rotate_personal_data_keys`."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text) if crypto.is_token(encrypted_text) else encrypted_text


SEALED_KEYS = ("secret", "seed")  # what allauth passes through the adapter: TOTP and recovery codes
SEALED_LISTS = ("migrated_codes",)


def reseal_authenticator_data(data: dict) -> dict:
    """The authenticator's data with every secret encrypted under the newest key."""
    data = dict(data)
    for key in SEALED_KEYS:
        if isinstance(data.get(key), str) and data[key]:
            data[key] = crypto.reseal(data[key])
    for key in SEALED_LISTS:
        if isinstance(data.get(key), list):
            data[key] = [crypto.reseal(code) for code in data[key]]
    return data


def reseal_authenticators(model: type | None = None) -> tuple[str, int]:
    """Rewrite every authenticator's secrets (the migration passes its historical model)."""
    from allauth.mfa.models import Authenticator
    from django.db import transaction

    model = model or Authenticator
    rows = 0
    with transaction.atomic():
        for authenticator in model.objects.select_for_update().order_by("pk"):
            authenticator.data = reseal_authenticator_data(authenticator.data)
            authenticator.save(update_fields=["data"])
            rows += 1
    return "mfa.Authenticator", rows


@dataclass(frozen=True)
class _Site:
    """What allauth's templates read of a site (django.contrib.sites is not installed)."""

    name: str
    domain: str
