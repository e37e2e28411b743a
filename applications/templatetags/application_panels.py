"""`{% application_panels "review" app %}`: the blocks the contexts above registered for one place
of an application's page (applications.hooks.panel), drawn where the page puts the tag."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..hooks import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def application_panels(context: template.Context, place: str, application: object) -> SafeString:
    request = context.get("request")
    if request is None or application is None:
        return mark_safe("")
    # Each render answers HTML it escaped itself (a template of its own app).
    return mark_safe("".join(panels(place, request, application)))  # noqa: S308
