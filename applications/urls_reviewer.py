from django.urls import path

from .views import reviewer

# Mounted at /applications/review/ in the `applications` namespace.
urlpatterns = [
    path("", reviewer.queue, name="review_queue"),
    path("export.csv", reviewer.queue_export, name="review_export"),
    path("<str:reference>/", reviewer.review, name="review"),
    path("<str:reference>/documents/<int:pk>/", reviewer.document, name="review_document"),
    path("<str:reference>/claim/", reviewer.decide("claim"), name="review_claim"),
    path("<str:reference>/release/", reviewer.decide("release"), name="review_release"),
    path("<str:reference>/approve/", reviewer.decide("approve"), name="review_approve"),
    path("<str:reference>/reject/", reviewer.decide("reject"), name="review_reject"),
    path("<str:reference>/request-changes/", reviewer.decide("request_changes"), name="review_request_changes"),
    path("<str:reference>/checklist/", reviewer.decide("checklist"), name="review_checklist"),
    path("<str:reference>/notes/", reviewer.add_note, name="review_note"),
]
