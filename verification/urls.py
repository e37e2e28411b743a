from django.urls import path

from . import views

app_name = "verification"
urlpatterns = [
    path("dashboard/", views.dashboard_panel, name="dashboard_panel"),
    path("<str:reference>/second-look/", views.second_look, name="second_look"),
]
