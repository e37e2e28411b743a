"""Demo applications that show the automatic checks (docs/verification.md): one approved without a
reviewer, one in the queue for a card holder who does not match, one for a senior reviewer, one
left to a person because a service was down. Built through the services; the simulators answer
by the digits (verification.simulator)."""

from django.contrib.auth.models import Group
from django.db import transaction
from stdnum import luhn
from stdnum.cn import ric, uscc

from accounts.models import User
from applications import services as app_services
from applications.choices import Status
from applications.models import MerchantApplication
from installations.samples import carry
from verification import services as verification
from verification.choices import SENIOR_GROUP


def _card(last3: int) -> str:
    base = f"6222020000001{last3:03d}"
    return base + luhn.calc_check_digit(base)


def _credit(last3: int) -> str:
    base = f"92110105MA0000{last3:03d}"
    return base + uscc.calc_check_digit(base)


def _id(order: int) -> str:
    base = f"11010519850315{order:03d}"
    return base + ric.calc_check_digit(base + "0")


# reference, seq (its day of birth in the sample ID: under 31), the fields that choose the simulators' answers
CASES = [
    ("PA-DEMVAUTO", 21, {}),
    ("PA-DEMVCARD", 22, {"card_number": _card(911)}),
    ("PA-DEMVSENR", 23, {"credit_code": _credit(921)}),
    ("PA-DEMVDOWN", 24, {"id_number": _id(903)}),
]


def ensure_senior(people: dict[str, User]) -> User:
    """The demo reviewer is also a senior reviewer: the senior tab has someone to work it."""
    reviewer = people["reviewer"]
    reviewer.groups.add(Group.objects.get_or_create(name=SENIOR_GROUP)[0])
    return reviewer


def seed_verification(people: dict[str, User]) -> None:
    ensure_senior(people)
    verification.current_policy()
    for reference, seq, fields in CASES:
        if MerchantApplication.objects.filter(reference=reference).exists():
            continue
        applicant = people["applicant"]
        with verification.paused(), transaction.atomic():  # all of it or none: a second run starts afresh
            app = MerchantApplication.objects.create(applicant=applicant, reference=reference)
            app = carry(
                app,
                Status.DRAFT,
                applicant=applicant,
                reviewer=people["reviewer"],
                installer=people["installer"],
                support=people["support"],
                seq=seq,
            )
            if fields:
                app_services.application_save_fields(application=app, by=applicant, fields=fields)
            app = app_services.application_submit(application=app, by=applicant)
        # The checks run here and now (the worker may not be up yet); an outage goes straight to a person.
        verification.checks_run_now(application=app, by=applicant)
