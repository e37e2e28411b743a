from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The top floor: composes the contexts below (admin, dashboards, landing, menus). Nothing imports it."""

    name = "backoffice"
    verbose_name = _("Back office")
