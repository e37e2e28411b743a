from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


def site_url_is_set(app_configs, **kwargs):  # type: ignore[no-untyped-def]
    """`manage.py check --deploy`: e-mails and SMS link to pages by SITE_URL."""
    if settings.SITE_URL:
        return []
    return [
        checks.Warning(
            "SITE_URL is not set and ALLOWED_HOSTS names no public host: e-mails and SMS carry "
            "page addresses without the site.",
            hint="Set SITE_URL to the portal's public address, e.g. https://pos.example.cn.",
            id="notifications.W001",
        )
    ]


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        checks.register(site_url_is_set, checks.Tags.security, deploy=True)
        from accounts.roles import read_with_roles

        from .selectors import UNREAD_WITH_ROLES

        read_with_roles(UNREAD_WITH_ROLES)
