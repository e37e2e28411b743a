from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 (registers the deployment checks: keys, shared cache)
            lookups,  # noqa: F401 (an integer out of range in `__in` matches nothing)
        )
