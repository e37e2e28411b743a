from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("start/", views.landing, name="landing"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
