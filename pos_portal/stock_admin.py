"""The stock Django admin of the applications, for the benchmark only (issue 15).

Our admin's changelist and search are measured against what Django's admin does out of the
box with the same columns, filters and search fields: a plain `ModelAdmin` on a site of its
own, at /bench/stock-admin/. Like the floor, it answers only when BENCH_FLOOR is set: on any
other site every address of it is not found.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver

from applications.models import MerchantApplication


class StockApplicationAdmin(admin.ModelAdmin):
    """Our list (applications.admin) in stock form: the same columns, filters and search fields,
    with the mobile searched exactly as the stock admin searches a field (`=mobile`), the
    same order; nothing of what our admin does to stay fast (estimated counts, facets off,
    search through the indexes)."""

    list_display = (
        "reference", "status", "legal_name", "business_name", "province", "mobile", "reviewer", "status_changed_at",
    )  # fmt: skip
    list_filter = ("status", "business_type", "province", "terminal_model", "category")
    search_fields = ("=reference", "=mobile", "legal_name", "business_name", "=merchant_id")
    ordering = ("-created_at",)
    list_per_page = 50


class BenchOnlyAdminSite(admin.AdminSite):
    site_url = None

    def get_urls(self) -> list[URLPattern | URLResolver]:
        return _bench_only(super().get_urls())


def _bench_only(patterns: list) -> list:  # type: ignore[type-arg]
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _bench_only(pattern.url_patterns)
        else:
            pattern.callback = _if_bench(pattern.callback)
    return patterns


def _if_bench(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not settings.BENCH_FLOOR:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


site = BenchOnlyAdminSite(name="stock_admin")
site.register(MerchantApplication, StockApplicationAdmin)
