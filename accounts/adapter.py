from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url

from core.network import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Everyone lands on LOGIN_REDIRECT_URL after signing up or in: the top app's landing page
    sends each role to its own work (accounts names no page of the apps above it)."""

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return resolve_url(settings.LOGIN_REDIRECT_URL)

    def get_client_ip(self, request: HttpRequest) -> str:
        # Through the trusted proxies, and never an error: allauth's own raises when the
        # X-Forwarded-For header is shorter than the proxies, a 500 anyone could cause.
        return client_ip(request)
