from django.http import HttpRequest

from .roles import Role, has_role


def roles(request: HttpRequest) -> dict[str, bool]:
    """Which role menus to show. Menus only: every view checks access itself."""
    user = request.user
    return {
        "is_applicant": has_role(user, Role.APPLICANT),
        "is_reviewer": has_role(user, Role.REVIEWER),
        "is_installer": has_role(user, Role.INSTALLER),
        "is_support": has_role(user, Role.SUPPORT),
    }
