from django.urls import path

from . import views_applicant, views_installer

app_name = "installations"
urlpatterns = [
    # Installers: their visits.
    path("tasks/", views_installer.tasks, name="tasks"),
    path("visits/<str:reference>/", views_installer.visit_detail, name="visit"),
    path("visits/<str:reference>/visit.ics", views_installer.visit_calendar, name="visit_ics"),
    path("visits/<str:reference>/<slug:step>/", views_installer.visit_step, name="visit_step"),
    # Applicants: booking their visit.
    path("book/<str:reference>/", views_applicant.booking, name="booking"),
    path("book/<str:reference>/visit.ics", views_applicant.booking_calendar, name="booking_ics"),
]
