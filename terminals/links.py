"""How a terminal opens for staff (registered in the link registry at start-up)."""

from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from notifications.links import register

from .models import Terminal


def staff_terminal_pages(user: User, serials: list[str]) -> dict[str, str]:
    found = Terminal.objects.filter(serial_number__in=serials).values_list("serial_number", flat=True)
    return {s: reverse("terminals:terminal", args=[s]) for s in found}


def register_links() -> None:
    register("terminal", Role.SUPPORT, staff_terminal_pages)
    register("terminal", Role.REVIEWER, staff_terminal_pages)
