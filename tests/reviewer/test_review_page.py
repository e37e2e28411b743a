import io

import pytest
from django.urls import reverse
from PIL import Image

from applications import services
from applications.choices import Status
from applications.models import ApplicationDocument, AuditEvent, MerchantApplication

from .conftest import bulk_applications


def review_url(app: MerchantApplication) -> str:
    return reverse("applications:review", args=[app.reference])


def test_it_shows_the_data_documents_history_and_checklist(reviewer_client, application_in):
    app = application_in(Status.IN_REVIEW)
    response = reviewer_client.get(review_url(app))
    body = response.content.decode()
    assert response.status_code == 200
    assert app.legal_name in body and app.business_name in body
    assert app.id_number in body  # the reviewer compares it with the ID card: shown whole here
    for doc in app.documents.all():
        assert f'<img src="{reverse("applications:review_document", args=[app.reference, doc.pk])}"' in body
    assert "Submitted → In review" in body
    assert "The ID card matches the legal name" in body
    assert 'name="seen" value="in_review"' in body


def test_a_pdf_is_offered_as_a_download_never_framed(reviewer_client, application_in):
    app = application_in(Status.IN_REVIEW)
    doc = app.documents.get(kind="storefront")
    ApplicationDocument.objects.filter(pk=doc.pk).update(content_type="application/pdf")
    body = reviewer_client.get(review_url(app)).content.decode()
    assert f'<a href="{reverse("applications:review_document", args=[app.reference, doc.pk])}" download>' in body
    assert "<iframe" not in body


def test_it_finds_duplicates_by_id_number_card_or_mobile(reviewer_client, applicant, other_applicant):
    app, same_id, same_card, same_mobile, _unrelated = bulk_applications(applicant, 5)
    MerchantApplication.objects.filter(pk=same_id.pk).update(id_number=app.id_number)
    MerchantApplication.objects.filter(pk=same_card.pk).update(card_number=app.card_number)
    MerchantApplication.objects.filter(pk=same_mobile.pk).update(mobile=app.mobile)
    duplicates = reviewer_client.get(review_url(app)).context["duplicates"]
    assert {d.application.reference: d.matches for d in duplicates} == {
        same_id.reference: ("id_number",),
        same_card.reference: ("card_number",),
        same_mobile.reference: ("mobile",),
    }


def test_the_holder_sees_the_decision_forms_and_others_do_not(client, reviewer, other_reviewer, application_in):
    app = application_in(Status.IN_REVIEW)
    client.force_login(reviewer)
    assert 'id="approve"' in client.get(review_url(app)).content.decode()
    client.force_login(other_reviewer)
    body = client.get(review_url(app)).content.decode()
    assert 'id="approve"' not in body

    assert "who holds this application, can decide it" in body


@pytest.mark.parametrize("who", ["applicant", "installer", "support"])
def test_other_roles_get_404(client, request, application_in, who):
    app = application_in(Status.SUBMITTED)
    client.force_login(request.getfixturevalue(who))
    assert client.get(review_url(app)).status_code == 404


def test_an_unknown_application_is_404(reviewer_client):
    assert reviewer_client.get(reverse("applications:review", args=["PA-NOTHERE"])).status_code == 404


def test_the_number_of_queries_is_the_same_with_10_and_1000_applications(
    reviewer_client, application_in, applicant, django_assert_num_queries, django_assert_max_num_queries
):
    app = application_in(Status.IN_REVIEW)
    services.review_note_add(application=app, by=app.reviewer, text="a note")
    bulk_applications(applicant, 9)
    reviewer_client.get(review_url(app))
    # 12 today (with the changes since the last review and the automatic checks' panel, one query
    # each); 2 to spare for the shared base template.
    with django_assert_max_num_queries(14) as small:
        reviewer_client.get(review_url(app))
    others = bulk_applications(applicant, 990, start=50_000)
    # The larger set also holds duplicates: they are read by the same single query.
    MerchantApplication.objects.filter(pk__in=[o.pk for o in others[:15]]).update(mobile=app.mobile)
    with django_assert_num_queries(len(small.captured_queries)):
        reviewer_client.get(review_url(app))


# --- Documents ------------------------------------------------------------------------------


def doc_url(app: MerchantApplication, kind: str = "id_front") -> str:
    return reverse("applications:review_document", args=[app.reference, app.documents.get(kind=kind).pk])


def test_a_document_is_served_inline_to_staff_and_the_viewing_is_recorded(reviewer_client, application_in):
    app = application_in(Status.SUBMITTED)
    response = reviewer_client.get(doc_url(app))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert "no-store" in response["Cache-Control"]
    Image.open(io.BytesIO(b"".join(response.streaming_content))).verify()
    assert AuditEvent.objects.filter(application=app, action="document.viewed").count() == 1


@pytest.mark.parametrize("who", ["applicant", "other_applicant", "installer", "support"])
def test_a_document_is_404_to_anyone_not_a_reviewer(client, request, application_in, who):
    app = application_in(Status.SUBMITTED)
    client.force_login(request.getfixturevalue(who))
    assert client.get(doc_url(app)).status_code == 404
    assert not AuditEvent.objects.filter(action="document.viewed").exists()


def test_a_document_is_not_served_under_another_applications_number(reviewer_client, application_in):
    app = application_in(Status.SUBMITTED)
    other = application_in(Status.SUBMITTED)
    url = reverse("applications:review_document", args=[other.reference, app.documents.first().pk])
    assert reviewer_client.get(url).status_code == 404


def test_a_visitor_is_sent_to_log_in_for_a_document(client, application_in):
    app = application_in(Status.SUBMITTED)
    assert client.get(doc_url(app)).status_code == 302


def test_a_draft_is_not_the_reviewers_to_open(client, reviewer, application_in):
    draft = application_in(Status.DRAFT)
    document = draft.documents.first()
    client.force_login(reviewer)

    assert client.get(reverse("applications:review", args=[draft.reference])).status_code == 404
    assert client.get(reverse("applications:review_document", args=[draft.reference, document.pk])).status_code == 404


@pytest.mark.parametrize(
    ("language", "uploaded", "checklist", "id_label", "not_expected"),
    [
        ("en", "document uploaded", "checklist saved", "Resident ID number", "上传了材料"),
        ("zh-hans", "上传了材料", "保存了审核清单", "居民身份证号码", "document uploaded"),
    ],
)
def test_the_history_and_the_labels_are_in_the_reader_s_language(
    reviewer_client, application_in, language, uploaded, checklist, id_label, not_expected
):
    app = application_in(Status.IN_REVIEW)
    AuditEvent.objects.create(application=app, action="document.uploaded", detail={"kind": "id_front"})
    AuditEvent.objects.create(application=app, action="review.checklist", detail={})
    body = reviewer_client.get(review_url(app), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert uploaded in body and checklist in body
    assert not_expected not in body
    assert id_label in body  # the field's own capitals kept ("ID", not "Resident id number")
