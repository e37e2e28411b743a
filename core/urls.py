from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("<slug:kind>/<str:ident>/<slug:name>/", views.act, name="act"),
]
