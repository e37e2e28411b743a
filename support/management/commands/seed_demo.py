from django.conf import settings
from django.core.management.base import BaseCommand

from support.demo import register_demo_terminals, seed


class Command(BaseCommand):
    help = "Create demo people (one per role) and a dozen applications in every state. Safe to run twice."

    def handle(self, *args: object, **options: object) -> None:
        logins = seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all shown):"))
        for login in logins:
            self.stdout.write(f"  {login.role:<14} {login.email:<34} {login.password}")
        registered = register_demo_terminals()
        if registered is None:
            self.stdout.write(
                f"Acquirer host not reachable at {settings.ACQUIRER_ADMIN_URL}: demo terminals not registered now; "
                "each is registered at its first sign-in test."
            )
        else:
            self.stdout.write(f"Registered {registered} demo terminal(s) at the acquirer host.")
