from django.urls import include, path

app_name = "applications"

# Each role's pages have their own module, so that they grow without stepping on each other.
urlpatterns = [
    path("", include("applications.urls_applicant")),
    path("review/", include("applications.urls_reviewer")),
]
