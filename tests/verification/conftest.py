"""Applications filled in by the sample walk, with the simulator's answer chosen by their digits."""

from collections.abc import Callable

import pytest
from stdnum import luhn
from stdnum.cn import ric, uscc

from applications import services as app_services
from applications.choices import Status
from applications.models import MerchantApplication
from installations.samples import carry


def id_number(order: int, born: str = "19850315", area: str = "110105") -> str:
    base = f"{area}{born}{order:03d}"
    return base + ric.calc_check_digit(base + "0")


def card_number(last3: int) -> str:
    base = f"6222020000001{last3:03d}"
    return base + luhn.calc_check_digit(base)


def credit_code(last3: int) -> str:
    base = f"92110105MA0000{last3:03d}"
    return base + uscc.calc_check_digit(base)


@pytest.fixture
def filled(applicant, reviewer, installer, support) -> Callable[..., MerchantApplication]:
    """filled(id_order=..., card=..., credit=..., mobile=..., **fields) -> a complete draft, not submitted."""
    counter = iter(range(1, 500))

    def make(*, id_order: int = 123, card: int = 123, credit: int = 123, mobile: str = "+8613800138123", **fields):
        app = MerchantApplication.objects.create(applicant=applicant)
        app = carry(
            app,
            Status.DRAFT,
            applicant=applicant,
            reviewer=reviewer,
            installer=installer,
            support=support,
            seq=next(counter),
        )
        values = {
            "id_number": id_number(id_order),
            "card_number": card_number(card),
            "credit_code": credit_code(credit),
            "mobile": mobile,
            **fields,
        }
        app_services.application_save_fields(application=app, by=applicant, fields=values)
        app.refresh_from_db()
        return app

    return make


@pytest.fixture
def submit(applicant) -> Callable[[MerchantApplication], MerchantApplication]:
    def run(app: MerchantApplication, **origin) -> MerchantApplication:
        from applications.hooks import Origin

        app_services.application_submit(application=app, by=applicant, origin=Origin(**origin))
        app.refresh_from_db()
        return app

    return run


@pytest.fixture
def run(django_capture_on_commit_callbacks, submit):
    """run(app, **origin) -> (app, its latest assessment): submit and let the after-commit job run
    (in-process, as the embedded default does)."""
    from verification.models import Assessment

    def go(app: MerchantApplication, **origin):
        with django_capture_on_commit_callbacks(execute=True):
            app = submit(app, **origin)
        app.refresh_from_db()
        return app, Assessment.objects.filter(application=app).order_by("-id").first()

    return go
