from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from .network import client_ip
from .roles import Role, has_role


class AccountAdapter(DefaultAccountAdapter):
    """Applicants land on their applications after signing up or in; everyone else on the home page."""

    def _landing(self, request: HttpRequest, default: str) -> str:
        if has_role(request.user, Role.APPLICANT) and not request.user.is_superuser:
            # By name only: accounts does not import the apps to its right (DESIGN.md).
            return reverse("applications:mine")
        return default

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return self._landing(request, super().get_login_redirect_url(request))

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return self._landing(request, super().get_signup_redirect_url(request))

    def get_client_ip(self, request: HttpRequest) -> str:
        # Through the trusted proxies, and never an error: allauth's own raises when the
        # X-Forwarded-For header is shorter than the proxies, a 500 anyone could cause.
        return client_ip(request)
