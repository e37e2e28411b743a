from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from notifications.messages import TEMPLATES

        from .actions import register_actions
        from .links import register_links
        from .messages import SUPPORT_TEMPLATES

        TEMPLATES.update(SUPPORT_TEMPLATES)
        register_links()
        register_actions()
