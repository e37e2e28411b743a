from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        from .actions import register_actions
        from .links import register_links
        from .messages import register_templates
        from .services import register_report_handlers, register_visit_hooks
        from .visit_panel import register_visit_panel

        register_templates()
        register_links()
        register_actions()
        register_report_handlers()
        register_visit_hooks()
        register_visit_panel()
