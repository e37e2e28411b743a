"""Moving, cancelling and reassigning a visit: the applicant until 24 h before, staff at any time."""

import pytest
import time_machine

from applications.choices import Status
from core.errors import ConditionsNotMet, RoleRefused
from installations import services
from installations.models import Visit, VisitStatus
from notifications.models import Notification
from tests.visit_fixtures import at, give_profile


@pytest.fixture
def booked(approved):
    services.installation_schedule(application=approved, by=approved.applicant, starts_at=at(9, 11))
    approved.refresh_from_db()
    return approved


def test_the_applicant_moves_the_visit_more_than_24_hours_ahead(booked):
    visit = services.installation_reschedule(application=booked, by=booked.applicant, starts_at=at(10, 13))
    assert visit.starts_at == at(10, 13)
    assert list(booked.visits.order_by("pk").values_list("status", flat=True)) == [
        VisitStatus.CANCELLED,
        VisitStatus.BOOKED,
    ]


def test_the_old_slot_is_free_again_after_a_move(booked, application_in, other_applicant):
    services.installation_reschedule(application=booked, by=booked.applicant, starts_at=at(10, 13))
    other = application_in(Status.APPROVED, owner=other_applicant)
    assert services.installation_schedule(application=other, by=other_applicant, starts_at=at(9, 11))


@pytest.mark.parametrize("action", ["move", "cancel"])
def test_the_applicant_cannot_change_a_visit_less_than_24_hours_ahead(booked, snapshot, action):
    with time_machine.travel(at(8, 12), tick=False):
        before = snapshot(booked)
        with pytest.raises(ConditionsNotMet) as refusal:
            if action == "move":
                services.installation_reschedule(application=booked, by=booked.applicant, starts_at=at(11, 9))
            else:
                services.installation_cancel(application=booked, by=booked.applicant)
        assert "starts in less than 24 hours" in str(refusal.value)
        before.assert_unchanged()
        assert booked.visits.get().status == VisitStatus.BOOKED


def test_staff_may_move_a_visit_within_24_hours(booked, reviewer):
    with time_machine.travel(at(8, 12), tick=False):
        visit = services.installation_reschedule(
            application=booked, by=reviewer, starts_at=at(8, 15), outside_windows=True
        )
    assert visit.starts_at == at(8, 15)


def test_a_move_to_a_booked_slot_keeps_the_old_visit(booked, application_in, other_applicant, snapshot):
    other = application_in(Status.APPROVED, owner=other_applicant)
    services.installation_schedule(application=other, by=other_applicant, starts_at=at(10, 9))
    before = snapshot(booked)
    with pytest.raises(Exception, match="no longer free"):
        services.installation_reschedule(application=booked, by=booked.applicant, starts_at=at(10, 9))
    before.assert_unchanged()
    assert booked.visits.get().starts_at == at(9, 11)


def test_the_applicant_cancels_and_the_application_is_approved_again(booked):
    services.installation_cancel(application=booked, by=booked.applicant, message="closed that week")
    booked.refresh_from_db()
    assert booked.status == Status.APPROVED
    assert booked.visits.get().status == VisitStatus.CANCELLED


def test_staff_reassign_the_visit_to_another_installer_at_the_same_time(
    booked, reviewer, other_installer, admin_user, beijing_installer
):
    give_profile(other_installer, admin_user)
    outbox = Notification.objects.count()
    visit = services.installation_reassign(application=booked, by=reviewer, installer=other_installer)
    assert (visit.installer, visit.starts_at) == (other_installer, at(9, 11))
    sent = list(Notification.objects.order_by("pk")[outbox:].values_list("recipient_id", "template"))
    assert (other_installer.pk, "installation.assigned") in sent
    assert (beijing_installer.pk, "installation.cancelled") in sent


def test_the_applicant_cannot_reassign(booked, other_installer, admin_user, snapshot):
    give_profile(other_installer, admin_user)
    before = snapshot(booked)
    with pytest.raises(RoleRefused):
        services.installation_reassign(application=booked, by=booked.applicant, installer=other_installer)
    before.assert_unchanged()


def test_a_reassignment_to_a_busy_installer_is_refused(
    booked, reviewer, other_installer, admin_user, application_in, other_applicant, snapshot
):
    give_profile(other_installer, admin_user, days=(5, 6))  # weekends only
    before = snapshot(booked)
    with pytest.raises(ConditionsNotMet, match="does not start visits at that time"):
        services.installation_reassign(application=booked, by=reviewer, installer=other_installer)
    before.assert_unchanged()
    assert Visit.objects.get(application=booked).status == VisitStatus.BOOKED
