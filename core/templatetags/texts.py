from django import template

from core.texts import wording

register = template.Library()


@register.filter
def worded(value: object) -> str:
    """{{ app.decision_message|worded }}: a column that holds words people typed or a kept text
    (core.texts.kept), in the reader's language."""
    return wording(value) if isinstance(value, dict | str) else ("" if value is None else str(value))
