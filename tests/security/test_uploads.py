"""Hostile uploads: what is stored is pixels or a rebuilt PDF, and nothing is served to run."""

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from applications import uploads
from applications.choices import Status
from applications.models import ApplicationDocument

SCRIPT = b"<script>alert(document.cookie)</script>"


def as_upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def jpeg_with_everything() -> bytes:
    image = Image.new("RGB", (640, 480), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010E] = "GPS 39.9,116.4 " + SCRIPT.decode()  # ImageDescription
    out = io.BytesIO()
    image.save(out, "JPEG", comment=SCRIPT, icc_profile=b"ICCPROFILE" + SCRIPT, exif=exif)
    return out.getvalue() + b"<html>" + SCRIPT + b"</html>"


def png_with_everything() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    info.add_itxt("XML:com.adobe.xmp", SCRIPT.decode())
    out = io.BytesIO()
    Image.new("RGBA", (320, 200), (0, 0, 0, 128)).save(out, "PNG", pnginfo=info, icc_profile=b"ICC" + SCRIPT)
    return out.getvalue()


@pytest.mark.parametrize(("name", "make"), [("photo.jpg", jpeg_with_everything), ("scan.png", png_with_everything)])
def test_an_image_is_stored_as_its_pixels_alone(name, make):
    original = make()
    assert SCRIPT in original
    clean = uploads.clean_upload(as_upload(name, original))
    assert SCRIPT not in clean.content and b"ICC" not in clean.content and b"GPS" not in clean.content
    with Image.open(io.BytesIO(clean.content)) as stored:
        assert not {"comment", "icc_profile", "exif", "Comment", "XML:com.adobe.xmp"} & set(stored.info)
        assert stored.size == Image.open(io.BytesIO(original)).size


def test_the_pixel_count_is_refused_from_the_header_before_any_decoding(monkeypatch):
    out = io.BytesIO()
    Image.new("1", (5000, 4000)).save(out, "PNG")  # 20 MP, 10 KB: a PNG bomb in miniature

    def no_decoding(self):
        raise AssertionError("decoded before the size was checked")

    monkeypatch.setattr(PngImagePlugin.PngImageFile, "load", no_decoding)
    with pytest.raises(ValidationError) as refused:
        uploads.clean_upload(as_upload("bomb.png", out.getvalue()))
    assert refused.value.code == "pixels"


def test_a_large_photo_is_decoded_at_reduced_scale_and_stored_at_most_4096_wide():
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (10, 120, 10)).save(out, "JPEG", quality=50)
    clean = uploads.clean_upload(as_upload("big.jpg", out.getvalue()))
    with Image.open(io.BytesIO(clean.content)) as stored:
        assert max(stored.size) <= uploads.MAX_EDGE


def hostile_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    js = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    pdf.Root.OpenAction = js
    pdf.Root.AA = pikepdf.Dictionary(WC=js)
    embedded = pdf.make_stream(b"MZ evil executable")
    embedded.Type = pikepdf.Name.EmbeddedFile
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), js])),
        EmbeddedFiles=pikepdf.Dictionary(
            Names=pikepdf.Array(
                [
                    pikepdf.String("a.exe"),
                    pikepdf.Dictionary(Type=pikepdf.Name.Filespec, EF=pikepdf.Dictionary(F=embedded)),
                ]
            )
        ),
    )
    page = pdf.pages[0]
    page.obj.AA = pikepdf.Dictionary(O=js)
    page.obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Annot,
                    Subtype=pikepdf.Name.Link,
                    Rect=[0, 0, 100, 100],
                    A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")),
                )
            ]
        )
    )
    out = io.BytesIO()
    pdf.save(out)
    # An HTML polyglot: browsers that sniff would read the tail as a page.
    return out.getvalue() + b"\n<html><body>" + SCRIPT + b"</body></html>\n%%EOF\n"


def test_a_pdf_is_rebuilt_without_scripts_actions_or_embedded_files():
    original = hostile_pdf()
    clean = uploads.clean_upload(as_upload("licence.pdf", original))
    assert SCRIPT not in clean.content and b"<html" not in clean.content
    with pikepdf.open(io.BytesIO(clean.content)) as stored:
        everything = " ".join(repr(obj) for obj in stored.objects)
        assert len(stored.pages) == 1
    for word in ("/JavaScript", "/OpenAction", "/EmbeddedFile", "/Launch", "/AA", "app.alert", "evil"):
        assert word not in everything, word


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n garbage %%EOF", b"%PDF-1.4\n" + b"(" * 5000 + b"\n%%EOF\n", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF"],
)
def test_a_broken_pdf_is_refused_with_a_reason_not_a_crash(data):
    with pytest.raises(ValidationError) as refused:
        uploads.clean_upload(as_upload("x.pdf", data))
    assert refused.value.code == "corrupt"


@pytest.mark.django_db
def test_documents_are_served_sandboxed_and_pdfs_only_as_downloads(client, reviewer, application_in):
    app = application_in(Status.IN_REVIEW)
    client.force_login(reviewer)
    image = app.documents.get(kind="storefront")
    url = reverse("applications:review_document", args=[app.reference, image.pk])
    shown = client.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"
    assert shown["Content-Security-Policy"].startswith("sandbox;")
    assert shown["X-Content-Type-Options"] == "nosniff" and "no-store" in shown["Cache-Control"]
    ApplicationDocument.objects.filter(pk=image.pk).update(content_type="application/pdf")
    pdf = client.get(url)
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert pdf["Content-Security-Policy"].startswith("sandbox;")
    assert client.get(reverse("applications:review", args=[app.reference]))["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("bomb.png", lambda: _png_of(5000, 4000), "too large in pixels"),
        ("locked.pdf", lambda: b"%PDF-1.7\n" + b"\x00" * 64 + b"\n%%EOF\n", "could not be read"),
    ],
)
def test_a_refused_upload_stores_nothing_and_says_why(client, applicant, name, make, reason):
    from applications.models import AuditEvent, MerchantApplication

    draft = MerchantApplication.objects.create(applicant=applicant)
    client.force_login(applicant)
    url = reverse("applications:step", kwargs={"reference": draft.reference, "step": "documents"})
    response = client.post(url, {"storefront": SimpleUploadedFile(name, make())})
    assert response.status_code == 400 and reason in response.content.decode()  # the form again, with why
    assert not ApplicationDocument.objects.filter(application=draft).exists()
    assert not AuditEvent.objects.filter(application=draft).exists()


def _png_of(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG")
    return out.getvalue()
