"""People's names as the portal writes them (see accounts.models.full_name)."""

from django import template

from accounts.models import full_name as _full_name

register = template.Library()


@register.filter
def full_name(first_name: str, last_name: str) -> str:
    """{{ row.first_name|full_name:row.last_name }}: for rows read with values(), not User objects."""
    return _full_name(first_name, last_name)
