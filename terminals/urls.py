from django.urls import path

from . import device_api, views

app_name = "terminals"
urlpatterns: list = [
    path("api/v1/reports", device_api.reports, name="device_reports"),
    path("", views.inventory_list, name="inventory"),
    path("import/", views.inventory_import, name="import"),
    path("<str:serial_number>/", views.terminal_detail, name="terminal"),
]
