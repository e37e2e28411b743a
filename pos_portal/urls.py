from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from . import views

admin.site.site_header = "POS Portal"
admin.site.site_title = "POS Portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", include("pos_portal.health")),
    # One sign-in form for everyone: the admin's own would skip the throttle and the second factor.
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("me/", include("accounts.urls")),
    path("notifications/", include("notifications.urls")),
    path("applications/", include("applications.urls")),
    path("terminals/", include("terminals.urls")),
    path("installations/", include("installations.urls")),
    path("support/", include("support.urls")),
]
