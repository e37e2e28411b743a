from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from .forms import ContactForm
from .services import user_update_contact


@sensitive_post_parameters("mobile")
@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The person's own account: email, mobile, the language messages come in; links to allauth's pages."""
    form = ContactForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_contact(
            user=request.user,
            mobile=form.cleaned_data["mobile"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        messages.success(request, _("Your contact details are saved."))
        return redirect("accounts:profile")
    return render(request, "account/profile.html", {"form": form})
