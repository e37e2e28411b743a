"""core.widgets.QuickSelect draws what Django's Select draws (parsed and compared as HTML), in one pass."""

import pytest
from django import forms
from django.test.html import parse_html

from core.widgets import QuickSelect

CHOICES = [
    ("", "— choose a free slot —"),
    ("Mon 2026-12-07", [("2026-12-07T09:00:00+08:00", "09:00–11:00 · merchant's preferred time"), ("2026-12-07T14:00:00+08:00", "14:00–16:00")]),
    ("Tue 2026-12-08", [("2026-12-08T09:00:00+08:00", "<b>09:00</b> & 11:00")]),
    ("plain", "A choice outside any group"),
]  # fmt: skip


@pytest.mark.parametrize("value", [None, "", "2026-12-07T14:00:00+08:00", "2026-12-08T09:00:00+08:00", "no such"])
@pytest.mark.parametrize("attrs", [None, {"id": "id_starts_at", "required": True, "aria-describedby": "x"}])
def test_it_draws_what_django_s_select_draws(value, attrs):
    ours = QuickSelect(choices=CHOICES).render("starts_at", value, attrs)
    django = forms.Select(choices=CHOICES).render("starts_at", value, attrs)

    assert parse_html(ours) == parse_html(django)


def test_what_it_draws_is_escaped_and_the_chosen_option_selected():
    html = QuickSelect(choices=CHOICES).render("starts_at", "2026-12-08T09:00:00+08:00")

    assert "&lt;b&gt;09:00&lt;/b&gt; &amp; 11:00" in html and "<b>" not in html
    assert "merchant&#x27;s preferred time" in html
    assert html.count(" selected") == 1
    assert '<option value="2026-12-08T09:00:00+08:00" selected>' in html
