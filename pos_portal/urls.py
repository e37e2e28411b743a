from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from . import views

admin.site.site_header = "POS Portal"
admin.site.site_title = "POS Portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", include("pos_portal.health")),
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
    path("regions/", include("regions.urls")),
]

handler500 = "pos_portal.views.server_error"
