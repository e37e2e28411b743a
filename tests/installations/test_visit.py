"""The visit from check-in to a live terminal, and its steps out of order."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from applications.choices import Status
from core.errors import ConditionsNotMet, InvalidState, RoleRefused
from installations import services
from installations.models import TRAINING_TOPICS, TrainingRecord, VisitStatus
from notifications.models import Notification
from terminals.models import TerminalStatus
from tests.visit_fixtures import at_visit_time

ALL_TOPICS = [key for key, _label in TRAINING_TOPICS]


def test_check_in_moves_the_application_to_configuring_and_stamps_the_visit(clock, application_in, beijing_installer):
    app = application_in(Status.INSTALLATION_SCHEDULED)
    at_visit_time(clock, app)
    services.installation_start(application=app, by=beijing_installer)
    app.refresh_from_db()
    assert app.status == Status.CONFIGURING
    assert app.visits.get().checked_in_at is not None


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-timedelta(days=1), "Check-in: opens at"),
        (-timedelta(minutes=61), "Check-in: opens at"),
        (timedelta(days=1), "is long past"),
    ],
)
def test_check_in_far_from_the_visit_time_is_refused_and_changes_nothing(
    clock, application_in, beijing_installer, snapshot, settings, offset, expected
):
    settings.VISIT_CHECK_IN_EARLY_MINUTES = 60
    app = application_in(Status.INSTALLATION_SCHEDULED)
    visit = app.visits.get(status=VisitStatus.BOOKED)
    clock.move_to(visit.starts_at + offset)
    before = snapshot(app)
    with pytest.raises(ConditionsNotMet) as refusal:
        services.installation_start(application=app, by=beijing_installer)
    assert expected in str(refusal.value)
    before.assert_unchanged()
    assert app.visits.get(status=VisitStatus.BOOKED).checked_in_at is None


def test_check_in_opens_the_set_minutes_before_the_visit(clock, application_in, beijing_installer, settings):
    settings.VISIT_CHECK_IN_EARLY_MINUTES = 60
    app = application_in(Status.INSTALLATION_SCHEDULED)
    clock.move_to(app.visits.get(status=VisitStatus.BOOKED).starts_at - timedelta(minutes=59))
    services.installation_start(application=app, by=beijing_installer)
    app.refresh_from_db()
    assert app.status == Status.CONFIGURING


def test_another_installer_cannot_check_in(clock, application_in, beijing_installer, other_installer, snapshot):
    app = application_in(Status.INSTALLATION_SCHEDULED)
    before = snapshot(app)
    with pytest.raises(RoleRefused):
        services.installation_start(application=app, by=other_installer)
    before.assert_unchanged()


def test_training_then_completion_makes_the_application_and_terminal_active(clock, application_in, beijing_installer):
    app = application_in(Status.TRAINING)
    services.installation_record_training(
        application=app, by=beijing_installer, topics=ALL_TOPICS, confirmed_by_name=f" {app.legal_name} "
    )
    outbox = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
    services.installation_complete_training(application=app, by=beijing_installer)
    app.refresh_from_db()
    assert app.status == Status.ACTIVE
    assert app.terminals.get().status == TerminalStatus.ACTIVE
    assert app.visits.get().status == VisitStatus.DONE
    assert Notification.objects.filter(pk__gt=outbox, recipient=app.applicant, template="terminal.active").exists()
    assert [e.to_status for e in app.terminals.get().events.all()] == [
        TerminalStatus.IN_STOCK,
        TerminalStatus.ASSIGNED,
        TerminalStatus.CONFIGURED,
        TerminalStatus.ACTIVE,
    ]


@pytest.mark.parametrize(
    ("topics", "name", "expected"),
    [
        (ALL_TOPICS[:-1], "王小明", "Still to cover"),
        (ALL_TOPICS, "  ", "Merchant's name: the merchant types their own name"),
        (ALL_TOPICS, "刘安装", "Merchant's name: it must be the name on the application"),
    ],
)
def test_training_needs_every_topic_and_the_merchants_own_name(
    clock, application_in, beijing_installer, snapshot, topics, name, expected
):
    app = application_in(Status.TRAINING)
    before = snapshot(app)
    with pytest.raises(ConditionsNotMet) as refusal:
        services.installation_record_training(
            application=app, by=beijing_installer, topics=topics, confirmed_by_name=name
        )
    assert expected.lower() in str(refusal.value).lower()
    before.assert_unchanged()
    assert not TrainingRecord.objects.exists()


def test_the_visit_cannot_complete_before_the_training_is_recorded(clock, application_in, beijing_installer, snapshot):
    app = application_in(Status.TRAINING)
    before = snapshot(app)
    with pytest.raises(ConditionsNotMet, match="record the training checklist"):
        services.installation_complete_training(application=app, by=beijing_installer)
    before.assert_unchanged()


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (Status.INSTALLATION_SCHEDULED, "complete_configuration"),
        (Status.INSTALLATION_SCHEDULED, "training"),
        (Status.CONFIGURING, "training"),
        (Status.CONFIGURING, "check_in"),
        (Status.TRAINING, "check_in"),
    ],
)
def test_a_step_out_of_order_is_refused_and_the_visit_stays_resumable(
    clock, application_in, beijing_installer, snapshot, state, step
):
    app = application_in(state)
    before = snapshot(app)
    run = {
        "check_in": lambda: services.installation_start(application=app, by=beijing_installer),
        "complete_configuration": lambda: services.installation_complete_configuration(
            application=app, by=beijing_installer
        ),
        "training": lambda: services.installation_record_training(
            application=app, by=beijing_installer, topics=ALL_TOPICS, confirmed_by_name=app.legal_name
        ),
    }[step]
    with pytest.raises(InvalidState):
        run()
    before.assert_unchanged()


def test_a_visit_names_its_time_in_beijing_time(clock, application_in):
    visit = application_in(Status.INSTALLATION_SCHEDULED).visits.get()
    beijing = visit.starts_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert str(visit).endswith(f"@ {beijing:%Y-%m-%d %H:%M}")  # as on every page, not in UTC
