"""The portal's URLs plus a page with a province and district form, to drive the district select's script."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.urls import path

from core.choices import Province
from pos_portal.urls import urlpatterns as portal_urlpatterns
from regions.forms import DistrictField, ProvinceDistrictMixin


class AddressForm(ProvinceDistrictMixin, forms.Form):
    province = forms.ChoiceField(choices=[("", "—"), *Province.choices], label="Province")
    district = DistrictField(province_field="province", label="District")


PAGE = Template(
    """{% extends "base.html" %}{% block head %}{{ form.media }}{% endblock %}{% block content %}
<form method="post">{% csrf_token %}{{ form.as_div }}<button type="submit">Save</button></form>
{% if saved %}<p id="saved">{{ saved }}</p>{% endif %}{% endblock %}"""
)


def address(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST or None, initial={"province": "11"})
    saved = form.cleaned_data["district"] if request.method == "POST" and form.is_valid() else ""
    return HttpResponse(PAGE.render(RequestContext(request, {"form": form, "saved": saved})))


urlpatterns = [*portal_urlpatterns, path("address/", address)]
