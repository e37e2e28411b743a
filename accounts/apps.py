from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import grant_admin_permissions

        # Every deployment's role groups get their admin permissions after each migrate.
        post_migrate.connect(grant_admin_permissions, dispatch_uid="accounts.grant_admin_permissions")
