"""Every transition from every state: allowed when state and role fit, refused otherwise,
with nothing changed; one history row per transition with who, when, from and to."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from applications import services as app
from applications.choices import Status
from core.errors import InvalidState, RoleRefused
from installations import services as inst
from installations.models import TRAINING_TOPICS
from installations.samples import visit_takes_place_now
from installations.selectors import free_slots
from terminals.services import signin_record
from tests.conftest import history_of


def _future(days: int) -> timezone.datetime:
    return (timezone.now() + timedelta(days=days)).replace(hour=10, minute=0, second=0, microsecond=0)


def _first_free_slot(application) -> timezone.datetime:
    slots = free_slots(application)  # none before approval: no installer covers the area yet
    return slots[0].starts_at if slots else _future(3)


@dataclass(frozen=True)
class Case:
    sources: tuple[Status, ...]
    target: Status | None  # None: same state (reschedule)
    actor: str  # fixture name of someone allowed
    outsider: str  # fixture name of someone whose role does not fit
    run: Callable  # (application, by, people) -> None


def _ticked(application, by):
    """The checklist ticked by `by` (refused, with nothing changed, when `by` may not tick it)."""
    return app.application_save_checklist(
        application=application, by=by, checks=dict.fromkeys(app.REVIEW_CHECKLIST, True)
    )


def _configure_then(fn):
    def run(a, by, people):
        if a.status == Status.CONFIGURING:
            signin_record(application=a, by=people["installer"], response_code="00")
        return fn(a, by, people)

    return run


CASES: dict[str, Case] = {
    "submit": Case(
        (Status.DRAFT, Status.CHANGES_REQUESTED), Status.SUBMITTED, "applicant", "other_applicant",
        lambda a, by, p: app.application_submit(application=a, by=by),
    ),
    "withdraw": Case(
        (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED), Status.WITHDRAWN, "applicant", "reviewer",
        lambda a, by, p: app.application_withdraw(application=a, by=by),
    ),
    "claim": Case(
        (Status.SUBMITTED,), Status.IN_REVIEW, "other_reviewer", "installer",
        lambda a, by, p: app.application_claim(application=a, by=by),
    ),
    "release": Case(
        (Status.IN_REVIEW,), Status.SUBMITTED, "reviewer", "other_reviewer",
        lambda a, by, p: app.application_release(application=a, by=by),
    ),
    "approve": Case(
        (Status.IN_REVIEW,), Status.APPROVED, "reviewer", "other_reviewer",
        lambda a, by, p: app.application_approve(application=_ticked(a, by), by=by, message="ok"),
    ),
    "reject": Case(
        (Status.IN_REVIEW,), Status.REJECTED, "reviewer", "other_reviewer",
        lambda a, by, p: app.application_reject(application=a, by=by, reason="risk", message="no"),
    ),
    "request_changes": Case(
        (Status.IN_REVIEW,), Status.CHANGES_REQUESTED, "reviewer", "other_reviewer",
        lambda a, by, p: app.application_request_changes(application=a, by=by, fields=["storefront"], message="dark"),
    ),
    "schedule_installation": Case(
        (Status.APPROVED,), Status.INSTALLATION_SCHEDULED, "applicant", "other_applicant",
        lambda a, by, p: inst.installation_schedule(application=a, by=by, starts_at=_first_free_slot(a)),
    ),
    "reschedule": Case(
        (Status.INSTALLATION_SCHEDULED,), None, "support", "other_applicant",
        lambda a, by, p: inst.installation_reschedule(application=a, by=by, starts_at=_future(31), outside_windows=True),
    ),
    "cancel_installation": Case(
        (Status.INSTALLATION_SCHEDULED,), Status.APPROVED, "applicant", "installer",
        lambda a, by, p: inst.installation_cancel(application=a, by=by),
    ),
    "start_installation": Case(
        (Status.INSTALLATION_SCHEDULED,), Status.CONFIGURING, "installer", "applicant",
        lambda a, by, p: (visit_takes_place_now(a), inst.installation_start(application=a, by=by))[1],
    ),
    "complete_configuration": Case(
        (Status.CONFIGURING,), Status.TRAINING, "installer", "applicant",
        _configure_then(lambda a, by, p: inst.installation_complete_configuration(application=a, by=by)),
    ),
    "complete_training": Case(
        (Status.TRAINING,), Status.ACTIVE, "installer", "applicant",
        lambda a, by, p: inst.installation_complete_training(
            application=a, by=by, topics=[k for k, _ in TRAINING_TOPICS], confirmed_by_name="王小明"
        ),
    ),
    "suspend": Case(
        (Status.ACTIVE,), Status.SUSPENDED, "support", "applicant",
        lambda a, by, p: app.application_suspend(application=a, by=by, message="fraud check"),
    ),
    "reinstate": Case(
        (Status.SUSPENDED,), Status.ACTIVE, "support", "installer",
        lambda a, by, p: app.application_reinstate(application=a, by=by),
    ),
}  # fmt: skip

ALLOWED = [(name, state) for name, case in CASES.items() for state in case.sources]
REFUSED_STATE = [(name, state) for name, case in CASES.items() for state in Status if state not in case.sources]


@pytest.fixture
def people(request, applicant, other_applicant, reviewer, other_reviewer, installer, other_installer, support):
    return {
        "applicant": applicant,
        "other_applicant": other_applicant,
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "installer": installer,
        "other_installer": other_installer,
        "support": support,
    }


def test_the_table_covers_every_transition_of_the_model():
    from applications.models import MerchantApplication

    names = {t.name for t in MerchantApplication._meta.get_field("status").get_all_transitions(MerchantApplication)}
    assert names == set(CASES)


@pytest.mark.parametrize(("name", "state"), ALLOWED)
def test_it_fires_when_the_state_and_the_role_fit(name, state, people, application_in):
    case = CASES[name]
    application = application_in(state)
    before = len(history_of(application))
    by = people[case.actor]

    case.run(application, by, people)

    application.refresh_from_db()
    target = case.target or state
    assert application.status == target
    history = history_of(application)
    assert len(history) == before + 1
    row = history[-1]
    assert (row.transition, row.source_state, row.state, row.by) == (name, state, target, by)
    assert abs(row.timestamp - timezone.now()) < timedelta(minutes=1)


@pytest.mark.parametrize(("name", "state"), ALLOWED)
def test_it_refuses_someone_whose_role_does_not_fit_and_changes_nothing(name, state, people, application_in, snapshot):
    case = CASES[name]
    application = application_in(state)
    before = snapshot(application)

    with pytest.raises(RoleRefused) as refusal:
        case.run(application, people[case.outsider], people)

    assert refusal.value.message
    before.assert_unchanged()


@pytest.mark.parametrize(("name", "state"), REFUSED_STATE)
def test_it_refuses_a_transition_from_a_state_that_has_none_and_changes_nothing(
    name, state, people, application_in, snapshot
):
    case = CASES[name]
    application = application_in(state)
    before = snapshot(application)

    with pytest.raises(InvalidState) as refusal:
        case.run(application, people[case.actor], people)

    assert application.get_status_display() in refusal.value.message
    before.assert_unchanged()


def test_an_administrator_may_fire_any_role_s_transition(admin_user, application_in):
    application = application_in(Status.SUBMITTED)
    app.application_claim(application=application, by=admin_user)
    application.refresh_from_db()
    app.application_approve(application=_ticked(application, admin_user), by=admin_user)
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    assert len(application.merchant_id) == 15
