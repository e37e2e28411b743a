from django import template
from django.urls import reverse

from core import actions as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def available_actions(context: template.Context, obj: object) -> dict[str, registry.Action]:
    """{% available_actions app as can %} … {% if can.approve %}: the buttons this person has on it now."""
    user = getattr(context.get("request"), "user", None)
    if obj is None or user is None:
        return {}
    return {a.name: a for a in registry.available_actions(obj, user)}


@register.simple_tag
def action_url(obj: object, name: str) -> str:
    """Where a page posts action `name` on this object (the generic view)."""
    action_set = registry.action_set_for(obj)
    if action_set is None:
        return ""
    return reverse("core:act", args=[action_set.kind, action_set.ident(obj), name])


@register.simple_tag
def seen_state(obj: object) -> str:
    """The state the page shows, posted back as `seen` so that a stale page is refused."""
    action_set = registry.action_set_for(obj)
    return action_set.state(obj) if action_set else ""
