from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerminalsConfig(AppConfig):
    name = "terminals"
    verbose_name = _("Terminals")

    def ready(self) -> None:
        # The pages this app owns, in the link registry (the models are loaded only now).
        from .links import register_links

        register_links()

        # The live terminal on the merchant's status page (applications knows no app above it).
        from applications.hooks import panel

        from .panels import live_terminal

        panel("status", live_terminal)
