"""Each answer of each provider, as the simulators give them and as the provider reads them."""

import time

import pytest

from verification import providers
from verification.choices import CheckKind, Outcome
from verification.providers import Request

from .conftest import card_number, credit_code, id_number


def request(kind: str, code: int) -> Request:
    if kind == CheckKind.IDENTITY:
        return Request(kind, {"name": "王小明", "id_number": id_number(code)})
    if kind == CheckKind.BANK_CARD:
        return Request(
            kind,
            {"name": "王小明", "id_number": id_number(1), "card_number": card_number(code), "mobile": "13800138000"},
        )
    if kind == CheckKind.BUSINESS:
        return Request(
            kind, {"credit_code": credit_code(code), "business_name": "小明便利店", "legal_representative": "王小明"}
        )
    return Request(kind, {"name": "王小明", "id_number": id_number(1), "mobile": f"13800138{code:03d}"})


BASES = {CheckKind.IDENTITY: 900, CheckKind.BANK_CARD: 910, CheckKind.BUSINESS: 920, CheckKind.MOBILE: 930}
ANSWERS = [
    (0, Outcome.MATCH),
    (1, Outcome.MISMATCH),
    (2, Outcome.NOT_FOUND),
    (3, Outcome.UNAVAILABLE),
    (4, Outcome.TIMEOUT),
    (5, Outcome.INVALID),
]


@pytest.mark.parametrize("kind", list(CheckKind))
@pytest.mark.parametrize(("offset", "outcome"), ANSWERS)
def test_each_simulator_gives_each_answer_by_the_digits(kind, offset, outcome):
    code = 123 if offset == 0 else BASES[kind] + offset
    answer = providers.ask(request(kind, code))
    assert answer.outcome == outcome
    assert answer.backend == f"verification.simulator.{_class(kind)}"


def _class(kind: str) -> str:
    return {
        CheckKind.IDENTITY: "IdentitySimulator",
        CheckKind.BANK_CARD: "BankCardSimulator",
        CheckKind.BUSINESS: "BusinessSimulator",
        CheckKind.MOBILE: "MobileSimulator",
    }[kind]


def test_a_deregistered_business_and_a_new_number_are_read_as_detail():
    business = providers.ask(request(CheckKind.BUSINESS, 926))
    assert (business.outcome, business.detail["status"]) == (Outcome.MATCH, "注销")
    mobile = providers.ask(request(CheckKind.MOBILE, 936))
    assert (mobile.outcome, mobile.detail["months_in_service"]) == (Outcome.MATCH, 2)


def test_a_mismatch_names_the_inputs_that_differ_never_their_values():
    answer = providers.ask(request(CheckKind.BANK_CARD, 911))
    assert answer.detail == {"fields": ["name"]}


@pytest.mark.parametrize(
    "raw",
    [None, "1", [], {}, {"result": "9"}, {"result": "1"} | {"status": ""}, {"result": 1, "status": 5}],
)
def test_garbage_is_read_as_an_unreadable_answer(raw):
    assert providers.read(CheckKind.BUSINESS, raw)[0] == Outcome.INVALID


@pytest.mark.parametrize(
    "raw", [{"result": "1"}, {"result": "1", "months_in_service": "60"}, {"result": "1", "months_in_service": True}]
)
def test_a_mobile_answer_without_months_in_service_is_unreadable(raw):
    assert providers.read(CheckKind.MOBILE, raw)[0] == Outcome.INVALID


class Slow:
    def ask(self, request):
        time.sleep(0.05)
        return {"result": "1"}


class Broken:
    def ask(self, request):
        raise KeyError("bug in a vendor's client")


def test_an_answer_later_than_the_timeout_counts_as_none(settings):
    settings.VERIFICATION_BACKENDS = {**settings.VERIFICATION_BACKENDS, "identity": f"{__name__}.Slow"}
    settings.VERIFICATION_TIMEOUT_SECONDS = 0.01
    assert providers.ask(request(CheckKind.IDENTITY, 123)).outcome == Outcome.TIMEOUT


def test_settings_choose_the_backend_and_a_broken_one_is_an_unreadable_answer(settings):
    settings.VERIFICATION_BACKENDS = {**settings.VERIFICATION_BACKENDS, "identity": f"{__name__}.Broken"}
    answer = providers.ask(request(CheckKind.IDENTITY, 123))
    assert (answer.outcome, answer.backend, answer.detail) == (
        Outcome.INVALID,
        f"{__name__}.Broken",
        {"why": "KeyError"},
    )


def test_what_is_sent_is_stored_masked():
    masked = request(CheckKind.BANK_CARD, 123).masked()
    assert masked["id_number"] == id_number(1)[:6] + "********" + id_number(1)[-4:]
    assert masked["card_number"].startswith("6222") and "*" in masked["card_number"]
    assert masked["mobile"] == "138****8000"
    assert masked["name"] == "王小明"
