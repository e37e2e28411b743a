"""The portal's URLs plus two views that fail, for the error-page tests (tests/test_error_pages.py)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from pos_portal.urls import handler500
from pos_portal.urls import urlpatterns as portal_urlpatterns


def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def break_down(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("something broke")


urlpatterns = [*portal_urlpatterns, path("refuse/", refuse), path("break/", break_down)]
__all__ = ["handler500", "urlpatterns"]
