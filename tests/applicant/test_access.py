"""An applicant can neither see, change nor download another applicant's application: 404 on every URL."""

import pytest
from django.urls import reverse

from applications.choices import Status
from applications.models import ApplicationDocument, MerchantApplication

pytestmark = pytest.mark.django_db

STEPS = ["personal", "business", "settlement", "documents", "terminal", "consent"]


def every_url(app: MerchantApplication) -> list[tuple[str, str]]:
    ref = {"reference": app.reference}
    urls = [("get", reverse("applications:status", kwargs=ref)), ("get", reverse("applications:summary", kwargs=ref))]
    for step in STEPS:
        url = reverse("applications:step", kwargs={**ref, "step": step})
        urls += [("get", url), ("post", url)]
    for kind in ("id_front", "id_back", "licence", "storefront", "bank_card"):
        urls.append(("get", reverse("applications:document", kwargs={**ref, "kind": kind})))
    urls += [
        ("post", reverse("applications:submit", kwargs=ref)),
        ("get", reverse("applications:withdraw", kwargs=ref)),
        ("post", reverse("applications:withdraw", kwargs=ref)),
    ]
    return urls


@pytest.mark.parametrize("state", [Status.DRAFT, Status.CHANGES_REQUESTED, Status.SUBMITTED])
def test_every_url_of_another_applicants_application_is_not_found(
    applicant_client, application_in, other_applicant, state, snapshot
):
    theirs = application_in(state, owner=other_applicant)  # filled in, with every document
    before = snapshot(theirs)
    documents = ApplicationDocument.objects.filter(application=theirs).count()
    payload = {
        "legal_name": "改名",
        "accept": "on",
        "version": "2026-11-01",
        "message": "x",
        "id_front": "",
    }

    for method, url in every_url(theirs):
        response = getattr(applicant_client, method)(url, payload) if method == "post" else applicant_client.get(url)
        assert response.status_code == 404, (method, url)

    before.assert_unchanged()
    fresh = MerchantApplication.objects.get(pk=theirs.pk)
    assert fresh.legal_name != "改名"
    assert ApplicationDocument.objects.filter(application=theirs).count() == documents
    assert not fresh.consents.filter(user__email="applicant@example.cn").exists()


def test_a_made_up_reference_is_not_found_either(applicant_client):
    for method, url in every_url(MerchantApplication(reference="PA-ZZZZZZZZ")):
        response = getattr(applicant_client, method)(url) if method == "post" else applicant_client.get(url)
        assert response.status_code == 404, (method, url)


def test_another_applicants_document_cannot_be_replaced_by_an_upload(applicant_client, other_draft, snapshot):
    from tests.applicant.conftest import image_bytes, upload

    before = snapshot(other_draft)
    original = ApplicationDocument.objects.get(application=other_draft, kind="id_front")

    response = applicant_client.post(
        reverse("applications:step", kwargs={"reference": other_draft.reference, "step": "documents"}),
        {"id_front": upload("mine.png", image_bytes())},
    )

    assert response.status_code == 404
    assert ApplicationDocument.objects.get(application=other_draft, kind="id_front").pk == original.pk
    before.assert_unchanged()


def test_an_installer_sees_no_applicants_document(client, installer, other_draft):
    client.force_login(installer)

    url = reverse("applications:document", kwargs={"reference": other_draft.reference, "kind": "id_front"})
    assert client.get(url).status_code == 404


def test_another_persons_notifications_are_not_listed_nor_marked_read(
    applicant_client, application_in, other_applicant
):
    from notifications.models import Notification

    application_in(Status.SUBMITTED, owner=other_applicant)
    theirs = Notification.objects.filter(recipient=other_applicant, channel="in_app")
    assert theirs.exists()

    page = applicant_client.get(reverse("notifications:inbox"))
    applicant_client.post(reverse("notifications:mark_read"), {"id": [n.pk for n in theirs]})

    assert page.context["items"] == []
    assert all(n.read_at is None for n in theirs.all())


def test_someone_signed_out_is_sent_to_log_in_from_every_url(client, other_draft, snapshot):
    before = snapshot(other_draft)

    for method, url in every_url(other_draft):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith("/accounts/login/"), (method, url)

    before.assert_unchanged()
