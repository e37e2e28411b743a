"""Demo data: people for every role and applications in every state, made through the services.

Used by `manage.py seed_demo` (and so by `make run`). Everything is keyed by fixed emails and
references, so a second run finds it and changes nothing."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import grant_admin_permissions
from applications.choices import Status
from applications.models import MerchantApplication
from core.choices import TerminalModel
from installations.samples import carry, demo_kcv
from terminals import host
from terminals import services as terminal_services
from terminals.models import Terminal, TerminalStatus
from verification.services import paused

from .support_data import seed_service_visit, seed_support
from .verification_data import seed_verification

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed for the demo on purpose


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


PEOPLE = [
    ("applicant@demo.pos-portal.cn", "Applicant", "王", "小明", False, False),
    ("applicant2@demo.pos-portal.cn", "Applicant", "李", "娜", False, False),
    ("reviewer@demo.pos-portal.cn", "Reviewer", "张", "审核", True, False),
    ("installer@demo.pos-portal.cn", "Installer", "刘", "安装", False, False),
    ("support@demo.pos-portal.cn", "Support", "陈", "客服", True, False),
    ("admin@demo.pos-portal.cn", "Administrator", "赵", "敏", True, True),
]


# The state each demo application is carried to, in the order the workflow reaches them.
TARGETS = [
    ("PA-DEMDRAFT", Status.DRAFT),
    ("PA-DEMSUBMT", Status.SUBMITTED),
    ("PA-DEMREVEW", Status.IN_REVIEW),
    ("PA-DEMCHANG", Status.CHANGES_REQUESTED),
    ("PA-DEMAPPRV", Status.APPROVED),
    ("PA-DEMSCHED", Status.INSTALLATION_SCHEDULED),
    ("PA-DEMCNFIG", Status.CONFIGURING),
    ("PA-DEMTRAIN", Status.TRAINING),
    ("PA-DEMACTVE", Status.ACTIVE),
    ("PA-DEMSUSPD", Status.SUSPENDED),
    ("PA-DEMREJCT", Status.REJECTED),
    ("PA-DEMWDRWN", Status.WITHDRAWN),
    # Live, its terminal showing 97: support has booked a service visit (demo/support_data.py).
    ("PA-DEMSERVC", Status.ACTIVE),
]


def ensure_people() -> dict[str, User]:
    people: dict[str, User] = {}
    for email, role, last, first, is_staff, is_superuser in PEOPLE:
        user, _created = User.objects.get_or_create(
            email=email,
            defaults={
                "username": email.split("@")[0],
                "first_name": first,
                "last_name": last,
                "is_staff": is_staff,
                "is_superuser": is_superuser,
                "mobile": "+8613800138000",
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if role != "Administrator":
            user.groups.add(Group.objects.get(name=role))
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        people[email.split("@")[0]] = user
    grant_admin_permissions()
    return people


def seed() -> list[DemoLogin]:
    people = ensure_people()
    for seq, (reference, target) in enumerate(TARGETS, start=1):
        if MerchantApplication.objects.filter(reference=reference).exists():
            continue
        applicant = people["applicant"] if seq % 2 else people["applicant2"]
        # The sample walk decides by hand: no automatic check takes its applications meanwhile.
        with paused(), transaction.atomic():
            app = MerchantApplication.objects.create(applicant=applicant, reference=reference)
            carry(
                app,
                target,
                applicant=applicant,
                reviewer=people["reviewer"],
                installer=people["installer"],
                support=people["support"],
                seq=seq,
                filled=target != Status.DRAFT,  # the demo's draft is left for the applicant to fill in
            )
    stock_demo_terminals(people["reviewer"])
    seed_support()
    seed_service_visit(support=people["support"], installer=people["installer"])
    seed_verification(people)
    return [DemoLogin(role, email, DEMO_PASSWORD) for email, role, *_rest in PEOPLE]


# Terminals in stock for the demo installer's visits: two of each model.
DEMO_STOCK = [(f"DEMO-{model[:3].upper()}-{n}", model) for model in TerminalModel.values for n in (1, 2)]


def stock_demo_terminals(by: User) -> None:
    known = set(
        Terminal.objects.filter(serial_number__in=[s for s, _m in DEMO_STOCK]).values_list("serial_number", flat=True)
    )
    rows = [f"{serial},{model},{demo_kcv(serial)}" for serial, model in DEMO_STOCK if serial not in known]
    if rows:
        data = "serial_number,model,key_check_value\n" + "\n".join(rows) + "\n"
        terminal_services.terminal_import_csv(data=data.encode(), by=by)


def register_demo_terminals() -> int | None:
    """Tell a running acquirer host about the demo's terminals; None when it is not reachable."""
    if not host.is_reachable():
        return None
    terminals = Terminal.objects.filter(
        status__in=[TerminalStatus.ASSIGNED, TerminalStatus.CONFIGURED, TerminalStatus.ACTIVE]
    ).select_related("application")
    return sum(terminal_services.terminal_register_at_host(terminal=t) is not None for t in terminals)
