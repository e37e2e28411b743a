"""Each risk rule on its own: what makes it fire, what does not, its weight and its words."""

from datetime import date

import pytest
from django.utils import translation

from applications.hooks import Origin
from verification import rules, services
from verification.choices import CheckKind, Outcome
from verification.models import Assessment

from .conftest import id_number

ALL_MATCH = {k: Outcome.MATCH for k in CheckKind}


def facts(app, outcomes=None, details=None, **extra) -> rules.Facts:
    return rules.Facts(
        application=app,
        outcomes={**ALL_MATCH, **(outcomes or {})},
        details={
            CheckKind.BUSINESS: {"status": "存续"},
            CheckKind.MOBILE: {"months_in_service": 60},
            **(details or {}),
        },
        required=tuple(CheckKind),
        watched_categories=["5732"],
        velocity_limit=3,
        today=date(2026, 12, 1),
        **extra,
    )


def codes(f: rules.Facts) -> list[str]:
    return [r["code"] for r in rules.score(f, rules.DEFAULT_WEIGHTS)[1]]


def test_a_clean_application_scores_zero_with_no_reason(filled):
    assert rules.score(facts(filled()), rules.DEFAULT_WEIGHTS) == (0, [])


@pytest.mark.parametrize(
    ("kind", "outcome", "code"),
    [
        (CheckKind.IDENTITY, Outcome.MISMATCH, "identity_mismatch"),
        (CheckKind.IDENTITY, Outcome.NOT_FOUND, "identity_not_found"),
        (CheckKind.BANK_CARD, Outcome.MISMATCH, "card_mismatch"),
        (CheckKind.BANK_CARD, Outcome.NOT_FOUND, "card_not_found"),
        (CheckKind.BUSINESS, Outcome.MISMATCH, "business_mismatch"),
        (CheckKind.BUSINESS, Outcome.NOT_FOUND, "business_not_found"),
        (CheckKind.MOBILE, Outcome.MISMATCH, "mobile_mismatch"),
        (CheckKind.MOBILE, Outcome.NOT_FOUND, "mobile_not_found"),
        (CheckKind.IDENTITY, Outcome.UNAVAILABLE, "check_not_done"),
        (CheckKind.BANK_CARD, Outcome.TIMEOUT, "check_not_done"),
        (CheckKind.MOBILE, Outcome.INVALID, "check_not_done"),
    ],
)
def test_each_answer_of_a_check_has_its_reason(filled, kind, outcome, code):
    assert codes(facts(filled(), {kind: outcome})) == [code]


def test_a_missing_check_is_a_reason_too(filled):
    f = facts(filled())
    del f.outcomes[CheckKind.IDENTITY]
    assert codes(f) == ["check_not_done"]


def test_a_business_not_in_operation(filled):
    assert codes(facts(filled(), details={CheckKind.BUSINESS: {"status": "吊销"}})) == ["business_inactive"]


def test_a_new_mobile_number(filled):
    assert codes(facts(filled(), details={CheckKind.MOBILE: {"months_in_service": 5}})) == ["new_mobile"]
    assert codes(facts(filled(), details={CheckKind.MOBILE: {"months_in_service": 6}})) == []


def test_the_same_id_number_on_another_applicants_application(filled, other_applicant, applicant):
    from applications.models import MerchantApplication
    from installations.samples import fill

    mine = filled()
    theirs = fill(MerchantApplication.objects.create(applicant=other_applicant), other_applicant, 77)
    from applications import services as app_services

    app_services.application_save_fields(application=theirs, by=other_applicant, fields={"id_number": mine.id_number})
    app_services.application_submit(application=theirs, by=other_applicant)
    reasons = rules.score(facts(mine), rules.DEFAULT_WEIGHTS)[1]
    assert [r["code"] for r in reasons] == ["duplicate_id_number"]
    assert reasons[0]["params"] == {"refs": theirs.reference}
    # A draft is nobody's duplicate yet (mine is one), nor is the applicant's own second application.
    assert codes(facts(theirs)) == []
    second = filled(id_order=123)
    app_services.application_submit(application=second, by=applicant)
    assert codes(facts(mine)) == ["duplicate_id_number"]


def test_a_category_under_watch(filled):
    assert codes(facts(filled(category="5732"))) == ["watched_category"]
    assert codes(facts(filled(category="5411"))) == []


@pytest.mark.parametrize(("born", "code"), [("20100101", "under_age"), ("19500101", "senior_age"), ("19850315", None)])
def test_the_age_by_the_id_number(filled, born, code):
    app = filled(id_number=id_number(123, born=born))
    assert codes(facts(app)) == ([code] if code else [])


def test_an_id_issued_in_another_province_than_the_business(filled):
    app = filled(id_number=id_number(123, area="440305"))  # 深圳市南山区; the business is in 北京市朝阳区
    reasons = rules.score(facts(app), rules.DEFAULT_WEIGHTS)[1]
    assert [r["code"] for r in reasons] == ["id_area_elsewhere"]
    assert "南山区" in reasons[0]["params"]["id_place"]
    assert codes(facts(filled(id_number=id_number(123, area="110108")))) == []  # 海淀区: same city


def test_the_velocity_of_submissions_from_one_address_or_device(filled):
    app = filled()
    assert codes(facts(app, origin_address="a", same_address=2, origin_device="d", same_device=2)) == []
    assert codes(facts(app, origin_address="a", same_address=3)) == ["velocity_address"]
    assert codes(facts(app, origin_device="d", same_device=3)) == ["velocity_device"]


def test_the_velocity_counts_other_submissions_from_the_same_digest(filled, applicant):
    app = filled()
    for other in (filled(), filled(), filled()):
        Assessment.objects.create(application=other, version="v", origin_address="addr")
    mine = Assessment.objects.create(application=app, version="v", origin_address="addr")
    f = services._facts(app, mine, {}, services.current_policy())
    assert f.same_address == 3 and f.same_device == 0
    assert Origin().address == ""


def test_reasons_are_worded_when_read_in_the_readers_language():
    reason = {"code": "check_not_done", "params": {"check": "bank_card", "answer": "timeout"}, "weight": 0}
    with translation.override("en"):
        assert (
            rules.reason_text(reason) == "The bank card check could not be done (no answer in time): a person decides."
        )
    with translation.override("zh-hans"):
        assert "银行卡" in rules.reason_text(reason)
    assert rules.reason_text({"code": "retired_rule"}) == "retired_rule"
    assert rules.reason_text({"code": "new_mobile", "params": {}}) != ""  # missing parameters never break a page


def test_the_policy_weights_decide_the_score(filled):
    f = facts(filled(category="5732"), {CheckKind.BANK_CARD: Outcome.MISMATCH})
    assert rules.score(f, rules.DEFAULT_WEIGHTS)[0] == 65
    score, reasons = rules.score(f, {**rules.DEFAULT_WEIGHTS, "watched_category": 70})
    assert score == 110 and reasons[0]["code"] == "watched_category"
