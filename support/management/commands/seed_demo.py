from django.core.management.base import BaseCommand

from support.demo import seed


class Command(BaseCommand):
    help = "Create demo people (one per role) and a dozen applications in every state. Safe to run twice."

    def handle(self, *args: object, **options: object) -> None:
        logins = seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all shown):"))
        for login in logins:
            self.stdout.write(f"  {login.role:<14} {login.email:<34} {login.password}")
