from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.roles import Role, has_role


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what the product is, and each role's way in."""
    user = request.user
    context = {
        "is_applicant": has_role(user, Role.APPLICANT),
        "is_reviewer": has_role(user, Role.REVIEWER),
        "is_installer": has_role(user, Role.INSTALLER),
        "is_support": has_role(user, Role.SUPPORT),
    }
    return render(request, "home.html", context)
