"""How a stored document leaves the portal: to whom the views decide, how is decided here."""

from typing import BinaryIO

from django.http import FileResponse

INLINE_TYPES = frozenset({"image/jpeg", "image/png"})
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def document_response(handle: BinaryIO, *, content_type: str, name: str) -> FileResponse:
    """Images (re-encoded from pixels at upload) inline, anything else as a download.

    Whatever a file holds, it runs nothing here: a sandbox without scripts, no plugin, no
    frame, no sniffing of another type. A PDF is a download because a browser's PDF viewer does
    not run in a sandbox; the reviewer opens it in the viewer of their computer."""
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not inline,
        filename=f"{name}.{EXTENSIONS.get(content_type, 'bin')}",
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; frame-ancestors 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
