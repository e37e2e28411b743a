"""Why a workflow action was refused. Every message names what is wrong, in the user's language."""

from collections.abc import Sequence


class WorkflowError(Exception):
    """Base of every refusal. `message` is shown to the person who asked."""

    def __init__(self, message: str, *, missing: Sequence[str] = ()) -> None:
        self.message = str(message)
        self.missing = [str(m) for m in missing]
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.missing:
            return f"{self.message} " + "; ".join(self.missing)
        return self.message


class InvalidState(WorkflowError):
    """The action does not exist from the application's current state."""


class RoleRefused(WorkflowError):
    """The person asking does not hold the role (or the hold) the action needs."""


class ConditionsNotMet(WorkflowError):
    """The action needs something that is missing; `missing` lists each thing."""


class Conflict(WorkflowError):
    """Someone else changed the application since it was loaded; nothing was done."""
