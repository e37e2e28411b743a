"""Judge an uploaded document by its content, and clean it before it is stored.

Accepted: PDF, JPEG, PNG, at most 10 MB. Images are decoded and re-encoded by Pillow,
which drops every byte that is not the picture (EXIF with GPS position, comments,
anything appended after the image).
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a phone photo is ~12 MP; refuse decompression bombs
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
        return CleanFile(data, "application/pdf", ".pdf")
    return _clean_image(data)


def _clean_image(data: bytes) -> CleanFile:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in ("JPEG", "PNG"):
                raise ValidationError(_("This file type is not accepted. %s") % ACCEPTED, code="type")
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The image is too large in pixels. %s") % ACCEPTED, code="pixels")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "JPEG":
                upright.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
                return CleanFile(out.getvalue(), "image/jpeg", ".jpg")
            if upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                upright = upright.convert("RGBA")
            upright.save(out, "PNG", optimize=True)
            return CleanFile(out.getvalue(), "image/png", ".png")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("The file is not a readable PDF, JPEG or PNG (it may be damaged). %s") % ACCEPTED,
            code="corrupt",
        ) from exc
