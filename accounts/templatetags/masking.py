"""Masked personal numbers for pages where the reader does not need them whole."""

from django import template

from core import masking

register = template.Library()


@register.filter
def mask_id(value: str | None) -> str:
    return masking.mask_id_number(value)


@register.filter
def mask_card(value: str | None) -> str:
    return masking.mask_card(value)


@register.filter
def mask_mobile(value: str | None) -> str:
    return masking.mask_mobile(value)
