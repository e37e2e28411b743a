from django import template

from ..selectors import open_incident

register = template.Library()


@register.inclusion_tag("support/_incident_banner.html")
def incident_banner() -> dict:
    return {"incident": open_incident()}
