from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from core.crypto import on_rotation

        from .adapter import reseal_authenticators
        from .middleware import stamp_session
        from .roles import grant_admin_permissions

        # Every deployment's role groups get their admin permissions after each migrate.
        on_rotation(reseal_authenticators)  # staff's TOTP secrets ride on the same keys
        post_migrate.connect(grant_admin_permissions, dispatch_uid="accounts.grant_admin_permissions")
        # Every way in (allauth, a code, force_login in tests) goes through django.contrib.auth.login:
        # the session's clocks start there, in the write the login makes anyway.
        user_logged_in.connect(stamp_session, dispatch_uid="accounts.stamp_session")
        name_the_authenticator()


def name_the_authenticator() -> None:
    """allauth's Authenticator has no verbose name, so the admin read "Authenticators" on a Chinese
    page. Named here, on the model's options only: migrations read the options the model was
    declared with (`_meta.original_attrs`), so no migration of allauth's app follows."""
    from allauth.mfa.models import Authenticator
    from django.utils.translation import gettext_lazy as _

    Authenticator._meta.verbose_name = _("authenticator")
    Authenticator._meta.verbose_name_plural = _("authenticators")
