from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url


class AccountAdapter(DefaultAccountAdapter):
    """Everyone lands on LOGIN_REDIRECT_URL after signing up or in: the top app's landing page
    sends each role to its own work (accounts names no page of the apps above it)."""

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return resolve_url(settings.LOGIN_REDIRECT_URL)
