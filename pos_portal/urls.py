from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from core.contact import PORTAL_NAME
from terminals import device_api

from . import stock_admin, views

# Lazy: the admin's header reads in each reader's language.
admin.site.site_header = PORTAL_NAME
admin.site.site_title = PORTAL_NAME

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", include("pos_portal.health")),
    path("bench/floor/", views.bench_floor, name="bench_floor"),
    path("bench/stock-admin/", stock_admin.site.urls),
    # One sign-in form for everyone: the admin's own would skip the throttle and the second factor.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("me/", include("accounts.urls")),
    path("act/", include("core.urls")),
    path("notifications/", include("notifications.urls")),
    path("applications/", include("applications.urls")),
    path("terminals/", include("terminals.urls")),
    path("installations/", include("installations.urls")),
    path("support/", include("support.urls")),
    path("regions/", include("regions.urls")),
    path("verification/", include("verification.urls")),
    path("", include("backoffice.urls")),
    # Addresses people have bookmarked, from before the back office composed these pages.
    path("installations/dashboard/", RedirectView.as_view(pattern_name="backoffice:dashboard")),
    path("support/dashboard/", RedirectView.as_view(pattern_name="backoffice:dashboard")),
    path("support/visits/", RedirectView.as_view(pattern_name="installations:my_visits")),
    path("visits/", RedirectView.as_view(pattern_name="installations:my_visits")),
    path("installations/tasks/", RedirectView.as_view(pattern_name="installations:my_visits")),
    # Terminals in the field post to the device API's address from before it moved to terminals
    # (a redirect would not do: a terminal's HTTP client need not follow one with its body).
    path("support/api/v1/reports", device_api.reports),
]

handler500 = "pos_portal.views.server_error"
