from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what the product is, and each role's way in (menus come from the role context)."""
    return render(request, "home.html")
