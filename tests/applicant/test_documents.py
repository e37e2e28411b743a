"""Uploads through the documents step: judged by content, at most 10 MB, cleaned, renamed, served to whom may see them."""

import io

import pytest
from django.db import OperationalError
from django.urls import reverse
from PIL import Image

from applications.models import ApplicationDocument, AuditEvent
from tests.applicant.conftest import MINIMAL_PDF, image_bytes, upload

pytestmark = pytest.mark.django_db


def documents_url(app) -> str:
    return reverse("applications:step", kwargs={"reference": app.reference, "step": "documents"})


def document_url(app, kind: str) -> str:
    return reverse("applications:document", kwargs={"reference": app.reference, "kind": kind})


def test_an_uploaded_photo_is_stored_under_a_server_made_name_and_served_to_its_owner(applicant_client, draft):
    response = applicant_client.post(
        documents_url(draft), {"id_front": upload("../../etc/passwd 我的身份证.png", image_bytes("PNG"))}
    )

    assert response.status_code == 302
    document = ApplicationDocument.objects.get(application=draft, kind="id_front")
    assert document.content_type == "image/png"
    assert "passwd" not in document.file.name and "身份证" not in document.file.name
    assert document.file.name.startswith(f"documents/{draft.pk}/")
    served = applicant_client.get(document_url(draft, "id_front"))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert "private" in served["Cache-Control"]
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).format == "PNG"


def test_a_pdf_is_accepted_for_the_business_licence(applicant_client, draft, step_data):
    applicant_client.post(
        reverse("applications:step", kwargs={"reference": draft.reference, "step": "business"}),
        step_data["business"],
    )

    response = applicant_client.post(documents_url(draft), {"licence": upload("licence.pdf", MINIMAL_PDF)})

    assert response.status_code == 302
    assert ApplicationDocument.objects.get(application=draft, kind="licence").content_type == "application/pdf"


def test_the_licence_is_asked_for_only_where_the_business_type_needs_one(applicant_client, draft, step_data):
    assert "licence" not in applicant_client.get(documents_url(draft)).context["form"].fields

    applicant_client.post(
        reverse("applications:step", kwargs={"reference": draft.reference, "step": "business"}),
        step_data["business"],
    )

    assert "licence" in applicant_client.get(documents_url(draft)).context["form"].fields


def test_the_metadata_of_a_photo_is_stripped_before_it_is_stored(applicant_client, draft):
    original = image_bytes("JPEG", exif=True)
    assert Image.open(io.BytesIO(original)).getexif()  # the test photo does carry EXIF

    applicant_client.post(documents_url(draft), {"storefront": upload("shop.jpg", original)})

    stored = ApplicationDocument.objects.get(application=draft, kind="storefront")
    with stored.file.open("rb") as handle:
        data = handle.read()
    assert not Image.open(io.BytesIO(data)).getexif()
    assert b"SpyCam" not in data and b"secret-software" not in data


def test_a_file_named_like_an_image_but_not_one_is_refused_saying_what_is_accepted(applicant_client, draft, snapshot):
    before = snapshot(draft)

    response = applicant_client.post(
        documents_url(draft), {"id_front": upload("photo.jpg", b"MZ\x90\x00 this is a program", "image/jpeg")}
    )

    assert response.status_code == 400
    errors = response.context["form"].errors["id_front"]
    assert "Accepted: PDF, JPEG or PNG, at most 10 MB." in errors[0]
    assert not ApplicationDocument.objects.exists()
    assert not AuditEvent.objects.exists()
    before.assert_unchanged()


def test_an_image_of_another_type_is_refused(applicant_client, draft, snapshot):
    before = snapshot(draft)

    response = applicant_client.post(documents_url(draft), {"id_front": upload("x.png", image_bytes("GIF"))})

    assert response.status_code == 400
    assert "This file type is not accepted" in response.context["form"].errors["id_front"][0]
    assert not ApplicationDocument.objects.exists()
    before.assert_unchanged()


def test_a_file_over_10_mb_is_refused(applicant_client, draft, snapshot):
    before = snapshot(draft)
    big = MINIMAL_PDF[:-7] + b"0" * (10 * 1024 * 1024) + b"\n%%EOF\n"

    response = applicant_client.post(documents_url(draft), {"id_front": upload("big.pdf", big)})

    assert response.status_code == 400
    assert "larger than 10 MB" in response.context["form"].errors["id_front"][0]
    assert not ApplicationDocument.objects.exists()
    before.assert_unchanged()


def test_a_corrupt_image_is_refused(applicant_client, draft, snapshot):
    before = snapshot(draft)
    broken = image_bytes("PNG", size=(300, 300))[:200]

    response = applicant_client.post(documents_url(draft), {"bank_card": upload("card.png", broken)})

    assert response.status_code == 400
    assert "not a readable PDF, JPEG or PNG" in response.context["form"].errors["bank_card"][0]
    assert not ApplicationDocument.objects.exists()
    before.assert_unchanged()


def test_the_files_of_one_form_are_stored_together_or_not_at_all(applicant_client, draft, snapshot, settings):
    before = snapshot(draft)

    response = applicant_client.post(
        documents_url(draft),
        {"id_front": upload("a.png", image_bytes()), "id_back": upload("b.png", b"garbage")},
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"id_back", "__all__"}
    assert "none was stored" in form.non_field_errors()[0]
    assert not ApplicationDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="document.uploaded").exists()
    assert stored_files(settings) == []
    before.assert_unchanged()


def test_a_save_failing_half_way_leaves_no_row_and_no_file(applicant_client, draft, settings, monkeypatch):
    """The second document's row cannot be written (say the database is locked): the first one's
    row rolls back, and its file, written before it, is removed too."""
    from applications import services

    real_audit = services.audit
    calls = []

    def audit_then_fail(**kwargs):
        calls.append(kwargs["kind"])
        if len(calls) == 2:
            raise OperationalError("database is locked")
        real_audit(**kwargs)

    monkeypatch.setattr(services, "audit", audit_then_fail)

    with pytest.raises(OperationalError):
        services.documents_upload(
            application=draft,
            by=draft.applicant,
            uploads={"id_front": upload("a.png", image_bytes()), "id_back": upload("b.png", image_bytes())},
        )

    assert calls == ["id_front", "id_back"]
    assert not ApplicationDocument.objects.exists()
    assert stored_files(settings) == []


def stored_files(settings) -> list[str]:
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_new_upload_replaces_the_earlier_document_of_its_kind(
    applicant_client, draft, django_capture_on_commit_callbacks
):
    applicant_client.post(documents_url(draft), {"id_front": upload("a.png", image_bytes(size=(10, 10)))})
    first = ApplicationDocument.objects.get(application=draft, kind="id_front")

    with django_capture_on_commit_callbacks(execute=True):
        applicant_client.post(documents_url(draft), {"id_front": upload("b.png", image_bytes(size=(20, 20)))})

    second = ApplicationDocument.objects.get(application=draft, kind="id_front")
    assert second.pk != first.pk
    assert not first.file.storage.exists(first.file.name)


def test_the_documents_step_in_chinese_says_what_is_accepted_in_chinese(applicant_client, draft):
    response = applicant_client.post(
        documents_url(draft), {"id_front": upload("x.png", b"nope")}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert "仅接受 PDF、JPEG 或 PNG" in response.content.decode()


def test_only_the_applicant_opens_a_document_here(client, complete_draft, reviewer, support, installer):
    # Reviewers use the review workspace's document view, which records each look.
    for person in (reviewer, support, installer):
        client.force_login(person)
        assert client.get(document_url(complete_draft, "id_front")).status_code == 404


def test_a_document_needs_a_signed_in_person(client, complete_draft):
    response = client.get(document_url(complete_draft, "id_front"))

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_an_upload_cut_off_half_way_stores_nothing_and_shows_the_step_again(
    applicant_client, draft, settings, snapshot
):
    """The connection drops in the middle of the file: the body ends without its closing boundary."""
    before = snapshot(draft)
    png = image_bytes()
    head = 'Content-Disposition: form-data; name="id_front"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'
    body = f"--cut\r\n{head}".encode() + png[: len(png) // 2]

    response = applicant_client.generic(
        "POST", documents_url(draft), data=body, content_type="multipart/form-data; boundary=cut"
    )

    assert response.status_code == 200  # the documents step again, not a 500
    assert "id_front" in response.content.decode()
    assert not ApplicationDocument.objects.exists()
    assert stored_files(settings) == []
    before.assert_unchanged()
