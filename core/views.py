"""The one POST view that runs a declared action (core.actions)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions
from .errors import WorkflowError
from .http import back


def refused_page(
    request: HttpRequest,
    action_set: actions.ActionSet,
    obj: object,
    action: actions.Action,
    form,
    message: str,
    status: int,
) -> HttpResponse:  # type: ignore[no-untyped-def]
    """The object's own page redrawn with the refusal and the form as typed, or the generic one."""
    hook = action_set.refused_hooks.get(action.name) or action_set.refused
    if hook is not None:
        return hook(request, obj, action, form, message, status)
    return generic_refused_page(request, action_set, obj, action, form, message, status)


def generic_refused_page(
    request: HttpRequest,
    action_set: actions.ActionSet,
    obj: object,
    action: actions.Action,
    form,
    message: str,
    status: int,
) -> HttpResponse:  # type: ignore[no-untyped-def]
    """Why, what the object is now, the form as typed (to try again) and the way back."""
    context = {
        "action": action,
        "form": form,
        "error": message,
        "ident": action_set.ident(obj),
        "state": action_set.state_label(action_set.state(obj)),
        "seen": action_set.state(obj),
        "page": action_set.page_for(obj, request.user),
        "kind": action_set.kind,
    }
    return render(request, "actions/refused.html", context, status=status)


def form_invalid() -> str:
    """What a refusal says when the form itself was wrong (its fields say the rest)."""
    return _("Nothing was done: correct the form below.")


@require_POST
@login_required
def act(request: HttpRequest, kind: str, ident: str, name: str) -> HttpResponse:
    """Run action `name` on the object of `kind` named `ident`, as the page showed it (`seen`).

    An unknown kind, action or object is a 404; a refusal (role, state, stale page, what is
    missing) redraws the page with why and what was typed, and changes nothing.
    """
    action_set = actions.action_set(kind)
    action = action_set.get(name) if action_set else None
    if action_set is None or action is None:
        raise Http404
    obj = action_set.load(request.user, ident)
    form = action.form(request.POST, request.FILES) if action.form else None
    seen = request.POST.get("seen") or None
    # Who and from which state first: a person without the role learns nothing from form errors.
    why = actions.refusal(action_set, action, obj, request.user, seen)
    if why is None and form is not None and not form.is_valid():
        return refused_page(request, action_set, obj, action, form, form_invalid(), 400)
    try:
        if why is not None:
            raise why
        result = action.run(obj, request.user, form.cleaned_data if form else {})
    except WorkflowError as exc:
        fresh = action_set.load(request.user, ident)
        return refused_page(request, action_set, fresh, action, form, str(exc), actions.status_of(exc))
    except ValidationError as exc:
        if form is None:
            return refused_page(request, action_set, obj, action, form, " ".join(exc.messages), 400)
        form.add_error(None, exc)  # a service's field errors land on their fields
        return refused_page(request, action_set, obj, action, form, form_invalid(), 400)
    if action.tell is not None:
        action.tell(request, result)
    else:
        done = action.done or _("Done: %(action)s.")
        messages.success(request, done % {"ref": action_set.ident(obj), "action": action.label})
    return back(request, action_set.page_for(obj, request.user))
