from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo and bulk data, on top of everything: built by calling the services, never by copying them."""

    name = "demo"
    verbose_name = _("Demo data")
