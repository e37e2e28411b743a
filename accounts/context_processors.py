from functools import partial

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .roles import Role, has_role


def roles(request: HttpRequest) -> dict[str, object]:
    """Which role menus to show. Menus only: every view checks access itself.

    Lazy, each asked only when a template tests it (`{% if is_reviewer %}`): a page or fragment
    that tests none reads no role for them.
    """
    user = request.user
    return {
        f"is_{role.value.lower()}": SimpleLazyObject(partial(has_role, user, role))
        for role in (Role.APPLICANT, Role.REVIEWER, Role.INSTALLER, Role.SUPPORT)
    }
