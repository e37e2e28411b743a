from django.urls import path

from . import views_applicant, views_installer

app_name = "installations"
urlpatterns = [
    # Installers: the one list of their visits, and each visit by its purpose's steps.
    path("visits/", views_installer.my_visits_page, name="my_visits"),
    path("service-visits/<int:pk>/", views_installer.service_visit_detail, name="service_visit"),
    path("service-visits/<int:pk>/visit.ics", views_installer.service_visit_calendar, name="service_visit_ics"),
    path("service-visits/<int:pk>/photo/", views_installer.service_visit_photo, name="service_visit_photo"),
    path("service-visits/<int:pk>/<slug:step>/", views_installer.service_visit_step, name="service_visit_step"),
    path("visits/<str:reference>/", views_installer.visit_detail, name="visit"),
    path("visits/<str:reference>/visit.ics", views_installer.visit_calendar, name="visit_ics"),
    path("visits/<str:reference>/<slug:step>/", views_installer.visit_step, name="visit_step"),
    # Applicants: booking their visit; the .ics of any visit to them.
    path("book/<str:reference>/", views_applicant.booking, name="booking"),
    path("book/<str:reference>/visit.ics", views_applicant.booking_calendar, name="booking_ics"),
    path("my-visits/<int:pk>/visit.ics", views_applicant.visit_calendar, name="merchant_visit_ics"),
]
