from applications.models import MerchantApplication

from .models import SignIn


def latest_signin_code(application: MerchantApplication) -> str:
    """The response code of the application's last sign-in, or "" when none was tried."""
    last = SignIn.objects.filter(application=application).order_by("-at", "-pk").first()
    return last.response_code if last else ""
