from django.urls import path

from . import views_dashboard

app_name = "installations"
urlpatterns: list = [
    path("dashboard/", views_dashboard.staff_dashboard, name="staff_dashboard"),
]
