"""Small admin building blocks shared by every app (accounts is the lowest layer)."""

from django.http import HttpRequest


class KeepsHistoryAdmin:
    """For rows that are history (visits, sign-ins, messages, terminals): never deleted from the admin.

    Deleting one would leave the workflow pointing at nothing (an application "scheduled"
    with no visit); such rows change state through their services instead.
    """

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
