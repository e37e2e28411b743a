from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.seed import seed


class Command(BaseCommand):
    help = "Create demo people (one per role) and a dozen applications in every state. Safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even with DEBUG off (the demo's logins, an administrator's among them, are public)",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates logins whose password is published (an administrator among them): "
                "it runs only with DJANGO_DEBUG=true, or with --force on a database that is not production."
            )
        logins = seed()
        self.stdout.write(self.style.SUCCESS("Demo data ready. Logins (password for all shown):"))
        for login in logins:
            self.stdout.write(f"  {login.role:<14} {login.email:<34} {login.password}")
