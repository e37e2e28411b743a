from django.urls import path

from .views import merchant, staff

app_name = "support"
urlpatterns = [
    path("terminals/", merchant.my_terminals, name="my_terminals"),
    path("terminals/<str:serial_number>/problem/", merchant.terminal_problem, name="terminal_problem"),
    path("terminals/<str:serial_number>/cases/", merchant.case_new, name="case_new"),
    path("cases/<str:reference>/", merchant.case_detail, name="case_detail"),
    path("queue/", staff.queue, name="queue"),
    path("queue/<str:reference>/", staff.case_manage, name="case_manage"),
    path("queue/<str:reference>/visits/<int:pk>/photo/", staff.visit_photo, name="visit_photo"),
    path("queue/<str:reference>/<str:action>/", staff.case_action, name="case_action"),
]
