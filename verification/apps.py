from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = _("Automatic verification")

    def ready(self) -> None:
        from .wiring import wire

        wire()
