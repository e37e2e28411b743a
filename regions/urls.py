from django.urls import path

from . import views

app_name = "regions"
urlpatterns = [
    path("<str:province>/districts.json", views.districts, name="districts"),
]
