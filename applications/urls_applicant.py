from django.urls import path, register_converter

from .views import applicant as views


class ReferenceConverter:
    """An application number ("PA-" and 8 letters or digits): keeps /applications/review/ and others out of <ref>/."""

    regex = "PA-[0-9A-Z]{4,9}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "ref")

urlpatterns = [
    path("", views.my_applications, name="mine"),
    path("new/", views.application_new, name="new"),
    path("<ref:reference>/", views.application_status, name="status"),
    path("<ref:reference>/step/<slug:step>/", views.application_step, name="step"),
    path("<ref:reference>/summary/", views.application_summary, name="summary"),
    path("<ref:reference>/submit/", views.application_submit, name="submit"),
    path("<ref:reference>/withdraw/", views.application_withdraw, name="withdraw"),
    path("<ref:reference>/documents/<slug:kind>/", views.document_file, name="document"),
]
