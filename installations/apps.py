from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstallationsConfig(AppConfig):
    name = "installations"
    verbose_name = _("Installations")

    def ready(self) -> None:
        # The pages this app owns, in the link registry (the models are loaded only now).
        from .actions import register_actions
        from .links import register_links

        register_links()
        register_actions()
