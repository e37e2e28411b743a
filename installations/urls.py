from django.urls import path

from . import views_dashboard

app_name = "installations"
urlpatterns: list = [
    path("dashboard/", views_dashboard.staff_dashboard, name="staff_dashboard"),
]

# --- Issue 5: the installers' visits and the applicant's booking -----------------------------
from . import views_applicant, views_installer  # noqa: E402

urlpatterns += [
    path("tasks/", views_installer.tasks, name="tasks"),
    path("visits/<str:reference>/", views_installer.visit_detail, name="visit"),
    path("visits/<str:reference>/visit.ics", views_installer.visit_calendar, name="visit_ics"),
    path("visits/<str:reference>/<slug:step>/", views_installer.visit_step, name="visit_step"),
    path("book/<str:reference>/", views_applicant.booking, name="booking"),
    path("book/<str:reference>/visit.ics", views_applicant.booking_calendar, name="booking_ics"),
]
