"""Template filters of the staff pages: personal numbers masked on screen (accounts.masking)."""

from django import template

from accounts.masking import mask_card, mask_id_number, mask_mobile

register = template.Library()

register.filter("masked_mobile", mask_mobile)
register.filter("masked_id_number", mask_id_number)
register.filter("masked_card", mask_card)
