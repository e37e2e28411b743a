"""Judge an uploaded document by its content, and clean it before it is stored.

Accepted: PDF, JPEG, PNG, at most 10 MB.

- Images: the pixel count is read from the header and checked before anything is decoded
  (a 40-megapixel JPEG of 600 KB used to take a worker from 95 MB to 680 MB); a JPEG is decoded
  at a reduced scale when it is larger than a document needs. What is stored is a new image
  made of the pixels alone: no comment, ICC profile, EXIF (GPS position) or anything appended
  after the picture is carried over, whatever Pillow's encoders would otherwise copy.
- PDFs: parsed and written anew by pikepdf (qpdf) without JavaScript, automatic or link actions,
  embedded or attached files, forms and XFA; bytes around the PDF (an HTML polyglot) are gone
  with the rewrite. The views serve them as attachments only (a browser's PDF viewer cannot run
  under `Content-Security-Policy: sandbox`).
"""

import io
from dataclasses import dataclass

import pikepdf
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
# A phone photo is 12 MP, a 48-MP mode photo 48 MP: a JPEG that size is decoded at half scale or
# less (draft), so it never costs more memory than ~12 MP. A PNG has no such shortcut: its cap is
# what one decoded copy may cost (16 MP x 4 bytes = 64 MB).
MAX_PIXELS = 50_000_000
MAX_PNG_PIXELS = 16_000_000
MAX_EDGE = 4096  # longest side stored: every detail of an ID card or a storefront, at a sane size
ACCEPTED = _("Accepted: PDF, JPEG or PNG, at most 10 MB.")


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    extension: str


def clean_upload(upload: UploadedFile) -> CleanFile:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB. %s") % ACCEPTED, code="too_large")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB. %s") % ACCEPTED, code="too_large")
    if not data:
        raise ValidationError(_("The file is empty. %s") % ACCEPTED, code="empty")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("The PDF is damaged or incomplete. %s") % ACCEPTED, code="corrupt")
        return CleanFile(_rebuild_pdf(data), "application/pdf", ".pdf")
    return _clean_image(data)


# What a PDF may do besides being read: run code, act on opening or on a click, carry files.
_ACTION_KEYS = ("/OpenAction", "/AA", "/A")
_DROPPED_FROM_CATALOG = ("/OpenAction", "/AA", "/Names", "/AcroForm", "/JavaScript", "/URI", "/Collection")


def _rebuild_pdf(data: bytes) -> bytes:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for key in _DROPPED_FROM_CATALOG:
                if key in pdf.Root:
                    del pdf.Root[key]
            for page in pdf.pages:
                for key in _ACTION_KEYS:
                    if key in page.obj:
                        del page.obj[key]
                if "/Annots" in page.obj:
                    # Links, file attachments, widgets, movies: none belongs in a scanned document.
                    del page.obj["/Annots"]
            out = io.BytesIO()
            # Unreferenced objects (scripts, files no longer named anywhere) are not written.
            pdf.remove_unreferenced_resources()
            pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
            return out.getvalue()
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RecursionError) as exc:
        raise ValidationError(
            _("The PDF could not be read (damaged, or protected by a password). %s") % ACCEPTED, code="corrupt"
        ) from exc


def _clean_image(data: bytes) -> CleanFile:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in ("JPEG", "PNG"):
                raise ValidationError(_("This file type is not accepted. %s") % ACCEPTED, code="type")
            # Read from the header: nothing is decoded yet.
            if probe.width * probe.height > (MAX_PIXELS if kind == "JPEG" else MAX_PNG_PIXELS):
                raise ValidationError(_("The image is too large in pixels. %s") % ACCEPTED, code="pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if kind == "JPEG":
                image.draft("RGB", (MAX_EDGE, MAX_EDGE))  # the decoder scales down by 1/2, 1/4, 1/8
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright.thumbnail((MAX_EDGE, MAX_EDGE))
            mode = "RGB" if kind == "JPEG" else ("RGBA" if "A" in upright.mode or upright.mode == "P" else "RGB")
            pixels = upright.convert(mode)
            # A new image from the pixels alone: its `info` is empty, so no encoder copies a
            # comment, an ICC profile or EXIF from the upload.
            clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
            out = io.BytesIO()
            if kind == "JPEG":
                clean.save(out, "JPEG", quality=90, optimize=True)
                return CleanFile(out.getvalue(), "image/jpeg", ".jpg")
            clean.save(out, "PNG", optimize=True)
            return CleanFile(out.getvalue(), "image/png", ".png")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("The file is not a readable PDF, JPEG or PNG (it may be damaged). %s") % ACCEPTED,
            code="corrupt",
        ) from exc
