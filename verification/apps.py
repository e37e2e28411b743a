from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "verification"
    verbose_name = _("Automatic verification")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .wiring import grant_senior_permissions, wire

        wire()
        post_migrate.connect(grant_senior_permissions, sender=self)
