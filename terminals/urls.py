from django.urls import path

from . import views

app_name = "terminals"
urlpatterns: list = [
    path("", views.inventory_list, name="inventory"),
    path("import/", views.inventory_import, name="import"),
    path("<str:serial_number>/", views.terminal_detail, name="terminal"),
]
